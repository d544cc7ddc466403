package simulate

import (
	"errors"
	"strings"
)

const (
	// smtpFrontEnd is the host name in the Exchange greeting and EHLO.
	smtpFrontEnd = "LO4P302CA0005.outlook.office365.com"
	// smtpBackEnd is the host Exchange names in bracketed error details.
	smtpBackEnd = "SN2PR00CA0018.namprd00.prod.outlook.com"
	// postfixHost is the dovecot dialect's host name.
	postfixHost = "mail.example.test"
)

// smtpSession is one SMTP connection.
type smtpSession struct {
	ex   *exchange
	c    *conn
	helo bool
	user string // authenticated mailbox, "" before AUTH
	// principal is the signed-in user of a delegated token ("" for
	// app-only tokens and basic authentication); Send As is checked for it.
	principal string
	from      string
	rcpts     int
	quit      bool
	dovecot   bool
}

// serveSMTP runs a plain SMTP session that offers STARTTLS.
func (ex *exchange) serveSMTP(c *conn) {
	s := &smtpSession{ex: ex, c: c, dovecot: ex.dovecot}
	greeting := "220 " + smtpFrontEnd + " Microsoft ESMTP MAIL Service ready at " +
		ex.now().UTC().Format("Mon, 02 Jan 2006 15:04:05 -0700") + " [" + newRequestID() + "]"
	if s.dovecot {
		greeting = "220 " + postfixHost + " ESMTP Postfix"
	}
	if c.send(greeting) != nil {
		return
	}
	for !s.quit {
		line, err := c.readLine()
		if errors.Is(err, errLineTooLong) {
			c.send("500 5.5.6 Line too long")
			return
		}
		if err != nil {
			return
		}
		if s.dispatch(line) != nil {
			return
		}
	}
}

// diag is Exchange's bracketed detail: back-end host, time and request ID.
func (s *smtpSession) diag() string {
	return "[" + smtpBackEnd + " " + s.ex.now().UTC().Format("2006-01-02T15:04:05.000Z") + " " + newRequestID() + "]"
}

// dispatch runs one command line.
func (s *smtpSession) dispatch(line string) error {
	cmd, arg := verb(line)
	handlers := map[string]func(string) error{
		"EHLO": s.cmdEhlo, "HELO": s.cmdHelo, "STARTTLS": s.cmdStartTLS, "AUTH": s.cmdAuth,
		"MAIL": s.cmdMail, "RCPT": s.cmdRcpt, "DATA": s.cmdData, "RSET": s.cmdRset,
		"NOOP": s.cmdNoop, "QUIT": s.cmdQuit, "VRFY": s.cmdVrfy,
	}
	if h, ok := handlers[cmd]; ok {
		return h(arg)
	}
	if s.dovecot {
		return s.c.send("502 5.5.2 Error: command not recognized")
	}
	return s.c.send("500 5.3.3 Unrecognized command '" + cmd + "' " + s.diag())
}

// hostName is the server's own name in the current dialect.
func (s *smtpSession) hostName() string {
	if s.dovecot {
		return postfixHost
	}
	return smtpFrontEnd
}

// ehloLines returns the EHLO extension list for the TLS state.
func (s *smtpSession) ehloLines() []string {
	if s.dovecot {
		ext := []string{postfixHost, "PIPELINING", "SIZE 10240000", "VRFY", "ETRN"}
		if s.c.tls {
			ext = append(ext, "AUTH PLAIN XOAUTH2 OAUTHBEARER")
		} else {
			ext = append(ext, "STARTTLS")
		}
		return append(ext, "ENHANCEDSTATUSCODES", "8BITMIME", "DSN", "SMTPUTF8", "CHUNKING")
	}
	ext := []string{smtpFrontEnd + " Hello [" + s.c.remoteIP() + "]", "SIZE 157286400", "PIPELINING", "DSN", "ENHANCEDSTATUSCODES"}
	switch {
	case s.c.tls && s.ex.dir.basicAuthOn():
		ext = append(ext, "AUTH LOGIN PLAIN XOAUTH2")
	case s.c.tls:
		ext = append(ext, "AUTH LOGIN XOAUTH2")
	default:
		ext = append(ext, "STARTTLS")
	}
	return append(ext, "8BITMIME", "BINARYMIME", "CHUNKING", "SMTPUTF8")
}

