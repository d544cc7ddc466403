package netenv

import (
	"bufio"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/binary"
	"errors"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// testTimeout bounds every loopback exchange; all of them finish in
// milliseconds.
const testTimeout = 5 * time.Second

// testProxy is a loopback HTTP proxy. mode: "ok" tunnels to the target;
// "greet" answers 200 and a fake greeting in the same write, with no
// target; "407" asks for Negotiate, NTLM and Basic; "403" refuses.
type testProxy struct {
	t    *testing.T
	mode string
	ln   net.Listener

	mu      sync.Mutex
	targets []string
	auth    []string
}

func startProxy(t *testing.T, mode string, tlsConf *tls.Config) *testProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if tlsConf != nil {
		ln = tls.NewListener(ln, tlsConf)
	}
	p := &testProxy{t: t, mode: mode, ln: ln}
	t.Cleanup(func() { ln.Close() })
	go p.serve()
	return p
}

func (p *testProxy) url(scheme string) *url.URL {
	return &url.URL{Scheme: scheme, Host: p.ln.Addr().String()}
}

func (p *testProxy) serve() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		go p.handle(c)
	}
}

func (p *testProxy) handle(c net.Conn) {
	defer c.Close()
	c.SetDeadline(time.Now().Add(testTimeout))
	req, err := http.ReadRequest(bufio.NewReader(c))
	if err != nil || req.Method != http.MethodConnect {
		io.WriteString(c, "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
		return
	}
	p.mu.Lock()
	p.targets = append(p.targets, req.Host)
	p.auth = append(p.auth, req.Header.Get("Proxy-Authorization"))
	p.mu.Unlock()
	switch p.mode {
	case "407":
		io.WriteString(c, "HTTP/1.1 407 Proxy Authentication Required\r\n"+
			"Proxy-Authenticate: Negotiate\r\nProxy-Authenticate: NTLM\r\n"+
			"Proxy-Authenticate: Basic realm=\"Contoso \u202eProxy\"\r\nContent-Length: 0\r\n\r\n")
	case "403":
		io.WriteString(c, "HTTP/1.1 403 Port 993 not allowed\r\nContent-Length: 0\r\n\r\n")
	case "greet":
		io.WriteString(c, "HTTP/1.1 200 Connection established\r\n\r\n* OK IMAP4rev1 ready\r\n")
		io.Copy(io.Discard, c)
	case "ok":
		up, err := net.Dial("tcp", req.Host)
		if err != nil {
			io.WriteString(c, "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")
			return
		}
		defer up.Close()
		io.WriteString(c, "HTTP/1.1 200 Connection established\r\n\r\n")
		c.SetDeadline(time.Time{})
		go io.Copy(up, c)
		io.Copy(c, up)
	}
}

func (p *testProxy) seen() (targets, auth []string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.targets...), append([]string(nil), p.auth...)
}

// startGreeter is a mail-like server: it greets and echoes one line.
func startGreeter(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				c.SetDeadline(time.Now().Add(testTimeout))
				io.WriteString(c, "* OK IMAP4rev1 ready\r\n")
				line, _ := bufio.NewReader(c).ReadString('\n')
				io.WriteString(c, "echo "+line)
			}()
		}
	}()
	return ln.Addr().String()
}

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	t.Cleanup(cancel)
	return ctx
}

