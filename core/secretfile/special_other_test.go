//go:build !unix

package secretfile

import "testing"

// specialFiles has no pipes or sockets to make outside Unix.
func specialFiles(*testing.T, string) map[string]string { return nil }
