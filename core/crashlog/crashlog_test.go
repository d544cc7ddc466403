package crashlog

import (
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mailoauth/mailoauth-tester/core/profile"
)

// Child modes: the test binary runs itself with childEnv set to one of these
// to crash (or not) for real.
const (
	childEnv = "CRASHLOG_TEST_CHILD"
	dirEnv   = "CRASHLOG_TEST_DIR"
)

// testSecret is the client secret the "secret" child holds while it crashes.
const testSecret = "Qx8Q~crash-log-secret-0123456789abcdefghi"

func TestMain(m *testing.M) {
	if mode := os.Getenv(childEnv); mode != "" {
		os.Exit(child(mode, os.Getenv(dirEnv)))
	}
	os.Exit(m.Run())
}

// child starts a recorder and then ends the way mode says.
func child(mode, dir string) int {
	r, err := Store{Dir: dir}.Start("crashlog-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 100
	}
	switch mode {
	case "clean":
		if err := r.Close(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 101
		}
		return 0
	case "exit": // ends without Close, as a killed program would
		return 3
	case "panic":
		panic("boom in the window")
	case "goroutine-panic":
		done := make(chan struct{})
		go func() {
			var m map[string]int
			m["x"] = 1 // assignment to entry in nil map
			close(done)
		}()
		<-done
	case "fatal":
		var mu sync.Mutex
		mu.Unlock() // fatal error: sync: unlock of unlocked mutex
	case "secret":
		secretCrash()
	case "sigquit":
		sigquit()
	}
	return 102
}

// secretCrash holds a profile with a client secret and a token on several
// goroutines' stacks, as a run does, and then panics.
func secretCrash() {
	p := profile.Profile{Tenant: "contoso.onmicrosoft.com", ClientID: "11111111-2222-3333-4444-555555555555", ClientSecret: testSecret, Password: testSecret}
	token := []byte("eyJ0eXAiOiJKV1QifQ." + base64.RawURLEncoding.EncodeToString([]byte(testSecret)))
	ready := make(chan struct{}, 2)
	go holdProfile(p, ready)
	go holdToken(string(token), token, ready)
	<-ready
	<-ready
	usesProfile(&p, testSecret)
}

//go:noinline
func holdProfile(p profile.Profile, ready chan<- struct{}) {
	ready <- struct{}{}
	select {}
}

//go:noinline
func holdToken(tok string, raw []byte, ready chan<- struct{}) {
	ready <- struct{}{}
	select {}
}

//go:noinline
func usesProfile(p *profile.Profile, secret string) {
	if len(secret) == len(p.ClientSecret) {
		panic("engine: unexpected state")
	}
}

// runChild runs the test binary as a child in mode and returns its exit
// code and standard error.
func runChild(t *testing.T, dir, mode string, env ...string) (int, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+mode, dirEnv+"="+dir)
	cmd.Env = append(cmd.Env, env...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return 0, stderr.String()
	case errors.As(err, &exit):
		return exit.ExitCode(), stderr.String()
	default:
		t.Fatalf("run child %s: %v", mode, err)
		return 0, ""
	}
}

// crashFiles lists crash-*.log in dir.
func crashFiles(t *testing.T, dir string) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(dir, "crash-*.log"))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestCrashIsRecorded(t *testing.T) {
	tests := []struct {
		mode        string
		wantSummary string
		wantStderr  string
		wantText    []string
	}{
		{"panic", "panic: boom in the window", "panic: boom in the window", []string{"goroutine 1 [running]", "crashlog.child"}},
		{"goroutine-panic", "panic: assignment to entry in nil map", "panic: assignment to entry in nil map", []string{"goroutine", "crashlog.child.func"}},
		// The runtime writes the "fatal error:" line to standard error
		// only (golang/go#76859); the trace reaches the file.
		{"fatal", fatalSummary, "fatal error: sync: unlock of unlocked mutex", []string{"goroutine 1 [running]", "sync.(*Mutex).Unlock"}},
	}
	for _, tt := range tests {
		t.Run(tt.mode, func(t *testing.T) {
			dir := t.TempDir()
			code, stderr := runChild(t, dir, tt.mode)
			if code == 0 || code >= 100 {
				t.Fatalf("child exit code = %d, want a crash; stderr:\n%s", code, stderr)
			}
			s := Store{Dir: dir}
			pending, err := s.Pending()
			if err != nil {
				t.Fatal(err)
			}
			if len(pending) != 1 {
				t.Fatalf("Pending() = %d logs, want 1 (files %v)", len(pending), crashFiles(t, dir))
			}
			l := pending[0]
			if l.Summary != tt.wantSummary {
				t.Errorf("Summary = %q, want %q", l.Summary, tt.wantSummary)
			}
			if age := time.Since(l.Started); age < 0 || age > time.Hour {
				t.Errorf("Started = %v, want about now", l.Started)
			}
			data, err := os.ReadFile(l.Path)
			if err != nil {
				t.Fatal(err)
			}
			text := string(data)
			for _, want := range append([]string{"Mail OAuth Tester crash log", "program: crashlog-test", "version: ", "os: ", marker}, tt.wantText...) {
				if !strings.Contains(text, want) {
					t.Errorf("crash log lacks %q:\n%s", want, text)
				}
			}
			if !strings.Contains(stderr, tt.wantStderr) {
				t.Errorf("standard error lacks %q (the crash must still go there too):\n%s", tt.wantStderr, stderr)
			}
			if fi, err := os.Stat(l.Path); err != nil {
				t.Fatal(err)
			} else if perm := fi.Mode().Perm(); perm&0o077 != 0 && os.PathSeparator == '/' {
				t.Errorf("crash log mode = %v, want readable by the owner only", perm)
			}
		})
	}
}

