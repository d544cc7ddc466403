package simulate

import (
	"crypto/tls"
	"time"
)

// mailDirectory is what Exchange's mail servers ask the directory: who may
// log in to which mailbox over which protocol (with a token, or with a
// password), what the mailbox holds, and whom a session may send as.
type mailDirectory interface {
	checkAccess(proto, user, token string) decision
	checkBasic(proto, user, pass string) (decision, bool)
	basicAuthOn() bool
	smtpBasic() string
	legacyTLS() bool
	inbox(address string) []Message
	recordSent(address string)
	maySendAs(mailbox, principal, from string) bool
}

// exchange is Exchange Online's mail front end: the IMAP, POP3 and SMTP
// servers (imap.go, pop.go, smtp.go) in one dialect. It keeps nothing
// between connections; every answer that depends on the tenant comes from
// its directory.
type exchange struct {
	dir     mailDirectory
	dovecot bool // the Dovecot/Postfix dialect instead of Exchange's texts
	now     func() time.Time
	// tls is the servers' TLS; legacyTLS the one a device that speaks
	// only TLS 1.0/1.1 offers in front of them.
	tls, legacyTLS *tls.Config
	// challenge is the base64 SASL error challenge for a rejected token.
	challenge func(mech string) string
}

// mailTLS is the TLS configuration of the IMAP and POP3 servers.
func (ex *exchange) mailTLS() *tls.Config {
	if ex.dir.legacyTLS() {
		return ex.legacyTLS
	}
	return ex.tls
}

// sendErrorChallenge sends the RFC 7628 / XOAUTH2 error challenge after a
// rejected token ("+" for IMAP and POP3, "334" for SMTP) and reads the
// client's answer, as Dovecot and Gmail do, before the final refusal.
func (ex *exchange) sendErrorChallenge(c *conn, prompt, mech string) error {
	if err := c.send(prompt + " " + ex.challenge(mech)); err != nil {
		return err
	}
	_, err := c.readLine()
	return err
}

// authorize applies the directory's decision for a token presented over
// proto the way the dialect does: Dovecot refuses a login to a mailbox
// whose protocol is off (Exchange lets it in, "not connected") and sends
// an error challenge (prompt "+" or "334") before refusing.
func (ex *exchange) authorize(c *conn, proto, prompt, mech string, creds bearerCreds) (decision, error) {
	d := ex.dir.checkAccess(proto, creds.user, creds.token)
	if ex.dovecot && d.notConnected {
		d.ok = false
	}
	if !d.ok && ex.dovecot {
		if err := ex.sendErrorChallenge(c, prompt, mech); err != nil {
			return d, err
		}
	}
	return d, nil
}