// cmdEhlo answers EHLO with the extension list.
func (s *smtpSession) cmdEhlo(arg string) error {
	if strings.TrimSpace(arg) == "" {
		if s.dovecot {
			return s.c.send("501 Syntax: EHLO hostname")
		}
		return s.c.send("501 5.5.4 Invalid domain name " + s.diag())
	}
	s.helo = true
	s.resetTransaction()
	ext := s.ehloLines()
	lines := make([]string, len(ext))
	for i, e := range ext {
		sep := "-"
		if i == len(ext)-1 {
			sep = " "
		}
		lines[i] = "250" + sep + e
	}
	return s.c.send(lines...)
}

// cmdHelo answers HELO.
func (s *smtpSession) cmdHelo(arg string) error {
	if strings.TrimSpace(arg) == "" {
		return s.c.send("501 5.5.4 Invalid domain name " + s.diag())
	}
	s.helo = true
	s.resetTransaction()
	if s.dovecot {
		return s.c.send("250 " + postfixHost)
	}
	return s.c.send("250 " + smtpFrontEnd + " Hello [" + s.c.remoteIP() + "]")
}

// cmdStartTLS upgrades the connection; the client must EHLO again.
func (s *smtpSession) cmdStartTLS(string) error {
	if s.c.tls {
		if s.dovecot {
			return s.c.send("554 5.5.1 Error: TLS already active")
		}
		return s.c.send("500 5.3.3 Unrecognized command 'STARTTLS' " + s.diag())
	}
	reply := "220 2.0.0 SMTP server ready"
	if s.dovecot {
		reply = "220 2.0.0 Ready to start TLS"
	}
	if err := s.c.send(reply); err != nil {
		return err
	}
	if err := s.c.startTLS(s.ex.tls); err != nil {
		return err
	}
	s.helo = false
	s.resetTransaction()
	return nil
}

// cmdAuth runs AUTH XOAUTH2 (and OAUTHBEARER in the dovecot dialect).
func (s *smtpSession) cmdAuth(arg string) error {
	mech, initial, hasInitial := strings.Cut(strings.TrimSpace(arg), " ")
	mech = strings.ToUpper(mech)
	switch {
	case s.legacyTLS():
		// The device in front talks TLS 1.0 to Exchange, which refuses to
		// authenticate over it and closes (text as quoted in public
		// reports; see testdata/diagnose/smtp.txt).
		s.quit = true
		return s.c.send("421 4.7.66 TLS 1.0 and 1.1 are not supported. Please upgrade/update your client to support TLS 1.2. Visit https://aka.ms/smtp_auth_tls. " + s.diag())
	case s.user != "":
		return s.c.send("503 5.5.1 Already authenticated")
	case !s.c.tls && s.dovecot:
		return s.c.send("503 5.5.1 Error: authentication not enabled")
	case !s.c.tls:
		return s.c.send("504 5.7.4 Unrecognized authentication type " + s.diag())
	case mech == mechLogin && !s.dovecot:
		return s.authLogin(initial, hasInitial)
	case mech == mechXOAuth2, mech == mechOAuthBearer && s.dovecot, mech == mechPlain && (s.dovecot || s.ex.dir.basicAuthOn()):
	default:
		if s.dovecot {
			return s.c.send("535 5.7.8 Error: authentication failed: Invalid authentication mechanism")
		}
		return s.c.send("504 5.7.4 Unrecognized authentication type " + s.diag())
	}
	m, err := s.c.readSASL("334", mech, initial, hasInitial)
	switch {
	case errors.Is(err, errSASLBase64):
		return s.c.send("501 5.5.2 Cannot Decode response " + s.diag())
	case errors.Is(err, errSASLPlain), errors.Is(err, errSASLBearer):
		return s.c.send(s.authFailedText())
	case err != nil:
		return err
	case m.aborted:
		return s.c.send("501 5.7.0 Authentication aborted")
	case m.plain:
		return s.finishBasic(m.user, m.pass)
	}
	return s.finishAuth(mech, m.bearer)
}

// authFailedText is the generic rejection.
func (s *smtpSession) authFailedText() string {
	if s.dovecot {
		return "535 5.7.8 Error: authentication failed: Invalid token"
	}
	return "535 5.7.3 Authentication unsuccessful " + s.diag()
}

