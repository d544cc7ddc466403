package hostile

import (
	"bufio"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
)

// Mail is a hostile IMAP (implicit TLS), POP3 (implicit TLS) or SMTP
// (STARTTLS) server. It understands FloodLines, EndlessLine, EchoSASL,
// ExtraLine (IMAP) and Escapes; otherwise it refuses every login like a
// real server.
type Mail struct {
	Addr string // 127.0.0.1:port

	proto string
	b     Behaviour
	conf  *tls.Config
	ln    net.Listener
	done  chan struct{}
	wg    sync.WaitGroup

	mu       sync.Mutex
	conns    map[net.Conn]struct{}
	received []string
}

// EscapeText is what the Escapes behaviour sends: it would clear a
// terminal, print a fake verdict and hide the rest of the line.
const EscapeText = "\x1b[2J\x1b[H\x1b]8;;https://evil.example/\x07✓ All checks passed\x1b]8;;\x07\x1b[8m"

// StartMail starts a hostile server for proto ("imap", "pop" or "smtp").
func StartMail(p *PKI, proto string, b Behaviour) (*Mail, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("hostile: %w", err)
	}
	m := &Mail{Addr: ln.Addr().String(), proto: proto, b: b, conf: p.ServerConfig(), ln: ln,
		done: make(chan struct{}), conns: map[net.Conn]struct{}{}}
	switch proto {
	case "imap", "pop", "smtp":
	default:
		ln.Close()
		return nil, fmt.Errorf("hostile: unknown protocol %q", proto)
	}
	m.wg.Add(1)
	go m.serve()
	return m, nil
}

// Received returns the client lines the server has read.
func (m *Mail) Received() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]string(nil), m.received...)
}

// Close stops the server and closes every connection.
func (m *Mail) Close() {
	select {
	case <-m.done:
		return
	default:
	}
	close(m.done)
	m.ln.Close()
	m.mu.Lock()
	for c := range m.conns {
		c.Close()
	}
	m.mu.Unlock()
	m.wg.Wait()
}

func (m *Mail) serve() {
	defer m.wg.Done()
	for {
		c, err := m.ln.Accept()
		if err != nil {
			return
		}
		if m.proto != "smtp" {
			c = tls.Server(c, m.conf)
		}
		m.mu.Lock()
		m.conns[c] = struct{}{}
		m.mu.Unlock()
		m.wg.Add(1)
		go func() {
			defer m.wg.Done()
			defer func() {
				c.Close()
				m.mu.Lock()
				delete(m.conns, c)
				m.mu.Unlock()
			}()
			s := &session{m: m, c: c, r: bufio.NewReaderSize(c, 4096)}
			switch m.proto {
			case "imap":
				s.imap()
			case "pop":
				s.pop()
			default:
				s.smtp()
			}
		}()
	}
}

// session is one client connection.
type session struct {
	m   *Mail
	c   net.Conn
	r   *bufio.Reader
	tls bool
}

func (s *session) write(text string) error {
	_, err := s.c.Write([]byte(text))
	return err
}

// maxClientLine bounds what the server reads from a client line.
const maxClientLine = 64 << 10

var errLong = errors.New("hostile: client line too long")

// line reads one client line and records it.
func (s *session) line() (string, error) {
	var b []byte
	for {
		part, isPrefix, err := s.r.ReadLine()
		if err != nil {
			return "", err
		}
		b = append(b, part...)
		if len(b) > maxClientLine {
			return "", errLong
		}
		if !isPrefix {
			break
		}
	}
	s.m.mu.Lock()
	if len(s.m.received) < 1000 {
		s.m.received = append(s.m.received, string(b))
	}
	s.m.mu.Unlock()
	return string(b), nil
}

// flood writes unit over and over until the client goes or the server
// closes.
func (s *session) flood(unit string) {
	chunk := strings.Repeat(unit, max(1, (32<<10)/len(unit)))
	for {
		select {
		case <-s.m.done:
			return
		default:
		}
		if s.write(chunk) != nil {
			return
		}
	}
}

