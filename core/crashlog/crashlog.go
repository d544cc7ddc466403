// Package crashlog keeps what the Go runtime prints when Mail OAuth Tester
// crashes, so that the window can offer the log on its next start and a user
// can attach it to a ticket.
//
// A program calls Store.Start as the first thing in main. Start points the
// runtime's crash output (runtime/debug.SetCrashOutput) at a new file
// crash-<UTC time>-<pid>.log in the store's folder — by default
// os.UserCacheDir()/mailoauth — whose first lines name the build (version,
// commit, OS). An unrecovered panic or a fatal error is then written there as
// well as to standard error. Recorder.Close, at a normal exit, removes the file
// again when nothing was written to it. On the next start, Store.Pending lists
// the crash logs not yet shown and Store.MarkSeen records that they were.
// Only the newest Store.Keep crash logs are kept.
//
// # Secrets
//
// A crash log holds no client secret, password or token, by construction:
//
//   - A goroutine trace prints function arguments as raw machine words. A
//     string or []byte argument shows as its address and length
//     ({0xc000012345, 0x28}), never its bytes; a struct such as
//     profile.Profile shows the same words for each string field.
//   - The only text a panic prints is the panic value. The project panics with
//     its own values only when crypto/rand fails (core/auth, core/simulate); the
//     libraries it uses (MSAL Go, go-imap, go-smtp, go-sasl, Fyne) panic with
//     fixed texts or type names, never with credentials. Errors that carry
//     server text are returned as values and shown through core/secret, not
//     panicked with.
//   - A fatal signal (a fault in C code such as the OpenGL driver, a fault in
//     the runtime, or SIGQUIT) also makes the runtime print the faulting
//     thread's general-purpose registers. A register can hold eight bytes of
//     whatever that thread was copying at that instant, so Store drops the
//     register lines from a crash log before it lists it (see scrub).
//   - As a second line of defence every crash log passes through
//     secret.ScrubShapes, which masks token-shaped strings (JWTs, bearer
//     values, client_secret=… fields) should a future panic value carry one.
//
// GOTRACEBACK=system or crash makes the runtime print more (runtime frames,
// and with crash a core dump the operating system may write elsewhere); the
// register lines are still dropped, but a core dump is outside this package.
package crashlog

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/mailoauth/mailoauth-tester/core/secret"
	"github.com/mailoauth/mailoauth-tester/core/version"
)

// DefaultKeep is how many crash logs a Store keeps when Keep is 0: enough to
// see that a crash repeats, few enough to stay small.
const DefaultKeep = 10

// Names inside the store's folder.
const (
	filePrefix = "crash-"
	fileSuffix = ".log"
	seenName   = "crash-seen.txt"
	timeLayout = "20060102T150405.000Z"
	// marker ends the header; the runtime's output follows it. A log with
	// nothing after the marker records a run that did not crash.
	marker = "--- Go runtime output below (nothing below means no crash) ---"
)

// fatalSummary stands for a fatal error whose one-line message the runtime
// did not copy to the crash file.
const fatalSummary = "fatal error (its message went to standard error only; the trace is in the log)"

// summaryMax bounds Log.Summary: it is shown in a one-line prompt.
const summaryMax = 200

// readMax bounds how much of one crash log is read and scrubbed: a trace of
// every goroutine is rarely over a few hundred kilobytes. A variable for the
// test of the cut.
var readMax = 8 << 20

// Store is the folder holding crash logs. The zero value is not usable; use
// DefaultStore or set Dir.
type Store struct {
	Dir  string // folder of the crash logs, created by Start
	Keep int    // crash logs kept; 0 means DefaultKeep

	now   func() time.Time // for tests; nil means time.Now
	alive func(pid int) bool
}

// Log is one crash log: a run that ended in a panic or a fatal error.
type Log struct {
	Path    string    // full path of the file
	Started time.Time // when the crashed program started (UTC)
	Summary string    // first line of the runtime's output, e.g. "panic: …"
	Seen    bool      // MarkSeen was called for it
}

