package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/mailoauth/mailoauth-tester/core/simulate"
)

// runTTY runs the command as on a terminal (stdout and stderr are
// consoles that take colours) with exactly the environment env.
func runTTY(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	st := &streams{in: strings.NewReader(""), out: &out, err: &errb, getenv: func(k string) string { return env[k] },
		outTTY: true, errTTY: true, colourTTY: true}
	code := run(context.Background(), args, st)
	return code, out.String(), errb.String()
}

func TestHelp(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"--help", []string{"--help"}, []string{"USAGE", "COMMANDS", "check", "explain", "simulate", "completion", "version", "EXAMPLES", "mailoauth help <command>"}},
		{"no arguments", nil, []string{"USAGE", "COMMANDS"}},
		{"help", []string{"help"}, []string{"USAGE", "COMMANDS"}},
		{"help check", []string{"help", "check"}, []string{"IDENTITY FLAGS", "CREDENTIALS FLAGS", "PROTOCOLS FLAGS", "ENDPOINTS FLAGS", "OUTPUT FLAGS", "GLOBAL FLAGS",
			"--tenant ID", "--secret-env NAME", "--output FORMAT", "EXAMPLES", "EXIT CODES", "130", "3 UNKNOWN", diagnosesURL, "docs/diagnoses.md", schemaURL}},
		{"check --help", []string{"check", "--help"}, []string{"IDENTITY FLAGS", "EXIT CODES"}},
		{"check -h", []string{"check", "-h"}, []string{"IDENTITY FLAGS"}},
		{"check -help (old form)", []string{"check", "-help"}, []string{"IDENTITY FLAGS"}},
		{"help explain", []string{"help", "explain"}, []string{"--client-id ID", "EXIT CODES", diagnosesURL}},
		{"help simulate", []string{"help", "simulate"}, []string{"SIMULATION FLAGS", "--scenario SCENARIO", "--dir folder"}},
		{"help completion", []string{"help", "completion"}, []string{"bash", "zsh", "fish", "powershell"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := cli{}.run(t, tt.args...)
			if code != exitOK || errOut != "" {
				t.Fatalf("exit %d, stderr %q; want 0 and help on stdout", code, errOut)
			}
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("help lacks %q:\n%s", w, out)
				}
			}
		})
	}
	_, a, _ := cli{}.run(t, "help", "check")
	_, b, _ := cli{}.run(t, "check", "--help")
	if a != b {
		t.Error("mailoauth help check and mailoauth check --help differ")
	}
	for _, l := range strings.Split(a, "\n") {
		if utf8.RuneCountInString(l) > helpWidth+15 && !strings.Contains(l, "mailoauth check") && !strings.Contains(l, "https://") {
			t.Errorf("help line of %d columns: %q", utf8.RuneCountInString(l), l)
		}
	}
	code, out, errOut := cli{}.run(t, "help", "nosuch")
	if code != exitUsage || out != "" || !strings.Contains(errOut, `"nosuch"`) {
		t.Errorf("help nosuch: exit %d, stdout %q, stderr %q; want 2 naming it", code, out, errOut)
	}
}

// TestREADMEFlagsAreStable: every flag name README.md documents for
// check (a stable interface for scripts) still exists, on check or as a
// global flag.
func TestREADMEFlagsAreStable(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, table, _ := strings.Cut(string(readme), "| flag | meaning |")
	table, _, _ = strings.Cut(table, "\n\n")
	names := regexp.MustCompile("--([a-z][a-z-]+)").FindAllStringSubmatch(table, -1)
	if len(names) < 20 {
		t.Fatalf("found only %d flags in README.md's check table", len(names))
	}
	root := (&app{st: &streams{}}).newRoot()
	cmd, _, err := root.Find([]string{"check"})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range names {
		if cmd.Flags().Lookup(m[1]) == nil && root.PersistentFlags().Lookup(m[1]) == nil {
			t.Errorf("README.md documents --%s, which check no longer has", m[1])
		}
	}
}