func TestNormalExitLeavesNoLog(t *testing.T) {
	dir := t.TempDir()
	if code, stderr := runChild(t, dir, "clean"); code != 0 {
		t.Fatalf("child exit code = %d, want 0; stderr:\n%s", code, stderr)
	}
	if files := crashFiles(t, dir); len(files) != 0 {
		t.Errorf("after a normal exit the folder holds %v, want no crash log", files)
	}
}

func TestEndedRunWithoutCrashIsPruned(t *testing.T) {
	dir := t.TempDir()
	if code, stderr := runChild(t, dir, "exit"); code != 3 {
		t.Fatalf("child exit code = %d, want 3; stderr:\n%s", code, stderr)
	}
	if files := crashFiles(t, dir); len(files) != 1 {
		t.Fatalf("after an exit without Close the folder holds %v, want the empty log", files)
	}
	s := Store{Dir: dir}
	if p, err := s.Pending(); err != nil || len(p) != 0 {
		t.Fatalf("Pending() = %v, %v, want nothing: the run did not crash", p, err)
	}
	// The next run's Start cleans it up: the child has ended.
	if code, stderr := runChild(t, dir, "clean"); code != 0 {
		t.Fatalf("second child exit code = %d, want 0; stderr:\n%s", code, stderr)
	}
	if files := crashFiles(t, dir); len(files) != 0 {
		t.Fatalf("after the next run the folder holds %v, want nothing", files)
	}
	// Prune keeps the empty log of a process still running.
	if code, _ := runChild(t, dir, "exit"); code != 3 {
		t.Fatalf("third child exit code = %d, want 3", code)
	}
	running := writeLog(t, dir, time.Now(), os.Getpid(), "")
	if err := s.Prune(); err != nil {
		t.Fatal(err)
	}
	if files := crashFiles(t, dir); len(files) != 1 || files[0] != running {
		t.Errorf("after Prune the folder holds %v, want only the running process's %s", files, running)
	}
}

func TestCrashLogHoldsNoSecret(t *testing.T) {
	dir := t.TempDir()
	code, stderr := runChild(t, dir, "secret", "GOTRACEBACK=all")
	if code != 2 {
		t.Fatalf("child exit code = %d, want 2; stderr:\n%s", code, stderr)
	}
	pending, err := Store{Dir: dir}.Pending()
	if err != nil || len(pending) != 1 {
		t.Fatalf("Pending() = %v, %v, want one log", pending, err)
	}
	data, err := os.ReadFile(pending[0].Path)
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	// The goroutines holding the secret must be in the trace, else the
	// test proves nothing.
	for _, want := range []string{"crashlog.holdProfile(", "crashlog.holdToken(", "crashlog.usesProfile("} {
		if !strings.Contains(text, want) {
			t.Fatalf("crash log lacks %q, so the secret was not on a traced stack:\n%s", want, text)
		}
	}
	for _, leak := range []string{testSecret, testSecret[:12], base64.StdEncoding.EncodeToString([]byte(testSecret)), base64.RawURLEncoding.EncodeToString([]byte(testSecret))[:16]} {
		if strings.Contains(text, leak) || strings.Contains(stderr, leak) {
			t.Errorf("crash output contains %q", leak)
		}
	}
}

