package probe

import (
	"bufio"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mailoauth/mailoauth-tester/core/hostile"
)

// exchange is one turn of a scripted server: it waits for a client line
// matching expect (a regular expression for the whole line; "" reads
// nothing, for the greeting; "()" is an empty line), then sends reply, in
// which $1, $2 … are the expression's groups (an IMAP tag), or the last
// turn's when this one has none. startTLS makes it start TLS after the
// reply.
type exchange struct {
	expect   string
	reply    []string
	startTLS bool
}

// scripted is a one-connection server that plays a transcript command by
// command, the way go-imap and go-smtp test their clients.
type scripted struct {
	addr string
	mu   sync.Mutex
	got  []string // the client's lines, as received
	errs []string // where the client left the script
	done chan struct{}
}

var testPKI = sync.OnceValues(hostile.NewPKI)

// testRoots trusts the scripted servers' certificate.
func testRoots(t *testing.T) *x509.CertPool {
	t.Helper()
	pki, err := testPKI()
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pki.CAPEM)
	return pool
}

// serveScript starts the server; implicitTLS starts TLS at once (IMAP on
// 993, POP3 on 995). aside are turns the client may take at any point
// (go-imap asks for the capabilities again, in the background, after a
// login).
func serveScript(t *testing.T, implicitTLS bool, script []exchange, aside ...exchange) *scripted {
	t.Helper()
	pki, err := testPKI()
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &scripted{addr: ln.Addr().String(), done: make(chan struct{})}
	t.Cleanup(func() {
		ln.Close()
		<-s.done
		for _, e := range s.errs {
			t.Errorf("scripted server: %s", e)
		}
	})
	go func() {
		defer close(s.done)
		raw, err := ln.Accept()
		if err != nil {
			return
		}
		defer raw.Close()
		raw.SetDeadline(time.Now().Add(10 * time.Second))
		var c net.Conn = raw
		if implicitTLS {
			c = tls.Server(raw, pki.ServerConfig())
		}
		s.play(c, raw, pki.ServerConfig(), script, aside)
	}()
	return s
}

func (s *scripted) play(c, raw net.Conn, cfg *tls.Config, script, aside []exchange) {
	r := bufio.NewReader(c)
	var groups []string
	for i := 0; i < len(script); i++ {
		x := script[i]
		if x.expect != "" {
			line, err := r.ReadString('\n')
			line = strings.TrimRight(line, "\r\n")
			if err != nil {
				s.fail("turn %d: the client sent no line (%v), want %q", i, err, x.expect)
				return
			}
			s.mu.Lock()
			s.got = append(s.got, line)
			s.mu.Unlock()
			m := regexp.MustCompile("^" + x.expect + "$").FindStringSubmatch(line)
			if m == nil {
				if a, am := matchAside(aside, line); am != nil {
					if reply(c, a.reply, am) != nil {
						return
					}
					i-- // the same turn again
					continue
				}
				s.fail("turn %d: the client sent %q, want %q", i, line, x.expect)
				return
			}
			if len(m) > 1 && m[1] != "" {
				groups = m
			}
		}
		if reply(c, x.reply, groups) != nil {
			return
		}
		if x.startTLS {
			c = tls.Server(raw, cfg)
			r = bufio.NewReader(c)
		}
	}
	// Whatever else the client sends (a goodbye it does not wait for) is
	// read until it closes.
	for {
		if _, err := r.ReadString('\n'); err != nil {
			return
		}
	}
}

// matchAside finds the aside turn a line belongs to.
func matchAside(aside []exchange, line string) (exchange, []string) {
	for _, a := range aside {
		if m := regexp.MustCompile("^" + a.expect + "$").FindStringSubmatch(line); m != nil {
			return a, m
		}
	}
	return exchange{}, nil
}

// reply sends lines as one flight, the groups filled in.
func reply(c net.Conn, lines, groups []string) error {
	var out strings.Builder
	for _, l := range lines {
		for g := len(groups) - 1; g >= 1; g-- {
			l = strings.ReplaceAll(l, fmt.Sprintf("$%d", g), groups[g])
		}
		out.WriteString(l + "\r\n")
	}
	_, err := c.Write([]byte(out.String()))
	return err
}

func (s *scripted) fail(format string, a ...any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.errs = append(s.errs, fmt.Sprintf(format, a...))
}

// lines returns the client's lines received so far.
func (s *scripted) lines() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.got...)
}

// target points a probe at the scripted server.
func (s *scripted) target(t *testing.T, tr *Transcript) Target {
	return Target{Addr: s.addr, RootCAs: testRoots(t), Transcript: tr}
}