// TestOldSingleDashFlags: command lines written for the Go flag package
// (-tenant X, -json, -timeout=20s) run unchanged.
func TestOldSingleDashFlags(t *testing.T) {
	sim := startSim(t, simulate.Options{})
	var args []string
	for _, a := range simArgs(sim) {
		args = append(args, strings.Replace(a, "--", "-", 1))
	}
	args = append(args, "-secret-env", "MAILOAUTH_SECRET", "-protocols", "imap", "-timeout=20s", "-json")
	code, out, errOut := secretCLI(sim).run(t, args...)
	if code != exitOK {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	if rep := decodeReport(t, out); !rep.OK || findStep(rep, "imap") == nil {
		t.Errorf("report = %+v", rep)
	}
	// A value that starts with a dash stays a value.
	code, _, errOut = secretCLI(sim).run(t, append(simArgs(sim), "-secret-env", "MAILOAUTH_SECRET", "-timeout", "-5s")...)
	if code != exitUsage || !strings.Contains(errOut, "timeout") {
		t.Errorf("-timeout -5s: exit %d, stderr %q; want 2 naming timeout", code, errOut)
	}
}

func TestCompletionScripts(t *testing.T) {
	markers := map[string]string{"bash": "__start_mailoauth", "zsh": "#compdef mailoauth", "fish": "complete -c mailoauth",
		"powershell": "Register-ArgumentCompleter"}
	for shell, marker := range markers {
		t.Run(shell, func(t *testing.T) {
			code, out, errOut := cli{}.run(t, "completion", shell)
			if code != exitOK || errOut != "" || !strings.Contains(out, marker) {
				t.Fatalf("completion %s: exit %d, stderr %q, no %q in %d bytes", shell, code, errOut, marker, len(out))
			}
			if shell == "bash" {
				if bash, err := exec.LookPath("bash"); err == nil {
					cmd := exec.Command(bash, "-n")
					cmd.Stdin = strings.NewReader(out)
					if b, err := cmd.CombinedOutput(); err != nil {
						t.Errorf("bash -n: %v\n%s", err, b)
					}
				}
			}
		})
	}
	// The scripts call the program back for flags and values.
	tests := []struct {
		args []string
		want []string
	}{
		{[]string{"__complete", "check", "--fl"}, []string{"--flow"}},
		{[]string{"__complete", "check", "--flow", ""}, []string{"client-credentials", "device-code", "app-password"}},
		{[]string{"__complete", "check", "--cloud", ""}, []string{"global", "usgov", "usgov-dod", "china"}},
		{[]string{"__complete", "check", "--output", ""}, []string{"json", "nagios"}},
		{[]string{"__complete", "simulate", "--scenario", "smtp-"}, []string{"smtp-auth-disabled"}},
		{[]string{"__complete", ""}, []string{"check", "explain", "simulate", "version", "completion"}},
	}
	for _, tt := range tests {
		code, out, errOut := cli{}.run(t, tt.args...)
		for _, w := range tt.want {
			if code != exitOK || !strings.Contains(out, w) {
				t.Errorf("%v: exit %d, no %q in %q (stderr %q)", tt.args, code, w, out, errOut)
			}
		}
	}
}

// clockAhead starts a simulated tenant whose clock runs half an hour
// ahead: its tokens are not valid yet by this computer's clock, so the run
// passes with a clock-skew warning on the claims step.
func clockAhead(t *testing.T) *simulate.Tenant {
	return startSim(t, simulate.Options{Now: func() time.Time { return time.Now().Add(30 * time.Minute) }})
}

func TestStrictTurnsAWarningIntoExit1(t *testing.T) {
	sim := clockAhead(t)
	args := append(simArgs(sim), "--secret-env", "MAILOAUTH_SECRET", "--protocols", "imap")
	code, out, errOut := secretCLI(sim).run(t, append(args, "--json")...)
	rep := decodeReport(t, out)
	if code != exitOK || !rep.OK || len(diagnosisIDs(rep, "warn")) == 0 {
		t.Fatalf("without --strict: exit %d, ok %v, warnings %v; want 0, a passing run with a warning\n%s", code, rep.OK, diagnosisIDs(rep, "warn"), errOut)
	}
	if code, _, _ := secretCLI(sim).run(t, append(args, "--strict")...); code != exitFailed {
		t.Errorf("--strict with a warning: exit %d, want 1", code)
	}
	ok := startSim(t, simulate.Options{})
	if code, _, _ := secretCLI(ok).run(t, append(simArgs(ok), "--secret-env", "MAILOAUTH_SECRET", "--protocols", "imap", "--strict")...); code != exitOK {
		t.Errorf("--strict without a warning: exit %d, want 0", code)
	}
}

// perfRE is one performance-data item: label=value[UOM];warn;crit;min.
var perfRE = regexp.MustCompile(`^([a-z][a-z0-9-]*)=([0-9]+\.[0-9]{6}s|U);;;0$`)

func TestNagiosOutput(t *testing.T) {
	tests := []struct {
		name     string
		sim      func(t *testing.T) *simulate.Tenant
		args     []string
		code     int
		word     string
		failStep string
	}{
		{"ok", func(t *testing.T) *simulate.Tenant { return startSim(t, simulate.Options{}) }, nil, nagiosOK, "OK", ""},
		{"warn", clockAhead, nil, nagiosWarning, "WARNING", ""},
		{"warn with --strict", clockAhead, []string{"--strict"}, nagiosWarning, "WARNING", ""},
		{"fail", func(t *testing.T) *simulate.Tenant {
			return startSim(t, simulate.Options{Scenario: "smtp-auth-disabled"})
		}, nil, nagiosCritical, "CRITICAL", "smtp"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sim := tt.sim(t)
			args := append(simArgs(sim), "--secret-env", "MAILOAUTH_SECRET", "--protocols", "imap,pop,smtp,graph", "--output", "nagios")
			code, out, errOut := secretCLI(sim).run(t, append(args, tt.args...)...)
			if code != tt.code {
				t.Errorf("exit %d, want %d\n%s%s", code, tt.code, out, errOut)
			}
			first, rest, _ := strings.Cut(out, "\n")
			status, perf, ok := strings.Cut(first, " | ")
			if !ok || !strings.HasPrefix(status, "MAILOAUTH "+tt.word+" - ") || strings.Contains(perf, "|") || strings.Contains(rest, "|") {
				t.Fatalf("status line %q: want \"MAILOAUTH %s - … | perfdata\" and no other |", first, tt.word)
			}
			labels := map[string]bool{}
			for _, item := range strings.Fields(perf) {
				m := perfRE.FindStringSubmatch(item)
				if m == nil {
					t.Errorf("performance data item %q is malformed", item)
					continue
				}
				labels[m[1]] = true
			}
			for _, step := range []string{"total", "tenant", "token", "claims", "graph-token", "imap", "pop", "smtp", "graph"} {
				if !labels[step] {
					t.Errorf("no performance data for %s in %q", step, perf)
				}
			}
			if tt.failStep != "" && !strings.Contains(rest, "[FAIL] SMTP") {
				t.Errorf("the long output does not name the failed step:\n%s", rest)
			}
			for i := 0; i < len(out); i++ {
				if out[i] >= 0x80 {
					t.Fatalf("nagios output is not ASCII at byte %d: %q", i, out[max(0, i-20):min(len(out), i+20)])
				}
			}
			assertNoSecrets(t, sim, out+errOut)
		})
	}
	t.Run("bad input", func(t *testing.T) {
		for _, args := range [][]string{{"check", "--tenant", "x", "--output", "nagios"}, {"check", "--output=nagios", "--nosuch"}} {
			code, out, _ := cli{}.run(t, args...)
			if code != nagiosUnknown || !strings.HasPrefix(out, "MAILOAUTH UNKNOWN - bad input: ") {
				t.Errorf("%v: exit %d, stdout %q; want 3 and an UNKNOWN line", args, code, out)
			}
		}
	})
}

