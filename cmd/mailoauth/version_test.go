package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/mailoauth/mailoauth-tester/core/report"
	"github.com/mailoauth/mailoauth-tester/core/simulate"
)

// The stamps a release build sets (the packaging scripts pass the same
// -X flags).
const (
	stampVersion = "9.8.7"
	stampCommit  = "0123456789abcdef0123456789abcdef01234567"
	stampDate    = "2026-11-25T12:00:00Z"
)

var (
	stampedOnce sync.Once
	stampedPath string
	stampedErr  error
)

// stampedBinary builds the command as a release is built: with the
// version, commit and date stamped by -ldflags -X.
func stampedBinary(t *testing.T) string {
	t.Helper()
	stampedOnce.Do(func() {
		dir, err := os.MkdirTemp("", "mailoauth-stamped-")
		if err != nil {
			stampedErr = err
			return
		}
		stampedPath = filepath.Join(dir, "mailoauth")
		const pkg = "github.com/mailoauth/mailoauth-tester/core/version."
		ldflags := "-X " + pkg + "version=" + stampVersion + " -X " + pkg + "commit=" + stampCommit + " -X " + pkg + "date=" + stampDate
		out, err := exec.Command("go", "build", "-trimpath", "-ldflags", ldflags, "-o", stampedPath, ".").CombinedOutput()
		if err != nil {
			stampedErr = err
			stampedPath = string(out)
		}
	})
	if stampedErr != nil {
		t.Fatalf("go build with -X stamps: %v\n%s", stampedErr, stampedPath)
	}
	return stampedPath
}

// TestVersionOfAStampedBuild: --version, `version` and `version --json`
// of a release build name its version and commit.
func TestVersionOfAStampedBuild(t *testing.T) {
	bin := stampedBinary(t)
	for _, args := range [][]string{{"--version"}, {"version"}, {"-version"}} {
		out, err := exec.Command(bin, args...).Output()
		if err != nil {
			t.Fatalf("%v: %v", args, err)
		}
		got := string(out)
		if !strings.Contains(got, "mailoauth "+stampVersion+" (commit "+stampCommit[:12]) || !strings.Contains(got, stampDate) ||
			!strings.Contains(got, "github.com/mailoauth/mailoauth-tester/cmd/mailoauth") {
			t.Errorf("%v = %q, want the version, commit, date and package", args, got)
		}
	}
	out, err := exec.Command(bin, "version", "--json").Output()
	if err != nil {
		t.Fatal(err)
	}
	var v versionJSON
	if err := json.Unmarshal(out, &v); err != nil || v.Version != stampVersion || v.Commit != stampCommit || v.Date != stampDate {
		t.Errorf("version --json = %s (%v)", out, err)
	}
}

// TestEveryReportCarriesTheVersion: the JSON on stdout and every report
// file of a release build name the tool, its version and commit.
func TestEveryReportCarriesTheVersion(t *testing.T) {
	bin := stampedBinary(t)
	sim := startSim(t, simulate.Options{Scenario: "smtp-auth-disabled"})
	dir := t.TempDir()
	args := append(simArgs(sim)[1:], "--secret-env", "S", "--protocols", "imap,smtp")
	reports := map[string]string{}
	for _, ext := range []string{"html", "md", "json", "txt"} {
		path := filepath.Join(dir, "r."+ext)
		cmd := exec.Command(bin, append([]string{"check", "--report", path, "--json"}, args...)...)
		cmd.Env = append(os.Environ(), "S="+sim.ClientSecret, "HTTPS_PROXY=", "https_proxy=")
		out, err := cmd.Output()
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != exitFailed {
			t.Fatalf("exit %v, want 1\n%s", err, out)
		}
		reports["stdout --json"] = string(out)
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		reports[ext] = string(b)
	}
	rep := decodeReport(t, reports["stdout --json"])
	if rep.Tool.Name != "mailoauth" || rep.Tool.Version != stampVersion || rep.Tool.Commit != stampCommit || rep.SchemaVersion != report.SchemaVersion {
		t.Errorf("tool %+v, schema_version %q", rep.Tool, rep.SchemaVersion)
	}
	for name, r := range reports {
		if !strings.Contains(r, stampVersion) || !strings.Contains(r, stampCommit[:12]) {
			t.Errorf("%s report lacks version %s or commit %s", name, stampVersion, stampCommit[:12])
		}
		want := map[string][]string{
			"html": {"<dt>Proxy</dt><dd>system default</dd>", "<dt>Custom endpoints</dt><dd>authority <code>https://127.0.0.1:", "<dt>System</dt><dd>" + runtime.GOOS + "/"},
			"md":   {"proxy: system default", "custom endpoints: authority https:\\/\\/127.0.0.1:", runtime.GOOS + "/" + runtime.GOARCH, "cloud global"},
			"txt":  {"proxy: system default", "custom endpoints: authority https://127.0.0.1:", runtime.GOOS + "/" + runtime.GOARCH, "cloud global"},
			"json": {`"proxy": "system default"`, `"custom_endpoints": [`, `"name": "authority"`, `"os": "` + runtime.GOOS + `"`},
		}[name]
		for _, w := range want {
			if !strings.Contains(r, w) {
				t.Errorf("%s report lacks the context %q", name, w)
			}
		}
	}
}

// TestStampedBuildIsTheRealCommand: the stamped build is the whole
// command, not one that only prints a version.
func TestStampedBuildIsTheRealCommand(t *testing.T) {
	out, err := exec.Command(stampedBinary(t), "explain", "AADSTS7000215: Invalid client secret provided.").Output()
	if err != nil || !strings.Contains(string(out), "client-secret-invalid") {
		t.Errorf("explain with the stamped build: %v\n%s", err, out)
	}
}
