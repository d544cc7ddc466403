package engine

import (
	"context"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"

	"github.com/mailoauth/mailoauth-tester/core/cloud"
	"github.com/mailoauth/mailoauth-tester/core/profile"
	"github.com/mailoauth/mailoauth-tester/core/simulate"
)

// TestCloudSwitchesEveryHost checks the job's endpoints, not a label: for
// each cloud every host the run will contact belongs to that cloud.
func TestCloudSwitchesEveryHost(t *testing.T) {
	want := map[string]string{"global": ".com", "usgov": ".us", "usgov-dod": ".us", "china": ".cn"}
	for _, c := range cloud.All {
		t.Run(c.Name, func(t *testing.T) {
			p := profile.Profile{Tenant: "contoso.onmicrosoft.com", ClientID: "396c2760-2fa5-4948-b9d5-9839a7440836",
				ClientSecret: "Xy8Q~abcdefghijklmnopqrstuvwxyz012345678", Mailbox: "support@contoso.com",
				Protocols: profile.AllProtocols, Cloud: c.Name}
			j := prepare(t, p)
			for role, host := range j.Hosts() {
				h := strings.TrimSuffix(strings.Split(strings.TrimPrefix(host, "https://"), ":")[0], "/")
				if !strings.HasSuffix(h, want[c.Name]) {
					t.Errorf("%s %s = %s, not a %s host", c.Name, role, host, want[c.Name])
				}
			}
			env := prepare(t, profile.Profile{Cloud: c.Name})
			if got := env.Input(); got.AuthorityHost != c.AuthorityHost || got.IMAPHost != c.IMAPHost || got.GraphURL != c.GraphHost {
				t.Errorf("environment check of %s uses %+v", c.Name, got)
			}
		})
	}
}

// router sends connections for real host names to the simulated tenant and
// records which names were dialled.
type router struct {
	mu     sync.Mutex
	routes map[string]string
	dialed []string
}

func (rt *router) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	rt.mu.Lock()
	rt.dialed = append(rt.dialed, addr)
	to, ok := rt.routes[addr]
	rt.mu.Unlock()
	if !ok {
		return nil, fmt.Errorf("test router: no route to %s", addr)
	}
	var d net.Dialer
	return d.DialContext(ctx, network, to)
}

// TestUSGovernmentCloudEndToEnd runs a whole check with cloud "usgov" and no
// host overrides; the only way to reach the simulated GCC High tenant is
// through the GCC High host names.
func TestUSGovernmentCloudEndToEnd(t *testing.T) {
	sim := startSim(t, simulate.Options{Cloud: "usgov"})
	hostport := func(u string) string { return strings.TrimPrefix(u, "https://") }
	rt := &router{routes: map[string]string{
		"login.microsoftonline.us:443": hostport(sim.AuthorityURL),
		"outlook.office365.us:993":     sim.IMAPAddr,
		"outlook.office365.us:995":     sim.POPAddr,
		"outlook.office365.us:587":     sim.SMTPAddr, // GCC High SMTP, per Microsoft's endpoint list
		"graph.microsoft.us:443":       hostport(sim.GraphURL),
	}}
	p := profile.Profile{Tenant: sim.TenantID, ClientID: sim.ClientID, ClientSecret: sim.ClientSecret, Mailbox: sim.Mailbox,
		Protocols: profile.AllProtocols, Cloud: "usgov", CAFile: sim.CAFile}
	j, problems := Prepare(p, Options{DialContext: rt.dial})
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	res := j.Run(context.Background(), nil)
	if !res.OK {
		t.Fatalf("usgov run: %s %+v", res.Verdict, res.Steps)
	}
	for _, addr := range rt.dialed {
		if !strings.Contains(addr, ".us:") {
			t.Errorf("dialled %s during a GCC High run", addr)
		}
	}
	// The same tenant tested as worldwide: discovery says it is in another cloud.
	p.Cloud = "global"
	rt.routes["login.microsoftonline.com:443"] = hostport(sim.AuthorityURL)
	j, _ = Prepare(p, Options{DialContext: rt.dial})
	res = j.Run(context.Background(), nil)
	if s := res.Step("tenant"); s.Status != Warn || s.Diagnosis == nil || s.Diagnosis.ID != "wrong-cloud" {
		t.Errorf("tenant step for a GCC High tenant tested as worldwide = %+v", s)
	}
}

func TestGraphScenarios(t *testing.T) {
	tests := []struct {
		scenario, id string
		send         bool
	}{
		{"graph-access-policy", "graph-access-policy", false},
		{"graph-permission-missing", "graph-permission-denied", false},
		{"graph-mailbox-missing", "mailbox-not-found", false},
		{"graph-throttled", "", false},
		{"ok", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.scenario, func(t *testing.T) {
			sim := startSim(t, simulate.Options{Scenario: tt.scenario})
			p := simProfile(sim)
			p.Protocols = []profile.Protocol{profile.Graph}
			p.SendTestMail = tt.send
			res := prepare(t, p).Run(context.Background(), nil)
			g := res.Step("graph")
			if tt.id == "" {
				if g.Status != OK {
					t.Fatalf("graph = %s %s %+v", g.Status, g.Detail, g.Diagnosis)
				}
			} else if g.Status != Fail || g.Diagnosis == nil || g.Diagnosis.ID != tt.id {
				t.Fatalf("graph = %s %q %+v, want fail %s", g.Status, g.Detail, g.Diagnosis, tt.id)
			}
			if sent := sim.GraphSends(sim.Mailbox); (sent > 0) != tt.send {
				t.Errorf("Graph test messages sent = %d, want sent only when asked (%v)", sent, tt.send)
			}
			if res.Step("token") != nil {
				t.Error("a Graph-only run fetched an Exchange token")
			}
		})
	}
}

func TestSMTPTestSendOnlyWhenAsked(t *testing.T) {
	for _, send := range []bool{false, true} {
		sim := startSim(t, simulate.Options{})
		p := simProfile(sim)
		p.Protocols = []profile.Protocol{profile.SMTP}
		p.SendTestMail = send
		res := prepare(t, p).Run(context.Background(), nil)
		if !res.OK {
			t.Fatalf("send=%v: %s", send, res.Verdict)
		}
		if got := sim.SentMessages(sim.Mailbox); (got > 0) != send {
			t.Errorf("send=%v: %d messages sent over SMTP", send, got)
		}
	}
}
