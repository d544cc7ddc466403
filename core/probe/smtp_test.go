package probe

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// smtpGreeting is the conversation up to the second EHLO, as Exchange
// Online's submission port has it.
func smtpGreeting(auth string) []exchange {
	return []exchange{
		{reply: []string{"220 SN4PR0601CA0001.outlook.office365.com Microsoft ESMTP MAIL Service ready"}},
		{expect: `EHLO \S+`, reply: []string{"250-SN4PR0601CA0001.outlook.office365.com Hello", "250-SIZE 157286400", "250-PIPELINING", "250-STARTTLS", "250 8BITMIME"}},
		{expect: `STARTTLS`, reply: []string{"220 2.0.0 SMTP server ready"}, startTLS: true},
		{expect: `EHLO \S+`, reply: []string{"250-SN4PR0601CA0001.outlook.office365.com Hello", "250-SIZE 157286400", "250-AUTH " + auth, "250 8BITMIME"}},
	}
}

func TestSMTPLogin(t *testing.T) {
	srv := serveScript(t, false, append(smtpGreeting("LOGIN XOAUTH2"),
		exchange{expect: `AUTH XOAUTH2 ` + regexpQuote(xoauth2(testUser, testToken)), reply: []string{"235 2.7.0 Authentication successful"}},
		exchange{expect: `QUIT`, reply: []string{"221 2.0.0 Service closing transmission channel"}},
	))
	tr := NewTranscript(nil, nil)
	p := &SMTP{Target: srv.target(t, tr), User: testUser, Mech: XOAUTH2}
	defer p.Close()
	if err := p.Connect(context.Background()); err != nil {
		t.Fatalf("Connect() = %v", err)
	}
	summary, err := p.Login(context.Background(), testToken)
	if err != nil || summary != "AUTH XOAUTH2 accepted for "+testUser+" (no mail sent)" {
		t.Fatalf("Login() = %q, %v", summary, err)
	}
	assertMasked(t, tr, testToken)
	// Before STARTTLS the raw connection is recorded, after it the client's
	// own writer: both halves are in the transcript.
	var all []string
	for _, l := range tr.Lines() {
		all = append(all, l.String())
	}
	joined := strings.Join(all, "\n")
	for _, want := range []string{"C: STARTTLS", "S: 220 2.0.0 SMTP server ready", "S: 250-AUTH LOGIN XOAUTH2", "S: 235 2.7.0 Authentication successful"} {
		if !strings.Contains(joined, want) {
			t.Errorf("transcript lacks %q:\n%s", want, joined)
		}
	}
}

func TestSMTPSendsTheTestMessageOnlyWhenAsked(t *testing.T) {
	srv := serveScript(t, false, append(smtpGreeting("XOAUTH2"),
		exchange{expect: `AUTH XOAUTH2 \S+`, reply: []string{"235 2.7.0 Authentication successful"}},
		exchange{expect: `MAIL FROM:<` + testUser + `>.*`, reply: []string{"250 2.1.0 Sender OK"}},
		exchange{expect: `RCPT TO:<` + testUser + `>.*`, reply: []string{"550 5.7.60 SMTP; Client does not have permissions to send as this sender"}},
	))
	p := &SMTP{Target: srv.target(t, nil), User: testUser, Mech: XOAUTH2, SendTest: true}
	defer p.Close()
	if err := p.Connect(context.Background()); err != nil {
		t.Fatalf("Connect() = %v", err)
	}
	_, err := p.Login(context.Background(), testToken)
	var ce *CommandError
	if !errors.As(err, &ce) || ce.Command != "RCPT TO" || ce.Code.SMTP != 550 || ce.Code.Enhanced != "5.7.60" {
		t.Errorf("Login() = %#v, want *CommandError for RCPT TO with 550 5.7.60", err)
	}
}

func TestSMTPRefusals(t *testing.T) {
	tests := []struct {
		name   string
		script []exchange
		login  bool
		check  func(t *testing.T, err error)
	}{
		{"AUTH refused with an enhanced code", append(smtpGreeting("XOAUTH2"),
			exchange{expect: `AUTH XOAUTH2 \S+`, reply: []string{"535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant."}},
			// go-smtp cancels a refused AUTH with "*" and waits for the answer.
			exchange{expect: `\*`, reply: []string{"500 5.3.3 Unrecognized command"}}),
			true, func(t *testing.T, err error) {
				var rej *RejectedError
				if !errors.As(err, &rej) || rej.Code.SMTP != 535 || rej.Code.Enhanced != "5.7.139" || !strings.HasPrefix(rej.Reply, "535 5.7.139 ") {
					t.Errorf("Login() = %#v, want *RejectedError 535 5.7.139", err)
				}
			}},
		{"no AUTH mechanism", smtpGreeting("LOGIN PLAIN"),
			true, func(t *testing.T, err error) {
				var me *MechanismError
				if !errors.As(err, &me) || strings.Join(me.Offered, " ") != "LOGIN PLAIN" {
					t.Errorf("Login() = %v, want *MechanismError", err)
				}
			}},
		{"no STARTTLS", []exchange{
			{reply: []string{"220 mail.example.com ESMTP"}},
			{expect: `EHLO \S+`, reply: []string{"250-mail.example.com", "250-SIZE 10240000", "250 AUTH PLAIN LOGIN"}},
		}, false, func(t *testing.T, err error) {
			var ne *NetError
			if !errors.As(err, &ne) || ne.Stage != StageTLS || !errors.Is(err, ErrNoSTARTTLS) {
				t.Errorf("Connect() = %v, want ErrNoSTARTTLS at the TLS stage", err)
			}
		}},
		{"STARTTLS refused", []exchange{
			{reply: []string{"220 mail.example.com ESMTP"}},
			{expect: `EHLO \S+`, reply: []string{"250-mail.example.com", "250 STARTTLS"}},
			{expect: `STARTTLS`, reply: []string{"454 4.7.0 TLS not available due to local problem"}},
		}, false, func(t *testing.T, err error) {
			var ne *NetError
			if !errors.As(err, &ne) || errors.Is(err, ErrNoSTARTTLS) || !strings.Contains(err.Error(), "454") {
				t.Errorf("Connect() = %v, want the 454 reply, not ErrNoSTARTTLS", err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := serveScript(t, false, tt.script)
			p := &SMTP{Target: srv.target(t, nil), User: testUser, Mech: XOAUTH2}
			defer p.Close()
			err := p.Connect(context.Background())
			if tt.login {
				if err != nil {
					t.Fatalf("Connect() = %v", err)
				}
				_, err = p.Login(context.Background(), testToken)
			}
			tt.check(t, err)
		})
	}
}
