package engine

import (
	"context"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mailoauth/mailoauth-tester/core/probe"
	"github.com/mailoauth/mailoauth-tester/core/profile"
	"github.com/mailoauth/mailoauth-tester/core/simulate"
)

func startSim(t testing.TB, opts simulate.Options) *simulate.Tenant {
	t.Helper()
	sim, err := simulate.Start(opts)
	if err != nil {
		t.Fatalf("simulate.Start() = %v", err)
	}
	t.Cleanup(func() { sim.Close() })
	return sim
}

func simProfile(sim *simulate.Tenant) profile.Profile {
	return profile.Profile{Tenant: sim.TenantID, ClientID: sim.ClientID, ClientSecret: sim.ClientSecret, Mailbox: sim.Mailbox,
		Protocols: profile.AllProtocols, AuthorityHost: sim.AuthorityURL, IMAPHost: sim.IMAPAddr, POPHost: sim.POPAddr,
		SMTPHost: sim.SMTPAddr, GraphURL: sim.GraphURL, CAFile: sim.CAFile, Transcript: true}
}

// recorder collects events; the engine promises never to call it concurrently,
// and the race detector checks that promise.
type recorder struct {
	events []Event
	busy   bool
}

func (r *recorder) emit(e Event) {
	if r.busy {
		panic("emit called concurrently")
	}
	r.busy = true
	r.events = append(r.events, e)
	r.busy = false
}

func prepare(t *testing.T, p profile.Profile) *Job {
	t.Helper()
	j, problems := Prepare(p, Options{})
	if len(problems) > 0 {
		t.Fatalf("Prepare() problems: %v", problems)
	}
	return j
}

func TestRunOK(t *testing.T) {
	sim := startSim(t, simulate.Options{})
	j := prepare(t, simProfile(sim))
	var rec recorder
	res := j.Run(context.Background(), rec.emit)
	if !res.OK {
		t.Fatalf("Run() not OK: %s\n%+v", res.Verdict, res.Steps)
	}
	if res.Verdict != "All 8 checks passed in "+seconds(res.Duration) {
		t.Errorf("verdict = %q", res.Verdict)
	}
	if first, last := rec.events[0], rec.events[len(rec.events)-1]; first.Kind != RunStart || last.Kind != RunEnd || last.Result != res {
		t.Errorf("first/last events = %v/%v, want RunStart/RunEnd", first.Kind, last.Kind)
	}
	if len(rec.events[0].Steps) != 8 {
		t.Errorf("plan = %v, want 8 steps", rec.events[0].Steps)
	}
	// Every step starts before it ends, exactly once.
	started, ended := map[string]int{}, map[string]int{}
	for _, e := range rec.events {
		switch e.Kind {
		case StepStart:
			started[e.Step]++
		case StepEnd:
			if started[e.Step] != 1 {
				t.Errorf("step %s ended before it started", e.Step)
			}
			ended[e.Step]++
		}
	}
	for _, s := range res.Steps {
		if ended[s.Name] != 1 || s.Status != OK || s.Duration <= 0 {
			t.Errorf("step %+v ended %d times", s, ended[s.Name])
		}
		if s.Name != "token" && s.Name != "claims" && s.Name != "tenant" && s.Name != "graph-token" && len(s.Transcript) == 0 {
			t.Errorf("step %s has no transcript", s.Name)
		}
	}
	if imap := res.Step("imap"); imap.Detail != "INBOX: 3 messages" {
		t.Errorf("imap detail = %q", imap.Detail)
	}
	if g := res.Step("graph"); g.Detail != "Inbox: 3 items, 1 unread" {
		t.Errorf("graph detail = %q", g.Detail)
	}
	if tn := res.Step("tenant"); !strings.Contains(tn.Detail, sim.TenantID) || !strings.Contains(tn.Detail, "managed") {
		t.Errorf("tenant detail = %q", tn.Detail)
	}
	// Timings for DNS/TCP/TLS are reported per step.
	var names []string
	for _, tm := range res.Step("imap").Timings {
		names = append(names, tm.Name)
	}
	if got := strings.Join(names, ","); !strings.HasPrefix(got, "tcp,tls,greeting,capability,authenticate,examine") {
		t.Errorf("imap timings = %s", got)
	}
}

