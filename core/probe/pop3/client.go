// Package pop3 is a small POP3 client (RFC 1939, RFC 2449 CAPA, RFC 5034
// SASL): just what a login probe needs. AUTH is always sent in two steps —
// the mechanism, then the response after the server's "+" — because
// Exchange Online rejects an initial response on the AUTH line.
package pop3

import (
	"bufio"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/emersion/go-sasl"
)

// maxLine caps a server line; POP3 lines are at most 512 octets (RFC 2449),
// a SASL challenge a few KB.
const maxLine = 64 << 10

// Error is a "-ERR" reply. Reply is the full line; Code is its RFC 2449
// response code without brackets ("AUTH", "SYS/TEMP", "IN-USE"), or "".
type Error struct {
	Command string
	Reply   string
	Code    string
}

// newError reads the response code of a "-ERR [CODE] text" line.
func newError(cmd, line string) *Error {
	e := &Error{Command: cmd, Reply: line}
	rest := strings.TrimSpace(strings.TrimPrefix(line, "-ERR"))
	if strings.HasPrefix(rest, "[") {
		if end := strings.IndexByte(rest, ']'); end > 1 {
			code := rest[1:end]
			if validCode(code) {
				e.Code = code
			}
		}
	}
	return e
}

// validCode reports an RFC 2449 resp-code: atoms of letters, digits and
// hyphens joined by "/".
func validCode(c string) bool {
	if len(c) > 64 {
		return false
	}
	for _, part := range strings.Split(c, "/") {
		if part == "" {
			return false
		}
		for _, r := range part {
			if !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
				return false
			}
		}
	}
	return true
}

var _ error = (*Error)(nil)

func (e *Error) Error() string { return fmt.Sprintf("pop3: %s: %s", e.Command, e.Reply) }

// Client is a POP3 client on a connection the caller dialled (and, for
// port 995, already wrapped in TLS). Methods are not safe for concurrent
// use. Timeout, when set, bounds each command.
type Client struct {
	conn    net.Conn
	r       *bufio.Reader
	Timeout time.Duration
}

// New returns a client on conn. Call Greeting first.
func New(conn net.Conn) *Client {
	return &Client{conn: conn, r: bufio.NewReaderSize(conn, 4096)}
}

// Close closes the connection without QUIT.
func (c *Client) Close() error { return c.conn.Close() }

func (c *Client) deadline() {
	if c.Timeout > 0 {
		c.conn.SetDeadline(time.Now().Add(c.Timeout))
	}
}

func (c *Client) readLine() (string, error) {
	var line []byte
	for {
		part, isPrefix, err := c.r.ReadLine()
		if err != nil {
			return "", err
		}
		line = append(line, part...)
		if len(line) > maxLine {
			return "", errors.New("pop3: server line too long")
		}
		if !isPrefix {
			return string(line), nil
		}
	}
}

// writeLine sends one command line. A line break inside s would smuggle
// a second command to the server (a password with an embedded newline, a
// user name from a careless paste), so s may hold no CR or LF at all.
func (c *Client) writeLine(s string) error {
	if strings.ContainsAny(s, "\r\n") {
		return errors.New("pop3: refusing to send a command with a line break inside")
	}
	c.deadline()
	_, err := c.conn.Write([]byte(s + "\r\n"))
	return err
}

// reply reads one status line; -ERR becomes *Error.
func (c *Client) reply(cmd string) (string, error) {
	c.deadline()
	line, err := c.readLine()
	if err != nil {
		return "", err
	}
	if strings.HasPrefix(line, "+OK") {
		return strings.TrimSpace(strings.TrimPrefix(line, "+OK")), nil
	}
	if strings.HasPrefix(line, "-ERR") {
		return "", newError(cmd, line)
	}
	return "", fmt.Errorf("pop3: %s: unexpected reply %q", cmd, truncate(line))
}

func truncate(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}

// Greeting reads the server greeting and returns its text.
func (c *Client) Greeting() (string, error) { return c.reply("greeting") }

