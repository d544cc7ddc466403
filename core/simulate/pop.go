package simulate

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// popTexts are the dialect-specific POP3 replies.
type popTexts struct {
	capa         []string
	authOK       string
	authFailed   string
	passFailed   string
	unknown      string // %s is the command
	invalidState string // %s is the command
	quit         string
	noSuchMsg    string
}

var exchangePOP = popTexts{
	capa:         []string{"TOP", "UIDL", "SASL PLAIN XOAUTH2", "USER"},
	authOK:       "+OK User successfully authenticated.",
	authFailed:   "-ERR Authentication failure: unknown user name or bad password.",
	passFailed:   "-ERR Logon failure: unknown user name or bad password.",
	unknown:      "-ERR Protocol error. 14",
	invalidState: "-ERR Command is not valid in this state.",
	quit:         "+OK Microsoft Exchange Server POP3 server signing off.",
	noSuchMsg:    "-ERR The specified message is out of range.",
}

var dovecotPOP = popTexts{
	capa:         []string{"CAPA", "TOP", "UIDL", "RESP-CODES", "PIPELINING", "AUTH-RESP-CODE", "USER", "SASL PLAIN XOAUTH2 OAUTHBEARER"},
	authOK:       "+OK Logged in.",
	authFailed:   "-ERR [AUTH] Authentication failed.",
	passFailed:   "-ERR [AUTH] Authentication failed.",
	unknown:      "-ERR Unknown command: %s",
	invalidState: "-ERR Unknown command: %s",
	quit:         "+OK Logging out.",
	noSuchMsg:    "-ERR There's no message %s.",
}

// popSession is one POP3 connection.
type popSession struct {
	ex           *exchange
	c            *conn
	x            *popTexts
	authed       bool
	notConnected bool
	user         string
	pendingUser  string // USER argument awaiting PASS
	msgs         []Message
	deleted      map[int]bool
	quit         bool
}

// errPOPClose ends the session after the reply was sent.
var errPOPClose = errors.New("close connection")

