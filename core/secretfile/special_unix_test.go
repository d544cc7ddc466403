//go:build unix

package secretfile

import (
	"net"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// specialFiles makes a named pipe (opening it would block), a socket, and
// names a device.
func specialFiles(t *testing.T, dir string) map[string]string {
	out := map[string]string{"device": os.DevNull}
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	out["named pipe (must not block)"] = fifo
	sock := filepath.Join(dir, "s.sock")
	ln, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	out["socket"] = sock
	return out
}
