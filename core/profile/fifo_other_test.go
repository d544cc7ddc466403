//go:build !unix

package profile

import "testing"

// mkfifo reports false: this system has no named pipes in the file system.
func mkfifo(*testing.T, string) bool { return false }