// servePOP runs an implicit-TLS POP3 session.
func (ex *exchange) servePOP(c *conn) {
	if err := c.startTLS(ex.mailTLS()); err != nil {
		return
	}
	s := &popSession{ex: ex, c: c, x: &exchangePOP, deleted: map[int]bool{}}
	greeting := "+OK The Microsoft Exchange POP3 service is ready. [" + frontEndTag() + "]"
	if ex.dovecot {
		s.x, greeting = &dovecotPOP, "+OK Dovecot ready."
	}
	if c.send(greeting) != nil {
		return
	}
	for !s.quit {
		line, err := c.readLine()
		if errors.Is(err, errLineTooLong) {
			c.send("-ERR Line too long.")
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

// reply sends one status line, formatting %s with arg.
func (s *popSession) reply(text, arg string) error {
	if strings.Contains(text, "%s") {
		text = fmt.Sprintf(text, arg)
	}
	return s.c.send(text)
}

// dispatch runs one command line.
func (s *popSession) dispatch(line string) error {
	cmd, arg := verb(line)
	switch cmd {
	case "CAPA":
		return s.c.send(append(append([]string{"+OK"}, s.x.capa...), ".")...)
	case "QUIT":
		s.quit = true
		return s.reply(s.x.quit, "")
	case "NOOP":
		return s.c.send("+OK")
	case "USER":
		return s.cmdUser(arg)
	case "PASS":
		return s.cmdPass(arg)
	case "AUTH":
		return s.cmdAuth(arg)
	}
	maildrop := map[string]func(string) error{
		"STAT": s.cmdStat, "LIST": s.cmdList, "UIDL": s.cmdUIDL, "RETR": s.cmdRetr,
		"TOP": s.cmdTop, "DELE": s.cmdDele, "RSET": s.cmdRset,
	}
	h, ok := maildrop[cmd]
	switch {
	case !ok:
		return s.reply(s.x.unknown, cmd)
	case !s.authed:
		return s.reply(s.x.invalidState, cmd)
	case s.notConnected:
		return s.c.send("-ERR User is authenticated but not connected.")
	}
	return h(arg)
}

// cmdUser accepts a user name for PASS.
func (s *popSession) cmdUser(arg string) error {
	if s.authed {
		return s.reply(s.x.invalidState, "USER")
	}
	s.pendingUser = strings.TrimSpace(arg)
	return s.c.send("+OK")
}

// cmdPass runs basic authentication: refused unless Directory.BasicAuth
// is on and the password is one of the mailbox's app passwords.
func (s *popSession) cmdPass(arg string) error {
	if s.authed {
		return s.reply(s.x.invalidState, "PASS")
	}
	user := s.pendingUser
	s.pendingUser = ""
	return s.finishBasic(user, arg, s.x.passFailed)
}

// finishBasic applies the basic authentication decision.
func (s *popSession) finishBasic(user, pass, failText string) error {
	d, _ := s.ex.dir.checkBasic(ProtoPOP, user, pass)
	if s.ex.dovecot && d.notConnected {
		d.ok = false
	}
	if !d.ok {
		return s.c.send(failText)
	}
	s.authed, s.user, s.notConnected = true, d.mailbox, d.notConnected
	if !d.notConnected {
		s.msgs = s.ex.dir.inbox(d.mailbox)
	}
	return s.c.send(s.x.authOK)
}

// cmdAuth runs RFC 5034 AUTH.
func (s *popSession) cmdAuth(arg string) error {
	if s.authed {
		return s.reply(s.x.invalidState, "AUTH")
	}
	mech, initial, hasInitial := strings.Cut(strings.TrimSpace(arg), " ")
	mech = strings.ToUpper(mech)
	if mech == "" {
		mechs := []string{"+OK", mechPlain, mechXOAuth2}
		if s.ex.dovecot {
			mechs = append(mechs, mechOAuthBearer)
		}
		return s.c.send(append(mechs, ".")...)
	}
	supported := mech == mechXOAuth2 || mech == mechPlain || (s.ex.dovecot && mech == mechOAuthBearer)
	if !supported {
		return s.c.send(s.x.authFailed)
	}
	if hasInitial && !s.ex.dovecot {
		// Exchange insists on the two-step exchange.
		s.c.send("-ERR Protocol error. Connection is closed. 10")
		return errPOPClose
	}
	m, err := s.c.readSASL("+", mech, initial, hasInitial)
	switch {
	case errors.Is(err, errSASLBase64), errors.Is(err, errSASLPlain), errors.Is(err, errSASLBearer):
		return s.c.send(s.x.authFailed)
	case err != nil:
		return err
	case m.aborted:
		return s.c.send("-ERR Authentication canceled.")
	case m.plain:
		return s.finishBasic(m.user, m.pass, s.x.authFailed)
	}
	return s.finishAuth(mech, m.bearer)
}

// finishAuth applies the access decision and loads the maildrop.
func (s *popSession) finishAuth(mech string, creds bearerCreds) error {
	d, err := s.ex.authorize(s.c, ProtoPOP, "+", mech, creds)
	if err != nil {
		return err
	}
	if !d.ok {
		return s.c.send(s.x.authFailed)
	}
	s.authed, s.user, s.notConnected = true, d.mailbox, d.notConnected
	if !d.notConnected {
		s.msgs = s.ex.dir.inbox(d.mailbox)
	}
	return s.c.send(s.x.authOK)
}

// message returns the 1-based message arg names, or an error reply text.
func (s *popSession) message(arg string) (int, bool) {
	n, err := strconv.Atoi(strings.TrimSpace(arg))
	if err != nil || n < 1 || n > len(s.msgs) || s.deleted[n] {
		return 0, false
	}
	return n, true
}

// cmdStat reports count and total size of undeleted messages.
func (s *popSession) cmdStat(string) error {
	count, size := 0, 0
	for i, m := range s.msgs {
		if !s.deleted[i+1] {
			count++
			size += len(m.Body)
		}
	}
	return s.c.send(fmt.Sprintf("+OK %d %d", count, size))
}

// cmdList lists sizes, or one size.
func (s *popSession) cmdList(arg string) error {
	return s.listing(arg, func(n int, m Message) string { return strconv.Itoa(len(m.Body)) })
}

// cmdUIDL lists unique IDs, or one.
func (s *popSession) cmdUIDL(arg string) error {
	return s.listing(arg, func(n int, m Message) string { return fmt.Sprintf("AAQkAGRmYzMwSim%06d", m.UID) })
}

// listing implements LIST and UIDL.
func (s *popSession) listing(arg string, value func(int, Message) string) error {
	if strings.TrimSpace(arg) != "" {
		n, ok := s.message(arg)
		if !ok {
			return s.reply(s.x.noSuchMsg, arg)
		}
		return s.c.send(fmt.Sprintf("+OK %d %s", n, value(n, s.msgs[n-1])))
	}
	lines := []string{"+OK"}
	for i, m := range s.msgs {
		if !s.deleted[i+1] {
			lines = append(lines, fmt.Sprintf("%d %s", i+1, value(i+1, m)))
		}
	}
	return s.c.send(append(lines, ".")...)
}

// cmdRetr sends one message.
func (s *popSession) cmdRetr(arg string) error {
	n, ok := s.message(arg)
	if !ok {
		return s.reply(s.x.noSuchMsg, arg)
	}
	return s.c.sendDotted("+OK", s.msgs[n-1].Body)
}

// cmdTop sends the header and the first lines of the body.
func (s *popSession) cmdTop(arg string) error {
	msgArg, linesArg, _ := strings.Cut(strings.TrimSpace(arg), " ")
	n, ok := s.message(msgArg)
	lines, err := strconv.Atoi(strings.TrimSpace(linesArg))
	if !ok || err != nil || lines < 0 {
		return s.reply(s.x.noSuchMsg, msgArg)
	}
	head, body, _ := strings.Cut(string(s.msgs[n-1].Body), "\r\n\r\n")
	bodyLines := strings.Split(body, "\r\n")
	out := head + "\r\n\r\n" + strings.Join(bodyLines[:min(lines, len(bodyLines))], "\r\n")
	return s.c.sendDotted("+OK", []byte(out))
}

// cmdDele marks a message deleted for this session (nothing is removed).
func (s *popSession) cmdDele(arg string) error {
	n, ok := s.message(arg)
	if !ok {
		return s.reply(s.x.noSuchMsg, arg)
	}
	s.deleted[n] = true
	return s.c.send("+OK")
}

// cmdRset unmarks deleted messages.
func (s *popSession) cmdRset(string) error {
	s.deleted = map[int]bool{}
	return s.c.send("+OK")
}
