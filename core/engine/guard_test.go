package engine

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/mailoauth/mailoauth-tester/core/hostile"
	"github.com/mailoauth/mailoauth-tester/core/profile"
	"github.com/mailoauth/mailoauth-tester/core/simulate"
)

// TestTimeoutIsAHardWall: a step that ignores its context (here a dialer
// that never returns, as a broken proxy library or a hung system call
// would) does not hold the run: it ends within the timeout plus a second,
// the stuck step failed with a named diagnosis.
func TestTimeoutIsAHardWall(t *testing.T) {
	sim := startSim(t, simulate.Options{})
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	var d net.Dialer
	opts := Options{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		if addr == sim.IMAPAddr {
			<-release // ignores ctx on purpose
			return nil, context.Canceled
		}
		return d.DialContext(ctx, network, addr)
	}}
	p := simProfile(sim)
	p.Protocols = []profile.Protocol{profile.IMAP, profile.POP}
	p.Timeout = time.Second
	j, problems := Prepare(p, opts)
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	var rec recorder
	start := time.Now()
	res := j.Run(context.Background(), rec.emit)
	if took := time.Since(start); took > p.Timeout+time.Second {
		t.Errorf("Run() took %s with --timeout %s", took, p.Timeout)
	}
	s := res.Step("imap")
	if s.Status != Fail || s.Diagnosis == nil || s.Diagnosis.ID != "network-unreachable" || !strings.Contains(s.Detail, "time limit") {
		t.Errorf("imap = %s %q %+v, want a failure at the time limit", s.Status, s.Detail, s.Diagnosis)
	}
	if pop := res.Step("pop"); pop.Status != OK {
		t.Errorf("pop = %s %q, want ok", pop.Status, pop.Detail)
	}
	if res.OK || rec.events[len(rec.events)-1].Kind != RunEnd {
		t.Errorf("ok = %v, last event %s", res.OK, rec.events[len(rec.events)-1].Kind)
	}
}

// TestGuardKeepsCredentialsHome: sign-in and Graph requests go only to the
// hosts the user named, over https, whatever a server answers; the refusal
// is a named diagnosis and a line in the log, and nothing reaches the
// other host.
func TestGuardKeepsCredentialsHome(t *testing.T) {
	pki, err := hostile.NewPKI()
	if err != nil {
		t.Fatal(err)
	}
	sim := startSim(t, simulate.Options{})
	ca, err := pki.WriteCAFile(t.TempDir(), sim.CAPEM)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		graph bool
		b     hostile.Behaviour
		plain bool
		step  string
		want  string
	}{
		{"token redirected to http", false, hostile.RedirectHTTP, true, "token", "redirect-refused"},
		{"token redirected to another host", false, hostile.RedirectHost, false, "token", "redirect-refused"},
		{"discovery names another host", false, hostile.DiscoveryElsewhere, false, "token", "redirect-refused"},
		{"discovery names http", false, hostile.DiscoveryHTTP, true, "tenant", "redirect-refused"},
		{"endless discovery", false, hostile.EndlessDiscovery, false, "tenant", "response-too-large"},
		{"endless token", false, hostile.EndlessBody, false, "token", "response-too-large"},
		{"graph redirected to http", true, hostile.RedirectHTTP, true, "graph", "redirect-refused"},
		{"graph redirected to another host", true, hostile.RedirectHost, false, "graph", "redirect-refused"},
		{"graph endless", true, hostile.EndlessBody, false, "graph", "response-too-large"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			catcher, err := hostile.StartCatcher(pki, tt.plain)
			if err != nil {
				t.Fatal(err)
			}
			defer catcher.Close()
			start := hostile.StartAuthority
			if tt.graph {
				start = hostile.StartGraph
			}
			srv, err := start(pki, tt.b, catcher)
			if err != nil {
				t.Fatal(err)
			}
			defer srv.Close()
			p := simProfile(sim)
			p.CAFile, p.Timeout = ca, 5*time.Second
			if tt.graph {
				p.GraphURL, p.Protocols = srv.URL, []profile.Protocol{profile.Graph}
			} else {
				p.AuthorityHost, p.Protocols = srv.URL, []profile.Protocol{profile.IMAP}
			}
			var log []string
			res := prepare(t, p).Run(context.Background(), func(e Event) {
				if e.Kind == Log && e.Level == Warns {
					log = append(log, e.Text)
				}
			})
			s := res.Step(tt.step)
			if s == nil || s.Status != Fail || s.Diagnosis == nil || s.Diagnosis.ID != tt.want {
				t.Fatalf("step %s = %+v, want a failure with %s", tt.step, s, tt.want)
			}
			if tt.want == "redirect-refused" && !strings.Contains(strings.Join(log, "\n"), "refused") {
				t.Errorf("the log does not say what was refused: %q", log)
			}
			if reqs := catcher.Requests(); len(reqs) > 0 {
				t.Errorf("%d requests reached the other host; first: %s %s", len(reqs), reqs[0].Method, reqs[0].Path)
			}
		})
	}
}

