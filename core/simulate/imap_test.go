package simulate

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// dialIMAP connects go-imap's client to the fake.
func dialIMAP(t *testing.T, ten *Tenant) *imapclient.Client {
	t.Helper()
	c, err := imapclient.DialTLS(ten.IMAPAddr, &imapclient.Options{TLSConfig: ten.TLSConfig("")})
	if err != nil {
		t.Fatalf("DialTLS() = %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func TestIMAPWithGoIMAP(t *testing.T) {
	ten := startTenant(t, Options{})
	c := dialIMAP(t, ten)
	if err := c.Authenticate(&xoauth2{user: ten.Mailbox, token: token(t, ten)}); err != nil {
		t.Fatalf("Authenticate() = %v", err)
	}
	sel, err := c.Select("INBOX", nil).Wait()
	if err != nil {
		t.Fatalf("Select() = %v", err)
	}
	if sel.NumMessages != 3 || sel.UIDValidity != imapUIDValidity || sel.UIDNext != 4 {
		t.Errorf("Select() = %+v, want 3 messages, UIDVALIDITY 14, UIDNEXT 4", sel)
	}
	boxes, err := c.List("", "*", nil).Collect()
	if err != nil {
		t.Fatalf("List() = %v", err)
	}
	if len(boxes) != len(imapFolders) {
		t.Errorf("List() = %d folders, want %d", len(boxes), len(imapFolders))
	}
	st, err := c.Status("INBOX", &imap.StatusOptions{NumMessages: true}).Wait()
	if err != nil || st.NumMessages == nil || *st.NumMessages != 3 {
		t.Errorf("Status() = %+v, %v", st, err)
	}
	if err := c.Logout().Wait(); err != nil {
		t.Errorf("Logout() = %v", err)
	}
}

// TestIMAPScenarios checks what go-imap sees for every scenario.
func TestIMAPScenarios(t *testing.T) {
	ten := startTenant(t, Options{})
	tests := []struct {
		scenario     string
		authFails    bool
		notConnected bool
		reason       string
	}{
		{scenario: "ok"},
		{scenario: "no-admin-consent", authFails: true, reason: "no IMAP.AccessAsApp role"},
		{scenario: "exchange-sp-missing", authFails: true, reason: "no Exchange service principal"},
		{scenario: "mailbox-permission-missing", authFails: true, reason: "no FullAccess"},
		{scenario: "imap-disabled", notConnected: true, reason: "IMAP is disabled"},
		{scenario: "pop-disabled"},
		{scenario: "smtp-auth-disabled"},
	}
	for _, tc := range tests {
		t.Run(tc.scenario, func(t *testing.T) {
			if err := ten.SetScenario(tc.scenario); err != nil {
				t.Fatal(err)
			}
			tok := token(t, ten)
			c := dialIMAP(t, ten)
			err := c.Authenticate(&xoauth2{user: ten.Mailbox, token: tok})
			if tc.authFails {
				var ie *imap.Error
				if !errors.As(err, &ie) || ie.Type != imap.StatusResponseTypeNo || ie.Text != "AUTHENTICATE failed." {
					t.Fatalf("Authenticate() = %v, want NO AUTHENTICATE failed.", err)
				}
				if got := ten.LastRejection(ProtoIMAP); !strings.Contains(got, tc.reason) {
					t.Errorf("LastRejection() = %q, want it to mention %q", got, tc.reason)
				}
				return
			}
			if err != nil {
				t.Fatalf("Authenticate() = %v", err)
			}
			_, err = c.Select("INBOX", nil).Wait()
			if tc.notConnected {
				var ie *imap.Error
				if !errors.As(err, &ie) || ie.Type != imap.StatusResponseTypeBad || ie.Text != "User is authenticated but not connected." {
					t.Fatalf("Select() = %v, want BAD User is authenticated but not connected.", err)
				}
				if got := ten.LastRejection(ProtoIMAP); !strings.Contains(got, tc.reason) {
					t.Errorf("LastRejection() = %q, want %q", got, tc.reason)
				}
				return
			}
			if err != nil {
				t.Fatalf("Select() = %v", err)
			}
		})
	}
}

// TestIMAPTokenChecks presents tokens Exchange must refuse.
func TestIMAPTokenChecks(t *testing.T) {
	clk := &clock{t: time.Now()}
	ten := startTenant(t, Options{Now: clk.Now})
	good := token(t, ten)
	graph, err := acquire(t, newApp(t, ten, ten.TenantID, ten.ClientID, secretCred(t, ten.ClientSecret)), "https://graph.microsoft.com/.default")
	if err != nil {
		t.Fatal(err)
	}
	other := startTenant(t, Options{})
	foreign := token(t, other)
	tampered := good[:len(good)-4] + "AAAA"
	tests := []struct {
		name, user, token, reason string
		expire                    bool
	}{
		{"graph token", ten.Mailbox, graph, "audience", false},
		{"other tenant", ten.Mailbox, foreign, "signature", false},
		{"tampered", ten.Mailbox, tampered, "signature", false},
		{"not a jwt", ten.Mailbox, "ya29.not-a-jwt", "not a JWT", false},
		{"unknown mailbox", "nobody@contoso-sim.onmicrosoft.com", good, "does not exist", false},
		{"expired", ten.Mailbox, good, "expired", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.expire {
				clk.Set(time.Now().Add(2 * time.Hour))
				defer clk.Set(time.Now())
			}
			c := dialIMAP(t, ten)
			err := c.Authenticate(&xoauth2{user: tc.user, token: tc.token})
			var ie *imap.Error
			if !errors.As(err, &ie) || ie.Text != "AUTHENTICATE failed." {
				t.Fatalf("Authenticate() = %v, want NO AUTHENTICATE failed.", err)
			}
			if got := ten.LastRejection(ProtoIMAP); !strings.Contains(got, tc.reason) {
				t.Errorf("LastRejection() = %q, want %q", got, tc.reason)
			}
			// The connection stays usable after a failure.
			if err := c.Noop().Wait(); err != nil {
				t.Errorf("Noop() after failure = %v", err)
			}
		})
	}
}

// TestIMAPTranscript checks Exchange's exact lines on a raw socket.
func TestIMAPTranscript(t *testing.T) {
	ten := startTenant(t, Options{})
	tok := token(t, ten)
	c := dialRaw(t, ten, ten.IMAPAddr, true)
	greeting := c.expectPrefix("* OK The Microsoft Exchange IMAP4 service is ready. [")
	b64 := strings.TrimSuffix(strings.TrimPrefix(greeting, "* OK The Microsoft Exchange IMAP4 service is ready. ["), "]")
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil || len(raw)%2 != 0 {
		t.Fatalf("greeting token %q is not base64 UTF-16: %v", b64, err)
	}
	u := make([]uint16, len(raw)/2)
	for i := range u {
		u[i] = uint16(raw[2*i]) | uint16(raw[2*i+1])<<8
	}
	if fqdn := string(utf16.Decode(u)); !strings.HasSuffix(fqdn, ".PROD.OUTLOOK.COM") {
		t.Errorf("greeting FQDN = %q", fqdn)
	}
	c.send("a1 CAPABILITY")
	c.expect("* CAPABILITY IMAP4 IMAP4rev1 AUTH=PLAIN AUTH=XOAUTH2 SASL-IR UIDPLUS ID UNSELECT CHILDREN IDLE NAMESPACE LITERAL+",
		"a1 OK CAPABILITY completed.")
	c.send("a2 LOGIN support@contoso-sim.onmicrosoft.com password")
	c.expect("a2 NO LOGIN failed.")
	c.send("a3 AUTHENTICATE PLAIN " + base64.StdEncoding.EncodeToString([]byte("\x00u\x00p")))
	c.expect("a3 NO AUTHENTICATE failed.")
	c.send("a4 SELECT INBOX")
	c.expect("a4 BAD Command received in Invalid state.")
	c.send("a5 FROBNICATE")
	c.expect("a5 BAD Command Error. 12")
	c.send("a6 AUTHENTICATE XOAUTH2 !!!")
	c.expect("a6 BAD Command Argument Error. 11")
	c.send("a7 AUTHENTICATE XOAUTH2")
	c.expect("+ ")
	c.send(xoauth2B64(ten.Mailbox, tok))
	c.expect("a7 OK AUTHENTICATE completed.")
	c.send("a8 CAPABILITY")
	c.expect("* CAPABILITY IMAP4 IMAP4rev1 AUTH=PLAIN AUTH=XOAUTH2 SASL-IR UIDPLUS MOVE ID UNSELECT CLIENTACCESSRULES CLIENTNETWORKPRESENCELOCATION BACKENDAUTHENTICATE CHILDREN IDLE NAMESPACE LITERAL+",
		"a8 OK CAPABILITY completed.")
	c.send(`a9 SELECT "INBOX"`)
	c.expect("* 3 EXISTS", "* 0 RECENT", `* FLAGS (\Seen \Answered \Flagged \Deleted \Draft $MDNSent)`,
		`* OK [PERMANENTFLAGS (\Seen \Answered \Flagged \Deleted \Draft $MDNSent)] Permanent flags`,
		"* OK [UNSEEN 1] Is the first unseen message", "* OK [UIDVALIDITY 14] UIDVALIDITY value",
		"* OK [UIDNEXT 4] The next unique identifier value", "a9 OK [READ-WRITE] SELECT completed.")
	c.send("a10 LIST {0+}")
	c.send(` "Sent*"`)
	c.expect(`* LIST (\HasNoChildren \Sent) "/" "Sent Items"`, "a10 OK LIST completed.")
	c.send("a11 IDLE")
	c.expect("+ IDLE accepted, awaiting DONE command.")
	c.send("DONE")
	c.expect("a11 OK IDLE completed.")
	c.send("a12 LOGOUT")
	c.expect("* BYE Microsoft Exchange Server IMAP4 server signing off.", "a12 OK LOGOUT completed.")
	c.expectClosed()
}

func TestIMAPNotConnectedTranscript(t *testing.T) {
	ten := startTenant(t, Options{Scenario: "imap-disabled"})
	c := dialRaw(t, ten, ten.IMAPAddr, true)
	c.line()
	c.send("a1 AUTHENTICATE XOAUTH2 " + xoauth2B64(ten.Mailbox, token(t, ten)))
	c.expect("a1 OK AUTHENTICATE completed.")
	for _, cmd := range []string{`NAMESPACE`, `LIST "" "INBOX"`, `SELECT INBOX`, `EXAMINE INBOX`, `STATUS INBOX (MESSAGES)`} {
		c.send("b " + cmd)
		c.expect("b BAD User is authenticated but not connected.")
	}
}

func TestIMAPLineLimit(t *testing.T) {
	ten := startTenant(t, Options{})
	c := dialRaw(t, ten, ten.IMAPAddr, true)
	c.line()
	c.send("a1 NOOP " + strings.Repeat("x", maxLine+10))
	c.expect("* BAD Command line too long.")
	c.expectClosed()
	// A token just under the limit is accepted as one line.
	c = dialRaw(t, ten, ten.IMAPAddr, true)
	c.line()
	c.send("a1 AUTHENTICATE XOAUTH2 " + xoauth2B64(ten.Mailbox, strings.Repeat("A", 12000)))
	c.expect("a1 NO AUTHENTICATE failed.")
}