// Recorder is the running program's crash log. Close it at a normal exit.
// A process has one: the runtime has a single crash output, so a second
// Start takes it over from the first.
type Recorder struct {
	path string
}

// DefaultStore is the store in the user's cache folder:
// os.UserCacheDir()/mailoauth (see docs/files.md for each OS).
func DefaultStore() (Store, error) {
	dir, err := os.UserCacheDir()
	if err != nil {
		return Store{}, fmt.Errorf("crashlog: no cache folder for crash logs: %w", err)
	}
	return Store{Dir: filepath.Join(dir, "mailoauth")}, nil
}

// Start creates this run's crash log, sends the runtime's crash output to
// it and then removes leftovers of earlier runs (see Prune). program names
// the executable in the header (e.g. "mailoauth-tester"). The returned
// error says why there is no crash log; a program should report it and run
// on rather than stop. A failed cleanup is not an error here: it leaves old
// files, never loses this run's log, and the next start tries again.
func (s Store) Start(program string) (*Recorder, error) {
	if s.Dir == "" {
		return nil, errors.New("crashlog: no folder given for crash logs")
	}
	if err := os.MkdirAll(s.Dir, 0o700); err != nil {
		return nil, fmt.Errorf("crashlog: create the crash log folder: %w", err)
	}
	started := s.clock().UTC()
	name := fmt.Sprintf("%s%s-%d%s", filePrefix, started.Format(timeLayout), os.Getpid(), fileSuffix)
	path := filepath.Join(s.Dir, name)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("crashlog: create the crash log: %w", err)
	}
	defer f.Close()
	if _, err := io.WriteString(f, header(program, started)); err != nil {
		os.Remove(path)
		return nil, fmt.Errorf("crashlog: write the crash log header: %w", err)
	}
	if err := debug.SetCrashOutput(f, debug.CrashOptions{}); err != nil {
		os.Remove(path)
		return nil, fmt.Errorf("crashlog: send crash output to %s: %w", path, err)
	}
	_ = s.Prune() // best effort, see above; this run's file is kept (its process is alive)
	return &Recorder{path: path}, nil
}

// header names the build and the machine so a crash log stands on its own
// in a ticket. It holds no argument, path or user name.
func header(program string, started time.Time) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Mail OAuth Tester crash log\n")
	fmt.Fprintf(&b, "program: %s\n", program)
	fmt.Fprintf(&b, "version: %s\n", version.Get())
	fmt.Fprintf(&b, "os: %s/%s\n", runtime.GOOS, runtime.GOARCH)
	fmt.Fprintf(&b, "started: %s\n", started.Format(time.RFC3339))
	fmt.Fprintf(&b, "%s\n", marker)
	return b.String()
}

// Path is the file this run's crash output goes to.
func (r *Recorder) Path() string { return r.path }

// Close stops sending crash output to the file and removes the file when
// the run did not crash (nothing follows the header), which is every normal
// exit. Close is for the end of main; after it a crash goes to standard
// error only.
func (r *Recorder) Close() error {
	if err := debug.SetCrashOutput(nil, debug.CrashOptions{}); err != nil {
		return fmt.Errorf("crashlog: stop crash output: %w", err)
	}
	st, err := inspect(r.path)
	if err != nil {
		return err
	}
	if st.crashed {
		return nil
	}
	if err := os.Remove(r.path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("crashlog: remove the empty crash log: %w", err)
	}
	return nil
}

// Logs lists the crash logs in the store, newest first. Runs that did not
// crash are not listed. Each listed file has been scrubbed (register dumps
// dropped, token shapes masked) and rewritten when that changed it.
func (s Store) Logs() ([]Log, error) {
	files, err := s.files()
	if err != nil {
		return nil, err
	}
	seen, err := s.seen()
	if err != nil {
		return nil, err
	}
	var logs []Log
	for _, f := range files {
		st, err := inspect(f.path)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				continue // removed by another instance meanwhile
			}
			return nil, err
		}
		if !st.crashed {
			continue
		}
		if err := scrubFile(f.path); err != nil {
			return nil, err
		}
		logs = append(logs, Log{Path: f.path, Started: f.started, Summary: st.summary, Seen: seen[filepath.Base(f.path)]})
	}
	return logs, nil
}

