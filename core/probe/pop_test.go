package probe

import (
	"context"
	"encoding/base64"
	"errors"
	"strings"
	"testing"
)

// popGreeting is what Exchange Online's POP3 server says first.
var popGreeting = []exchange{
	{reply: []string{"+OK The Microsoft Exchange POP3 service is ready."}},
	{expect: `CAPA`, reply: []string{"+OK", "TOP", "UIDL", "SASL PLAIN XOAUTH2", "USER", "."}},
	// AUTH in two steps: Exchange refuses an initial response on the line.
	{expect: `AUTH XOAUTH2`, reply: []string{"+ "}},
}

func popScript(turns ...exchange) []exchange {
	return append(append([]exchange(nil), popGreeting...), turns...)
}

func TestPOPLogin(t *testing.T) {
	srv := serveScript(t, true, popScript(
		exchange{expect: regexpQuote(xoauth2(testUser, testToken)), reply: []string{"+OK User successfully authenticated."}},
		exchange{expect: `STAT`, reply: []string{"+OK 3 1536"}},
		exchange{expect: `QUIT`, reply: []string{"+OK Microsoft Exchange Server POP3 server signing off."}},
	))
	tr := NewTranscript(nil, nil)
	var stages []string
	p := &POP{Target: srv.target(t, tr), User: testUser, Mech: XOAUTH2}
	p.OnTiming = func(tm Timing) { stages = append(stages, tm.Name) }
	defer p.Close()
	if err := p.Connect(context.Background()); err != nil {
		t.Fatalf("Connect() = %v", err)
	}
	summary, err := p.Login(context.Background(), testToken)
	if err != nil || summary != "3 messages, 2 KB" {
		t.Fatalf("Login() = %q, %v", summary, err)
	}
	if got := strings.Join(stages, ","); got != "tcp,tls,greeting,capa,auth,stat,quit" {
		t.Errorf("timings = %s", got)
	}
	assertMasked(t, tr, testToken)
}

func TestPOPRefusals(t *testing.T) {
	challenge := base64.StdEncoding.EncodeToString([]byte(`{"status":"invalid_token","scope":"https://outlook.office365.com/.default"}`))
	tests := []struct {
		name  string
		turns []exchange
		check func(t *testing.T, err error)
	}{
		{"refused with a response code", []exchange{
			{expect: `\S+`, reply: []string{"-ERR [AUTH] Authentication failure: unknown user name or bad password."}},
		}, func(t *testing.T, err error) {
			var rej *RejectedError
			if !errors.As(err, &rej) || rej.Code.POP != "AUTH" || !strings.HasPrefix(rej.Reply, "-ERR [AUTH]") {
				t.Errorf("Login() = %#v, want *RejectedError with POP code AUTH", err)
			}
		}},
		{"error challenge answered, then refused", []exchange{
			{expect: `\S+`, reply: []string{"+ " + challenge}},
			{expect: `()`, reply: []string{"-ERR Authentication failure"}},
		}, func(t *testing.T, err error) {
			var rej *RejectedError
			if !errors.As(err, &rej) || !strings.Contains(rej.Challenge, "invalid_token") || rej.Code.POP != "" {
				t.Errorf("Login() = %#v, want *RejectedError with the decoded challenge", err)
			}
		}},
		{"maildrop not connected", []exchange{
			{expect: `\S+`, reply: []string{"+OK User successfully authenticated."}},
			{expect: `STAT`, reply: []string{"-ERR [SYS/PERM] User is authenticated but not connected."}},
		}, func(t *testing.T, err error) {
			var ce *CommandError
			if !errors.As(err, &ce) || ce.Command != "STAT" || ce.Code.POP != "SYS/PERM" {
				t.Errorf("Login() = %#v, want *CommandError for STAT with SYS/PERM", err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := serveScript(t, true, popScript(tt.turns...))
			p := &POP{Target: srv.target(t, nil), User: testUser, Mech: XOAUTH2}
			defer p.Close()
			if err := p.Connect(context.Background()); err != nil {
				t.Fatalf("Connect() = %v", err)
			}
			_, err := p.Login(context.Background(), testToken)
			tt.check(t, err)
		})
	}
}

// TestPOPWithoutCAPA: CAPA is optional; without it only AUTH can tell.
func TestPOPWithoutCAPA(t *testing.T) {
	srv := serveScript(t, true, []exchange{
		{reply: []string{"+OK ready"}},
		{expect: `CAPA`, reply: []string{"-ERR unknown command"}},
		{expect: `AUTH XOAUTH2`, reply: []string{"-ERR [AUTH] mechanism not supported"}},
	})
	p := &POP{Target: srv.target(t, nil), User: testUser, Mech: XOAUTH2}
	defer p.Close()
	if err := p.Connect(context.Background()); err != nil {
		t.Fatalf("Connect() = %v", err)
	}
	if !p.Offers(XOAUTH2) {
		t.Error("without CAPA every mechanism may be offered")
	}
	_, err := p.Login(context.Background(), testToken)
	var rej *RejectedError
	if !errors.As(err, &rej) || rej.Code.POP != "AUTH" {
		t.Errorf("Login() = %v, want the AUTH refusal", err)
	}
}
