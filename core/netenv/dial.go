package netenv

import (
	"bufio"
	"context"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/net/proxy"
)

// tunnelTimeout bounds opening a tunnel (connect to the proxy, TLS to an
// https:// proxy, CONNECT or SOCKS5 negotiation) when ctx has no earlier
// deadline. A proxy answers CONNECT in well under a second; ten seconds
// covers one that first resolves and connects to the target.
const tunnelTimeout = 10 * time.Second

// ContextDialer dials network connections; *net.Dialer is one.
type ContextDialer interface {
	DialContext(ctx context.Context, network, addr string) (net.Conn, error)
}

// Dialer opens mail connections (IMAP 993, POP 995, SMTP 587) directly
// or through a proxy: SOCKS5 (socks5://, socks5h://) or HTTP CONNECT
// (http://, https://). A proxy's refusal comes back as *ConnectError, a
// 407 as *ProxyAuthError; failing to reach the proxy itself is the
// forward dialer's error, wrapped, so the network diagnosis applies.
type Dialer struct {
	// Proxy is the proxy, nil for direct connections. Its password is
	// used only over https:// (Basic); it is never sent unencrypted.
	Proxy *url.URL
	// Forward dials the proxy (or the target when Proxy is nil); nil
	// means a net.Dialer.
	Forward ContextDialer
	// TLSConfig is used for the TLS session to an https:// proxy; nil
	// means the system roots. ServerName is set to the proxy's host.
	TLSConfig *tls.Config
}

// NewDialer returns a Dialer for a mail-proxy decision (MailRoute):
// direct when d.Proxy is nil.
func NewDialer(d Decision, forward ContextDialer) *Dialer {
	return &Dialer{Proxy: d.Proxy, Forward: forward}
}

// DialContext connects to addr (host:port), through the proxy if any.
// The returned connection carries the target's bytes only: anything the
// target sent right after the tunnel opened (an IMAP or SMTP greeting) is
// kept.
func (d *Dialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	fwd := d.Forward
	if fwd == nil {
		fwd = &net.Dialer{}
	}
	if d.Proxy == nil {
		return fwd.DialContext(ctx, network, addr)
	}
	ctx, cancel := context.WithTimeout(ctx, tunnelTimeout)
	defer cancel()
	conn, err := fwd.DialContext(ctx, "tcp", proxyAddr(d.Proxy))
	if err != nil {
		return nil, &ProxyDialError{Proxy: d.Proxy.Host, Err: err}
	}
	switch d.Proxy.Scheme {
	case "socks5", "socks5h":
		return socksConnect(ctx, conn, d.Proxy, addr)
	case "http", "https":
		return d.httpConnect(ctx, conn, addr)
	}
	conn.Close()
	return nil, &FieldError{Field: "mail-proxy", Message: "the scheme " + d.Proxy.Scheme + " is not a proxy type this tool speaks", Fix: "use socks5:// or http://"}
}

// ProxyDialError is a failure to reach the proxy itself (DNS, TCP, TLS),
// before any tunnel was asked for.
type ProxyDialError struct {
	Proxy string // host:port
	Err   error
}

var _ error = (*ProxyDialError)(nil)

func (e *ProxyDialError) Error() string {
	return "netenv: cannot reach proxy " + e.Proxy + ": " + e.Err.Error()
}

// Unwrap returns the dial error.
func (e *ProxyDialError) Unwrap() error { return e.Err }

