// Package netenv describes this computer's network environment as it
// matters for reaching Microsoft 365: which proxy each request uses and
// why (a --proxy override, the environment variables, and on Windows the
// Internet Options and WinHTTP settings with PAC scripts and WPAD evaluated
// by WinHTTP itself), how a proxy's 407 or refused tunnel reads, a dialer
// that tunnels IMAP/POP/SMTP through a SOCKS5 or HTTP CONNECT proxy, and
// whether a TLS certificate chain looks like an inspecting proxy's rather
// than Microsoft's.
//
// Proxy URLs may carry a user name and password. They are secrets: every
// text this package produces (Describe, Reason, Error) shows a proxy
// through RedactURL, which hides the whole user-info part.
package netenv

import (
	"context"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"

	"golang.org/x/net/http/httpproxy"
)

// Source says which setting decided how a request leaves this computer.
type Source string

// Sources of a proxy decision.
const (
	SourceFlag    Source = "flag"    // --proxy / --mail-proxy or the window's proxy field
	SourceEnv     Source = "env"     // HTTPS_PROXY, HTTP_PROXY, NO_PROXY (either case)
	SourcePAC     Source = "pac"     // Windows: "Use setup script" (AutoConfigURL), run by WinHTTP
	SourceWPAD    Source = "wpad"    // Windows: "Automatically detect settings", run by WinHTTP
	SourceManual  Source = "manual"  // Windows: Internet Options manual proxy server
	SourceWinHTTP Source = "winhttp" // Windows: the machine's WinHTTP proxy (netsh winhttp)
	SourceDirect  Source = "direct"  // nothing is configured: a direct connection
)

// Decision is how one request leaves this computer: through Proxy, or
// directly when Proxy is nil, and why.
type Decision struct {
	// Target is the endpoint the decision is for: scheme://host[:port]
	// for web requests, host:port for mail connections.
	Target string
	// Proxy is the proxy to use, nil for a direct connection. It may carry
	// credentials: never print it, use Describe or RedactURL.
	Proxy *url.URL
	// Source names the setting that decided. A Source other than
	// SourceDirect with a nil Proxy means that setting chose a direct
	// connection (NO_PROXY, a bypass list, a PAC script's DIRECT).
	Source Source
	// Reason says in words why; it never contains a credential.
	Reason string
}

// Direct reports whether the connection goes without a proxy.
func (d Decision) Direct() bool { return d.Proxy == nil }

// Describe is one line for the environment check and the report, with
// any proxy credential hidden: "through http://proxy:8080 (reason)" or
// "direct (reason)".
func (d Decision) Describe() string {
	s := "direct"
	if d.Proxy != nil {
		s = "through " + RedactURL(d.Proxy)
	}
	if d.Reason != "" {
		s += " (" + d.Reason + ")"
	}
	return s
}

// RedactURL prints u with its whole user-info part (user name and
// password) replaced by "***". A nil URL prints as "".
func RedactURL(u *url.URL) string {
	if u == nil {
		return ""
	}
	c := *u
	if c.User == nil {
		return c.String()
	}
	c.User = nil
	s := c.String()
	if i := strings.Index(s, "://"); i >= 0 {
		return s[:i+3] + "***@" + s[i+3:]
	}
	return "***@" + s
}

// Resolver decides, per endpoint, which proxy a request uses. It reads
// the environment and the operating system's settings once and caches the
// (possibly slow) PAC/WPAD answers per scheme and host, so one Resolver
// serves a whole run. It is safe for concurrent use.
type Resolver struct {
	getenv func(string) string
	system System

	cfgOnce sync.Once
	cfg     SystemConfig
	cfgErr  error

	mu    sync.Mutex
	cache map[string]Decision
}

// NewResolver returns a Resolver over this process's environment and this
// operating system's proxy settings (Windows Internet Options and WinHTTP;
// on other systems the environment only).
func NewResolver() *Resolver { return NewResolverWith(os.Getenv, osSystem()) }

// NewResolverWith returns a Resolver over the given environment lookup and
// system settings; tests inject both. A nil system means none.
func NewResolverWith(getenv func(string) string, system System) *Resolver {
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	if system == nil {
		system = noSystem{}
	}
	return &Resolver{getenv: getenv, system: system, cache: map[string]Decision{}}
}

// Select decides how a web request to rawURL leaves this computer. The
// order is: the override (--proxy), loopback addresses (always direct),
// the environment variables, then the system settings (Windows: WPAD, the
// PAC script, the manual proxy with its exceptions, then the WinHTTP
// proxy), else direct. ctx bounds a PAC or WPAD evaluation, which is also
// capped at pacTimeout; a failed or timed-out script falls back the way
// Windows does and the Reason says so.
func (r *Resolver) Select(ctx context.Context, rawURL string, o Override) Decision {
	u, err := url.Parse(rawURL)
	if err != nil || u.Host == "" {
		return Decision{Target: rawURL, Source: SourceDirect, Reason: "not a URL, so no proxy applies"}
	}
	target := u.Scheme + "://" + u.Host
	if d, ok := o.decide(target, "--proxy"); ok {
		return d
	}
	if isLoopback(u.Hostname()) {
		return Decision{Target: target, Source: SourceDirect, Reason: "loopback addresses never use a proxy"}
	}
	r.mu.Lock()
	d, ok := r.cache[target]
	r.mu.Unlock()
	if ok {
		return d
	}
	d, ok = r.fromEnv(u)
	if !ok {
		d = r.fromSystem(ctx, u)
	}
	d.Target = target
	d.Proxy, d.Reason = withoutCleartextCredentials(d.Proxy, d.Reason)
	r.mu.Lock()
	r.cache[target] = d
	r.mu.Unlock()
	return d
}

