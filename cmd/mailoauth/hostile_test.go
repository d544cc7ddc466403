//go:build linux

package main

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mailoauth/mailoauth-tester/core/hostile"
	"github.com/mailoauth/mailoauth-tester/core/report"
	"github.com/mailoauth/mailoauth-tester/core/simulate"
)

// Bounds every hostile run must keep.
const (
	hostileTimeout = 3 * time.Second
	maxPeakRSS     = 150 << 20 // bytes
)

// hostileSecret is the client secret given to a hostile authority.
const hostileSecret = "Hq8Q~hostile.secret-value_0123456789abcdef"

// figures collects what each hostile run cost, for the test log.
var figures struct {
	sync.Mutex
	rows []string
}

// TestHostileServers runs the real command against each misbehaving server
// a network may put in the way. Every run ends within the timeout plus a
// second, with exit 1 and a named diagnosis (never "unknown"), a peak
// resident memory under 150 MB, no secret, token or SASL blob (in any
// encoding) in any output, no raw escape character in any output, and
// nothing sent to any host but the ones named on the command line.
func TestHostileServers(t *testing.T) {
	pki, err := hostile.NewPKI()
	if err != nil {
		t.Fatal(err)
	}
	sim := startSim(t, simulate.Options{})
	caFile, err := pki.WriteCAFile(t.TempDir(), sim.CAPEM)
	if err != nil {
		t.Fatal(err)
	}
	type tc struct {
		name   string
		server func(t *testing.T) (args []string, catchers []*hostile.HTTP) // what the run points at
		steps  map[string]string                                            // step → diagnosis ID it must end with
		flow   string
	}
	mail := func(proto string, b hostile.Behaviour) func(t *testing.T) ([]string, []*hostile.HTTP) {
		return func(t *testing.T) ([]string, []*hostile.HTTP) {
			m, err := hostile.StartMail(pki, proto, b)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(m.Close)
			return append(simArgs(sim), "--"+proto+"-host", m.Addr, "--protocols", proto, "--ca-file", caFile), nil
		}
	}
	authority := func(b hostile.Behaviour, plainCatcher bool) func(t *testing.T) ([]string, []*hostile.HTTP) {
		return func(t *testing.T) ([]string, []*hostile.HTTP) {
			c := startCatcher(t, pki, plainCatcher)
			a, err := hostile.StartAuthority(pki, b, c)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(a.Close)
			return []string{"check", "--tenant", sim.TenantID, "--client-id", sim.ClientID, "--mailbox", sim.Mailbox,
				"--authority-host", a.URL, "--imap-host", sim.IMAPAddr, "--protocols", "imap", "--ca-file", caFile}, []*hostile.HTTP{c}
		}
	}
	graph := func(b hostile.Behaviour, plainCatcher bool) func(t *testing.T) ([]string, []*hostile.HTTP) {
		return func(t *testing.T) ([]string, []*hostile.HTTP) {
			c := startCatcher(t, pki, plainCatcher)
			g, err := hostile.StartGraph(pki, b, c)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(g.Close)
			return append(simArgs(sim), "--graph-url", g.URL, "--protocols", "graph", "--ca-file", caFile), []*hostile.HTTP{c}
		}
	}
	tests := []tc{
		{"imap floods lines", mail("imap", hostile.FloodLines), map[string]string{"imap": "response-too-large"}, ""},
		{"imap never ends a line", mail("imap", hostile.EndlessLine), map[string]string{"imap": "response-too-large"}, ""},
		{"pop floods lines", mail("pop", hostile.FloodLines), map[string]string{"pop": "response-too-large"}, ""},
		{"pop never ends a line", mail("pop", hostile.EndlessLine), map[string]string{"pop": "response-too-large"}, ""},
		{"smtp floods lines after STARTTLS", mail("smtp", hostile.FloodLines), map[string]string{"smtp": "response-too-large"}, ""},
		{"smtp never ends a line", mail("smtp", hostile.EndlessLine), map[string]string{"smtp": "response-too-large"}, ""},
		{"imap echoes the SASL blob", mail("imap", hostile.EchoSASL), map[string]string{"imap": "*"}, ""},
		{"pop echoes the SASL blob", mail("pop", hostile.EchoSASL), map[string]string{"pop": "*"}, ""},
		{"smtp echoes the SASL blob", mail("smtp", hostile.EchoSASL), map[string]string{"smtp": "*"}, ""},
		{"imap line after the continuation", mail("imap", hostile.ExtraLine), map[string]string{"imap": "*"}, ""},
		{"imap escape sequences", mail("imap", hostile.Escapes), map[string]string{"imap": "*"}, ""},
		{"pop escape sequences", mail("pop", hostile.Escapes), map[string]string{"pop": "*"}, ""},
		{"smtp escape sequences", mail("smtp", hostile.Escapes), map[string]string{"smtp": "*"}, ""},
		{"endless OpenID configuration", authority(hostile.EndlessDiscovery, false), map[string]string{"tenant": "response-too-large", "token": "response-too-large"}, ""},
		{"endless token response", authority(hostile.EndlessBody, false), map[string]string{"token": "response-too-large"}, ""},
		{"token request redirected to http", authority(hostile.RedirectHTTP, true), map[string]string{"token": "redirect-refused"}, ""},
		{"token request redirected to another host", authority(hostile.RedirectHost, false), map[string]string{"token": "redirect-refused"}, ""},
		{"discovery names another host", authority(hostile.DiscoveryElsewhere, false), map[string]string{"tenant": "redirect-refused", "token": "redirect-refused"}, ""},
		{"discovery names plain http", authority(hostile.DiscoveryHTTP, true), map[string]string{"tenant": "redirect-refused", "token": "redirect-refused"}, ""},
		{"escape sequences in error_description", authority(hostile.Escapes, false), map[string]string{"token": "client-secret-invalid"}, ""},
		{"escape sequences in the device code", authority(hostile.Escapes, false), map[string]string{"token": "*"}, "device-code"},
		{"graph redirected to http", graph(hostile.RedirectHTTP, true), map[string]string{"graph": "redirect-refused"}, ""},
		{"graph redirected to another host", graph(hostile.RedirectHost, false), map[string]string{"graph": "redirect-refused"}, ""},
		{"graph endless body", graph(hostile.EndlessBody, false), map[string]string{"graph": "response-too-large"}, ""},
		{"graph escape sequences", graph(hostile.Escapes, false), map[string]string{"graph": "*"}, ""},
	}
	t.Cleanup(func() {
		figures.Lock()
		defer figures.Unlock()
		sort.Strings(figures.rows)
		t.Logf("hostile runs (wall time, peak RSS):\n%s", strings.Join(figures.rows, "\n"))
	})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			args, catchers := tt.server(t)
			args = append(args, "--secret-env", "S", "--timeout", hostileTimeout.String())
			secret := sim.ClientSecret
			if !strings.Contains(strings.Join(args, " "), sim.AuthorityURL) {
				secret = hostileSecret
			}
			if tt.flow != "" {
				args = append(args, "--flow", tt.flow)
			}
			env := []string{"S=" + secret}
			var outputs []string
			for _, mode := range [][]string{{"--json"}, {"--verbose"}} {
				p, peak := measured(t, env, append(append([]string(nil), args...), mode...)...)
				began := time.Now()
				code := p.wait(t, hostileTimeout+10*time.Second)
				took := p.ended.Sub(began)
				rss := peak()
				ids := ""
				if mode[0] == "--json" {
					ids = checkDiagnoses(t, p.stdout.String(), tt.steps)
				}
				figures.Lock()
				figures.rows = append(figures.rows, fmt.Sprintf("  %-45s %-9s %6s  %3d MB  %s", tt.name, mode[0], took.Round(10*time.Millisecond), rss>>20, ids))
				figures.Unlock()
				if took > hostileTimeout+time.Second {
					t.Errorf("%s: took %s, want within %s", mode[0], took, hostileTimeout+time.Second)
				}
				if rss > maxPeakRSS {
					t.Errorf("%s: peak RSS %d MB, want under %d MB", mode[0], rss>>20, maxPeakRSS>>20)
				}
				if code != exitFailed {
					t.Errorf("%s: exit %d, want 1\nstdout: %.2000s\nstderr: %.2000s", mode[0], code, p.stdout.String(), p.Stderr())
				}
				if mode[0] == "--json" {
					var doc any
					json.Unmarshal(p.stdout.Bytes(), &doc)
					outputs = append(outputs, strings.Join(jsonStrings(doc), "\n"))
				}
				outputs = append(outputs, p.stdout.String(), p.Stderr())
			}
			out := strings.Join(outputs, "\n")
			if tt.flow == "device-code" && !strings.Contains(out, `AB\x1b[2JCD`) {
				t.Errorf("the device code is not shown (escaped):\n%.2000s", out)
			}
			assertNoSecrets(t, sim, out)
			for _, s := range []string{hostileSecret, base64.StdEncoding.EncodeToString([]byte(hostileSecret)), "caught"} {
				if strings.Contains(out, s) {
					t.Errorf("output holds %q", s)
				}
			}
			if strings.ContainsAny(out, "\x1b\x07\u009b") {
				t.Errorf("output holds a raw escape character:\n%.3000q", out)
			}
			for _, c := range catchers {
				if reqs := c.Requests(); len(reqs) > 0 {
					t.Errorf("%d requests reached the other host %s: first %s %s (body %d bytes)", len(reqs), c.URL, reqs[0].Method, reqs[0].Path, len(reqs[0].Body))
				}
			}
		})
	}
}

