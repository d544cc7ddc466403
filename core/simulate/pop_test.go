package simulate

import (
	"fmt"
	"strings"
	"testing"
)

// popLogin reads the greeting and runs the two-step AUTH XOAUTH2.
func popLogin(t *testing.T, ten *Tenant, tok string) *rawConn {
	t.Helper()
	c := dialRaw(t, ten, ten.POPAddr, true)
	c.expectPrefix("+OK The Microsoft Exchange POP3 service is ready. [")
	c.send("AUTH XOAUTH2")
	c.expect("+ ")
	c.send(xoauth2B64(ten.Mailbox, tok))
	return c
}

func TestPOPTranscript(t *testing.T) {
	ten := startTenant(t, Options{})
	c := dialRaw(t, ten, ten.POPAddr, true)
	c.expectPrefix("+OK The Microsoft Exchange POP3 service is ready. [")
	c.send("CAPA")
	c.expect("+OK", "TOP", "UIDL", "SASL PLAIN XOAUTH2", "USER", ".")
	c.send("STAT")
	c.expect("-ERR Command is not valid in this state.")
	c.send("USER " + ten.Mailbox)
	c.expect("+OK")
	c.send("PASS secret")
	c.expect("-ERR Logon failure: unknown user name or bad password.")
	c.send("AUTH XOAUTH2")
	c.expect("+ ")
	c.send(xoauth2B64(ten.Mailbox, token(t, ten)))
	c.expect("+OK User successfully authenticated.")

	var size int
	for _, m := range ten.inbox(ten.Mailbox) {
		size += len(m.Body)
	}
	c.send("STAT")
	c.expect(fmt.Sprintf("+OK 3 %d", size))
	c.send("LIST")
	c.expectPrefix("+OK")
	c.expectPrefix("1 ")
	c.expectPrefix("2 ")
	c.expectPrefix("3 ")
	c.expect(".")
	c.send("RETR 1")
	c.expect("+OK")
	var body []string
	for l := c.line(); l != "."; l = c.line() {
		body = append(body, l)
	}
	if !strings.Contains(strings.Join(body, "\n"), "\n..A line that starts with a dot") {
		t.Errorf("RETR body not dot-stuffed: %q", body)
	}
	c.send("RETR 9")
	c.expect("-ERR The specified message is out of range.")
	c.send("XYZZY")
	c.expect("-ERR Protocol error. 14")
	c.send("QUIT")
	c.expect("+OK Microsoft Exchange Server POP3 server signing off.")
	c.expectClosed()
}

func TestPOPOneLineAuthIsProtocolError(t *testing.T) {
	ten := startTenant(t, Options{})
	c := dialRaw(t, ten, ten.POPAddr, true)
	c.line()
	c.send("AUTH XOAUTH2 " + xoauth2B64(ten.Mailbox, token(t, ten)))
	c.expect("-ERR Protocol error. Connection is closed. 10")
	c.expectClosed()
}

func TestPOPScenarios(t *testing.T) {
	ten := startTenant(t, Options{})
	tests := []struct {
		scenario, auth, stat string
	}{
		{"ok", "+OK User successfully authenticated.", "+OK 3 "},
		{"pop-disabled", "+OK User successfully authenticated.", "-ERR User is authenticated but not connected."},
		{"imap-disabled", "+OK User successfully authenticated.", "+OK 3 "},
		{"no-admin-consent", "-ERR Authentication failure: unknown user name or bad password.", ""},
		{"exchange-sp-missing", "-ERR Authentication failure: unknown user name or bad password.", ""},
		{"mailbox-permission-missing", "-ERR Authentication failure: unknown user name or bad password.", ""},
	}
	for _, tc := range tests {
		t.Run(tc.scenario, func(t *testing.T) {
			if err := ten.SetScenario(tc.scenario); err != nil {
				t.Fatal(err)
			}
			c := popLogin(t, ten, token(t, ten))
			c.expect(tc.auth)
			if tc.stat == "" {
				return
			}
			c.send("STAT")
			c.expectPrefix(tc.stat)
		})
	}
}