func TestColour(t *testing.T) {
	sim := startSim(t, simulate.Options{Scenario: "smtp-auth-disabled"})
	args := append(simArgs(sim), "--secret-env", "S", "--protocols", "imap,smtp")
	env := func(extra ...string) map[string]string {
		m := map[string]string{"S": sim.ClientSecret, "LANG": "en_US.UTF-8"}
		for i := 0; i+1 < len(extra); i += 2 {
			m[extra[i]] = extra[i+1]
		}
		return m
	}
	_, out, _ := runTTY(t, env(), args...)
	if !strings.Contains(out, sgrRed+"✗"+sgrReset) || !strings.Contains(out, sgrGreen+"✓"+sgrReset) {
		t.Errorf("a terminal gets no colours:\n%q", out)
	}
	for name, run := range map[string]func() string{
		"NO_COLOR":     func() string { _, o, e := runTTY(t, env("NO_COLOR", "1"), args...); return o + e },
		"--no-color":   func() string { _, o, e := runTTY(t, env(), append(args, "--no-color")...); return o + e },
		"TERM=dumb":    func() string { _, o, e := runTTY(t, env("TERM", "dumb"), args...); return o + e },
		"not a tty":    func() string { _, o, e := cli{env: env()}.run(t, args...); return o + e },
		"help, no tty": func() string { _, o, e := cli{}.run(t, "check", "--help"); return o + e },
	} {
		if got := run(); strings.Contains(got, "\x1b") {
			t.Errorf("%s: output holds an escape sequence:\n%q", name, got)
		}
	}
}

