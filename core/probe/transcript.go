package probe

import (
	"encoding/base64"
	"fmt"
	"net"
	"regexp"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/mailoauth/mailoauth-tester/core/secret"
	"github.com/mailoauth/mailoauth-tester/core/visible"
)

// Direction says who sent a transcript line.
type Direction byte

// Directions.
const (
	FromClient Direction = 'C'
	FromServer Direction = 'S'
)

// Line is one masked line of a protocol conversation.
type Line struct {
	Time time.Time
	Dir  Direction
	Text string
}

func (l Line) String() string { return string(l.Dir) + ": " + l.Text }

// Transcript records a conversation line by line and masks credentials
// before anything is stored or passed on: the arguments of AUTHENTICATE,
// AUTH, LOGIN and PASS, every client line that answers a SASL continuation,
// the run's known secrets, anything token-shaped and anything that decodes
// to a credential, on either side. It is the only path by which protocol
// text leaves a probe. Lines are made safe to show (control characters
// written out), cut at maxKeptLine characters, and a long conversation is
// kept as its first maxKeptHead and last maxKeptTail lines, with a note of
// how much was dropped.
type Transcript struct {
	mu       sync.Mutex
	head     []Line // the first maxKeptHead lines
	tail     []kept // ring of the last maxKeptTail lines after the head
	tailNext int    // next slot of tail to overwrite once it is full
	total    int    // lines appended
	emitted  int    // lines passed to onLine, in order
	dropped  int64  // bytes of the lines neither in head nor tail
	onLine   func(Line)
	scrub    *secret.Scrubber
	cont     bool // a SASL continuation came since the last client line
	partialC []byte
	partialS []byte
	partialI []byte
	lastC    string // last client line, to spot STARTTLS
	tlsOn    bool   // STARTTLS was accepted: raw bytes are TLS from here
}

// kept is a line after the head with its sequence number. It is masked
// only when it is read: most lines of a flood are dropped unread, and
// masking every one would make a flood cost time as well as memory.
type kept struct {
	seq int
	raw rawLine
}

// rawLine is a line as it came, with what masking it needs to know.
type rawLine struct {
	time   time.Time
	dir    Direction
	text   string
	cont   bool // a client line that answers a SASL continuation
	masked bool // text is masked already (the tool's own notes, Graph)
}

// Limits of what a transcript keeps: enough for every real conversation a
// probe has (a dozen lines), small enough that a server flooding lines
// cannot grow the program's memory.
const (
	maxKeptHead = 200
	maxKeptTail = 100
	maxKeptLine = 2000 // characters of one line
	maxPartial  = MaxLine
)

// NewTranscript returns a transcript that calls onLine (may be nil) for
// each masked line and scrubs the secrets known to scrub (may be nil).
// onLine receives the first maxKeptHead lines as they come; Flush passes on
// the rest that is kept.
func NewTranscript(onLine func(Line), scrub *secret.Scrubber) *Transcript {
	return &Transcript{onLine: onLine, scrub: scrub}
}