// ProxyFunc returns the function for http.Transport.Proxy: Select for
// each request, bounded by the request's context.
func (r *Resolver) ProxyFunc(o Override) func(*http.Request) (*url.URL, error) {
	return func(req *http.Request) (*url.URL, error) {
		return r.Select(req.Context(), req.URL.String(), o).Proxy, nil
	}
}

// MailRoute decides how a mail connection to target (host:port) leaves
// this computer. IMAP, POP and SMTP never use the web proxy settings (an
// HTTP proxy carries web requests; Windows and mail programs connect
// directly), so only --mail-proxy (o) sends them through a proxy.
func MailRoute(target string, o Override) Decision {
	if d, ok := o.decide(target, "--mail-proxy"); ok {
		return d
	}
	return Decision{Target: target, Source: SourceDirect,
		Reason: "mail connections go directly: proxy settings apply to web requests only; --mail-proxy tunnels them"}
}

// fromEnv applies HTTPS_PROXY/HTTP_PROXY/NO_PROXY (upper case first, as
// Go and curl read them). It reports false when no variable applies to
// u's scheme, so the system settings decide.
func (r *Resolver) fromEnv(u *url.URL) (Decision, bool) {
	cfg := httpproxy.Config{
		HTTPSProxy: r.env("HTTPS_PROXY"),
		HTTPProxy:  r.env("HTTP_PROXY"),
		NoProxy:    r.env("NO_PROXY"),
	}
	name, value := "HTTP_PROXY", cfg.HTTPProxy
	if u.Scheme == "https" {
		name, value = "HTTPS_PROXY", cfg.HTTPSProxy
	}
	if value == "" {
		return Decision{}, false
	}
	p, err := cfg.ProxyFunc()(u)
	switch {
	case err != nil || (p != nil && !wellFormedProxy(p)):
		// The error text repeats the value, which may hold a password.
		return Decision{Source: SourceEnv, Reason: name + " is not a valid proxy address, so it is ignored: connecting directly"}, true
	case p == nil:
		return Decision{Source: SourceEnv, Reason: "NO_PROXY lists " + u.Hostname()}, true
	}
	return Decision{Proxy: p, Source: SourceEnv, Reason: "from " + name}, true
}

// wellFormedProxy reports whether p is a plain proxy address: a scheme
// this tool speaks, a host, no path. A value that parsed into something
// else (a stray "@" or "://") could show its credentials when printed.
func wellFormedProxy(p *url.URL) bool {
	h := p.Hostname()
	return proxySchemes[p.Scheme] && h != "" && !strings.ContainsAny(h, "@/") &&
		(!strings.Contains(h, ":") || net.ParseIP(h) != nil) &&
		p.Opaque == "" && (p.Path == "" || p.Path == "/") && p.RawQuery == "" && p.Fragment == ""
}

// env reads an environment variable in upper case, else lower case.
func (r *Resolver) env(name string) string {
	if v := r.getenv(name); v != "" {
		return v
	}
	return r.getenv(strings.ToLower(name))
}

// isLoopback reports whether host is localhost or a loopback address.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") || strings.HasSuffix(strings.ToLower(host), ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// withoutCleartextCredentials removes a password that would cross the
// network unencrypted: Basic credentials to an http:// proxy, or SOCKS5
// user/password authentication. Secrets never travel in clear text; the
// proxy then answers 407 and the diagnosis says what it wants.
func withoutCleartextCredentials(p *url.URL, reason string) (*url.URL, string) {
	if !cleartextCredentials(p) {
		return p, reason
	}
	c := *p
	c.User = nil
	note := "the proxy password is not sent: " + c.Scheme + ":// would carry it unencrypted"
	if reason == "" {
		return &c, note
	}
	return &c, reason + "; " + note
}

// cleartextCredentials reports whether p carries a password over a
// connection that is not encrypted.
func cleartextCredentials(p *url.URL) bool {
	if p == nil || p.User == nil {
		return false
	}
	if _, has := p.User.Password(); !has {
		return false
	}
	return p.Scheme != "https"
}

// Func returns an http.Transport proxy function over a new Resolver with
// no override. The engine uses it until it holds one Resolver per run
// (which also caches PAC answers across steps).
func Func() func(*http.Request) (*url.URL, error) { return NewResolver().ProxyFunc(Override{}) }

// For decides how a web request to rawURL leaves this computer, with no
// override, on a new Resolver.
func For(rawURL string) Decision {
	return NewResolver().Select(context.Background(), rawURL, Override{})
}
