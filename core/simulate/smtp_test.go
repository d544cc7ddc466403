package simulate

import (
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/emersion/go-smtp"
)

// dialSMTP connects go-smtp's client and runs STARTTLS.
func dialSMTP(t *testing.T, ten *Tenant) *smtp.Client {
	t.Helper()
	c, err := smtp.DialStartTLS(ten.SMTPAddr, ten.TLSConfig(""))
	if err != nil {
		t.Fatalf("DialStartTLS() = %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

const testMessage = "From: support@contoso-sim.onmicrosoft.com\r\nTo: someone@example.com\r\nSubject: test\r\n\r\nHello.\r\n"

func TestSMTPWithGoSMTP(t *testing.T) {
	ten := startTenant(t, Options{})
	c := dialSMTP(t, ten)
	if err := c.Auth(&xoauth2{user: ten.Mailbox, token: token(t, ten)}); err != nil {
		t.Fatalf("Auth() = %v", err)
	}
	if err := c.SendMail(ten.Mailbox, []string{"someone@example.com"}, strings.NewReader(testMessage)); err != nil {
		t.Fatalf("SendMail() = %v", err)
	}
	err := c.SendMail("ceo@contoso-sim.onmicrosoft.com", []string{"someone@example.com"}, strings.NewReader(testMessage))
	var se *smtp.SMTPError
	if !errors.As(err, &se) || se.Code != 554 || se.EnhancedCode != (smtp.EnhancedCode{5, 2, 252}) {
		t.Errorf("SendMail() as someone else = %v, want 554 5.2.252 SendAsDenied", err)
	}
	if err := c.Quit(); err != nil {
		t.Errorf("Quit() = %v", err)
	}
	if got := ten.SentMessages(ten.Mailbox); got != 1 {
		t.Errorf("SentMessages() = %d, want 1", got)
	}
}

func TestSMTPScenarios(t *testing.T) {
	ten := startTenant(t, Options{})
	tests := []struct {
		scenario string
		code     int
		enhanced smtp.EnhancedCode
		text     string
	}{
		{scenario: "ok"},
		{scenario: "imap-disabled"},
		{"no-admin-consent", 535, smtp.EnhancedCode{5, 7, 3}, "Authentication unsuccessful ["},
		{"exchange-sp-missing", 535, smtp.EnhancedCode{5, 7, 3}, "Authentication unsuccessful ["},
		{"mailbox-permission-missing", 535, smtp.EnhancedCode{5, 7, 3}, "Authentication unsuccessful ["},
		{"smtp-auth-disabled", 535, smtp.EnhancedCode{5, 7, 139}, "Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant. Visit https://aka.ms/smtp_auth_disabled for more information. ["},
	}
	for _, tc := range tests {
		t.Run(tc.scenario, func(t *testing.T) {
			if err := ten.SetScenario(tc.scenario); err != nil {
				t.Fatal(err)
			}
			c := dialSMTP(t, ten)
			err := c.Auth(&xoauth2{user: ten.Mailbox, token: token(t, ten)})
			if tc.code == 0 {
				if err != nil {
					t.Fatalf("Auth() = %v", err)
				}
				return
			}
			var se *smtp.SMTPError
			if !errors.As(err, &se) || se.Code != tc.code || se.EnhancedCode != tc.enhanced || !strings.HasPrefix(se.Message, tc.text) {
				t.Fatalf("Auth() = %#v, want %d %v %q", err, tc.code, tc.enhanced, tc.text)
			}
			// A retry on the same connection gets a reply, not a hang.
			if err := c.Auth(&xoauth2{user: ten.Mailbox, token: "x"}); err == nil {
				t.Errorf("second Auth() with a junk token succeeded")
			}
		})
	}
}

func TestSMTPMailboxLevelDisabled(t *testing.T) {
	ten := startTenant(t, Options{})
	ten.Update(func(s *State) { s.mailbox(ten.Mailbox).SMTPAuthEnabled = false })
	c := dialSMTP(t, ten)
	err := c.Auth(&xoauth2{user: ten.Mailbox, token: token(t, ten)})
	var se *smtp.SMTPError
	if !errors.As(err, &se) || !strings.Contains(se.Message, "SmtpClientAuthentication is disabled for the Mailbox.") {
		t.Fatalf("Auth() = %v, want 5.7.139 for the Mailbox", err)
	}
}

func TestSMTPTranscript(t *testing.T) {
	ten := startTenant(t, Options{})
	tok := token(t, ten)
	c := dialRaw(t, ten, ten.SMTPAddr, false)
	greeting := regexp.MustCompile(`^220 LO4P302CA0005\.outlook\.office365\.com Microsoft ESMTP MAIL Service ready at (Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d\d:\d\d:\d\d \+0000 \[08DC[0-9A-F]{12}\]$`)
	if g := c.line(); !greeting.MatchString(g) {
		t.Fatalf("greeting = %q", g)
	}
	diag := `\[SN2PR00CA0018\.namprd00\.prod\.outlook\.com \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z 08DC[0-9A-F]{12}\]$`
	c.send("MAIL FROM:<" + ten.Mailbox + ">")
	if l := c.line(); !regexp.MustCompile(`^503 5\.5\.2 Send hello first ` + diag).MatchString(l) {
		t.Errorf("MAIL before EHLO = %q", l)
	}
	c.send("EHLO client.example")
	c.expect("250-LO4P302CA0005.outlook.office365.com Hello [127.0.0.1]", "250-SIZE 157286400", "250-PIPELINING",
		"250-DSN", "250-ENHANCEDSTATUSCODES", "250-STARTTLS", "250-8BITMIME", "250-BINARYMIME", "250-CHUNKING", "250 SMTPUTF8")
	c.send("AUTH XOAUTH2 " + xoauth2B64(ten.Mailbox, tok))
	if l := c.line(); !regexp.MustCompile(`^504 5\.7\.4 Unrecognized authentication type ` + diag).MatchString(l) {
		t.Errorf("AUTH before STARTTLS = %q", l)
	}
	c.send("MAIL FROM:<" + ten.Mailbox + ">")
	if l := c.line(); !regexp.MustCompile(`^530 5\.7\.57 Client not authenticated to send mail\. ` + diag).MatchString(l) {
		t.Errorf("MAIL before AUTH = %q", l)
	}
	c.send("STARTTLS")
	c.expect("220 2.0.0 SMTP server ready")
	c.startTLS(ten)
	c.send("EHLO client.example")
	c.expect("250-LO4P302CA0005.outlook.office365.com Hello [127.0.0.1]", "250-SIZE 157286400", "250-PIPELINING",
		"250-DSN", "250-ENHANCEDSTATUSCODES", "250-AUTH LOGIN XOAUTH2", "250-8BITMIME", "250-BINARYMIME", "250-CHUNKING", "250 SMTPUTF8")
	c.send("AUTH PLAIN AHUAcA==")
	c.expectPrefix("504 5.7.4 Unrecognized authentication type [")
	c.send("AUTH XOAUTH2 " + xoauth2B64(ten.Mailbox, "junk"))
	if l := c.line(); !regexp.MustCompile(`^535 5\.7\.3 Authentication unsuccessful ` + diag).MatchString(l) {
		t.Errorf("bad token = %q", l)
	}
	c.send("AUTH XOAUTH2")
	c.expect("334 ")
	c.send(xoauth2B64(ten.Mailbox, tok))
	c.expect("235 2.7.0 Authentication successful")
	c.send("MAIL FROM:<" + ten.Mailbox + ">")
	c.expect("250 2.1.0 Sender OK")
	c.send("RCPT TO:<someone@example.com>")
	c.expect("250 2.1.5 Recipient OK")
	c.send("DATA")
	c.expect("354 Start mail input; end with <CRLF>.<CRLF>")
	c.send("Subject: hi\r\n\r\n..dot\r\n.")
	c.expectPrefix("250 2.0.0 OK <")
	c.send("RSET")
	c.expect("250 2.0.0 Resetting")
	c.send("NOOP")
	c.expect("250 2.0.0 OK")
	c.send("QUIT")
	c.expect("221 2.0.0 Service closing transmission channel")
	c.expectClosed()
}

func TestSMTPLineLimit(t *testing.T) {
	ten := startTenant(t, Options{})
	c := dialRaw(t, ten, ten.SMTPAddr, false)
	c.line()
	c.send("EHLO " + strings.Repeat("a", maxLine+1))
	c.expect("500 5.5.6 Line too long")
	c.expectClosed()
}
