package engine

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mailoauth/mailoauth-tester/core/cloud"
	"github.com/mailoauth/mailoauth-tester/core/diagnose"
	"github.com/mailoauth/mailoauth-tester/core/probe"
	"github.com/mailoauth/mailoauth-tester/core/profile"
	"github.com/mailoauth/mailoauth-tester/core/protocol"
	"github.com/mailoauth/mailoauth-tester/core/simulate"
)

// The fake protocol exists only in this test, to show that adding a
// protocol is one row of the protocol table and one probe. It is a line
// protocol: the server greets with "* FAKE ready AUTH=XOAUTH2", the client
// sends "LOGIN <mailbox> <token>", the server answers "OK <summary>" or
// "NO <reason>".

// fakeProbe is the probe: one small type, written against probe.Prober
// and probe.Config like the real ones.
type fakeProbe struct {
	cfg   probe.Config
	conn  net.Conn
	r     *bufio.Reader
	mechs string
}

func newFake(c probe.Config) probe.Prober { return &fakeProbe{cfg: c} }

func (p *fakeProbe) Connect(ctx context.Context) error {
	start := time.Now()
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", p.cfg.Addr)
	if err != nil {
		return &probe.NetError{Stage: probe.StageTCP, Addr: p.cfg.Addr, Err: err}
	}
	p.conn = p.cfg.Transcript.Conn(conn)
	p.r = bufio.NewReader(p.conn)
	greeting, err := p.r.ReadString('\n')
	if err != nil {
		return &probe.NetError{Stage: probe.StageGreeting, Addr: p.cfg.Addr, Err: err}
	}
	p.mechs = greeting
	p.cfg.OnTiming(probe.Timing{Name: "greeting", Began: start, Duration: time.Since(start)})
	return nil
}

func (p *fakeProbe) Offers(m probe.Mechanism) bool {
	return strings.Contains(p.mechs, "AUTH="+string(m))
}

func (p *fakeProbe) Login(ctx context.Context, token string) (string, error) {
	stop := context.AfterFunc(ctx, func() { p.conn.Close() })
	defer stop()
	if _, err := fmt.Fprintf(p.conn, "LOGIN %s %s\r\n", p.cfg.User, token); err != nil {
		return "", &probe.NetError{Stage: probe.StageCommand, Addr: p.cfg.Addr, Err: err}
	}
	reply, err := p.r.ReadString('\n')
	if err != nil {
		return "", &probe.NetError{Stage: probe.StageCommand, Addr: p.cfg.Addr, Err: err}
	}
	reply = strings.TrimSpace(reply)
	if summary, ok := strings.CutPrefix(reply, "OK "); ok {
		return summary, nil
	}
	return "", &probe.RejectedError{Protocol: "fake", Reply: reply, Err: errors.New(reply)}
}

func (p *fakeProbe) LoginPassword(context.Context, string, string) (string, error) {
	return "", probe.ErrNoPasswordLogin
}

func (p *fakeProbe) Close() {
	if p.conn != nil {
		p.conn.Close()
	}
}

// fakeServer is the fake protocol's server; it keeps the tokens it got.
type fakeServer struct {
	ln     net.Listener
	refuse bool
	mu     sync.Mutex
	tokens []string
}

func startFake(t *testing.T, refuse bool) *fakeServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &fakeServer{ln: ln, refuse: refuse}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go s.serve(c)
		}
	}()
	return s
}

func (s *fakeServer) serve(c net.Conn) {
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	fmt.Fprint(c, "* FAKE ready AUTH=XOAUTH2\r\n")
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		return
	}
	f := strings.Fields(line)
	if len(f) != 3 || f[0] != "LOGIN" {
		fmt.Fprint(c, "NO bad command\r\n")
		return
	}
	s.mu.Lock()
	s.tokens = append(s.tokens, f[2])
	s.mu.Unlock()
	if s.refuse {
		fmt.Fprint(c, "NO access denied\r\n")
		return
	}
	fmt.Fprintf(c, "OK %s has 2 fake messages\r\n", f[1])
}

func (s *fakeServer) received() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.tokens...)
}

// withFake is the default protocol table plus the fake protocol's one row.
func withFake(addr string) protocol.Table {
	return append(protocol.Default(), protocol.Spec{
		Name: "fake", Title: "Fake", Noun: "Fake", Resource: protocol.Exchange,
		Host:     func(cloud.Cloud) string { return addr },
		AppRoles: []string{simulate.RoleIMAP}, Scopes: []string{"IMAP.AccessAsUser.All"},
		Probe: newFake,
	})
}

// TestFakeProtocol: a protocol added by one table row and one probe is
// planned, shown, connected while the token is fetched, logged in to with
// the token, masked in its transcript, diagnosed when refused, and checked
// by the environment check — without a line of the engine changed.
func TestFakeProtocol(t *testing.T) {
	sim := startSim(t, simulate.Options{})
	srv := startFake(t, false)
	p := simProfile(sim)
	p.Protocols = []profile.Protocol{profile.IMAP, "fake"}
	j, problems := Prepare(p, Options{Protocols: withFake(srv.ln.Addr().String())})
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	plan := j.Plan()
	if got := fmt.Sprint(plan); !strings.Contains(got, "{fake Fake [token]}") {
		t.Errorf("plan %s has no fake step that needs the token", got)
	}
	var log strings.Builder
	res := j.Run(context.Background(), func(e Event) { log.WriteString(e.Text + "\n") })
	if !res.OK {
		t.Fatalf("%s\n%s", res.Verdict, describe(res))
	}
	s := res.Step("fake")
	if s.Detail != sim.Mailbox+" has 2 fake messages" || s.Waited <= 0 {
		t.Errorf("fake step = %+v", s)
	}
	issued := sim.IssuedTokens()
	if got := srv.received(); len(got) != 1 || got[0] != issued[0] {
		t.Errorf("the fake server got %d tokens, not the issued one", len(got))
	}
	var transcript strings.Builder
	for _, l := range s.Transcript {
		transcript.WriteString(l.String() + "\n")
	}
	if out := transcript.String() + log.String(); !strings.Contains(out, "LOGIN "+sim.Mailbox+" [password hidden") || strings.Contains(out, issued[0]) {
		t.Errorf("transcript not masked:\n%s", transcript.String())
	}

	// Refused: the claims explain it like any Exchange protocol's refusal.
	refusing := startFake(t, true)
	j, _ = Prepare(p, Options{Protocols: withFake(refusing.ln.Addr().String())})
	res = j.Run(context.Background(), nil)
	if s := res.Step("fake"); s.Status != Fail || s.Diagnosis == nil || s.Diagnosis.ID != diagnose.ExchangeServicePrincipalMissing {
		t.Errorf("refused fake step = %s %+v", s.Status, s.Diagnosis)
	}

	// The environment check reaches it too.
	env := profile.Profile{AuthorityHost: sim.AuthorityURL, IMAPHost: sim.IMAPAddr, POPHost: sim.POPAddr, SMTPHost: sim.SMTPAddr, GraphURL: sim.GraphURL, CAFile: sim.CAFile}
	j, problems = Prepare(env, Options{Protocols: withFake(srv.ln.Addr().String())})
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	res = j.Run(context.Background(), nil)
	if s := res.Step("fake"); s == nil || s.Status != OK || !strings.Contains(s.Detail, "offers XOAUTH2") {
		t.Errorf("environment check of the fake protocol = %+v", s)
	}
}