func TestKeepsNewestCrashLogs(t *testing.T) {
	dir := t.TempDir()
	t0 := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	var paths []string
	for i := range 5 {
		paths = append(paths, writeLog(t, dir, t0.Add(time.Duration(i)*time.Minute), 1000+i, "panic: crash "+fmt.Sprint(i)))
	}
	emptyDead := writeLog(t, dir, t0.Add(10*time.Minute), 2000, "")
	emptyLive := writeLog(t, dir, t0.Add(11*time.Minute), 2001, "")
	foreign := filepath.Join(dir, "crash-notes.log")
	if err := os.WriteFile(foreign, []byte("mine"), 0o600); err != nil {
		t.Fatal(err)
	}
	s := Store{Dir: dir, Keep: 3, alive: func(pid int) bool { return pid == 2001 }}
	if err := s.MarkSeen(Log{Path: paths[0]}, Log{Path: paths[4]}); err != nil {
		t.Fatal(err)
	}
	if err := s.Prune(); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{paths[0], paths[1], emptyDead} {
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Errorf("%s still exists after Prune (err %v)", filepath.Base(p), err)
		}
	}
	for _, p := range []string{paths[2], paths[3], paths[4], emptyLive, foreign} {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("%s removed by Prune: %v", filepath.Base(p), err)
		}
	}
	logs, err := s.Logs()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, l := range logs {
		got = append(got, fmt.Sprintf("%s seen=%v", l.Summary, l.Seen))
	}
	want := []string{"panic: crash 4 seen=true", "panic: crash 3 seen=false", "panic: crash 2 seen=false"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("Logs() = %q, want %q", got, want)
	}
	seen, err := os.ReadFile(filepath.Join(dir, seenName))
	if err != nil {
		t.Fatal(err)
	}
	if strings.TrimSpace(string(seen)) != filepath.Base(paths[4]) {
		t.Errorf("seen list = %q, want only the kept %s", seen, filepath.Base(paths[4]))
	}
}

func TestMarkSeen(t *testing.T) {
	dir := t.TempDir()
	t0 := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	writeLog(t, dir, t0, 1, "panic: first")
	writeLog(t, dir, t0.Add(time.Second), 2, "fatal error: second")
	s := Store{Dir: dir, alive: func(int) bool { return false }}
	pending, err := s.Pending()
	if err != nil || len(pending) != 2 || pending[0].Summary != "fatal error: second" {
		t.Fatalf("Pending() = %+v, %v, want both, newest first", pending, err)
	}
	if err := s.MarkSeen(pending[0]); err != nil {
		t.Fatal(err)
	}
	pending, err = s.Pending()
	if err != nil || len(pending) != 1 || pending[0].Summary != "panic: first" {
		t.Fatalf("after MarkSeen, Pending() = %+v, %v, want only the first", pending, err)
	}
	if err := s.MarkSeen(pending...); err != nil {
		t.Fatal(err)
	}
	if pending, err = s.Pending(); err != nil || len(pending) != 0 {
		t.Fatalf("after MarkSeen of all, Pending() = %+v, %v, want none", pending, err)
	}
	logs, err := s.Logs()
	if err != nil || len(logs) != 2 {
		t.Errorf("Logs() = %+v, %v, want both files kept", logs, err)
	}
}

func TestEmptyOrMissingFolder(t *testing.T) {
	s := Store{Dir: filepath.Join(t.TempDir(), "not-yet")}
	if p, err := s.Pending(); err != nil || len(p) != 0 {
		t.Errorf("Pending() in a missing folder = %v, %v, want nothing", p, err)
	}
	if err := s.Prune(); err != nil {
		t.Errorf("Prune() in a missing folder = %v", err)
	}
	if _, err := (Store{}).Start("x"); err == nil {
		t.Error("Start() without a folder succeeded, want an error")
	}
}

func TestDefaultStore(t *testing.T) {
	cache := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", cache)
	t.Setenv("HOME", cache)
	t.Setenv("LocalAppData", cache)
	s, err := DefaultStore()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(s.Dir, string(filepath.Separator)+"mailoauth") || !strings.HasPrefix(s.Dir, cache) {
		t.Errorf("DefaultStore().Dir = %q, want %s/…/mailoauth", s.Dir, cache)
	}
}

