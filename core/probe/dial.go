// Package probe talks to mail servers: it dials with per-stage timings (DNS,
// TCP, TLS), logs in with an OAuth token over IMAP, POP3 or SMTP, and
// records a transcript in which every credential is masked. It never
// decides what a failure means; it returns typed errors the engine maps to
// diagnoses.
package probe

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"
)

// Stage names a part of a connection attempt.
type Stage string

// Stages of a connection, in order.
const (
	StageDNS      Stage = "dns"
	StageTCP      Stage = "tcp"
	StageTLS      Stage = "tls"
	StageGreeting Stage = "greeting"
	StageCommand  Stage = "command"
)

// NetError is a failure to reach a server or to start talking to it. Err is
// the underlying error (for errors.As: *net.DNSError, x509 errors,
// tls.RecordHeaderError, context.DeadlineExceeded, …).
type NetError struct {
	Stage Stage
	Addr  string
	Err   error
}

var _ error = (*NetError)(nil)

func (e *NetError) Error() string {
	return fmt.Sprintf("probe: %s %s: %v", e.Stage, e.Addr, e.Err)
}

func (e *NetError) Unwrap() error { return e.Err }

// Timing is one timed stage of a probe, e.g. {"tls", 12ms, "TLS 1.3, CN=…"}.
// Began is when the stage started, so a run can place it on a time line.
type Timing struct {
	Name     string
	Began    time.Time
	Duration time.Duration
	Detail   string
}

// Target says where and how to connect. RootCAs nil means the system roots.
type Target struct {
	Addr     string // host:port
	RootCAs  *x509.CertPool
	Resolver *net.Resolver // nil = net.DefaultResolver
	// Dial, when set, replaces DNS and TCP (tests route real host names to
	// the simulated tenant with it).
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)
	// OnTiming, when set, is called as each stage completes.
	OnTiming func(Timing)
	// Transcript receives the protocol conversation, already masked.
	Transcript *Transcript
	// OnTLS, when set, receives each verified TLS session (for the
	// interception check).
	OnTLS func(host string, st tls.ConnectionState)

	lim *limitConn // the limits on what the server sends, once connected
}

// limited puts the MaxLine and MaxRead limits on what the server sends on c.
func (t *Target) limited(c net.Conn) net.Conn {
	t.lim = newLimitConn(c, t.Addr)
	return t.lim
}

// over returns the *LimitError when the server passed a limit (the
// protocol library then reports only a broken connection), else err.
func (t *Target) over(err error) error {
	if le := t.lim.Err(); le != nil && err != nil {
		return le
	}
	return err
}

func (t *Target) host() string {
	h, _, err := net.SplitHostPort(t.Addr)
	if err != nil {
		return t.Addr
	}
	return h
}

func (t *Target) timing(name string, start time.Time, detail string) Timing {
	tm := Timing{Name: name, Began: start, Duration: time.Since(start), Detail: detail}
	if t.OnTiming != nil {
		t.OnTiming(tm)
	}
	return tm
}

// TLSConfig returns the client TLS configuration for the target: full
// verification against RootCAs, server name from the address, TLS 1.2+.
func (t *Target) TLSConfig() *tls.Config {
	return &tls.Config{ServerName: t.host(), RootCAs: t.RootCAs, MinVersion: tls.VersionTLS12}
}

// dialTCP resolves and connects, timing DNS and TCP separately.
func (t *Target) dialTCP(ctx context.Context) (net.Conn, error) {
	host, port, err := net.SplitHostPort(t.Addr)
	if err != nil {
		return nil, &NetError{Stage: StageDNS, Addr: t.Addr, Err: err}
	}
	start := time.Now()
	if t.Dial != nil {
		conn, err := t.Dial(ctx, "tcp", t.Addr)
		if err != nil {
			return nil, &NetError{Stage: StageTCP, Addr: t.Addr, Err: err}
		}
		t.timing("tcp", start, conn.RemoteAddr().String())
		return conn, nil
	}
	var ips []net.IP
	if ip := net.ParseIP(host); ip != nil {
		ips = []net.IP{ip}
	} else {
		r := t.Resolver
		if r == nil {
			r = net.DefaultResolver
		}
		addrs, err := r.LookupIPAddr(ctx, host)
		if err != nil {
			return nil, &NetError{Stage: StageDNS, Addr: t.Addr, Err: err}
		}
		for _, a := range addrs {
			ips = append(ips, a.IP)
		}
		t.timing("dns", start, joinIPs(ips))
	}
	start = time.Now()
	var d net.Dialer
	var lastErr error
	for _, ip := range ips {
		conn, err := d.DialContext(ctx, "tcp", net.JoinHostPort(ip.String(), port))
		if err == nil {
			t.timing("tcp", start, conn.RemoteAddr().String())
			return conn, nil
		}
		lastErr = err
		if ctx.Err() != nil {
			break
		}
	}
	return nil, &NetError{Stage: StageTCP, Addr: t.Addr, Err: lastErr}
}

func joinIPs(ips []net.IP) string {
	s := make([]string, 0, len(ips))
	for i, ip := range ips {
		if i == 3 {
			s = append(s, "…")
			break
		}
		s = append(s, ip.String())
	}
	return strings.Join(s, ", ")
}

// handshake runs a TLS client handshake on conn, bounded by ctx.
func (t *Target) handshake(ctx context.Context, conn net.Conn) (*tls.Conn, error) {
	start := time.Now()
	tc := tls.Client(conn, t.TLSConfig())
	if err := tc.HandshakeContext(ctx); err != nil {
		return nil, &NetError{Stage: StageTLS, Addr: t.Addr, Err: err}
	}
	t.timing("tls", start, DescribeTLS(tc.ConnectionState()))
	if t.OnTLS != nil {
		t.OnTLS(t.host(), tc.ConnectionState())
	}
	return tc, nil
}

// dialTLS connects with implicit TLS.
func (t *Target) dialTLS(ctx context.Context) (*tls.Conn, error) {
	raw, err := t.dialTCP(ctx)
	if err != nil {
		return nil, err
	}
	tc, err := t.handshake(ctx, raw)
	if err != nil {
		raw.Close()
		return nil, err
	}
	return tc, nil
}

// DescribeTLS summarises a TLS session for the log: version, cipher and the
// leaf certificate's subject and issuer.
func DescribeTLS(st tls.ConnectionState) string {
	s := tls.VersionName(st.Version) + ", " + tls.CipherSuiteName(st.CipherSuite)
	if len(st.PeerCertificates) > 0 {
		leaf := st.PeerCertificates[0]
		s += fmt.Sprintf(", certificate %s issued by %s, valid until %s",
			certName(leaf.Subject.CommonName, leaf.DNSNames), leaf.Issuer.CommonName, leaf.NotAfter.UTC().Format("2006-01-02"))
	}
	return s
}

func certName(cn string, sans []string) string {
	if cn != "" {
		return "CN=" + cn
	}
	if len(sans) > 0 {
		return "DNS=" + sans[0]
	}
	return "(no name)"
}

// closeOnCancel closes c when ctx ends and returns a stop function.
func closeOnCancel(ctx context.Context, c net.Conn) (stop func() bool) {
	return context.AfterFunc(ctx, func() { c.Close() })
}

// ctxErr prefers the context's error (deadline, cancel) over the I/O error
// that closing the connection caused.
func ctxErr(ctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	if ce := ctx.Err(); ce != nil && !errors.Is(err, ce) {
		return fmt.Errorf("%w (%v)", ce, err)
	}
	return err
}
