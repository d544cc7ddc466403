//go:build linux

package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"github.com/mailoauth/mailoauth-tester/core/simulate"
)

// cancelWithin is how fast an interrupted wait must end.
const cancelWithin = time.Second

// openPTY opens a pseudo-terminal and returns its controlling side and the
// terminal side (what the command gets as standard input).
func openPTY(t *testing.T) (ptm, pts *os.File) {
	t.Helper()
	ptm, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals here: %v", err)
	}
	var n uint32
	if err := ioctl(ptm, syscall.TIOCGPTN, unsafe.Pointer(&n)); err != nil {
		t.Fatal(err)
	}
	var unlock int32
	if err := ioctl(ptm, syscall.TIOCSPTLCK, unsafe.Pointer(&unlock)); err != nil {
		t.Fatal(err)
	}
	pts, err = os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pts.Close(); ptm.Close() })
	return ptm, pts
}

func ioctl(f *os.File, req uintptr, arg unsafe.Pointer) error {
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, f.Fd(), req, uintptr(arg)); e != 0 {
		return e
	}
	return nil
}

// echoOn reports whether the terminal echoes what is typed.
func echoOn(t *testing.T, tty *os.File) bool {
	t.Helper()
	var tio syscall.Termios
	if err := ioctl(tty, syscall.TCGETS, unsafe.Pointer(&tio)); err != nil {
		t.Fatal(err)
	}
	return tio.Lflag&syscall.ECHO != 0
}

// fakeArgs pass validation without contacting anything before the prompt.
var fakeArgs = []string{"check", "--tenant", "72f988bf-86f1-41af-91ab-2d7cd011db47", "--client-id", "396c2760-2fa5-4948-b9d5-9839a7440836",
	"--mailbox", "support@contoso.com", "--authority-host", "https://127.0.0.1:9", "--imap-host", "127.0.0.1:9", "--pop-host", "127.0.0.1:9", "--smtp-host", "127.0.0.1:9"}

// TestInterruptEveryWait: Ctrl+C (SIGINT) or SIGTERM at each prompt and
// each wait for input ends the command with exit 130 within a second, and a
// hidden prompt gives the terminal its echo back.
func TestInterruptEveryWait(t *testing.T) {
	sim := startSim(t, simulate.Options{})
	noBrowser := t.TempDir()
	// The sign-in page "opens" without a browser on this machine.
	os.WriteFile(filepath.Join(noBrowser, "xdg-open"), []byte("#!/bin/sh\nexit 0\n"), 0o755)
	path := "PATH=" + noBrowser + string(os.PathListSeparator) + os.Getenv("PATH")
	tests := []struct {
		name   string
		tty    bool // standard input is a terminal (else a pipe that never sends)
		args   []string
		env    []string
		prompt string // what stderr shows when the command waits
		sig    syscall.Signal
	}{
		{"hidden secret prompt", true, fakeArgs, nil, "input hidden", syscall.SIGINT},
		{"hidden secret prompt, SIGTERM", true, fakeArgs, nil, "input hidden", syscall.SIGTERM},
		{"--secret-stdin on a terminal", true, append(fakeArgs, "--secret-stdin"), nil, "input hidden", syscall.SIGINT},
		{"hidden password prompt", true, append(fakeArgs, "--flow", "password"), nil, "Password for support@contoso.com", syscall.SIGINT},
		{"--secret-stdin on a silent pipe", false, append(fakeArgs, "--secret-stdin"), nil, "waiting for the client secret", syscall.SIGINT},
		{"--password-stdin on a silent pipe", false, append(fakeArgs, "--flow", "app-password", "--password-stdin"), nil, "waiting for the password", syscall.SIGTERM},
		{"explain on a silent pipe", false, []string{"explain"}, nil, "waiting for the error text", syscall.SIGINT},
		{"device code", false, append(simArgs(sim)[0:], "--flow", "device-code", "--protocols", "imap"), nil, "enter the code", syscall.SIGINT},
		{"pasted address", false, append(simArgs(sim), "--flow", "auth-code", "--secret-env", "S", "--redirect-uri", "https://ece.contoso.com/oauth/callback", "--protocols", "imap"),
			[]string{"S=" + sim.ClientSecret, path}, "Paste it here", syscall.SIGINT},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var stdin *os.File
			var tty *os.File
			if tt.tty {
				_, tty = openPTY(t)
				stdin = tty
				if !echoOn(t, tty) {
					t.Fatal("a new terminal has no echo")
				}
			} else {
				r, w, err := os.Pipe()
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { r.Close(); w.Close() }) // w stays open: the pipe never ends
				stdin = r
			}
			p := start(t, stdin, tt.env, tt.args...)
			p.waitStderr(t, tt.prompt, 20*time.Second)
			sent := time.Now()
			p.cmd.Process.Signal(tt.sig)
			code := p.wait(t, cancelWithin+2*time.Second)
			if took := p.ended.Sub(sent); took > cancelWithin {
				t.Errorf("ended %s after the signal, want within %s", took.Round(time.Millisecond), cancelWithin)
			}
			if code != exitCancelled {
				t.Errorf("exit %d, want %d\nstderr:\n%s", code, exitCancelled, p.Stderr())
			}
			if tt.tty && !echoOn(t, tty) {
				t.Error("the terminal was left without echo")
			}
		})
	}
}

// TestNamedPipeAsFileIsRefusedAtOnce: a named pipe given as the CA file or
// the certificate (nobody ever writes to it) is a field error right away,
// not a wait.
func TestNamedPipeAsFileIsRefusedAtOnce(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "ca.pem")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		field string
		args  []string
	}{{"ca-file", []string{"--ca-file", fifo, "--secret-env", "S"}}, {"cert", []string{"--cert", fifo}}} {
		t.Run(tt.field, func(t *testing.T) {
			p := start(t, nil, []string{"S=x"}, append(fakeArgs, tt.args...)...)
			if code := p.wait(t, cancelWithin); code != exitUsage {
				t.Errorf("exit %d, want 2\nstderr:\n%s", code, p.Stderr())
			}
			if got := p.Stderr(); !strings.Contains(got, tt.field+":") || !strings.Contains(got, "not a regular file") {
				t.Errorf("stderr = %q, want a %s field error", got, tt.field)
			}
		})
	}
}
