package probe

import (
	"fmt"
	"net"
	"sync"
)

// Limits on what a mail server may send on one connection. A probe's whole
// conversation is a few kilobytes; anything far beyond is not a mail
// server answering a login (a captive portal, a relay gone wrong, a hostile
// server), and reading it would only grow the program's memory.
const (
	// MaxLine caps one line. Protocol lines are a few hundred bytes
	// (RFC 5321 and RFC 2449 allow 512), a SASL challenge a few KB.
	MaxLine = 64 << 10
	// MaxRead caps all bytes read on one connection.
	MaxRead = 256 << 10
)

// LimitError means a server sent more than a limit allows: a line longer
// than MaxLine or more than MaxRead bytes in all. The connection is
// unusable after it.
type LimitError struct {
	Addr  string
	What  string // "line" or "response"
	Limit int64
}

var _ error = (*LimitError)(nil)

func (e *LimitError) Error() string {
	if e.What == "line" {
		return fmt.Sprintf("probe: %s sent a line longer than %s; stopped reading", e.Addr, humanBytes(e.Limit))
	}
	return fmt.Sprintf("probe: %s sent more than %s; stopped reading", e.Addr, humanBytes(e.Limit))
}

// limitConn fails reads once the peer has sent an over-long line or too
// many bytes in all, whatever the protocol library on top of it does (the
// IMAP and SMTP libraries read lines without a limit).
type limitConn struct {
	net.Conn
	addr string
	read int64 // bytes delivered so far
	line int64 // bytes since the last line feed

	mu  sync.Mutex
	err *LimitError
}

func newLimitConn(c net.Conn, addr string) *limitConn { return &limitConn{Conn: c, addr: addr} }

// Read delivers at most the bytes up to the first one over a limit, then
// the *LimitError, and the error on every later call.
func (c *limitConn) Read(p []byte) (int, error) {
	if err := c.Err(); err != nil {
		return 0, err
	}
	if room := MaxRead - c.read; int64(len(p)) > room+1 {
		p = p[:room+1] // read one byte past the limit to know it was passed
	}
	n, err := c.Conn.Read(p)
	for i := 0; i < n; i++ {
		c.read++
		if p[i] == '\n' {
			c.line = 0
		} else {
			c.line++
		}
		var le *LimitError
		switch {
		case c.read > MaxRead:
			le = &LimitError{Addr: c.addr, What: "response", Limit: MaxRead}
		case c.line > MaxLine:
			le = &LimitError{Addr: c.addr, What: "line", Limit: MaxLine}
		}
		if le != nil {
			c.mu.Lock()
			c.err = le
			c.mu.Unlock()
			return i, le
		}
	}
	return n, err
}

// Err returns the limit that was passed, or nil.
func (c *limitConn) Err() error {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err == nil {
		return nil
	}
	return c.err
}
