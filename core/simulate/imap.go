package simulate

import (
	"encoding/base64"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// IMAP session states.
const (
	imapNotAuth = iota
	imapAuth
	imapSelected
)

// imapUIDValidity is the fixed UIDVALIDITY of every simulated folder.
const imapUIDValidity = 14

// imapFolder is one folder as LIST shows it.
type imapFolder struct{ name, attrs string }

// imapFolders are the folders of a fresh Exchange Online mailbox.
var imapFolders = []imapFolder{
	{"Archive", `\HasNoChildren`},
	{"Deleted Items", `\HasNoChildren \Trash`},
	{"Drafts", `\HasNoChildren \Drafts`},
	{"INBOX", `\Marked \HasNoChildren`},
	{"Junk Email", `\HasNoChildren \Junk`},
	{"Outbox", `\HasNoChildren`},
	{"Sent Items", `\HasNoChildren \Sent`},
}

// imapTexts are the dialect-specific IMAP replies.
type imapTexts struct {
	capsPre, capsPost   string
	capOKPre, capOKPost string
	unknown             string // %s is the command
	invalidState        string // %s is the command
	badArgs             string // %s is the command
	authOK              string // %s is capsPost
	authFailed          string
	loginFailed         string
	bye, logoutOK       string
	selectOK            string // %s is READ-WRITE or READ-ONLY, %s SELECT/EXAMINE
	idleCont, idleOK    string
	id                  string
	flags               string
}

var exchangeIMAP = imapTexts{
	capsPre:      "IMAP4 IMAP4rev1 AUTH=PLAIN AUTH=XOAUTH2 SASL-IR UIDPLUS ID UNSELECT CHILDREN IDLE NAMESPACE LITERAL+",
	capsPost:     "IMAP4 IMAP4rev1 AUTH=PLAIN AUTH=XOAUTH2 SASL-IR UIDPLUS MOVE ID UNSELECT CLIENTACCESSRULES CLIENTNETWORKPRESENCELOCATION BACKENDAUTHENTICATE CHILDREN IDLE NAMESPACE LITERAL+",
	capOKPre:     "OK CAPABILITY completed.",
	capOKPost:    "OK CAPABILITY completed.",
	unknown:      "BAD Command Error. 12",
	invalidState: "BAD Command received in Invalid state.",
	badArgs:      "BAD Command Argument Error. 11",
	authOK:       "OK AUTHENTICATE completed.",
	authFailed:   "NO AUTHENTICATE failed.",
	loginFailed:  "NO LOGIN failed.",
	bye:          "* BYE Microsoft Exchange Server IMAP4 server signing off.",
	logoutOK:     "OK LOGOUT completed.",
	selectOK:     "OK [%s] %s completed.",
	idleCont:     "+ IDLE accepted, awaiting DONE command.",
	idleOK:       "OK IDLE completed.",
	id:           `* ID ("name" "Microsoft.Exchange.Imap4.Imap4Server" "version" "15.20")`,
	flags:        `(\Seen \Answered \Flagged \Deleted \Draft $MDNSent)`,
}

var dovecotIMAP = imapTexts{
	capsPre:      "IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE LITERAL+ AUTH=PLAIN AUTH=XOAUTH2 AUTH=OAUTHBEARER",
	capsPost:     "IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE SORT THREAD=REFERENCES MULTIAPPEND UNSELECT CHILDREN NAMESPACE UIDPLUS LIST-EXTENDED I18NLEVEL=1 ESEARCH SEARCHRES WITHIN CONTEXT=SEARCH LIST-STATUS BINARY MOVE LITERAL+ SPECIAL-USE",
	capOKPre:     "OK Pre-login capabilities listed, post-login capabilities have more.",
	capOKPost:    "OK Capability completed.",
	unknown:      "BAD Error in IMAP command %s: Unknown command.",
	invalidState: "BAD Error in IMAP command %s: Unknown command.",
	badArgs:      "BAD Error in IMAP command %s: Invalid arguments.",
	authOK:       "OK [CAPABILITY %s] Logged in",
	authFailed:   "NO [AUTHENTICATIONFAILED] Authentication failed.",
	loginFailed:  "NO [AUTHENTICATIONFAILED] Authentication failed.",
	bye:          "* BYE Logging out",
	logoutOK:     "OK Logout completed.",
	selectOK:     "OK [%s] %s completed.",
	idleCont:     "+ idling",
	idleOK:       "OK Idle completed.",
	id:           `* ID ("name" "Dovecot")`,
	flags:        `(\Answered \Flagged \Deleted \Seen \Draft)`,
}

// imapSession is one IMAP connection.
type imapSession struct {
	ex           *exchange
	c            *conn
	x            *imapTexts
	state        int
	user         string
	notConnected bool
	folder       string
	quit         bool
}

// imapCommand is a parsed command: tag, upper-case name and arguments with
// quoting removed and literals inlined.
type imapCommand struct {
	tag, name string
	args      []string
}

// errIMAPLiteral reports a literal larger than the line limit.
var errIMAPLiteral = errors.New("literal too large")

// serveIMAP runs an implicit-TLS IMAP session.
func (ex *exchange) serveIMAP(c *conn) {
	if err := c.startTLS(ex.mailTLS()); err != nil {
		return
	}
	s := &imapSession{ex: ex, c: c, x: &exchangeIMAP}
	greeting := "* OK The Microsoft Exchange IMAP4 service is ready. [" + frontEndTag() + "]"
	if ex.dovecot {
		s.x = &dovecotIMAP
		greeting = "* OK [CAPABILITY " + s.x.capsPre + "] Dovecot ready."
	}
	if c.send(greeting) != nil {
		return
	}
	for !s.quit {
		cmd, err := s.readCommand()
		switch {
		case errors.Is(err, errLineTooLong), errors.Is(err, errIMAPLiteral):
			c.send("* BAD Command line too long.")
			return
		case err != nil:
			return
		}
		if cmd.name == "" {
			s.reply(cmd.tag, s.x.unknown, "")
			continue
		}
		if s.dispatch(cmd) != nil {
			return
		}
	}
}

// frontEndTag is the greeting's bracketed token: base64 of a front-end
// server FQDN in UTF-16LE, different on each connection.
func frontEndTag() string {
	fqdn := fmt.Sprintf("MR1P264CA%04d.FRAP264.PROD.OUTLOOK.COM", int(randBytes(1)[0])*3)
	u := make([]byte, 0, 2*len(fqdn))
	for i := 0; i < len(fqdn); i++ {
		u = append(u, fqdn[i], 0)
	}
	return base64.StdEncoding.EncodeToString(u)
}

// reply sends "tag text", formatting %s in text with arg when present.
func (s *imapSession) reply(tag, text, arg string) error {
	if strings.Contains(text, "%s") {
		text = fmt.Sprintf(text, arg)
	}
	if tag == "" {
		tag = "*"
	}
	return s.c.send(tag + " " + text)
}

// dispatch runs one command.
func (s *imapSession) dispatch(cmd imapCommand) error {
	mailboxCmds := map[string]func(imapCommand) error{
		"SELECT": s.cmdSelect, "EXAMINE": s.cmdSelect, "LIST": s.cmdList, "LSUB": s.cmdList,
		"NAMESPACE": s.cmdNamespace, "STATUS": s.cmdStatus, "IDLE": s.cmdIdle,
	}
	switch cmd.name {
	case "CAPABILITY":
		return s.cmdCapability(cmd)
	case "NOOP":
		return s.reply(cmd.tag, "OK NOOP completed.", "")
	case "ID":
		return s.cmdID(cmd)
	case "LOGOUT":
		return s.cmdLogout(cmd)
	case "LOGIN":
		return s.cmdLogin(cmd)
	case "AUTHENTICATE":
		return s.cmdAuthenticate(cmd)
	case "ENABLE":
		if s.ex.dovecot && s.state != imapNotAuth {
			return s.c.send("* ENABLED", cmd.tag+" OK Enabled.")
		}
	case "CLOSE", "UNSELECT":
		return s.cmdClose(cmd)
	}
	if h, ok := mailboxCmds[cmd.name]; ok {
		switch {
		case s.state == imapNotAuth:
			return s.reply(cmd.tag, s.x.invalidState, cmd.name)
		case s.notConnected:
			return s.reply(cmd.tag, "BAD User is authenticated but not connected.", "")
		}
		return h(cmd)
	}
	return s.reply(cmd.tag, s.x.unknown, cmd.name)
}

// cmdCapability lists the capabilities for the current state.
func (s *imapSession) cmdCapability(cmd imapCommand) error {
	if s.state == imapNotAuth {
		return s.c.send("* CAPABILITY "+s.x.capsPre, cmd.tag+" "+s.x.capOKPre)
	}
	return s.c.send("* CAPABILITY "+s.x.capsPost, cmd.tag+" "+s.x.capOKPost)
}

// cmdID answers RFC 2971 ID.
func (s *imapSession) cmdID(cmd imapCommand) error {
	return s.c.send(s.x.id, cmd.tag+" OK ID completed.")
}

// cmdLogout says goodbye and ends the session.
func (s *imapSession) cmdLogout(cmd imapCommand) error {
	s.quit = true
	return s.c.send(s.x.bye, cmd.tag+" "+s.x.logoutOK)
}

// cmdLogin runs basic authentication: Exchange Online rejects it (basic
// authentication retired) unless Directory.BasicAuth is on and the
// password is one of the mailbox's app passwords.
func (s *imapSession) cmdLogin(cmd imapCommand) error {
	if s.state != imapNotAuth {
		return s.reply(cmd.tag, s.x.invalidState, cmd.name)
	}
	if len(cmd.args) != 2 {
		return s.reply(cmd.tag, s.x.badArgs, cmd.name)
	}
	return s.finishBasic(cmd, cmd.args[0], cmd.args[1], "OK LOGIN completed.", s.x.loginFailed)
}

// finishBasic applies the basic authentication decision.
func (s *imapSession) finishBasic(cmd imapCommand, user, pass, okText, failText string) error {
	d, _ := s.ex.dir.checkBasic(ProtoIMAP, user, pass)
	if s.ex.dovecot && d.notConnected {
		d.ok = false
	}
	if !d.ok {
		return s.reply(cmd.tag, failText, "")
	}
	s.state, s.user, s.notConnected = imapAuth, d.mailbox, d.notConnected
	if s.ex.dovecot {
		okText = s.x.authOK
	}
	return s.reply(cmd.tag, okText, s.x.capsPost)
}

// cmdAuthenticate runs AUTHENTICATE with or without an initial response.
func (s *imapSession) cmdAuthenticate(cmd imapCommand) error {
	if s.state != imapNotAuth {
		return s.reply(cmd.tag, s.x.invalidState, cmd.name)
	}
	if len(cmd.args) < 1 || len(cmd.args) > 2 {
		return s.reply(cmd.tag, s.x.badArgs, cmd.name)
	}
	mech := strings.ToUpper(cmd.args[0])
	supported := mech == mechXOAuth2 || mech == mechPlain || (s.ex.dovecot && mech == mechOAuthBearer)
	if !supported {
		return s.reply(cmd.tag, s.x.authFailed, "")
	}
	initial, hasInitial := "", len(cmd.args) == 2
	if hasInitial {
		initial = cmd.args[1]
	}
	m, err := s.c.readSASL("+", mech, initial, hasInitial)
	switch {
	case errors.Is(err, errSASLBase64):
		return s.reply(cmd.tag, s.x.badArgs, cmd.name)
	case errors.Is(err, errSASLPlain), errors.Is(err, errSASLBearer) && s.ex.dovecot:
		return s.reply(cmd.tag, s.x.authFailed, "")
	case errors.Is(err, errSASLBearer):
		return s.reply(cmd.tag, s.x.badArgs, cmd.name)
	case err != nil:
		return err
	case m.aborted:
		return s.reply(cmd.tag, "BAD AUTHENTICATE aborted.", "")
	case m.plain:
		return s.finishBasic(cmd, m.user, m.pass, s.x.authOK, s.x.authFailed)
	}
	return s.finishAuth(cmd, mech, m.bearer)
}

// finishAuth applies the access decision for creds.
func (s *imapSession) finishAuth(cmd imapCommand, mech string, creds bearerCreds) error {
	d, err := s.ex.authorize(s.c, ProtoIMAP, "+", mech, creds)
	if err != nil {
		return err
	}
	if !d.ok {
		return s.reply(cmd.tag, s.x.authFailed, "")
	}
	s.state, s.user, s.notConnected = imapAuth, d.mailbox, d.notConnected
	return s.reply(cmd.tag, s.x.authOK, s.x.capsPost)
}

// folderByName finds a folder case-insensitively for INBOX, exactly otherwise.
func folderByName(name string) (imapFolder, bool) {
	for _, f := range imapFolders {
		if f.name == name || (f.name == "INBOX" && strings.EqualFold(name, "INBOX")) {
			return f, true
		}
	}
	return imapFolder{}, false
}

// folderMessages returns the messages of a folder of the session's mailbox.
func (s *imapSession) folderMessages(folder string) []Message {
	if folder != "INBOX" {
		return nil
	}
	return s.ex.dir.inbox(s.user)
}

// cmdSelect opens a folder read-write (SELECT) or read-only (EXAMINE).
func (s *imapSession) cmdSelect(cmd imapCommand) error {
	if len(cmd.args) < 1 {
		return s.reply(cmd.tag, s.x.badArgs, cmd.name)
	}
	f, ok := folderByName(cmd.args[0])
	if !ok {
		s.state = imapAuth
		return s.reply(cmd.tag, "NO Mailbox doesn't exist: "+cmd.args[0], "")
	}
	msgs := s.folderMessages(f.name)
	uidNext := uint32(1)
	if len(msgs) > 0 {
		uidNext = msgs[len(msgs)-1].UID + 1
	}
	s.state, s.folder = imapSelected, f.name
	mode := "READ-WRITE"
	if cmd.name == "EXAMINE" {
		mode = "READ-ONLY"
	}
	lines := []string{
		fmt.Sprintf("* %d EXISTS", len(msgs)),
		"* 0 RECENT",
		"* FLAGS " + s.x.flags,
		"* OK [PERMANENTFLAGS " + s.x.flags + "] Permanent flags",
	}
	if len(msgs) > 0 {
		lines = append(lines, "* OK [UNSEEN 1] Is the first unseen message")
	}
	lines = append(lines,
		fmt.Sprintf("* OK [UIDVALIDITY %d] UIDVALIDITY value", imapUIDValidity),
		fmt.Sprintf("* OK [UIDNEXT %d] The next unique identifier value", uidNext),
		cmd.tag+" "+fmt.Sprintf(s.x.selectOK, mode, cmd.name))
	return s.c.send(lines...)
}

// cmdClose leaves the selected folder.
func (s *imapSession) cmdClose(cmd imapCommand) error {
	if s.state != imapSelected {
		return s.reply(cmd.tag, s.x.invalidState, cmd.name)
	}
	s.state, s.folder = imapAuth, ""
	return s.reply(cmd.tag, "OK "+cmd.name+" completed.", "")
}

// cmdList lists the folders matching the pattern.
func (s *imapSession) cmdList(cmd imapCommand) error {
	if len(cmd.args) < 2 {
		return s.reply(cmd.tag, s.x.badArgs, cmd.name)
	}
	pattern := cmd.args[1]
	if pattern == "" {
		return s.c.send(`* `+cmd.name+` (\Noselect) "/" ""`, cmd.tag+" OK "+cmd.name+" completed.")
	}
	re := listPattern(pattern)
	var lines []string
	for _, f := range imapFolders {
		if re.MatchString(f.name) {
			lines = append(lines, fmt.Sprintf(`* %s (%s) "/" %s`, cmd.name, f.attrs, imapQuote(f.name)))
		}
	}
	return s.c.send(append(lines, cmd.tag+" OK "+cmd.name+" completed.")...)
}

// listPattern turns an IMAP LIST pattern into a regular expression.
func listPattern(p string) *regexp.Regexp {
	var b strings.Builder
	b.WriteString("^")
	for _, r := range p {
		switch r {
		case '*':
			b.WriteString(".*")
		case '%':
			b.WriteString("[^/]*")
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	b.WriteString("$")
	expr := b.String()
	if strings.HasPrefix(strings.ToUpper(p), "INBOX") {
		expr = "(?i)" + expr
	}
	return regexp.MustCompile(expr)
}

// imapQuote quotes a folder name when it is not a plain atom.
func imapQuote(name string) string {
	if strings.ContainsAny(name, ` "(){%*\`) {
		return strconv.Quote(name)
	}
	return name
}

// cmdNamespace reports the single personal namespace.
func (s *imapSession) cmdNamespace(cmd imapCommand) error {
	return s.c.send(`* NAMESPACE (("" "/")) NIL NIL`, cmd.tag+" OK NAMESPACE completed.")
}

// cmdStatus reports counters of a folder.
func (s *imapSession) cmdStatus(cmd imapCommand) error {
	if len(cmd.args) < 2 {
		return s.reply(cmd.tag, s.x.badArgs, cmd.name)
	}
	f, ok := folderByName(cmd.args[0])
	if !ok {
		return s.reply(cmd.tag, "NO Mailbox doesn't exist: "+cmd.args[0], "")
	}
	msgs := s.folderMessages(f.name)
	uidNext := uint32(1)
	if len(msgs) > 0 {
		uidNext = msgs[len(msgs)-1].UID + 1
	}
	var items []string
	for _, it := range strings.Fields(strings.Trim(cmd.args[1], "()")) {
		switch strings.ToUpper(it) {
		case "MESSAGES":
			items = append(items, fmt.Sprintf("MESSAGES %d", len(msgs)))
		case "RECENT":
			items = append(items, "RECENT 0")
		case "UIDNEXT":
			items = append(items, fmt.Sprintf("UIDNEXT %d", uidNext))
		case "UIDVALIDITY":
			items = append(items, fmt.Sprintf("UIDVALIDITY %d", imapUIDValidity))
		case "UNSEEN":
			items = append(items, fmt.Sprintf("UNSEEN %d", len(msgs)))
		default:
			return s.reply(cmd.tag, s.x.badArgs, cmd.name)
		}
	}
	return s.c.send(fmt.Sprintf("* STATUS %s (%s)", imapQuote(f.name), strings.Join(items, " ")),
		cmd.tag+" OK STATUS completed.")
}

// cmdIdle waits for DONE (or the idle timeout).
func (s *imapSession) cmdIdle(cmd imapCommand) error {
	if err := s.c.send(s.x.idleCont); err != nil {
		return err
	}
	line, err := s.c.readLine()
	if err != nil {
		return err
	}
	if !strings.EqualFold(line, "DONE") {
		return s.reply(cmd.tag, s.x.badArgs, cmd.name)
	}
	return s.reply(cmd.tag, s.x.idleOK, "")
}

// readCommand reads one command, following literals ({n} and {n+}).
func (s *imapSession) readCommand() (imapCommand, error) {
	line, err := s.c.readLine()
	if err != nil {
		return imapCommand{}, err
	}
	total := len(line)
	var toks []string
	for {
		head, n, sync, ok := literalSuffix(line)
		toks = append(toks, imapTokens(head)...)
		if !ok {
			break
		}
		if total += n; total > maxLine {
			return imapCommand{}, errIMAPLiteral
		}
		if sync {
			if err := s.c.send("+ Ready for additional command text."); err != nil {
				return imapCommand{}, err
			}
		}
		data, err := s.c.readFull(n)
		if err != nil {
			return imapCommand{}, err
		}
		toks = append(toks, string(data))
		if line, err = s.c.readLine(); err != nil {
			return imapCommand{}, err
		}
		total += len(line)
	}
	var cmd imapCommand
	if len(toks) > 0 {
		cmd.tag = toks[0]
	}
	if len(toks) > 1 {
		cmd.name = strings.ToUpper(toks[1])
		cmd.args = toks[2:]
	}
	if cmd.name == "UID" && len(cmd.args) > 0 {
		cmd.name = "UID " + strings.ToUpper(cmd.args[0])
		cmd.args = cmd.args[1:]
	}
	return cmd, nil
}

// literalRe matches a literal announcement at the end of a line.
var literalRe = regexp.MustCompile(`\{(\d{1,9})(\+?)\}$`)

// literalSuffix splits "... {n}" into the text before it and n.
func literalSuffix(line string) (head string, n int, sync, ok bool) {
	m := literalRe.FindStringSubmatchIndex(line)
	if m == nil {
		return line, 0, false, false
	}
	n, _ = strconv.Atoi(line[m[2]:m[3]])
	return line[:m[0]], n, m[4] == m[5], true
}

// imapTokens splits a command line into atoms, quoted strings (unquoted)
// and parenthesised lists (kept whole).
func imapTokens(line string) []string {
	var toks []string
	for i := 0; i < len(line); {
		switch c := line[i]; {
		case c == ' ':
			i++
		case c == '"':
			var b strings.Builder
			j := i + 1
			for ; j < len(line) && line[j] != '"'; j++ {
				if line[j] == '\\' && j+1 < len(line) {
					j++
				}
				b.WriteByte(line[j])
			}
			toks = append(toks, b.String())
			i = j + 1
		case c == '(':
			depth, j := 0, i
			for ; j < len(line); j++ {
				if line[j] == '(' {
					depth++
				} else if line[j] == ')' {
					if depth--; depth == 0 {
						break
					}
				}
			}
			end := min(j+1, len(line))
			toks = append(toks, line[i:end])
			i = end
		default:
			j := strings.IndexByte(line[i:], ' ')
			if j < 0 {
				j = len(line) - i
			}
			toks = append(toks, line[i:i+j])
			i += j
		}
	}
	return toks
}