func TestASCII(t *testing.T) {
	sim := startSim(t, simulate.Options{Scenario: "smtp-auth-disabled"})
	args := append(simArgs(sim), "--secret-env", "S", "--protocols", "imap,smtp", "--verbose")
	env := map[string]string{"S": sim.ClientSecret, "LANG": "en_US.UTF-8"}
	nonASCII := func(s string) string {
		for i, r := range s {
			if r >= utf8.RuneSelf {
				return s[max(0, i-30):min(len(s), i+30)]
			}
		}
		return ""
	}
	for name, c := range map[string]struct {
		env  map[string]string
		args []string
		tty  bool
	}{
		"--ascii":                  {env, append(args, "--ascii"), false},
		"--ascii on a terminal":    {env, append(args, "--ascii"), true},
		"terminal in the C locale": {map[string]string{"S": sim.ClientSecret, "LANG": "C"}, args, true},
		"terminal, no locale":      {map[string]string{"S": sim.ClientSecret}, args, true},
		"LC_ALL wins over LANG":    {map[string]string{"S": sim.ClientSecret, "LANG": "en_US.UTF-8", "LC_ALL": "POSIX"}, args, true},
		"help --ascii":             {nil, []string{"check", "--help", "--ascii"}, false},
		"explain --ascii":          {nil, []string{"explain", "--ascii", "535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant."}, false},
	} {
		t.Run(name, func(t *testing.T) {
			var out, errOut string
			if c.tty {
				_, out, errOut = runTTY(t, c.env, c.args...)
			} else {
				_, out, errOut = cli{env: c.env}.run(t, c.args...)
			}
			if bad := nonASCII(out + errOut); bad != "" {
				t.Errorf("output is not pure ASCII near %q", bad)
			}
			if len(out) < 200 {
				t.Errorf("too little output to judge: %q", out)
			}
		})
	}
	_, out, _ := runTTY(t, env, args...)
	if !strings.Contains(out, "✓") || !strings.Contains(out, "→") {
		t.Errorf("a UTF-8 terminal gets ASCII:\n%s", out)
	}
	if _, out, _ := (cli{env: env}).run(t, append(args, "--ascii")...); !strings.Contains(out, "  FAIL SMTP") || !strings.Contains(out, " -> SMTP AUTH") {
		t.Errorf("--ascii does not spell the symbols out:\n%s", out)
	}
}

// TestColumnsAlign: the time and result columns line up whatever the
// step titles are ("Graph token" is the longest).
func TestColumnsAlign(t *testing.T) {
	sim := startSim(t, simulate.Options{})
	_, out, _ := secretCLI(sim).run(t, append(simArgs(sim), "--secret-env", "MAILOAUTH_SECRET", "--protocols", "imap,pop,smtp,graph")...)
	re := regexp.MustCompile(`^  [✓✗!–] (.+?) +(\S+ m?s|–)  `)
	col := -1
	n := 0
	for _, l := range strings.Split(out, "\n") {
		m := re.FindStringSubmatchIndex(l)
		if m == nil {
			continue
		}
		n++
		end := utf8.RuneCountInString(l[:m[5]])
		if col == -1 {
			col = end
		} else if end != col {
			t.Errorf("time column ends at %d, want %d: %q", end, col, l)
		}
	}
	if n < 8 || !strings.Contains(out, "Graph token") {
		t.Errorf("found %d step lines, want 8 with Graph token:\n%s", n, out)
	}
}

func TestJSONIsNotHTMLEscaped(t *testing.T) {
	sim := startSim(t, simulate.Options{})
	c := cli{env: map[string]string{"S": sim.SecretID}} // the Secret ID: its fix names "Certificates & secrets"
	_, out, _ := c.run(t, append(simArgs(sim), "--secret-env", "S", "--json")...)
	if strings.Contains(out, `\u0026`) || strings.Contains(out, `\u003c`) || strings.Contains(out, `\u003e`) {
		t.Errorf("the JSON escapes <, > or & for HTML:\n%.2000s", out)
	}
	if !strings.Contains(out, "&") {
		t.Errorf("no & in the report to judge by:\n%.2000s", out)
	}
	rep := decodeReport(t, out)
	if rep.SchemaVersion == "" || rep.Tool.Name != "mailoauth" || rep.Tool.Version == "" {
		t.Errorf("schema_version %q, tool %+v", rep.SchemaVersion, rep.Tool)
	}
}