// TestEscapesNeverReachAFace: escape sequences from a server are written
// out in every event and every result field.
func TestEscapesNeverReachAFace(t *testing.T) {
	pki, err := hostile.NewPKI()
	if err != nil {
		t.Fatal(err)
	}
	sim := startSim(t, simulate.Options{})
	ca, _ := pki.WriteCAFile(t.TempDir(), sim.CAPEM)
	m, err := hostile.StartMail(pki, "imap", hostile.Escapes)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	a, err := hostile.StartAuthority(pki, hostile.Escapes, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	for _, p := range []profile.Profile{
		func() profile.Profile {
			p := simProfile(sim)
			p.CAFile, p.IMAPHost, p.Protocols = ca, m.Addr, []profile.Protocol{profile.IMAP}
			return p
		}(),
		func() profile.Profile {
			p := simProfile(sim)
			p.CAFile, p.AuthorityHost, p.Protocols = ca, a.URL, []profile.Protocol{profile.IMAP}
			return p
		}(),
		func() profile.Profile {
			p := simProfile(sim)
			p.CAFile, p.AuthorityHost, p.Protocols, p.Flow, p.ClientSecret = ca, a.URL, []profile.Protocol{profile.IMAP}, profile.DeviceCode, ""
			return p
		}(),
	} {
		var all strings.Builder
		res := prepare(t, p).Run(context.Background(), func(e Event) {
			all.WriteString(e.Text + e.Detail)
			if e.Diagnosis != nil {
				all.WriteString(e.Diagnosis.Evidence + e.Diagnosis.Cause)
			}
			if e.Prompt != nil {
				all.WriteString(e.Prompt.URL + e.Prompt.Code + e.Prompt.Message)
			}
		})
		for _, s := range res.Steps {
			all.WriteString(s.Detail + strings.Join(s.Messages, ""))
			for _, l := range s.Transcript {
				all.WriteString(l.Text)
			}
			for _, tm := range s.Timings {
				all.WriteString(tm.Detail)
			}
			if s.Diagnosis != nil {
				all.WriteString(s.Diagnosis.Evidence + s.Diagnosis.Cause)
			}
		}
		if out := all.String(); strings.ContainsAny(out, "\x1b\x07") || !strings.Contains(out, `\x1b`) {
			t.Errorf("flow %s: events hold raw escapes, or no sign of the server's text: %.500q", p.Flow, out)
		}
	}
}

// TestAllowedHosts: the sign-in steps may reach the authority and its
// known aliases only, Graph its own host only; a private authority has no
// aliases.
func TestAllowedHosts(t *testing.T) {
	tests := []struct {
		authority, graph, step string
		want                   []string
	}{
		{"", "", "token", []string{"login.microsoftonline.com", "login.windows.net", "login.microsoft.com", "sts.windows.net"}},
		{"https://login.microsoftonline.us", "", "tenant", []string{"login.microsoftonline.us", "login.usgovcloudapi.net"}},
		{"https://127.0.0.1:8443", "", "token", []string{"127.0.0.1:8443"}},
		{"https://login.microsoftonline.com:443", "", "token", []string{"login.microsoftonline.com", "login.windows.net", "login.microsoft.com", "sts.windows.net"}},
		{"", "https://graph.microsoft.com", "graph", []string{"graph.microsoft.com"}},
		{"", "https://127.0.0.1:9443/", "graph", []string{"127.0.0.1:9443"}},
	}
	for _, tt := range tests {
		p := profile.Profile{AuthorityHost: tt.authority, GraphURL: tt.graph, Protocols: []profile.Protocol{profile.IMAP}}
		j, problems := Prepare(p, Options{})
		if len(problems) > 0 {
			t.Fatal(problems)
		}
		r := &run{j: j}
		if got := strings.Join(r.allowedHosts(tt.step), " "); got != strings.Join(tt.want, " ") {
			t.Errorf("allowedHosts(%s, authority %q, graph %q) = %s, want %s", tt.step, tt.authority, tt.graph, got, strings.Join(tt.want, " "))
		}
	}
}

// TestFloodedTranscriptIsBounded: a server flooding lines leaves a
// transcript of its first and last lines with a note of what was dropped,
// passed on before the step's end, and the step ends with
// response-too-large.
func TestFloodedTranscriptIsBounded(t *testing.T) {
	pki, err := hostile.NewPKI()
	if err != nil {
		t.Fatal(err)
	}
	sim := startSim(t, simulate.Options{})
	ca, _ := pki.WriteCAFile(t.TempDir(), sim.CAPEM)
	m, err := hostile.StartMail(pki, "imap", hostile.FloodLines)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	p := simProfile(sim)
	p.CAFile, p.IMAPHost, p.Protocols = ca, m.Addr, []profile.Protocol{profile.IMAP}
	var lines int
	noteBeforeEnd, ended := false, false
	res := prepare(t, p).Run(context.Background(), func(e Event) {
		if e.Step != "imap" {
			return
		}
		switch e.Kind {
		case Transcript:
			lines++
			if strings.Contains(e.Text, "not kept") && !ended {
				noteBeforeEnd = true
			}
		case StepEnd:
			ended = true
		}
	})
	s := res.Step("imap")
	if s.Status != Fail || s.Diagnosis == nil || s.Diagnosis.ID != "response-too-large" {
		t.Fatalf("imap = %s %q %+v", s.Status, s.Detail, s.Diagnosis)
	}
	if !noteBeforeEnd || lines > 400 {
		t.Errorf("%d transcript events, drop note passed on: %v", lines, noteBeforeEnd)
	}
	note := false
	for _, l := range s.Transcript {
		note = note || strings.Contains(l.Text, "not kept")
	}
	if n := len(s.Transcript); n > 400 || !note {
		t.Errorf("kept transcript has %d lines, drop note %v", n, note)
	}
}