// TestHTTPThroughProxy: web requests go through the configured proxy, and
// a 407 or a refusal reach the caller as typed errors.
func TestHTTPThroughProxy(t *testing.T) {
	ts := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "token endpoint") }))
	defer ts.Close()
	roots := x509.NewCertPool()
	roots.AddCert(ts.Certificate())
	client := func(p *testProxy) *http.Client {
		r := NewResolverWith(nil, nil)
		return &http.Client{Transport: &http.Transport{
			Proxy:                  r.ProxyFunc(Override{Proxy: p.url("http")}),
			OnProxyConnectResponse: CheckConnectResponse,
			TLSClientConfig:        &tls.Config{RootCAs: roots},
		}, Timeout: testTimeout}
	}

	t.Run("tunnel", func(t *testing.T) {
		p := startProxy(t, "ok", nil)
		resp, err := client(p).Get(ts.URL + "/tenant/oauth2/v2.0/token")
		if err != nil {
			t.Fatalf("Get() = %v", err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		targets, _ := p.seen()
		if string(body) != "token endpoint" || len(targets) != 1 || targets[0] != ts.Listener.Addr().String() {
			t.Errorf("body %q, proxy saw CONNECT %v; want the request tunnelled to %s", body, targets, ts.Listener.Addr())
		}
	})
	t.Run("407", func(t *testing.T) {
		p := startProxy(t, "407", nil)
		_, err := client(p).Get(ts.URL)
		var pe *ProxyAuthError
		if !errors.As(err, &pe) {
			t.Fatalf("Get() = %v, want a *ProxyAuthError", err)
		}
		if got := strings.Join(pe.Schemes(), ","); got != "Negotiate,NTLM,Basic" || pe.Proxy != p.ln.Addr().String() || !pe.Integrated() {
			t.Errorf("ProxyAuthError = %+v (schemes %s)", pe, got)
		}
		if pe.Challenges[2].Realm != "Contoso  Proxy" {
			t.Errorf("realm = %q, want the bidi override removed", pe.Challenges[2].Realm)
		}
		if !strings.Contains(pe.Advice(), "Windows sign-in") {
			t.Errorf("Advice() = %q", pe.Advice())
		}
	})
	t.Run("refused", func(t *testing.T) {
		p := startProxy(t, "403", nil)
		_, err := client(p).Get(ts.URL)
		var ce *ConnectError
		if !errors.As(err, &ce) || ce.Status != 403 || ce.Text != "Port 993 not allowed" {
			t.Fatalf("Get() = %v, want a *ConnectError 403", err)
		}
	})
}

// TestMailDialer opens mail connections through HTTP CONNECT proxies.
func TestMailDialer(t *testing.T) {
	target := startGreeter(t)
	roundTrip := func(t *testing.T, c net.Conn) {
		t.Helper()
		defer c.Close()
		c.SetDeadline(time.Now().Add(testTimeout))
		br := bufio.NewReader(c)
		if g, _ := br.ReadString('\n'); g != "* OK IMAP4rev1 ready\r\n" {
			t.Fatalf("greeting = %q", g)
		}
		io.WriteString(c, "a1 NOOP\r\n")
		if e, _ := br.ReadString('\n'); e != "echo a1 NOOP\r\n" {
			t.Errorf("echo = %q", e)
		}
	}

	t.Run("direct", func(t *testing.T) {
		c, err := NewDialer(MailRoute(target, Override{}), nil).DialContext(testCtx(t), "tcp", target)
		if err != nil {
			t.Fatal(err)
		}
		roundTrip(t, c)
	})
	t.Run("connect", func(t *testing.T) {
		p := startProxy(t, "ok", nil)
		d := NewDialer(MailRoute(target, Override{Proxy: p.url("http")}), nil)
		c, err := d.DialContext(testCtx(t), "tcp", target)
		if err != nil {
			t.Fatal(err)
		}
		roundTrip(t, c)
		if targets, _ := p.seen(); len(targets) != 1 || targets[0] != target {
			t.Errorf("proxy saw %v, want CONNECT %s", targets, target)
		}
	})
	t.Run("greeting in the same packet as 200", func(t *testing.T) {
		p := startProxy(t, "greet", nil)
		c, err := (&Dialer{Proxy: p.url("http")}).DialContext(testCtx(t), "tcp", "outlook.office365.com:993")
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(testTimeout))
		if g, _ := bufio.NewReader(c).ReadString('\n'); g != "* OK IMAP4rev1 ready\r\n" {
			t.Errorf("greeting = %q, want the bytes that came with the 200", g)
		}
	})
	t.Run("407", func(t *testing.T) {
		p := startProxy(t, "407", nil)
		_, err := (&Dialer{Proxy: p.url("http")}).DialContext(testCtx(t), "tcp", "outlook.office365.com:993")
		var pe *ProxyAuthError
		if !errors.As(err, &pe) || pe.Target != "outlook.office365.com:993" || len(pe.Challenges) != 3 || pe.CredentialsSent {
			t.Fatalf("DialContext() = %v, want a *ProxyAuthError for :993", err)
		}
	})
	t.Run("refused", func(t *testing.T) {
		p := startProxy(t, "403", nil)
		_, err := (&Dialer{Proxy: p.url("http")}).DialContext(testCtx(t), "tcp", "outlook.office365.com:993")
		var ce *ConnectError
		if !errors.As(err, &ce) || ce.Status != 403 || ce.Target != "outlook.office365.com:993" {
			t.Fatalf("DialContext() = %v, want a *ConnectError", err)
		}
	})
	t.Run("proxy unreachable", func(t *testing.T) {
		ln, _ := net.Listen("tcp", "127.0.0.1:0")
		addr := ln.Addr().String()
		ln.Close()
		_, err := (&Dialer{Proxy: &url.URL{Scheme: "http", Host: addr}}).DialContext(testCtx(t), "tcp", target)
		var de *ProxyDialError
		var oe *net.OpError
		if !errors.As(err, &de) || !errors.As(err, &oe) {
			t.Fatalf("DialContext() = %v, want a *ProxyDialError wrapping the dial error", err)
		}
	})
	t.Run("cancelled while the proxy is silent", func(t *testing.T) {
		ln, _ := net.Listen("tcp", "127.0.0.1:0")
		defer ln.Close()
		go func() {
			c, err := ln.Accept()
			if err == nil {
				defer c.Close()
				io.Copy(io.Discard, c)
			}
		}()
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		_, err := (&Dialer{Proxy: &url.URL{Scheme: "http", Host: ln.Addr().String()}}).DialContext(ctx, "tcp", target)
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("DialContext() = %v, want the deadline", err)
		}
	})
}