func TestReportFile(t *testing.T) {
	sim := startSim(t, simulate.Options{Scenario: "smtp-auth-disabled"})
	dir := t.TempDir()
	args := append(simArgs(sim), "--secret-env", "MAILOAUTH_SECRET", "--protocols", "imap,smtp")
	for _, ext := range []string{"html", "md", "json", "txt"} {
		t.Run(ext, func(t *testing.T) {
			path := filepath.Join(dir, "report."+ext)
			code, out, errOut := secretCLI(sim).run(t, append(args, "--report", path, "--hide-ids")...)
			if code != exitFailed {
				t.Fatalf("exit %d\n%s%s", code, out, errOut)
			}
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			got := string(b)
			if ext == "json" {
				validateReport(t, b)
			}
			for _, w := range []string{"smtp-auth-disabled", "@contoso-sim.onmicrosoft.com"} {
				if !strings.Contains(got, w) {
					t.Errorf("report.%s lacks %q", ext, w)
				}
			}
			// --hide-ids masks the report file and the terminal alike.
			for _, id := range []string{sim.TenantID, sim.ClientID, "support@"} {
				if strings.Contains(got, id) || strings.Contains(out, id) {
					t.Errorf("--hide-ids: report.%s or stdout shows %q", ext, id)
				}
			}
			if (ext == "html" || ext == "json") && !strings.Contains(got, "C: ") {
				t.Errorf("report.%s carries no transcript", ext)
			}
			assertNoSecrets(t, sim, got+out+errOut)
		})
	}
	for name, path := range map[string]string{"unknown extension": filepath.Join(dir, "report.pdf"), "missing folder": filepath.Join(dir, "no", "such", "r.html"), "a folder": dir} {
		t.Run(name, func(t *testing.T) {
			before := sim.Connections()
			code, _, errOut := secretCLI(sim).run(t, append(args, "--report", path)...)
			if code != exitUsage || !strings.Contains(errOut, "report:") {
				t.Errorf("exit %d, stderr %q; want 2 naming report", code, errOut)
			}
			if sim.Connections() != before {
				t.Error("bad --report made connections")
			}
		})
	}
}

func TestSimulateDir(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "new", "folder")
	ctx, cancel := context.WithCancel(context.Background())
	r, w, _ := os.Pipe()
	defer r.Close()
	var errb bytes.Buffer
	st := &streams{in: strings.NewReader(""), out: w, err: &errb, getenv: os.Getenv}
	done := make(chan int)
	go func() { done <- run(ctx, []string{"simulate", "--json", "--dir", dir}, st) }()
	var info simInfo
	if err := json.NewDecoder(r).Decode(&info); err != nil {
		cancel()
		t.Fatalf("no JSON line (%v); stderr: %s", err, errb.String())
	}
	if info.CAFile != filepath.Join(dir, "ca.pem") {
		t.Errorf("ca_file %q, want it in the new folder %s", info.CAFile, dir)
	}
	if _, err := os.Stat(info.CAFile); err != nil {
		t.Error(err)
	}
	cancel()
	if code := <-done; code != exitOK {
		t.Errorf("exit %d", code)
	}
	w.Close()

	file := filepath.Join(t.TempDir(), "file")
	os.WriteFile(file, nil, 0o600)
	for name, args := range map[string][]string{
		"a file":           {"simulate", "--dir", file},
		"unknown scenario": {"simulate", "--scenario", "nosuch"},
	} {
		code, _, errOut := cli{}.run(t, args...)
		if code != exitUsage || strings.Count(errOut, "simulate:") != 1 {
			t.Errorf("%s: exit %d, stderr %q; want 2 and one clear message", name, code, errOut)
		}
		if name == "a file" && (!strings.Contains(errOut, "dir:") || strings.Contains(errOut, "--list")) {
			t.Errorf("%s: %q should name --dir and not point at --list", name, errOut)
		}
	}
}