// Lines returns a copy of the masked lines kept so far, with a note where
// lines were dropped.
func (t *Transcript) Lines() []Line {
	if t == nil {
		return nil
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	out := append([]Line(nil), t.head...)
	tail := t.tailLocked()
	if len(tail) > 0 && tail[0].seq > maxKeptHead {
		out = append(out, t.dropNoteLocked(tail[0].seq-maxKeptHead))
	}
	for _, k := range tail {
		out = append(out, t.render(k.raw))
	}
	return out
}

// Flush passes the kept lines that onLine has not seen yet (the tail of a
// long conversation) to onLine, after a note saying how many were dropped.
func (t *Transcript) Flush() {
	if t == nil {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, k := range t.tailLocked() {
		if k.seq < t.emitted {
			continue
		}
		if k.seq > t.emitted && t.onLine != nil {
			t.onLine(t.dropNoteLocked(k.seq - t.emitted))
		}
		if t.onLine != nil {
			t.onLine(t.render(k.raw))
		}
		t.emitted = k.seq + 1
	}
}

// tailLocked returns the tail in order.
func (t *Transcript) tailLocked() []kept {
	if len(t.tail) < maxKeptTail {
		return t.tail
	}
	return append(append([]kept(nil), t.tail[t.tailNext:]...), t.tail[:t.tailNext]...)
}

func (t *Transcript) dropNoteLocked(n int) Line {
	return Line{Time: time.Now(), Dir: '*', Text: fmt.Sprintf("[… %d %s (%s) not kept: a transcript keeps the first %d and the last %d lines …]",
		n, visible.Plural(n, "line", "lines"), humanBytes(t.dropped), maxKeptHead, maxKeptTail)}
}

// Conn wraps c so that bytes read are recorded as server lines and bytes
// written as client lines.
func (t *Transcript) Conn(c net.Conn) net.Conn {
	if t == nil {
		return c
	}
	return &recConn{Conn: c, t: t}
}

// Inferring returns a writer for a merged stream of both directions (as
// go-smtp's DebugWriter gives), telling SMTP server replies from client
// commands by their three-digit code.
func (t *Transcript) Inferring() *InferWriter { return &InferWriter{t: t} }

// InferWriter is the io.Writer returned by Transcript.Inferring.
type InferWriter struct{ t *Transcript }

var smtpReplyRE = regexp.MustCompile(`^[2-5][0-9][0-9](?:[ -]|$)`)

func (w *InferWriter) Write(p []byte) (int, error) {
	if w.t == nil {
		return len(p), nil
	}
	w.t.mu.Lock()
	defer w.t.mu.Unlock()
	w.t.partialI = capPartial(append(w.t.partialI, p...))
	for {
		i := strings.IndexByte(string(w.t.partialI), '\n')
		if i < 0 {
			break
		}
		line := strings.TrimRight(string(w.t.partialI[:i]), "\r")
		w.t.partialI = w.t.partialI[i+1:]
		if smtpReplyRE.MatchString(line) {
			w.t.addLocked(FromServer, line)
		} else {
			w.t.addLocked(FromClient, line)
		}
	}
	return len(p), nil
}

// Note adds a line written by the tool itself (e.g. "[TLS handshake]").
func (t *Transcript) Note(text string) {
	if t == nil {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.appendLocked(rawLine{time: time.Now(), dir: '*', text: t.scrubText(text), masked: true})
}

func (t *Transcript) feed(dir Direction, p []byte) {
	t.mu.Lock()
	defer t.mu.Unlock()
	buf := &t.partialC
	if dir == FromServer {
		buf = &t.partialS
	}
	*buf = append(*buf, p...)
	for {
		i := strings.IndexByte(string(*buf), '\n')
		if i < 0 {
			break
		}
		line := strings.TrimRight(string((*buf)[:i]), "\r")
		*buf = (*buf)[i+1:]
		t.addLocked(dir, line)
	}
	// A client line is always written whole; a server line may arrive in
	// pieces. Keep at most maxPartial bytes of an unterminated line.
	*buf = capPartial(*buf)
}

// capPartial keeps the last maxPartial bytes of an unterminated line.
func capPartial(b []byte) []byte {
	if len(b) > maxPartial {
		return append(b[:0], b[len(b)-maxPartial:]...)
	}
	return b
}

func (t *Transcript) addLocked(dir Direction, line string) {
	if dir == FromServer && strings.HasPrefix(line, "220") && strings.EqualFold(t.lastC, "STARTTLS") {
		t.tlsOn = true
	}
	r := rawLine{time: time.Now(), dir: dir, text: line}
	if dir == FromClient {
		t.lastC = line
		r.cont = t.cont
		t.cont = false
	} else {
		// Any line after a continuation (a server may send more lines
		// before the client answers) leaves the next client line masked.
		t.cont = t.cont || isContinuation(line)
	}
	t.appendLocked(r)
}

// render masks a line: credentials hidden, cut to maxKeptLine characters,
// control characters made visible.
func (t *Transcript) render(r rawLine) Line {
	text := r.text
	switch {
	case r.masked:
	case r.dir == FromServer:
		text = t.scrubText(decodeChallenge(t.scrubText(text)))
	default:
		text = t.scrubText(maskClientLine(text, r.cont))
	}
	return Line{Time: r.time, Dir: r.dir, Text: visible.Line(cutLine(text))}
}

// appendLocked keeps a line in the head (masked and passed on at once) or
// in the tail.
func (t *Transcript) appendLocked(r rawLine) {
	seq := t.total
	t.total++
	if seq < maxKeptHead {
		l := t.render(r)
		t.head = append(t.head, l)
		if t.onLine != nil && t.emitted == seq {
			t.onLine(l)
			t.emitted++
		}
		return
	}
	k := kept{seq: seq, raw: r}
	if len(t.tail) < maxKeptTail {
		t.tail = append(t.tail, k)
		return
	}
	t.dropped += int64(len(t.tail[t.tailNext].raw.text))
	t.tail[t.tailNext] = k
	t.tailNext = (t.tailNext + 1) % maxKeptTail
}

// cutLine shortens a line to maxKeptLine characters, saying how much was
// cut. It runs after masking, so a credential is never cut in a way that
// hides it from the scrubber.
func cutLine(s string) string {
	if len(s) <= maxKeptLine {
		return s
	}
	cut := maxKeptLine
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return fmt.Sprintf("%s… [%d more bytes]", s[:cut], len(s)-cut)
}

func (t *Transcript) scrubText(s string) string {
	if t.scrub != nil {
		return t.scrub.Scrub(s)
	}
	return secret.ScrubShapes(s)
}

// isContinuation reports a SASL continuation: IMAP/POP "+" or "+ …", SMTP 334.
func isContinuation(line string) bool {
	return line == "+" || strings.HasPrefix(line, "+ ") || strings.HasPrefix(line, "334")
}

var (
	authCmdRE  = regexp.MustCompile(`(?i)^((?:\S+ )?(?:AUTHENTICATE|AUTH) \S+) (\S+)\s*$`)
	loginCmdRE = regexp.MustCompile(`(?i)^((?:\S+ )?LOGIN \S+) (.+)$`)
	passCmdRE  = regexp.MustCompile(`(?i)^(PASS) (.+)$`)
)

// maskClientLine hides credentials in one client line. afterCont says the
// server has just asked for SASL data, so the whole line is a credential.
func maskClientLine(line string, afterCont bool) string {
	if afterCont {
		switch line {
		case "", "*", "=":
			return line
		}
		return MaskSASL(line)
	}
	if m := authCmdRE.FindStringSubmatch(line); m != nil && m[2] != "=" {
		return m[1] + " " + MaskSASL(m[2])
	}
	if m := loginCmdRE.FindStringSubmatch(line); m != nil {
		return m[1] + " " + hidden("password", len(m[2]))
	}
	if m := passCmdRE.FindStringSubmatch(line); m != nil {
		return m[1] + " " + hidden("password", len(m[2]))
	}
	return line
}

func hidden(what string, n int) string { return fmt.Sprintf("[%s hidden, %d chars]", what, n) }

// MaskSASL describes a base64 SASL response without revealing credentials:
// for XOAUTH2 and OAUTHBEARER the user and a masked token, otherwise only
// the length.
func MaskSASL(b64 string) string {
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		return hidden("SASL data", len(b64))
	}
	s := string(raw)
	user, token, ok := parseBearerSASL(s)
	if !ok {
		return hidden("SASL data", len(b64))
	}
	return fmt.Sprintf("[SASL response hidden: user=%s, auth=Bearer %s]", user, secret.Mask(token))
}

// parseBearerSASL extracts the user and token from an XOAUTH2
// ("user=U\x01auth=Bearer T\x01\x01") or OAUTHBEARER ("n,a=U,\x01…auth=Bearer T\x01\x01") message.
func parseBearerSASL(s string) (user, token string, ok bool) {
	for _, part := range strings.Split(s, "\x01") {
		switch {
		case strings.HasPrefix(part, "user="):
			user = strings.TrimPrefix(part, "user=")
		case strings.HasPrefix(part, "n,a="):
			user = strings.TrimSuffix(strings.TrimPrefix(part, "n,a="), ",")
		case strings.HasPrefix(strings.ToLower(part), "auth="):
			v := part[len("auth="):]
			if len(v) > 7 && strings.EqualFold(v[:7], "bearer ") {
				v = v[7:]
			}
			token, ok = v, true
		}
	}
	return user, token, ok
}

// decodeChallenge appends the decoded text of a base64 SASL error
// challenge (e.g. Gmail's or Dovecot's JSON) so people can read it.
func decodeChallenge(line string) string {
	var payload string
	switch {
	case strings.HasPrefix(line, "+ "):
		payload = strings.TrimSpace(line[2:])
	case strings.HasPrefix(line, "334 "):
		payload = strings.TrimSpace(line[4:])
	default:
		return line
	}
	if payload == "" {
		return line
	}
	raw, err := base64.StdEncoding.DecodeString(payload)
	if err != nil || len(raw) == 0 || !printable(raw) {
		return line
	}
	return line + "   (decoded: " + string(raw) + ")"
}

func printable(b []byte) bool {
	for _, c := range b {
		if c < 0x20 || c > 0x7e {
			return false
		}
	}
	return true
}

// ConnUntilSTARTTLS is like Conn but stops recording once the server has
// accepted STARTTLS, because from then on the raw bytes are TLS records
// (the plaintext after STARTTLS is recorded by the client's debug writer).
func (t *Transcript) ConnUntilSTARTTLS(c net.Conn) net.Conn {
	if t == nil {
		return c
	}
	return &recConn{Conn: c, t: t, untilTLS: true}
}

type recConn struct {
	net.Conn
	t        *Transcript
	untilTLS bool
}

func (c *recConn) recording() bool {
	if !c.untilTLS {
		return true
	}
	c.t.mu.Lock()
	defer c.t.mu.Unlock()
	return !c.t.tlsOn
}

func (c *recConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 && c.recording() {
		c.t.feed(FromServer, p[:n])
	}
	return n, err
}

func (c *recConn) Write(p []byte) (int, error) {
	if c.recording() {
		c.t.feed(FromClient, p)
	}
	return c.Conn.Write(p)
}
