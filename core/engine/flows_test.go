package engine

import (
	"context"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mailoauth/mailoauth-tester/core/profile"
	"github.com/mailoauth/mailoauth-tester/core/simulate"
)

// person plays the user: the browser (the simulated tenant's Browse), the
// phone that approves a device code, and the hands that paste what the
// browser shows.
type person struct {
	t      testing.TB
	sim    *simulate.Tenant
	user   string
	pasted chan string
	opened chan string
	noop   bool // opens nothing: the user never signs in
}

func newPerson(t testing.TB, sim *simulate.Tenant) *person {
	return &person{t: t, sim: sim, pasted: make(chan string, 4), opened: make(chan string, 4)}
}

func (p *person) open(u string) error {
	p.opened <- u
	if p.noop {
		return nil
	}
	go func() {
		res, err := simulate.Browse(context.Background(), p.sim.HTTPClient(), u)
		switch {
		case err != nil:
			p.pasted <- "browser error: " + err.Error()
		case res.ErrorText != "":
			p.pasted <- res.ErrorText // the user copies the error page
		case !res.Delivered && res.FinalURL != "":
			p.pasted <- res.FinalURL // the redirect went to a web site: the user copies the address
		}
	}()
	return nil
}

func (p *person) paste(ctx context.Context, _ Prompt) (string, error) {
	select {
	case s := <-p.pasted:
		return s, nil
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// emit approves device codes like a person with a phone.
func (p *person) emit(e Event) {
	if e.Kind == PromptEvent && e.Prompt != nil && e.Prompt.Kind == PromptDeviceCode && !p.noop {
		go p.sim.ApproveDevice(e.Prompt.Code, p.user)
	}
}

func (p *person) options() Options { return Options{OpenURL: p.open, Paste: p.paste} }

func delegatedProfile(sim *simulate.Tenant, flow profile.Flow) profile.Profile {
	p := simProfile(sim)
	p.Flow, p.ClientSecret = flow, ""
	p.Protocols = profile.AllProtocols
	switch flow {
	case profile.Password:
		p.Password = sim.UserPassword
	case profile.AuthCode:
		p.ClientSecret = sim.ClientSecret
		p.RedirectURI = "https://app.contoso-sim.test/oauth/callback"
	case profile.AppPassword:
		p.Password = sim.AppPassword
		p.Provider = "custom"
		p.Protocols = profile.MailProtocols
	}
	return p
}

func runFlow(t *testing.T, sim *simulate.Tenant, p profile.Profile, who *person) *Result {
	t.Helper()
	j, problems := Prepare(p, who.options())
	if len(problems) > 0 {
		t.Fatalf("Prepare: %v", problems)
	}
	return j.Run(context.Background(), who.emit)
}

func TestEveryFlowSucceeds(t *testing.T) {
	for _, flow := range []profile.Flow{profile.Interactive, profile.DeviceCode, profile.AuthCode, profile.Password} {
		t.Run(string(flow), func(t *testing.T) {
			sim := startSim(t, simulate.Options{})
			res := runFlow(t, sim, delegatedProfile(sim, flow), newPerson(t, sim))
			if !res.OK {
				t.Fatalf("%s: %s\n%s", flow, res.Verdict, describe(res))
			}
			want := "tenant,token,claims,graph-token,imap,pop,smtp,graph,refresh"
			if flow == profile.Password {
				want = "input," + want // the loud "Microsoft discourages ROPC" warning
			}
			if got := stepNames(res); got != want {
				t.Errorf("steps = %s, want %s", got, want)
			}
			if r := res.Step("refresh"); !strings.Contains(r.Detail, "refresh token issued and redeemed") {
				t.Errorf("refresh = %q", r.Detail)
			}
			if tok := res.Step("token"); !strings.Contains(tok.Detail, sim.User) {
				t.Errorf("token detail does not name the user: %q", tok.Detail)
			}
		})
	}
	t.Run("app-password", func(t *testing.T) {
		sim := startSim(t, simulate.Options{Scenario: "app-password"})
		res := runFlow(t, sim, delegatedProfile(sim, profile.AppPassword), newPerson(t, sim))
		if !res.OK || stepNames(res) != "imap,pop,smtp" {
			t.Fatalf("%s %s\n%s", stepNames(res), res.Verdict, describe(res))
		}
	})
}

func TestAuthCodeOnLoopbackRedirect(t *testing.T) {
	sim := startSim(t, simulate.Options{})
	port := freeTCPPort(t)
	redirect := fmt.Sprintf("http://localhost:%d/oauth/callback", port)
	sim.Update(func(s *simulate.State) {
		for _, app := range s.Apps {
			app.Web = append(app.Web, redirect)
		}
	})
	p := delegatedProfile(sim, profile.AuthCode)
	p.RedirectURI = redirect
	who := newPerson(t, sim)
	res := runFlow(t, sim, p, who)
	if !res.OK {
		t.Fatalf("%s\n%s", res.Verdict, describe(res))
	}
	if len(who.pasted) != 0 {
		t.Error("the code was pasted although the redirect came back to the listener")
	}
	assertClosed(t, port)
}

func TestSharedMailboxAsDelegate(t *testing.T) {
	for _, tt := range []struct {
		scenario, id string
	}{{"ok", ""}, {"shared-mailbox-no-access", "mailbox-auth-rejected"}} {
		t.Run(tt.scenario, func(t *testing.T) {
			sim := startSim(t, simulate.Options{Scenario: tt.scenario})
			p := delegatedProfile(sim, profile.Password)
			p.User, p.Password, p.Mailbox = sim.DelegateUser, sim.DelegatePassword, sim.SharedMailbox
			p.Protocols = profile.MailProtocols
			res := runFlow(t, sim, p, newPerson(t, sim))
			imap := res.Step("imap")
			if tt.id == "" {
				if !res.OK {
					t.Fatalf("%s\n%s", res.Verdict, describe(res))
				}
				return
			}
			if imap.Status != Fail || imap.Diagnosis == nil || imap.Diagnosis.ID != tt.id {
				t.Errorf("imap = %s %+v, want %s", imap.Status, imap.Diagnosis, tt.id)
			}
		})
	}
}

// TestFlowScenarios runs every scenario against every flow it applies to.
func TestFlowScenarios(t *testing.T) {
	flowOf := map[string]profile.Flow{"interactive": profile.Interactive, "device-code": profile.DeviceCode,
		"auth-code": profile.AuthCode, "password": profile.Password, "app-password": profile.AppPassword, "refresh": profile.Interactive}
	for _, sc := range simulate.Scenarios() {
		for _, f := range sc.Flows {
			if sc.Name == "shared-mailbox-no-access" {
				continue // TestSharedMailboxAsDelegate
			}
			t.Run(sc.Name+"/"+f, func(t *testing.T) {
				sim := startSim(t, simulate.Options{Scenario: sc.Name})
				p := delegatedProfile(sim, flowOf[f])
				if sc.Name == "redirect-uri-mismatch" && p.Flow == profile.AuthCode {
					// The scenario registers only the web site's address;
					// the product uses a local one.
					p.RedirectURI = fmt.Sprintf("http://localhost:%d/callback", freeTCPPort(t))
				}
				ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				defer cancel()
				j, problems := Prepare(p, newPerson(t, sim).options())
				if len(problems) > 0 {
					t.Fatal(problems)
				}
				who := newPerson(t, sim)
				j.opts = who.options()
				res := j.Run(ctx, who.emit)
				if sc.WantID == "" {
					if !res.OK {
						t.Fatalf("%s\n%s", res.Verdict, describe(res))
					}
					return
				}
				var ids []string
				for _, s := range res.Steps {
					if (s.Status == Fail || s.Status == Warn) && s.Diagnosis != nil {
						ids = append(ids, s.Name+"="+s.Diagnosis.ID)
					}
				}
				found := false
				for _, id := range ids {
					found = found || strings.HasSuffix(id, "="+sc.WantID)
				}
				if !found || res.OK {
					t.Errorf("diagnoses %v, want %s\n%s", ids, sc.WantID, describe(res))
				}
			})
		}
	}
}

func TestGraphAudienceTokenSentToIMAP(t *testing.T) {
	sim := startSim(t, simulate.Options{})
	p := delegatedProfile(sim, profile.Password)
	p.Protocols = []profile.Protocol{profile.IMAP}
	p.Scopes = []string{"https://graph.microsoft.com/IMAP.AccessAsUser.All"}
	res := runFlow(t, sim, p, newPerson(t, sim))
	if c := res.Step("claims"); c.Status != Warn || c.Diagnosis.ID != "token-audience-wrong" {
		t.Errorf("claims = %s %+v", c.Status, c.Diagnosis)
	}
	if s := res.Step("imap"); s.Status != Fail || s.Diagnosis == nil || s.Diagnosis.ID != "token-audience-wrong" {
		t.Errorf("imap = %s %+v, want token-audience-wrong", s.Status, s.Diagnosis)
	}
}

// TestCancelWhileWaitingForTheUser: the browser and device-code waits end
// within a second of a cancel, and the loopback listener is closed.
func TestCancelWhileWaitingForTheUser(t *testing.T) {
	port := freeTCPPort(t)
	for _, flow := range []profile.Flow{profile.Interactive, profile.DeviceCode, profile.AuthCode} {
		t.Run(string(flow), func(t *testing.T) {
			sim := startSim(t, simulate.Options{})
			p := delegatedProfile(sim, flow)
			if flow == profile.AuthCode {
				p.RedirectURI = fmt.Sprintf("http://localhost:%d/cb", port)
			}
			who := newPerson(t, sim)
			who.noop = true
			j, problems := Prepare(p, who.options())
			if len(problems) > 0 {
				t.Fatal(problems)
			}
			ctx, cancel := context.WithCancel(context.Background())
			waiting := make(chan struct{})
			var once sync.Once
			done := make(chan *Result)
			go func() {
				done <- j.Run(ctx, func(e Event) {
					if e.Kind == PromptEvent {
						once.Do(func() { close(waiting) })
					}
				})
			}()
			select {
			case <-waiting:
			case <-time.After(10 * time.Second):
				t.Fatal("no prompt")
			}
			start := time.Now()
			cancel()
			select {
			case res := <-done:
				if took := time.Since(start); took > time.Second {
					t.Errorf("Run returned %s after cancel, want < 1 s", took)
				}
				if !res.Cancelled {
					t.Errorf("not marked cancelled: %s", res.Verdict)
				}
			case <-time.After(2 * time.Second):
				t.Fatal("Run did not return after cancel")
			}
			if flow == profile.AuthCode {
				assertClosed(t, port)
			}
		})
	}
}

func freeTCPPort(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func assertClosed(t *testing.T, port int) {
	t.Helper()
	c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), time.Second)
	if err == nil {
		c.Close()
		t.Errorf("the redirect listener on port %d is still open", port)
	}
}

func stepNames(res *Result) string {
	var n []string
	for _, s := range res.Steps {
		n = append(n, s.Name)
	}
	return strings.Join(n, ",")
}

func describe(res *Result) string {
	var b strings.Builder
	for _, s := range res.Steps {
		id := ""
		if s.Diagnosis != nil {
			id = " [" + s.Diagnosis.ID + "]"
		}
		fmt.Fprintf(&b, "  %-12s %-7s %s%s\n", s.Name, s.Status, s.Detail, id)
	}
	return b.String()
}