// Pending lists the crash logs not yet marked seen, newest first: what the
// window offers to open on its next start.
func (s Store) Pending() ([]Log, error) {
	logs, err := s.Logs()
	if err != nil {
		return nil, err
	}
	var pending []Log
	for _, l := range logs {
		if !l.Seen {
			pending = append(pending, l)
		}
	}
	return pending, nil
}

// MarkSeen records that the user was shown these crash logs, so Pending no
// longer lists them. The files stay (the newest Keep of them) for a later
// look.
func (s Store) MarkSeen(logs ...Log) error {
	seen, err := s.seen()
	if err != nil {
		return err
	}
	for _, l := range logs {
		seen[filepath.Base(l.Path)] = true
	}
	return s.writeSeen(seen)
}

// Prune removes the logs of runs that did not crash and have ended (a
// program killed before Close leaves one), and all but the newest Keep crash
// logs. Start calls it; the file of a run still going, including this one,
// is left alone.
func (s Store) Prune() error {
	files, err := s.files()
	if err != nil {
		return err
	}
	keep := s.Keep
	if keep <= 0 {
		keep = DefaultKeep
	}
	crashes := 0
	for _, f := range files { // newest first
		st, err := inspect(f.path)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		remove := false
		switch {
		case err != nil:
			return err
		case st.crashed:
			crashes++
			remove = crashes > keep
		default:
			remove = !s.isAlive(f.pid)
		}
		if remove {
			if err := os.Remove(f.path); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("crashlog: remove an old crash log: %w", err)
			}
		}
	}
	seen, err := s.seen()
	if err != nil {
		return err
	}
	return s.writeSeen(seen) // drops names of removed files
}

// file is one crash-*.log name, parsed.
type file struct {
	path    string
	started time.Time
	pid     int
}

// files lists the store's crash-*.log files, newest first. Names that do
// not parse are not ours and are ignored.
func (s Store) files() ([]file, error) {
	entries, err := os.ReadDir(s.Dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("crashlog: read the crash log folder: %w", err)
	}
	var out []file
	for _, e := range entries {
		if f, ok := parseName(e.Name()); ok && e.Type().IsRegular() {
			f.path = filepath.Join(s.Dir, e.Name())
			out = append(out, f)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].started.Equal(out[j].started) {
			return out[i].started.After(out[j].started)
		}
		return out[i].path > out[j].path
	})
	return out, nil
}

// parseName reads crash-<time>-<pid>.log.
func parseName(name string) (file, bool) {
	if !strings.HasPrefix(name, filePrefix) || !strings.HasSuffix(name, fileSuffix) {
		return file{}, false
	}
	core := strings.TrimSuffix(strings.TrimPrefix(name, filePrefix), fileSuffix)
	ts, pidText, ok := strings.Cut(core, "-")
	if !ok {
		return file{}, false
	}
	t, err := time.Parse(timeLayout, ts)
	if err != nil {
		return file{}, false
	}
	pid, err := strconv.Atoi(pidText)
	if err != nil || pid <= 0 {
		return file{}, false
	}
	return file{started: t, pid: pid}, true
}

// status is what a crash log's content says.
type status struct {
	crashed bool   // something follows the marker
	summary string // first non-empty line after the marker
}

