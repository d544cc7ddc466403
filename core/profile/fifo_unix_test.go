//go:build unix

package profile

import (
	"syscall"
	"testing"
)

// mkfifo makes a named pipe at path; it reports false where there are none.
func mkfifo(t *testing.T, path string) bool {
	t.Helper()
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Fatal(err)
	}
	return true
}