func TestEventsNeverCarrySecrets(t *testing.T) {
	for _, sc := range []string{"ok", "no-admin-consent", "secret-wrong"} {
		sim := startSim(t, simulate.Options{Scenario: sc})
		j := prepare(t, simProfile(sim))
		var all strings.Builder
		res := j.Run(context.Background(), func(e Event) {
			all.WriteString(e.Text + e.Detail)
			if e.Diagnosis != nil {
				all.WriteString(e.Diagnosis.Evidence + e.Diagnosis.Cause)
			}
		})
		for _, s := range res.Steps {
			for _, l := range s.Transcript {
				all.WriteString(l.Text)
			}
		}
		out := all.String()
		for _, secret := range append(sim.IssuedTokens(), sim.ClientSecret) {
			if strings.Contains(out, secret) {
				t.Errorf("%s: a secret reached the events", sc)
			}
		}
	}
}

func TestClaimsNarrowRejection(t *testing.T) {
	tests := []struct{ scenario, claims, imap string }{
		{"no-admin-consent", "admin-consent-required", "admin-consent-required"}, // no roles at all: the headline is the missing consent
		{"exchange-sp-missing", "", "exchange-service-principal-missing"},
		{"mailbox-permission-missing", "", "exchange-service-principal-missing"},
		{"imap-disabled", "", "mailbox-not-connected"},
	}
	for _, tt := range tests {
		t.Run(tt.scenario, func(t *testing.T) {
			sim := startSim(t, simulate.Options{Scenario: tt.scenario})
			res := prepare(t, simProfile(sim)).Run(context.Background(), nil)
			c := res.Step("claims")
			if tt.claims == "" && c.Status != OK {
				t.Errorf("claims = %s %v, want ok", c.Status, c.Diagnosis)
			}
			if tt.claims != "" && (c.Status != Warn || c.Diagnosis == nil || c.Diagnosis.ID != tt.claims) {
				t.Errorf("claims = %s %+v, want warn %s", c.Status, c.Diagnosis, tt.claims)
			}
			if s := res.Step("imap"); s.Status != Fail || s.Diagnosis == nil || s.Diagnosis.ID != tt.imap {
				t.Errorf("imap = %s %+v, want fail %s", s.Status, s.Diagnosis, tt.imap)
			}
		})
	}
}

func TestGraphAudienceTokenIsNarrowed(t *testing.T) {
	// A Graph token sent to IMAP: the claims step says so, and the IMAP
	// rejection lands on token-audience-wrong.
	sim := startSim(t, simulate.Options{})
	p := simProfile(sim)
	p.Scopes = []string{"https://graph.microsoft.com/.default"}
	res := prepare(t, p).Run(context.Background(), nil)
	if s := res.Step("imap"); s.Diagnosis == nil || s.Diagnosis.ID != "token-audience-wrong" {
		t.Errorf("imap = %+v, want token-audience-wrong", s)
	}
}

func TestCancelEndsPromptly(t *testing.T) {
	sim := startSim(t, simulate.Options{})
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	var mu sync.Mutex
	var held []net.Conn
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			held = append(held, c)
			mu.Unlock()
		}
	}()
	defer func() {
		mu.Lock()
		for _, c := range held {
			c.Close()
		}
		mu.Unlock()
	}()
	p := simProfile(sim)
	p.IMAPHost, p.Timeout = l.Addr().String(), time.Minute
	j := prepare(t, p)
	ctx, cancel := context.WithCancel(context.Background())
	started := make(chan struct{})
	var once sync.Once
	done := make(chan *Result)
	go func() {
		done <- j.Run(ctx, func(e Event) {
			if e.Kind == StepStart && e.Step == "imap" {
				once.Do(func() { close(started) })
			}
		})
	}()
	<-started
	cancel()
	select {
	case res := <-done:
		if !res.Cancelled || res.OK {
			t.Errorf("result cancelled=%v ok=%v, want cancelled", res.Cancelled, res.OK)
		}
		if s := res.Step("imap"); s.Status != Skipped {
			t.Errorf("imap = %s, want skipped", s.Status)
		}
		if !strings.HasPrefix(res.Verdict, "Cancelled") {
			t.Errorf("verdict = %q", res.Verdict)
		}
	case <-time.After(time.Second):
		t.Fatal("Run did not return within 1 s of cancel")
	}
}

