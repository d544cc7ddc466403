//go:build unix

package crashlog

import (
	"os"
	"strings"
	"syscall"
	"testing"
)

// sigquit makes the runtime crash the way a fatal signal does: it prints
// every goroutine and the registers of the signalled thread.
func sigquit() {
	syscall.Kill(os.Getpid(), syscall.SIGQUIT)
	select {}
}

func TestRegisterDumpIsDropped(t *testing.T) {
	dir := t.TempDir()
	code, stderr := runChild(t, dir, "sigquit")
	if code != 2 {
		t.Fatalf("child exit code = %d, want 2; stderr:\n%s", code, stderr)
	}
	files := crashFiles(t, dir)
	if len(files) != 1 {
		t.Fatalf("folder holds %v, want one crash log", files)
	}
	raw, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	if !registerDump.Match(raw) {
		t.Fatalf("the raw crash log shows no register dump, so this test proves nothing:\n%s", raw)
	}
	pending, err := Store{Dir: dir}.Pending()
	if err != nil || len(pending) != 1 {
		t.Fatalf("Pending() = %v, %v, want one log", pending, err)
	}
	if !strings.HasPrefix(pending[0].Summary, "SIGQUIT") {
		t.Errorf("Summary = %q, want SIGQUIT…", pending[0].Summary)
	}
	clean, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	if m := registerDump.Find(clean); m != nil {
		t.Errorf("after Pending the crash log still shows register %q:\n%s", m, clean)
	}
	if !strings.Contains(string(clean), "goroutine ") {
		t.Errorf("scrubbing removed the trace:\n%s", clean)
	}
}