// Capa returns the capability lines (RFC 2449).
func (c *Client) Capa() ([]string, error) {
	if err := c.writeLine("CAPA"); err != nil {
		return nil, err
	}
	if _, err := c.reply("CAPA"); err != nil {
		return nil, err
	}
	var caps []string
	for {
		line, err := c.readLine()
		if err != nil {
			return nil, err
		}
		if line == "." {
			return caps, nil
		}
		caps = append(caps, strings.TrimPrefix(line, "."))
	}
}

// SASLMechanisms extracts the mechanisms of the "SASL" capability line.
func SASLMechanisms(caps []string) []string {
	for _, c := range caps {
		f := strings.Fields(c)
		if len(f) > 0 && strings.EqualFold(f[0], "SASL") {
			return f[1:]
		}
	}
	return nil
}

// Auth runs AUTH in two steps (RFC 5034). Challenges the server sends
// after the response go to a.Next, whose answer is always sent, so an
// error challenge never leaves the server waiting. A "-ERR" comes back as
// *Error.
func (c *Client) Auth(a sasl.Client) error {
	mech, ir, err := a.Start()
	if err != nil {
		return err
	}
	cmd := "AUTH " + mech
	if err := c.writeLine(cmd); err != nil {
		return err
	}
	pending := ir
	for {
		c.deadline()
		line, err := c.readLine()
		if err != nil {
			return err
		}
		switch {
		case strings.HasPrefix(line, "+OK"):
			return nil
		case strings.HasPrefix(line, "-ERR"):
			return newError(cmd, line)
		case line == "+" || strings.HasPrefix(line, "+ "):
			payload := strings.TrimSpace(strings.TrimPrefix(line, "+"))
			var resp []byte
			if pending != nil && payload == "" {
				resp, pending = pending, nil
			} else {
				ch, err := base64.StdEncoding.DecodeString(payload)
				if err != nil {
					c.writeLine("*")
					return fmt.Errorf("pop3: %s: bad challenge: %w", cmd, err)
				}
				if resp, err = a.Next(ch); err != nil {
					c.writeLine("*")
					return err
				}
			}
			if err := c.writeLine(base64.StdEncoding.EncodeToString(resp)); err != nil {
				return err
			}
		default:
			return fmt.Errorf("pop3: %s: unexpected reply %q", cmd, truncate(line))
		}
	}
}

// UserPass logs in with USER and PASS (RFC 1939). password is a secret.
func (c *Client) UserPass(user, password string) error {
	if err := c.writeLine("USER " + user); err != nil {
		return err
	}
	if _, err := c.reply("USER"); err != nil {
		return err
	}
	if err := c.writeLine("PASS " + password); err != nil {
		return err
	}
	_, err := c.reply("PASS")
	return err
}

// Stat returns the message count and total size in octets.
func (c *Client) Stat() (count int, size int64, err error) {
	if err := c.writeLine("STAT"); err != nil {
		return 0, 0, err
	}
	text, err := c.reply("STAT")
	if err != nil {
		return 0, 0, err
	}
	f := strings.Fields(text)
	if len(f) < 2 {
		return 0, 0, fmt.Errorf("pop3: STAT: malformed reply %q", truncate(text))
	}
	n, err1 := strconv.Atoi(f[0])
	sz, err2 := strconv.ParseInt(f[1], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, 0, fmt.Errorf("pop3: STAT: malformed reply %q", truncate(text))
	}
	return n, sz, nil
}

// QuitNoWait sends QUIT and closes the connection without reading the
// goodbye: a probe that has its answer need not wait a round trip for it.
func (c *Client) QuitNoWait() error {
	defer c.conn.Close()
	return c.writeLine("QUIT")
}

// Quit ends the session politely and closes the connection.
func (c *Client) Quit() error {
	defer c.conn.Close()
	if err := c.writeLine("QUIT"); err != nil {
		return err
	}
	_, err := c.reply("QUIT")
	return err
}