func TestScrub(t *testing.T) {
	jwt := "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL291dGxvb2sub2ZmaWNlMzY1LmNvbSJ9.c2lnbmF0dXJlc2lnbmF0dXJl"
	tests := []struct {
		name, in, want string
	}{
		{"amd64 registers", "SIGQUIT: quit\nPC=0x46b2c1 m=0 sigcode=0\n\nrax    0xca\nrbx    0x0\nr10    0x0\nrip    0x46b2c1\nrflags 0x286\ncs     0x33\n", "SIGQUIT: quit\nPC=0x46b2c1 m=0 sigcode=0\n\n"},
		{"arm64 registers", "r0      0x4\nr28     0xc000002380\nlr      0x1234\nsp      0x16fdff4c0\npc      0x1029\nfault   0x0\n", ""},
		{"trace untouched", "goroutine 1 [running]:\nmain.f({0x4b3b2e?, 0x28?})\n\t/src/main.go:12 +0x1d\ncreated by main.main in goroutine 1\n", "goroutine 1 [running]:\nmain.f({0x4b3b2e?, 0x28?})\n\t/src/main.go:12 +0x1d\ncreated by main.main in goroutine 1\n"},
		{"token in a panic value", "panic: bad token " + jwt + "\n", "panic: bad token eyJ…(" + fmt.Sprint(len(jwt)) + " chars)\n"},
		{"secret field", "panic: client_secret=abcdefgh12345678 rejected\n", "panic: client_secret=abc…(16 chars) rejected\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := scrub(tt.in); got != tt.want {
				t.Errorf("scrub() =\n%q\nwant\n%q", got, tt.want)
			}
		})
	}
}

func TestLongLogIsCut(t *testing.T) {
	defer func(n int) { readMax = n }(readMax)
	readMax = 64 << 10
	dir := t.TempDir()
	body := "panic: big\n" + strings.Repeat("goroutine 9 [chan receive]:\nmain.wait()\n", readMax/40) + "rip    0x46b2c1\n"
	path := writeLog(t, dir, time.Now(), 1, body)
	s := Store{Dir: dir, alive: func(int) bool { return false }}
	logs, err := s.Logs()
	if err != nil || len(logs) != 1 {
		t.Fatalf("Logs() = %v, %v, want one", logs, err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(data) > readMax+100 || !strings.Contains(string(data), "[crash log cut here, at 64 KiB]") || strings.Contains(string(data), "rip ") {
		t.Errorf("log of %d bytes after Logs(): want it cut at %d with a note and no register line", len(data), readMax)
	}
	if logs[0].Summary != "panic: big" {
		t.Errorf("Summary = %q", logs[0].Summary)
	}
}

func TestParseName(t *testing.T) {
	tests := []struct {
		name string
		ok   bool
		pid  int
	}{
		{"crash-20261125T120000.000Z-42.log", true, 42},
		{"crash-20261125T120000.000Z-0.log", false, 0},
		{"crash-20261125T120000.000Z.log", false, 0},
		{"crash-notes.log", false, 0},
		{"crash-20261125T120000.000Z-42.log.tmp", false, 0},
		{"seen", false, 0},
	}
	for _, tt := range tests {
		f, ok := parseName(tt.name)
		if ok != tt.ok || f.pid != tt.pid {
			t.Errorf("parseName(%q) = %+v, %v, want pid %d, %v", tt.name, f, ok, tt.pid, tt.ok)
		}
	}
}

func TestOneLine(t *testing.T) {
	long := strings.Repeat("x", 300)
	tests := []struct{ in, want string }{
		{"panic: \x1b[31mred\x1b[0m", "panic:  [31mred [0m"},
		{"  panic: spaced  ", "panic: spaced"},
		{long, strings.Repeat("x", summaryMax-1) + "…"},
	}
	for _, tt := range tests {
		if got := oneLine(tt.in); got != tt.want {
			t.Errorf("oneLine(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// writeLog writes a crash log as Start and the runtime would: the header,
// then output (empty for a run that did not crash).
func writeLog(t *testing.T, dir string, started time.Time, pid int, output string) string {
	t.Helper()
	path := filepath.Join(dir, fmt.Sprintf("%s%s-%d%s", filePrefix, started.UTC().Format(timeLayout), pid, fileSuffix))
	text := header("crashlog-test", started)
	if output != "" {
		text += output + "\n\ngoroutine 1 [running]:\nmain.main()\n"
	}
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// registerDump matches the runtime's register lines in raw crash output.
var registerDump = regexp.MustCompile(`(?m)^(rip|pc|rax|r0) +0x[0-9a-f]+$`)