// jsonStrings lists every string in a decoded JSON document (so that an
// escape character JSON wrote as \u001b is seen as what it decodes to).
func jsonStrings(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case []any:
		var out []string
		for _, e := range x {
			out = append(out, jsonStrings(e)...)
		}
		return out
	case map[string]any:
		var out []string
		for k, e := range x {
			out = append(out, k)
			out = append(out, jsonStrings(e)...)
		}
		return out
	}
	return nil
}

func startCatcher(t *testing.T, pki *hostile.PKI, plain bool) *hostile.HTTP {
	t.Helper()
	c, err := hostile.StartCatcher(pki, plain)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

// checkDiagnoses checks that each named step failed with its diagnosis
// ("*": any named one, never unknown), and lists step=ID.
func checkDiagnoses(t *testing.T, stdout string, want map[string]string) string {
	t.Helper()
	validateReport(t, []byte(stdout))
	var rep report.JSONReport
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatalf("--json output is not JSON: %v\n%.2000s", err, stdout)
	}
	var got []string
	for _, s := range rep.Steps {
		if s.Diagnosis != nil && want[s.Name] != "" {
			got = append(got, s.Name+"="+s.Diagnosis.ID)
		}
	}
	defer sort.Strings(got)
	for step, id := range want {
		s := findStep(rep, step)
		switch {
		case s == nil:
			t.Errorf("no step %s", step)
		case s.Status != "fail" || s.Diagnosis == nil:
			t.Errorf("step %s = %s %q, want a failure with a diagnosis", step, s.Status, s.Detail)
		case s.Diagnosis.ID == "unknown" || id != "*" && s.Diagnosis.ID != id:
			t.Errorf("step %s diagnosis %s (%q), want %s", step, s.Diagnosis.ID, s.Detail, id)
		}
	}
	return strings.Join(got, " ")
}

var (
	wrapOnce sync.Once
	wrapPath string
	wrapErr  error
)

// measured runs the built command through testdata/rsswrap, which
// reports the command's own peak RSS on a pipe: Linux counts in a child's
// ru_maxrss the memory of the process it was forked from, so measured
// directly the figure would be the (large, -race) test process's.
func measured(t *testing.T, env []string, args ...string) (*proc, func() int64) {
	t.Helper()
	wrapOnce.Do(func() {
		wrapPath = filepath.Join(filepath.Dir(cliBinary(t)), "rsswrap")
		if out, err := exec.Command("go", "build", "-o", wrapPath, "./testdata/rsswrap").CombinedOutput(); err != nil {
			wrapErr = fmt.Errorf("go build rsswrap: %v\n%s", err, out)
		}
	})
	if wrapErr != nil {
		t.Fatal(wrapErr)
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	p := startWith(t, wrapPath, []*os.File{w}, nil, env, append([]string{cliBinary(t)}, args...)...)
	w.Close()
	return p, func() int64 {
		defer r.Close()
		var n int64
		if _, err := fmt.Fscan(r, &n); err != nil {
			t.Errorf("no peak RSS from rsswrap: %v", err)
		}
		return n
	}
}