// TestProxyCredentials: Basic credentials go to an https:// proxy only;
// to an http:// proxy they are never sent, and no output shows them.
func TestProxyCredentials(t *testing.T) {
	const user, pass = "alice.proxy", "Pr0xy-S3cret-pw"
	cert, roots := selfSigned(t, "127.0.0.1")
	target := startGreeter(t)

	t.Run("https proxy gets Basic", func(t *testing.T) {
		p := startProxy(t, "ok", &tls.Config{Certificates: []tls.Certificate{cert}})
		o := mustOverride(t, "https://"+user+":"+pass+"@"+p.ln.Addr().String())
		d := &Dialer{Proxy: o.Proxy, TLSConfig: &tls.Config{RootCAs: roots}}
		c, err := d.DialContext(testCtx(t), "tcp", target)
		if err != nil {
			t.Fatal(err)
		}
		c.Close()
		_, auth := p.seen()
		if len(auth) != 1 || auth[0] != basicAuth(o.Proxy) || !strings.HasPrefix(auth[0], "Basic ") {
			t.Errorf("proxy saw Proxy-Authorization %q", auth)
		}
	})
	t.Run("http proxy never gets the password", func(t *testing.T) {
		p := startProxy(t, "407", nil)
		u := p.url("http")
		u.User = url.UserPassword(user, pass)
		_, err := (&Dialer{Proxy: u}).DialContext(testCtx(t), "tcp", target)
		_, auth := p.seen()
		if len(auth) != 1 || auth[0] != "" {
			t.Errorf("proxy saw Proxy-Authorization %q, want none", auth)
		}
		var pe *ProxyAuthError
		if !errors.As(err, &pe) || pe.CredentialsSent {
			t.Errorf("DialContext() = %v", err)
		}
	})
	t.Run("no output shows them", func(t *testing.T) {
		_, errHTTP := ParseOverride("mail-proxy", "http://"+user+":"+pass+"@proxy:8080")
		o := mustOverride(t, "https://"+user+":"+pass+"@proxy:443")
		r := NewResolverWith(envOf("HTTPS_PROXY", "http://"+user+":"+pass+"@env:3128"), &fakeSystem{cfg: SystemConfig{Proxy: user + ":" + pass + "@manual:8080"}})
		outputs := []string{
			errHTTP.Error(), o.Describe(),
			r.Select(context.Background(), login, o).Describe(),
			r.Select(context.Background(), login, Override{}).Describe(),
			NewResolverWith(nil, &fakeSystem{cfg: SystemConfig{Proxy: user + ":" + pass + "@manual:8080"}}).Select(context.Background(), login, Override{}).Describe(),
			MailRoute("outlook.office365.com:993", o).Describe(),
			(&ProxyAuthError{Proxy: o.Proxy.Host, Target: "x:993"}).Error(),
			(&ConnectError{Proxy: o.Proxy.Host, Target: "x:993", Status: 403}).Error(),
			(&ProxyDialError{Proxy: o.Proxy.Host, Err: errors.New("refused")}).Error(),
		}
		for _, out := range outputs {
			if strings.Contains(out, pass) || strings.Contains(out, user) {
				t.Errorf("output shows a proxy credential: %q", out)
			}
		}
	})
}