// finishAuth applies the access decision.
func (s *smtpSession) finishAuth(mech string, creds bearerCreds) error {
	d, err := s.ex.authorize(s.c, ProtoSMTP, "334", mech, creds)
	switch {
	case err != nil:
		return err
	case d.smtpDisabled != "" && !s.dovecot:
		return s.c.send("535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the " +
			d.smtpDisabled + ". Visit https://aka.ms/smtp_auth_disabled for more information. " + s.diag())
	case !d.ok:
		return s.c.send(s.authFailedText())
	}
	s.user, s.principal = d.mailbox, d.principal
	return s.c.send("235 2.7.0 Authentication successful")
}

// authLogin runs AUTH LOGIN (334 VXNlcm5hbWU6 / 334 UGFzc3dvcmQ6) and
// checks the credentials as basic authentication.
func (s *smtpSession) authLogin(initial string, hasInitial bool) error {
	prompts := []string{"334 VXNlcm5hbWU6", "334 UGFzc3dvcmQ6"}
	var answers []string
	if hasInitial {
		prompts, answers = prompts[1:], []string{initial}
	}
	for _, p := range prompts {
		if err := s.c.send(p); err != nil {
			return err
		}
		line, err := s.c.readLine()
		if err != nil {
			return err
		}
		if line == "*" {
			return s.c.send("501 5.7.0 Authentication aborted")
		}
		answers = append(answers, line)
	}
	var creds [2]string
	for i, a := range answers {
		b, err := decodeSASL(a)
		if err != nil {
			return s.c.send("501 5.5.2 Cannot Decode response " + s.diag())
		}
		creds[i] = string(b)
	}
	return s.finishBasic(creds[0], creds[1])
}

// finishBasic applies the basic authentication decision. Exchange says
// "basic authentication is disabled" while it is off (text quoted in
// nodemailer/nodemailer#1714 and others).
func (s *smtpSession) finishBasic(user, pass string) error {
	d, off := s.ex.dir.checkBasic(ProtoSMTP, user, pass)
	switch {
	case s.dovecot && !d.ok:
		return s.c.send("535 5.7.8 Error: authentication failed: authentication failure")
	case s.dovecot:
	case off:
		return s.c.send(s.basicRefusal())
	case d.smtpDisabled != "":
		return s.c.send("535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the " +
			d.smtpDisabled + ". Visit https://aka.ms/smtp_auth_disabled for more information. " + s.diag())
	case !d.ok:
		return s.c.send(s.authFailedText())
	}
	s.user, s.principal = d.mailbox, ""
	return s.c.send("235 2.7.0 Authentication successful")
}

// legacyTLS reports whether State.LegacyTLS is on.
func (s *smtpSession) legacyTLS() bool { return s.ex.dir.legacyTLS() }

// basicRefusal is how Exchange refuses a password login to SMTP AUTH
// (Directory.SMTPBasic). The texts are quoted from public reports; 5.7.30
// from the Exchange team's post on retiring Basic authentication for
// Client Submission.
func (s *smtpSession) basicRefusal() string {
	switch s.ex.dir.smtpBasic() {
	case SMTPBasicRemoved:
		return "550 5.7.30 Basic authentication is not supported for Client Submission."
	case SMTPBasicSecurityDefaults:
		return "535 5.7.139 Authentication unsuccessful, user is locked by your organization's security defaults policy. Contact your administrator. " + s.diag()
	case SMTPBasicConditionalAccess:
		return "535 5.7.139 Authentication unsuccessful, the request did not meet the criteria to be authenticated successfully. Contact your administrator. " + s.diag()
	}
	return "535 5.7.139 Authentication unsuccessful, basic authentication is disabled. " + s.diag()
}

// resetTransaction forgets the envelope.
func (s *smtpSession) resetTransaction() {
	s.from, s.rcpts = "", 0
}

// cmdMail starts a transaction; Exchange requires authentication first.
func (s *smtpSession) cmdMail(arg string) error {
	switch {
	case !s.helo && !s.dovecot:
		return s.c.send("503 5.5.2 Send hello first " + s.diag())
	case !s.helo:
		return s.c.send("503 5.5.1 Error: send HELO/EHLO first")
	case s.user == "" && s.dovecot:
		return s.c.send("530 5.7.0 Authentication required")
	case s.user == "":
		return s.c.send("530 5.7.57 Client not authenticated to send mail. " + s.diag())
	case s.from != "":
		return s.c.send("503 5.5.1 Sender already specified")
	}
	from, ok := pathArg(arg, "FROM:")
	if !ok {
		return s.c.send("501 5.5.4 Invalid arguments")
	}
	s.from = from
	if s.dovecot {
		return s.c.send("250 2.1.0 Ok")
	}
	return s.c.send("250 2.1.0 Sender OK")
}