func TestEnvironmentCheck(t *testing.T) {
	sim := startSim(t, simulate.Options{})
	p := profile.Profile{AuthorityHost: sim.AuthorityURL, IMAPHost: sim.IMAPAddr, POPHost: sim.POPAddr, SMTPHost: sim.SMTPAddr, GraphURL: sim.GraphURL, CAFile: sim.CAFile}
	j := prepare(t, p)
	if !j.Environment() {
		t.Fatal("a profile without credentials is not the environment check")
	}
	res := j.Run(context.Background(), nil)
	if !res.OK || res.Mode != "environment" {
		t.Fatalf("environment check: ok=%v mode=%s %s %+v", res.OK, res.Mode, res.Verdict, res.Steps)
	}
	for _, name := range []string{"signin", "clock", "imap", "pop", "smtp", "graph"} {
		if s := res.Step(name); s == nil || s.Status != OK {
			t.Errorf("step %s = %+v, want ok", name, s)
		}
	}
	if sim.Connections().AuthorityRequests == 0 || sim.Connections().SMTP == 0 {
		t.Errorf("the environment check did not reach the endpoints: %+v", sim.Connections())
	}
}

func TestEnvironmentCheckOfflineEndsWithinTimeout(t *testing.T) {
	// Nothing listens anywhere: every step fails with network-unreachable,
	// concurrently, well within the run's timeout.
	closed := func() string {
		l, _ := net.Listen("tcp", "127.0.0.1:0")
		defer l.Close()
		return l.Addr().String()
	}
	p := profile.Profile{AuthorityHost: "https://" + closed(), IMAPHost: closed(), POPHost: closed(), SMTPHost: "smtp.invalid:587",
		GraphURL: "https://" + closed(), Timeout: 3 * time.Second}
	j := prepare(t, p)
	start := time.Now()
	res := j.Run(context.Background(), nil)
	if took := time.Since(start); took > 4*time.Second {
		t.Errorf("took %s, want within the 3 s timeout", took)
	}
	if res.OK {
		t.Fatal("offline environment check passed")
	}
	for _, name := range []string{"signin", "imap", "pop", "smtp", "graph"} {
		if s := res.Step(name); s.Status != Fail || s.Diagnosis == nil || s.Diagnosis.ID != "network-unreachable" {
			t.Errorf("step %s = %s %+v, want fail network-unreachable", name, s.Status, s.Diagnosis)
		}
	}
	if s := res.Step("clock"); s.Status != Skipped {
		t.Errorf("clock = %s, want skipped", s.Status)
	}
}

func TestTokenFailureSkipsProtocols(t *testing.T) {
	sim := startSim(t, simulate.Options{Scenario: "secret-expired"})
	res := prepare(t, simProfile(sim)).Run(context.Background(), nil)
	tok := res.Step("token")
	if tok.Status != Fail || tok.Diagnosis.ID != "client-secret-expired" || !strings.Contains(tok.Detail, "AADSTS7000222") {
		t.Errorf("token = %+v", tok)
	}
	for _, name := range []string{"claims", "imap", "pop", "smtp", "graph"} {
		if s := res.Step(name); s.Status != Skipped {
			t.Errorf("%s = %s, want skipped", name, s.Status)
		}
	}
	if g := res.Step("graph-token"); g.Status != Fail || g.Diagnosis.ID != "client-secret-expired" {
		t.Errorf("graph-token = %+v", g)
	}
	if !strings.HasPrefix(res.Verdict, "2 of 8 checks failed, 5 skipped — Token: ") {
		t.Errorf("verdict = %q", res.Verdict)
	}
}

// TestNoEventsAfterRunEnd: late reports from library goroutines (a reader
// that reads a last BYE, an HTTP dial that lost a race) never reach the
// face after RunEnd.
func TestNoEventsAfterRunEnd(t *testing.T) {
	j := prepare(t, profile.Profile{})
	var got []Kind
	r := &run{j: j, emitf: func(e Event) { got = append(got, e.Kind) }, steps: map[StepName]*stepState{"imap": {def: &stepDef{name: "imap"}}}}
	r.emit(Event{Kind: RunEnd})
	r.log("imap", Info, "late", "")
	r.timing("imap", probe.Timing{Name: "late"})
	if len(got) != 1 || got[0] != RunEnd {
		t.Errorf("events = %v, want only RunEnd", got)
	}
	if n := len(r.steps["imap"].res.Timings); n != 0 {
		t.Errorf("a late timing was recorded (%d)", n)
	}
}