// httpConnect asks an HTTP proxy for a tunnel to addr over conn.
func (d *Dialer) httpConnect(ctx context.Context, conn net.Conn, addr string) (net.Conn, error) {
	// Closing the connection when ctx ends unblocks every step below; ctx
	// is already done when that happens, so ctxErr reports it.
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	if d.Proxy.Scheme == "https" {
		cfg := &tls.Config{MinVersion: tls.VersionTLS12}
		if d.TLSConfig != nil {
			cfg = d.TLSConfig.Clone()
		}
		cfg.ServerName = d.Proxy.Hostname()
		tc := tls.Client(conn, cfg)
		if err := tc.HandshakeContext(ctx); err != nil {
			conn.Close()
			return nil, &ProxyDialError{Proxy: d.Proxy.Host, Err: err}
		}
		conn = tc
	}
	req := &http.Request{Method: http.MethodConnect, URL: &url.URL{Opaque: addr}, Host: addr, Header: http.Header{}}
	sent := false
	if auth := basicAuth(d.Proxy); auth != "" {
		req.Header.Set("Proxy-Authorization", auth)
		sent = true
	}
	if err := req.Write(conn); err != nil {
		conn.Close()
		return nil, ctxErr(ctx, &ProxyDialError{Proxy: d.Proxy.Host, Err: err})
	}
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, req)
	if err != nil {
		conn.Close()
		return nil, ctxErr(ctx, d.readError(addr, err))
	}
	if err := connectResponseError(d.Proxy, addr, sent, resp); err != nil {
		conn.Close()
		return nil, err
	}
	if !stop() {
		conn.Close()
		return nil, ctx.Err()
	}
	if br.Buffered() > 0 {
		return &bufferedConn{Conn: conn, r: br}, nil
	}
	return conn, nil
}

// readError classifies a failure to read the proxy's CONNECT answer: a
// network error is the proxy's connection failing; a closed connection or
// garbage is the proxy refusing to speak HTTP CONNECT.
func (d *Dialer) readError(addr string, err error) error {
	var ne net.Error
	switch {
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return &ConnectError{Proxy: d.Proxy.Host, Target: addr, Text: "the proxy closed the connection without answering"}
	case errors.As(err, &ne):
		return &ProxyDialError{Proxy: d.Proxy.Host, Err: err}
	}
	return &ConnectError{Proxy: d.Proxy.Host, Target: addr, Text: "the proxy's answer is not HTTP"}
}

// basicAuth is the Proxy-Authorization value for p's credentials, or ""
// when it has none or they would travel unencrypted.
func basicAuth(p *url.URL) string {
	if p.User == nil || cleartextCredentials(p) || p.Scheme != "https" {
		return ""
	}
	pw, _ := p.User.Password()
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(p.User.Username()+":"+pw))
}

// socksConnect runs the SOCKS5 handshake on conn for addr. Only the
// no-authentication method is offered: RFC 1929 user/password would cross
// the network in clear text.
func socksConnect(ctx context.Context, conn net.Conn, p *url.URL, addr string) (net.Conn, error) {
	d, err := proxy.SOCKS5("tcp", p.Host, nil, oneConn{conn})
	if err != nil {
		conn.Close()
		return nil, err
	}
	c, err := d.(proxy.ContextDialer).DialContext(ctx, "tcp", addr)
	if err != nil {
		conn.Close()
		if ctx.Err() != nil {
			return nil, ctxErr(ctx, err)
		}
		text := err.Error()
		var oe *net.OpError
		if errors.As(err, &oe) && oe.Err != nil {
			text = oe.Err.Error()
		}
		return nil, &ConnectError{Proxy: p.Host, Target: addr, Text: CleanServerText(strings.TrimPrefix(text, "unknown error "))}
	}
	return c, nil
}

// ctxErr prefers the context's error when it ended the operation.
func ctxErr(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return err
}

// proxyAddr is the proxy's host:port with the scheme's default port.
func proxyAddr(p *url.URL) string {
	if p.Port() != "" {
		return p.Host
	}
	port := "80"
	switch p.Scheme {
	case "https":
		port = "443"
	case "socks5", "socks5h":
		port = "1080"
	}
	return net.JoinHostPort(p.Hostname(), port)
}

// oneConn is a forward dialer that hands out one already-open connection,
// so reaching the proxy and negotiating with it fail separately.
type oneConn struct{ c net.Conn }

func (o oneConn) Dial(string, string) (net.Conn, error) { return o.c, nil }

func (o oneConn) DialContext(context.Context, string, string) (net.Conn, error) { return o.c, nil }

// bufferedConn returns bytes the CONNECT reader buffered before reading
// from the connection again.
type bufferedConn struct {
	net.Conn
	r *bufio.Reader
}

func (c *bufferedConn) Read(p []byte) (int, error) { return c.r.Read(p) }
