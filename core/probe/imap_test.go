package probe

import (
	"context"
	"encoding/base64"
	"errors"
	"strings"
	"testing"
)

// imapGreeting and imapCaps are what Exchange Online says first.
var imapGreeting = []exchange{
	{reply: []string{"* OK The Microsoft Exchange IMAP4 service is ready."}},
	{expect: `(\S+) CAPABILITY`, reply: []string{"* CAPABILITY IMAP4 IMAP4rev1 AUTH=PLAIN AUTH=XOAUTH2 SASL-IR UIDPLUS ID", "$1 OK CAPABILITY completed."}},
}

func imapScript(turns ...exchange) []exchange {
	return append(append([]exchange(nil), imapGreeting...), turns...)
}

// imapCapsAgain answers the CAPABILITY go-imap sends in the background
// after a login.
var imapCapsAgain = exchange{expect: `(\S+) CAPABILITY`, reply: []string{"* CAPABILITY IMAP4 IMAP4rev1 AUTH=PLAIN AUTH=XOAUTH2 SASL-IR UIDPLUS MOVE ID", "$1 OK CAPABILITY completed."}}

// xoauth2 is the initial response a correct client sends.
func xoauth2(user, token string) string {
	return base64.StdEncoding.EncodeToString([]byte("user=" + user + "\x01auth=Bearer " + token + "\x01\x01"))
}

func TestIMAPLogin(t *testing.T) {
	srv := serveScript(t, true, imapScript(
		exchange{expect: `(\S+) AUTHENTICATE XOAUTH2 ` + regexpQuote(xoauth2(testUser, testToken)), reply: []string{"$1 OK AUTHENTICATE completed."}},
		exchange{expect: `(\S+) EXAMINE INBOX`, reply: []string{"* 3 EXISTS", "* 0 RECENT", `* FLAGS (\Seen \Answered)`, "* OK [UIDVALIDITY 14] UIDVALIDITY value", "$1 OK [READ-ONLY] EXAMINE completed."}},
		exchange{expect: `(\S+) LOGOUT`, reply: []string{"* BYE Microsoft Exchange Server IMAP4 server signing off.", "$1 OK LOGOUT completed."}},
	), imapCapsAgain)
	tr := NewTranscript(nil, nil)
	var stages []string
	p := &IMAP{Target: srv.target(t, tr), User: testUser, Mech: XOAUTH2}
	p.OnTiming = func(tm Timing) { stages = append(stages, tm.Name) }
	defer p.Close()
	if err := p.Connect(context.Background()); err != nil {
		t.Fatalf("Connect() = %v", err)
	}
	if !p.Offers(XOAUTH2) || p.Offers(OAUTHBEARER) {
		t.Errorf("Offers() does not follow the capabilities")
	}
	summary, err := p.Login(context.Background(), testToken)
	if err != nil || summary != "INBOX: 3 messages" {
		t.Fatalf("Login() = %q, %v", summary, err)
	}
	if got := strings.Join(stages, ","); got != "tcp,tls,greeting,capability,authenticate,examine,logout" {
		t.Errorf("timings = %s", got)
	}
	assertMasked(t, tr, testToken)
}

func TestIMAPRefusals(t *testing.T) {
	tests := []struct {
		name  string
		turns []exchange
		check func(t *testing.T, err error)
	}{
		{"authenticate refused with a response code", []exchange{
			{expect: `(\S+) AUTHENTICATE XOAUTH2 \S+`, reply: []string{"$1 NO [AUTHENTICATIONFAILED] AUTHENTICATE failed."}},
		}, func(t *testing.T, err error) {
			var rej *RejectedError
			if !errors.As(err, &rej) || rej.Code.IMAP != "AUTHENTICATIONFAILED" || rej.Reply != "NO [AUTHENTICATIONFAILED] AUTHENTICATE failed." {
				t.Errorf("Login() = %#v, want *RejectedError with the IMAP code", err)
			}
		}},
		{"error challenge answered with an empty line, then refused", []exchange{
			{expect: `(\S+) AUTHENTICATE XOAUTH2 \S+`, reply: []string{"+ " + base64.StdEncoding.EncodeToString([]byte(`{"status":"401","schemes":"bearer"}`))}},
			{expect: `=?`, reply: []string{"$1 NO AUTHENTICATE failed."}},
		}, func(t *testing.T, err error) {
			var rej *RejectedError
			if !errors.As(err, &rej) || !strings.Contains(rej.Challenge, `"status":"401"`) {
				t.Errorf("Login() = %#v, want *RejectedError with the decoded challenge", err)
			}
		}},
		{"authenticated but not connected", []exchange{
			{expect: `(\S+) AUTHENTICATE XOAUTH2 \S+`, reply: []string{"$1 OK AUTHENTICATE completed."}},
			{expect: `(\S+) EXAMINE INBOX`, reply: []string{"$1 BAD User is authenticated but not connected."}},
		}, func(t *testing.T, err error) {
			var ce *CommandError
			if !errors.As(err, &ce) || ce.Command != "EXAMINE INBOX" || !strings.Contains(ce.Reply, "not connected") {
				t.Errorf("Login() = %#v, want *CommandError for EXAMINE", err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := serveScript(t, true, imapScript(tt.turns...), imapCapsAgain)
			p := &IMAP{Target: srv.target(t, nil), User: testUser, Mech: XOAUTH2}
			defer p.Close()
			if err := p.Connect(context.Background()); err != nil {
				t.Fatalf("Connect() = %v", err)
			}
			_, err := p.Login(context.Background(), testToken)
			tt.check(t, err)
		})
	}
}

func TestIMAPWithoutTheMechanism(t *testing.T) {
	srv := serveScript(t, true, []exchange{
		{reply: []string{"* OK ready"}},
		{expect: `(\S+) CAPABILITY`, reply: []string{"* CAPABILITY IMAP4rev1 AUTH=PLAIN", "$1 OK done"}},
	})
	p := &IMAP{Target: srv.target(t, nil), User: testUser, Mech: XOAUTH2}
	defer p.Close()
	if err := p.Connect(context.Background()); err != nil {
		t.Fatal(err)
	}
	_, err := p.Login(context.Background(), testToken)
	var me *MechanismError
	if !errors.As(err, &me) || me.Mech != XOAUTH2 || strings.Join(me.Offered, ",") != "PLAIN" {
		t.Errorf("Login() = %v, want *MechanismError offering PLAIN", err)
	}
}

// assertMasked fails when the transcript holds the secret or its base64.
func assertMasked(t *testing.T, tr *Transcript, secret string) {
	t.Helper()
	var all strings.Builder
	for _, l := range tr.Lines() {
		all.WriteString(l.String() + "\n")
	}
	out := all.String()
	if out == "" {
		t.Fatal("empty transcript")
	}
	if strings.Contains(out, secret) || strings.Contains(out, xoauth2(testUser, secret)) {
		t.Errorf("the transcript holds the token:\n%s", out)
	}
}

func regexpQuote(s string) string {
	return strings.NewReplacer("+", `\+`, "/", `\/`, ".", `\.`).Replace(s)
}