// cmdRcpt adds a recipient.
func (s *smtpSession) cmdRcpt(arg string) error {
	if s.from == "" {
		return s.c.send("503 5.5.1 Need mail command")
	}
	if _, ok := pathArg(arg, "TO:"); !ok {
		return s.c.send("501 5.5.4 Invalid arguments")
	}
	s.rcpts++
	if s.dovecot {
		return s.c.send("250 2.1.5 Ok")
	}
	return s.c.send("250 2.1.5 Recipient OK")
}

// pathArg extracts the address from "FROM:<a@b> PARAMS".
func pathArg(arg, prefix string) (string, bool) {
	arg = strings.TrimSpace(arg)
	if len(arg) < len(prefix) || !strings.EqualFold(arg[:len(prefix)], prefix) {
		return "", false
	}
	rest := strings.TrimSpace(arg[len(prefix):])
	if !strings.HasPrefix(rest, "<") {
		return "", false
	}
	end := strings.IndexByte(rest, '>')
	if end < 0 {
		return "", false
	}
	return rest[1:end], true
}

// cmdData reads the message, discards it and counts it.
func (s *smtpSession) cmdData(string) error {
	if s.from == "" || s.rcpts == 0 {
		return s.c.send("503 5.5.1 Need rcpt command")
	}
	reply := "354 Start mail input; end with <CRLF>.<CRLF>"
	if s.dovecot {
		reply = "354 End data with <CR><LF>.<CR><LF>"
	}
	if err := s.c.send(reply); err != nil {
		return err
	}
	size := 0
	for {
		line, err := s.c.readLine()
		if errors.Is(err, errLineTooLong) {
			s.c.send("500 5.5.6 Line too long")
			return err
		}
		if err != nil {
			return err
		}
		if line == "." {
			break
		}
		if size += len(line) + 2; size > maxMessage {
			s.c.send("552 5.3.4 Message size exceeds fixed maximum message size")
			return errors.New("message too large")
		}
	}
	return s.deliver()
}

// deliver records an accepted message, or refuses to send as someone else.
func (s *smtpSession) deliver() error {
	from := s.from
	s.resetTransaction()
	if !s.dovecot && !s.ex.dir.maySendAs(s.user, s.principal, from) {
		who := s.user
		if s.principal != "" {
			who = s.principal
		}
		return s.c.send("554 5.2.252 SendAsDenied; " + who + " not allowed to send as " + from +
			"; STOREDRV.Submission.Exception:SendAsDeniedException.MapiExceptionSendAsDenied " + s.diag())
	}
	s.ex.dir.recordSent(s.user)
	if s.dovecot {
		return s.c.send("250 2.0.0 Ok: queued as " + randString(10, upperHexChar))
	}
	return s.c.send("250 2.0.0 OK <" + strings.ToLower(newRequestID()) + "@" + smtpBackEnd + "> [Hostname=" + smtpBackEnd + "]")
}

// maySendAs reports whether a session authenticated for mailbox (with a
// delegated token of principal, or app-only/basic when principal is "")
// may send as from: app-only and basic sessions only as the mailbox, users
// as their own mailbox or one they have Send As on.
func (t *directory) maySendAs(mailbox, principal, from string) bool {
	if principal == "" {
		return strings.EqualFold(from, mailbox)
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	u := t.state.user(principal)
	return u != nil && (strings.EqualFold(from, u.Mailbox) || u.SendAs[strings.ToLower(from)])
}

// cmdRset aborts the transaction.
func (s *smtpSession) cmdRset(string) error {
	s.resetTransaction()
	if s.dovecot {
		return s.c.send("250 2.0.0 Ok")
	}
	return s.c.send("250 2.0.0 Resetting")
}

// cmdNoop does nothing.
func (s *smtpSession) cmdNoop(string) error {
	if s.dovecot {
		return s.c.send("250 2.0.0 Ok")
	}
	return s.c.send("250 2.0.0 OK")
}

// cmdVrfy refuses to verify addresses.
func (s *smtpSession) cmdVrfy(string) error {
	return s.c.send("252 2.1.5 Cannot VRFY user, but will accept message for delivery")
}

// cmdQuit ends the session.
func (s *smtpSession) cmdQuit(string) error {
	s.quit = true
	if s.dovecot {
		return s.c.send("221 2.0.0 Bye")
	}
	return s.c.send("221 2.0.0 Service closing transmission channel")
}
