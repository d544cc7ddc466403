package simulate

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// decodeChallenge decodes a base64 JSON SASL error challenge.
func decodeChallenge(t *testing.T, b64 string) map[string]string {
	t.Helper()
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		t.Fatalf("challenge %q: %v", b64, err)
	}
	var m map[string]string
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("challenge %q: %v", raw, err)
	}
	return m
}

func TestDovecotIMAP(t *testing.T) {
	ten := startTenant(t, Options{Dialect: DialectDovecot})
	tok := token(t, ten)

	c := dialIMAP(t, ten)
	bad := &xoauth2{user: ten.Mailbox, token: "junk"}
	err := c.Authenticate(bad)
	var ie *imap.Error
	if !errors.As(err, &ie) || ie.Code != imap.ResponseCodeAuthenticationFailed {
		t.Fatalf("Authenticate(junk) = %v, want NO [AUTHENTICATIONFAILED]", err)
	}
	if m := decodeChallenge(t, base64.StdEncoding.EncodeToString(bad.serverErr)); m["status"] != "401" || m["schemes"] != "bearer" {
		t.Errorf("XOAUTH2 challenge = %v", m)
	}
	ob := &oauthBearer{user: ten.Mailbox, token: "junk"}
	if err := c.Authenticate(ob); !errors.As(err, &ie) {
		t.Fatalf("Authenticate(OAUTHBEARER junk) = %v", err)
	}
	if m := decodeChallenge(t, base64.StdEncoding.EncodeToString(ob.serverErr)); m["status"] != "invalid_token" {
		t.Errorf("OAUTHBEARER challenge = %v", m)
	}
	if err := c.Authenticate(&oauthBearer{user: ten.Mailbox, token: tok}); err != nil {
		t.Fatalf("Authenticate(OAUTHBEARER) = %v", err)
	}
	sel, err := c.Select("INBOX", nil).Wait()
	if err != nil || sel.NumMessages != 3 {
		t.Fatalf("Select() = %+v, %v", sel, err)
	}
}

func TestDovecotIMAPTranscript(t *testing.T) {
	ten := startTenant(t, Options{Dialect: DialectDovecot})
	c := dialRaw(t, ten, ten.IMAPAddr, true)
	c.expect("* OK [CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE LITERAL+ AUTH=PLAIN AUTH=XOAUTH2 AUTH=OAUTHBEARER] Dovecot ready.")
	c.send("a AUTHENTICATE XOAUTH2 " + xoauth2B64(ten.Mailbox, "junk"))
	ch := strings.TrimPrefix(c.expectPrefix("+ "), "+ ")
	want := map[string]string{"status": "401", "schemes": "bearer", "scope": "https://outlook.office365.com/.default"}
	if got := decodeChallenge(t, ch); len(got) != 3 || got["status"] != want["status"] || got["scope"] != want["scope"] {
		t.Errorf("challenge = %v, want %v", got, want)
	}
	c.send("")
	c.expect("a NO [AUTHENTICATIONFAILED] Authentication failed.")
	c.send("b FROB")
	c.expect("b BAD Error in IMAP command FROB: Unknown command.")
}

// TestDovecotUnansweredChallenge shows that a client that never answers a
// SASL error challenge cannot hold a connection past the idle timeout.
func TestDovecotUnansweredChallenge(t *testing.T) {
	ten := startTenant(t, Options{Dialect: DialectDovecot, IdleTimeout: 300 * time.Millisecond})
	for _, addr := range []string{ten.IMAPAddr, ten.POPAddr} {
		c := dialRaw(t, ten, addr, true)
		c.line()
		if addr == ten.IMAPAddr {
			c.send("a AUTHENTICATE XOAUTH2 " + xoauth2B64(ten.Mailbox, "junk"))
		} else {
			c.send("AUTH XOAUTH2 " + xoauth2B64(ten.Mailbox, "junk"))
		}
		c.expectPrefix("+ ")
		start := time.Now()
		c.expectClosed()
		if d := time.Since(start); d < 250*time.Millisecond {
			t.Errorf("%s closed after %v, want the idle timeout", addr, d)
		}
	}
}

func TestDovecotPOP(t *testing.T) {
	ten := startTenant(t, Options{Dialect: DialectDovecot})
	c := dialRaw(t, ten, ten.POPAddr, true)
	c.expect("+OK Dovecot ready.")
	c.send("CAPA")
	c.expect("+OK", "CAPA", "TOP", "UIDL", "RESP-CODES", "PIPELINING", "AUTH-RESP-CODE", "USER", "SASL PLAIN XOAUTH2 OAUTHBEARER", ".")
	c.send("AUTH XOAUTH2 " + xoauth2B64(ten.Mailbox, "junk"))
	c.expectPrefix("+ ")
	c.send("")
	c.expect("-ERR [AUTH] Authentication failed.")
	c.send("AUTH XOAUTH2 " + xoauth2B64(ten.Mailbox, token(t, ten)))
	c.expect("+OK Logged in.")
	c.send("STAT")
	c.expectPrefix("+OK 3 ")
	c.send("QUIT")
	c.expect("+OK Logging out.")
}

func TestDovecotSMTP(t *testing.T) {
	ten := startTenant(t, Options{Dialect: DialectDovecot})
	raw := dialRaw(t, ten, ten.SMTPAddr, false)
	raw.expect("220 mail.example.test ESMTP Postfix")
	raw.send("EHLO client")
	raw.expect("250-mail.example.test", "250-PIPELINING", "250-SIZE 10240000", "250-VRFY", "250-ETRN", "250-STARTTLS",
		"250-ENHANCEDSTATUSCODES", "250-8BITMIME", "250-DSN", "250-SMTPUTF8", "250 CHUNKING")

	c := dialSMTP(t, ten)
	bad := &xoauth2{user: ten.Mailbox, token: "junk"}
	err := c.Auth(bad)
	var se *smtp.SMTPError
	if !errors.As(err, &se) || se.Code != 535 || se.EnhancedCode != (smtp.EnhancedCode{5, 7, 8}) ||
		!strings.HasPrefix(se.Message, "Error: authentication failed: ") {
		t.Fatalf("Auth(junk) = %v, want 535 5.7.8", err)
	}
	if len(bad.serverErr) == 0 {
		t.Errorf("no 334 error challenge seen")
	}
	// go-sasl's OAUTHBEARER client answers the challenge with "*".
	err = c.Auth(sasl.NewOAuthBearerClient(&sasl.OAuthBearerOptions{Username: ten.Mailbox, Token: "junk"}))
	if err == nil {
		t.Fatalf("Auth(OAUTHBEARER junk) succeeded")
	}
	if err := c.Auth(&xoauth2{user: ten.Mailbox, token: token(t, ten)}); err != nil {
		t.Fatalf("Auth() = %v", err)
	}
	if err := c.SendMail(ten.Mailbox, []string{"a@example.com"}, strings.NewReader(testMessage)); err != nil {
		t.Fatalf("SendMail() = %v", err)
	}
}