func (s *session) imap() {
	caps := "IMAP4rev1 AUTH=XOAUTH2 SASL-IR"
	if s.m.b == ExtraLine {
		caps = "IMAP4rev1 AUTH=XOAUTH2"
	}
	greeting := "* OK [CAPABILITY " + caps + "] hostile IMAP4 service ready\r\n"
	switch s.m.b {
	case Escapes:
		greeting = "* OK [CAPABILITY " + caps + "] " + EscapeText + " ready\r\n"
	case FloodLines:
		s.write(greeting)
		s.flood("* OK still here\r\n")
		return
	case EndlessLine:
		s.write("* OK ")
		s.flood("A")
		return
	}
	s.commands(greeting, "* BAD no command\r\n", 2, func(f []string) bool {
		tag, cmd := f[0], strings.ToUpper(f[1])
		switch cmd {
		case "CAPABILITY":
			s.write("* CAPABILITY " + caps + "\r\n" + tag + " OK CAPABILITY completed.\r\n")
		case "AUTHENTICATE":
			resp := ""
			if len(f) > 3 {
				resp = f[3]
			} else {
				cont := "+ \r\n"
				if s.m.b == ExtraLine {
					cont = "+ \r\n* OK still here\r\n"
				}
				if s.write(cont) != nil {
					return false
				}
				var err error
				if resp, err = s.line(); err != nil {
					return false
				}
			}
			s.write(tag + " NO [AUTHENTICATIONFAILED] " + s.rejection(resp, "AUTHENTICATE failed.") + "\r\n")
		case "LOGIN":
			s.write(tag + " NO [AUTHENTICATIONFAILED] " + s.rejection("", "LOGIN failed.") + "\r\n")
		case "LOGOUT":
			s.write("* BYE\r\n" + tag + " OK LOGOUT completed.\r\n")
			return false
		default:
			s.write(tag + " BAD Command Error. 12\r\n")
		}
		return true
	})
}

// commands writes the greeting, then hands each command line, split into
// words, to handle until it returns false or the client goes; a line of
// fewer than minWords words is answered with short.
func (s *session) commands(greeting, short string, minWords int, handle func(f []string) bool) {
	if s.write(greeting) != nil {
		return
	}
	for {
		l, err := s.line()
		if err != nil {
			return
		}
		f := strings.Fields(l)
		if len(f) < minWords {
			s.write(short)
			continue
		}
		if !handle(f) {
			return
		}
	}
}

// rejection is the text of a refused login.
func (s *session) rejection(resp, normal string) string {
	switch s.m.b {
	case EchoSASL:
		return "invalid SASL " + resp
	case Escapes:
		return EscapeText
	}
	return normal
}

func (s *session) pop() {
	greeting := "+OK The hostile POP3 service is ready.\r\n"
	switch s.m.b {
	case Escapes:
		greeting = "+OK " + EscapeText + " ready\r\n"
	case FloodLines:
		s.write(greeting)
		s.flood("+OK still here\r\n")
		return
	case EndlessLine:
		s.write("+OK ")
		s.flood("A")
		return
	}
	s.commands(greeting, "-ERR Protocol error. 14\r\n", 1, func(f []string) bool {
		switch strings.ToUpper(f[0]) {
		case "CAPA":
			s.write("+OK\r\nTOP\r\nUIDL\r\nSASL XOAUTH2\r\nUSER\r\n.\r\n")
		case "AUTH":
			if s.write("+ \r\n") != nil {
				return false
			}
			resp, err := s.line()
			if err != nil {
				return false
			}
			s.write("-ERR " + s.rejection(resp, "Authentication failure: unknown user name or bad password.") + "\r\n")
		case "USER":
			s.write("+OK\r\n")
		case "PASS":
			s.write("-ERR " + s.rejection("", "Logon failure: unknown user name or bad password.") + "\r\n")
		case "QUIT":
			s.write("+OK Microsoft Exchange Server POP3 server signing off.\r\n")
			return false
		default:
			s.write("-ERR Protocol error. 14\r\n")
		}
		return true
	})
}

func (s *session) smtp() {
	greeting := "220 hostile.example Microsoft ESMTP MAIL Service ready\r\n"
	switch s.m.b {
	case Escapes:
		greeting = "220 " + EscapeText + "\r\n"
	case EndlessLine:
		s.write("220 ")
		s.flood("A")
		return
	}
	s.commands(greeting, "500 5.3.3 Unrecognized command\r\n", 1, func(f []string) bool {
		switch strings.ToUpper(f[0]) {
		case "EHLO", "HELO":
			switch {
			case !s.tls:
				s.write("250-hostile.example Hello\r\n250-SIZE 37748736\r\n250-STARTTLS\r\n250 SMTPUTF8\r\n")
			case s.m.b == FloodLines:
				// After STARTTLS: the flood goes through TLS.
				s.flood("250-still here\r\n")
				return false
			default:
				s.write("250-hostile.example Hello\r\n250-SIZE 37748736\r\n250-AUTH LOGIN XOAUTH2\r\n250 SMTPUTF8\r\n")
			}
		case "STARTTLS":
			if s.write("220 2.0.0 SMTP server ready\r\n") != nil {
				return false
			}
			tc := tls.Server(s.c, s.m.conf)
			if tc.Handshake() != nil {
				return false
			}
			s.c, s.r, s.tls = tc, bufio.NewReaderSize(tc, 4096), true
		case "AUTH":
			resp := ""
			if len(f) > 2 {
				resp = f[2]
			}
			s.write("535 5.7.3 " + s.rejection(resp, "Authentication unsuccessful") + "\r\n")
		case "QUIT":
			s.write("221 2.0.0 Service closing transmission channel\r\n")
			return false
		case "NOOP":
			s.write("250 2.0.0 OK\r\n")
		default:
			s.write("502 5.3.3 Command not implemented\r\n")
		}
		return true
	})
}