// TestSOCKS5 tunnels a mail connection through a loopback SOCKS5 proxy and
// turns its refusal into a *ConnectError.
func TestSOCKS5(t *testing.T) {
	target := startGreeter(t)
	for _, tt := range []struct {
		reply byte
		want  string
	}{{0, ""}, {5, "connection refused"}, {2, "connection not allowed by ruleset"}} {
		socks := startSOCKS(t, tt.reply)
		d := NewDialer(MailRoute(target, mustOverride(t, "socks5://"+socks)), nil)
		c, err := d.DialContext(testCtx(t), "tcp", target)
		if tt.want == "" {
			if err != nil {
				t.Fatalf("DialContext() = %v", err)
			}
			c.SetDeadline(time.Now().Add(testTimeout))
			if g, _ := bufio.NewReader(c).ReadString('\n'); g != "* OK IMAP4rev1 ready\r\n" {
				t.Errorf("greeting through SOCKS5 = %q", g)
			}
			c.Close()
			continue
		}
		var ce *ConnectError
		if !errors.As(err, &ce) || ce.Text != tt.want || ce.Target != target {
			t.Errorf("DialContext() = %v, want a *ConnectError %q", err, tt.want)
		}
	}
}

// startSOCKS is a minimal SOCKS5 server (no authentication, CONNECT to
// IPv4 or a name) that answers reply; 0 tunnels.
func startSOCKS(t *testing.T, reply byte) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go serveSOCKS(c, reply)
		}
	}()
	return ln.Addr().String()
}

func serveSOCKS(c net.Conn, reply byte) {
	defer c.Close()
	c.SetDeadline(time.Now().Add(testTimeout))
	hdr := make([]byte, 2)
	if _, err := io.ReadFull(c, hdr); err != nil {
		return
	}
	io.ReadFull(c, make([]byte, hdr[1]))
	c.Write([]byte{5, 0})
	req := make([]byte, 4)
	if _, err := io.ReadFull(c, req); err != nil {
		return
	}
	var host string
	switch req[3] {
	case 1:
		ip := make([]byte, 4)
		io.ReadFull(c, ip)
		host = net.IP(ip).String()
	case 3:
		n := make([]byte, 1)
		io.ReadFull(c, n)
		name := make([]byte, n[0])
		io.ReadFull(c, name)
		host = string(name)
	default:
		return
	}
	port := make([]byte, 2)
	io.ReadFull(c, port)
	c.Write([]byte{5, reply, 0, 1, 0, 0, 0, 0, 0, 0})
	if reply != 0 {
		return
	}
	up, err := net.Dial("tcp", net.JoinHostPort(host, strconv.Itoa(int(binary.BigEndian.Uint16(port)))))
	if err != nil {
		return
	}
	defer up.Close()
	c.SetDeadline(time.Time{})
	go io.Copy(up, c)
	io.Copy(c, up)
}

// selfSigned makes a TLS certificate for host and a pool that trusts it.
func selfSigned(t *testing.T, host string) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test proxy"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP(host)}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool
}
