package simulate

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"strings"
	"sync"
	"time"
)

const (
	// maxLine bounds one protocol line (CRLF excluded). A realistic XOAUTH2
	// line is about 2.5 KB; 16 KiB leaves room for large tokens without
	// letting a peer make the server buffer without limit.
	maxLine = 16 << 10
	// defaultIdleTimeout is how long a server waits for the next line
	// before it drops the connection, like a real server's idle timer.
	defaultIdleTimeout = 60 * time.Second
	// handshakeTimeout bounds a TLS handshake; loopback handshakes take ms.
	handshakeTimeout = 10 * time.Second
	// maxMessage bounds an SMTP DATA section.
	maxMessage = 10 << 20
)

// errLineTooLong is returned by readLine for a line over maxLine bytes; the
// rest of the line has been discarded.
var errLineTooLong = errors.New("line too long")

// lineServer accepts connections on one listener and runs handle for each,
// tracking them so Close can end them all.
type lineServer struct {
	ln      net.Listener
	latency time.Duration
	idle    time.Duration
	accepts func() // counts an accepted connection
	handle  func(c *conn)

	wg     sync.WaitGroup
	mu     sync.Mutex
	conns  map[net.Conn]struct{}
	closed bool
}

// serve accepts until the listener is closed.
func (s *lineServer) serve() {
	defer s.wg.Done()
	for {
		raw, err := s.ln.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				continue
			}
			return
		}
		s.accepts()
		nc := withLatency(raw, s.latency)
		if !s.track(nc) {
			nc.Close()
			return
		}
		s.wg.Add(1)
		go s.run(nc)
	}
}

// run serves one connection; a panic in a handler ends only that connection.
func (s *lineServer) run(nc net.Conn) {
	defer s.wg.Done()
	defer s.untrack(nc)
	defer nc.Close()
	defer func() { _ = recover() }()
	s.handle(newConn(nc, s.idle))
}

// track registers nc unless the server is closing.
func (s *lineServer) track(nc net.Conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	s.conns[nc] = struct{}{}
	return true
}

// untrack forgets nc.
func (s *lineServer) untrack(nc net.Conn) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.conns, nc)
}

// close stops accepting, closes every open connection and waits for the
// handlers to return.
func (s *lineServer) close() error {
	s.mu.Lock()
	s.closed = true
	err := s.ln.Close()
	for nc := range s.conns {
		nc.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
	return err
}

// conn is one server-side connection with line-oriented helpers.
type conn struct {
	raw  net.Conn // TCP (latency-wrapped)
	nc   net.Conn // raw, or TLS over raw
	r    *bufio.Reader
	w    *bufio.Writer
	idle time.Duration
	tls  bool
}

// newConn wraps nc for line I/O.
func newConn(nc net.Conn, idle time.Duration) *conn {
	return &conn{raw: nc, nc: nc, r: bufio.NewReader(nc), w: bufio.NewWriter(nc), idle: idle}
}

// remoteIP is the peer's IP address as text.
func (c *conn) remoteIP() string {
	if a, ok := c.raw.RemoteAddr().(*net.TCPAddr); ok {
		return a.IP.String()
	}
	return c.raw.RemoteAddr().String()
}

// startTLS runs a server TLS handshake on the raw connection. Plaintext the
// client pipelined after the STARTTLS command is discarded (as Postfix does)
// so it cannot be injected into the encrypted session.
func (c *conn) startTLS(cfg *tls.Config) error {
	tc := tls.Server(c.raw, cfg)
	ctx, cancel := context.WithTimeout(context.Background(), handshakeTimeout)
	defer cancel()
	if err := tc.HandshakeContext(ctx); err != nil {
		return err
	}
	c.nc, c.tls = tc, true
	c.r = bufio.NewReader(tc)
	c.w = bufio.NewWriter(tc)
	return nil
}

// readLine reads one line without its CRLF (a bare LF is accepted), waiting
// at most the idle timeout.
func (c *conn) readLine() (string, error) {
	if err := c.nc.SetReadDeadline(time.Now().Add(c.idle)); err != nil {
		return "", err
	}
	var buf []byte
	tooLong := false
	for {
		chunk, err := c.r.ReadSlice('\n')
		if !tooLong {
			if len(buf)+len(chunk) > maxLine+2 {
				tooLong, buf = true, nil
			} else {
				buf = append(buf, chunk...)
			}
		}
		switch {
		case err == nil:
			if tooLong {
				return "", errLineTooLong
			}
			return strings.TrimRight(string(buf), "\r\n"), nil
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		default:
			return "", err
		}
	}
}

// readFull reads exactly n bytes (an IMAP literal).
func (c *conn) readFull(n int) ([]byte, error) {
	if err := c.nc.SetReadDeadline(time.Now().Add(c.idle)); err != nil {
		return nil, err
	}
	b := make([]byte, n)
	_, err := io.ReadFull(c.r, b)
	return b, err
}

// send writes lines, each followed by CRLF, as one flight.
func (c *conn) send(lines ...string) error {
	if err := c.nc.SetWriteDeadline(time.Now().Add(c.idle)); err != nil {
		return err
	}
	for _, l := range lines {
		c.w.WriteString(l)
		c.w.WriteString("\r\n")
	}
	return c.w.Flush()
}

// sendDotted writes body as a dot-stuffed multi-line block ending in ".".
func (c *conn) sendDotted(first string, body []byte) error {
	lines := []string{first}
	text := strings.TrimSuffix(string(body), "\r\n")
	if text != "" {
		for _, l := range strings.Split(text, "\r\n") {
			if strings.HasPrefix(l, ".") {
				l = "." + l
			}
			lines = append(lines, l)
		}
	}
	return c.send(append(lines, ".")...)
}

// verb splits a command line into its upper-cased first word and the rest.
func verb(line string) (string, string) {
	v, rest, _ := strings.Cut(line, " ")
	return strings.ToUpper(v), rest
}