// inspect reads a crash log up to its first line of runtime output. A file
// without the marker (its header was never fully written) counts as a run
// that did not crash.
func inspect(path string) (status, error) {
	f, err := os.Open(path)
	if err != nil {
		return status{}, fmt.Errorf("crashlog: read a crash log: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(io.LimitReader(f, int64(readMax)))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	inHeader := true
	for sc.Scan() {
		line := sc.Text()
		if inHeader {
			inHeader = line != marker
			continue
		}
		if strings.TrimSpace(line) != "" {
			if strings.HasPrefix(line, "goroutine ") {
				// A "fatal error: …" line (runtime.fatal/throw) is printed
				// before the runtime copies output to the crash file
				// (golang/go#76859): only the traces arrive.
				return status{crashed: true, summary: fatalSummary}, nil
			}
			return status{crashed: true, summary: oneLine(secret.ScrubShapes(line))}, nil
		}
	}
	if err := sc.Err(); err != nil && !errors.Is(err, bufio.ErrTooLong) {
		return status{}, fmt.Errorf("crashlog: read a crash log: %w", err)
	}
	return status{}, nil
}

// oneLine makes a runtime line safe and short for a prompt: control
// characters (a panic value may hold terminal escapes) become spaces.
func oneLine(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return ' '
		}
		return r
	}, strings.TrimSpace(s))
	if r := []rune(s); len(r) > summaryMax {
		s = string(r[:summaryMax-1]) + "…"
	}
	return s
}

// registerLine matches a line of the runtime's register dump, such as
// "rax    0xc000012345" (amd64), "r12     0x0", "lr      0x4a3b2c"
// (arm64) or "fault   0x0". Trace lines never look like this: they are a
// function call or a tab-indented file:line.
var registerLine = regexp.MustCompile(`(?m)^[a-z][a-z0-9]{0,7} +0x[0-9a-f]+\r?\n`)

// scrub drops register dumps and masks token shapes in a crash log's text.
func scrub(text string) string {
	return secret.ScrubShapes(registerLine.ReplaceAllString(text, ""))
}

// scrubFile rewrites a crash log scrubbed, when scrubbing changes it. A log
// longer than readMax is cut there (what is cut is never offered unscrubbed).
func scrubFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("crashlog: read a crash log: %w", err)
	}
	data, err := io.ReadAll(io.LimitReader(f, int64(readMax)+1))
	f.Close()
	if err != nil {
		return fmt.Errorf("crashlog: read a crash log: %w", err)
	}
	text := string(data)
	cut := len(data) > readMax
	if cut {
		text = text[:readMax] + fmt.Sprintf("\n[crash log cut here, at %d KiB]\n", readMax>>10)
	}
	clean := scrub(text)
	if clean == text && !cut {
		return nil
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(clean), 0o600); err != nil {
		return fmt.Errorf("crashlog: scrub a crash log: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("crashlog: scrub a crash log: %w", err)
	}
	return nil
}

// seen reads the names of the crash logs already shown.
func (s Store) seen() (map[string]bool, error) {
	data, err := os.ReadFile(filepath.Join(s.Dir, seenName))
	if errors.Is(err, fs.ErrNotExist) {
		return map[string]bool{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("crashlog: read the list of crash logs shown: %w", err)
	}
	seen := map[string]bool{}
	for _, name := range strings.Split(string(data), "\n") {
		if name = strings.TrimSpace(name); name != "" {
			seen[name] = true
		}
	}
	return seen, nil
}

// writeSeen stores the names of the crash logs shown that still exist.
func (s Store) writeSeen(seen map[string]bool) error {
	var names []string
	for name := range seen {
		if _, err := os.Stat(filepath.Join(s.Dir, name)); err == nil {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	path := filepath.Join(s.Dir, seenName)
	if len(names) == 0 {
		if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("crashlog: update the list of crash logs shown: %w", err)
		}
		return nil
	}
	if err := os.WriteFile(path, []byte(strings.Join(names, "\n")+"\n"), 0o600); err != nil {
		return fmt.Errorf("crashlog: update the list of crash logs shown: %w", err)
	}
	return nil
}

func (s Store) clock() time.Time {
	if s.now != nil {
		return s.now()
	}
	return time.Now()
}

func (s Store) isAlive(pid int) bool {
	if s.alive != nil {
		return s.alive(pid)
	}
	return processAlive(pid)
}
