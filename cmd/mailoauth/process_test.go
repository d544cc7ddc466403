package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// The tests that need a real process (signals, a terminal, peak memory)
// run the built command. MAILOAUTH_TEST_BIN runs them against another
// build, e.g. an older one to show that a test fails there.
var (
	binOnce sync.Once
	binPath string
	binErr  error
	binDir  string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	if stampedErr == nil && stampedPath != "" {
		os.RemoveAll(filepath.Dir(stampedPath))
	}
	os.Exit(code)
}

// cliBinary builds the command once per test run.
func cliBinary(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("MAILOAUTH_TEST_BIN"); p != "" {
		return p
	}
	binOnce.Do(func() {
		binDir, binErr = os.MkdirTemp("", "mailoauth-test-")
		if binErr != nil {
			return
		}
		binPath = filepath.Join(binDir, "mailoauth")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			binErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}

// proc is a running command whose stderr is watched.
type proc struct {
	cmd     *exec.Cmd
	stdout  bytes.Buffer
	mu      sync.Mutex
	stderr  bytes.Buffer
	changed chan struct{} // receives after each stderr write
	done    chan struct{}
	err     error
	ended   time.Time
}

func (p *proc) Write(b []byte) (int, error) {
	p.mu.Lock()
	p.stderr.Write(b)
	p.mu.Unlock()
	select {
	case p.changed <- struct{}{}:
	default:
	}
	return len(b), nil
}

// Stderr returns what the command wrote on stderr so far.
func (p *proc) Stderr() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.stderr.String()
}

// start runs the command with env added to this process's environment
// (proxies cleared) and stdin (nil: an empty input).
func start(t *testing.T, stdin io.Reader, env []string, args ...string) *proc {
	t.Helper()
	return startWith(t, cliBinary(t), nil, stdin, env, args...)
}

// startWith is start with another program (bin) and extra open files for
// it (from fd 3 on).
func startWith(t *testing.T, bin string, extra []*os.File, stdin io.Reader, env []string, args ...string) *proc {
	t.Helper()
	p := &proc{changed: make(chan struct{}, 1), done: make(chan struct{})}
	p.cmd = exec.Command(bin, args...)
	p.cmd.ExtraFiles = extra
	p.cmd.Env = append(append(os.Environ(), "HTTPS_PROXY=", "HTTP_PROXY=", "https_proxy=", "http_proxy=", "NO_PROXY=*"), env...)
	p.cmd.Stdin, p.cmd.Stdout, p.cmd.Stderr = stdin, &p.stdout, p
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		p.err = p.cmd.Wait()
		p.ended = time.Now()
		close(p.done)
	}()
	t.Cleanup(func() {
		select {
		case <-p.done:
		default:
			p.cmd.Process.Kill()
			<-p.done
		}
	})
	return p
}

// waitStderr waits until stderr holds want (the command is then at the
// point the test wants to interrupt), or fails after limit.
func (p *proc) waitStderr(t *testing.T, want string, limit time.Duration) {
	t.Helper()
	deadline := time.NewTimer(limit)
	defer deadline.Stop()
	for !strings.Contains(p.Stderr(), want) {
		select {
		case <-p.changed:
		case <-p.done:
			if !strings.Contains(p.Stderr(), want) {
				t.Fatalf("the command ended (%v) before printing %q; stderr:\n%s", p.err, want, p.Stderr())
			}
		case <-deadline.C:
			t.Fatalf("no %q on stderr after %s; stderr:\n%s", want, limit, p.Stderr())
		}
	}
}

// wait waits for the command to end within limit and returns its exit
// code; it fails (and kills it) if it does not end in time.
func (p *proc) wait(t *testing.T, limit time.Duration) int {
	t.Helper()
	select {
	case <-p.done:
	case <-time.After(limit):
		p.cmd.Process.Kill()
		<-p.done
		t.Fatalf("still running %s later; killed. stderr:\n%s", limit, p.Stderr())
	}
	return p.cmd.ProcessState.ExitCode()
}
