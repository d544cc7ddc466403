package netenv

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"path"
	"strings"
	"time"
)

// pacTimeout caps one PAC or WPAD evaluation. WPAD asks DHCP and DNS and
// then downloads a script; on a network without WPAD that fails in a few
// seconds, but a dead script server would otherwise hold the check for
// WinHTTP's own minute-long timeouts.
const pacTimeout = 15 * time.Second

// SystemConfig is the operating system's proxy configuration as Windows
// keeps it: the current user's Internet Options (what browsers use) and
// the machine's WinHTTP proxy (what services use, "netsh winhttp").
type SystemConfig struct {
	AutoDetect    bool   // "Automatically detect settings" (WPAD)
	AutoConfigURL string // "Use setup script": the PAC file address
	Proxy         string // manual proxy: "host:port" or "http=h:p;https=h:p;socks=h:p"
	Bypass        string // manual proxy exceptions: "*.contoso.com;10.*;<local>"
	WinHTTPProxy  string // the WinHTTP proxy, same format as Proxy
	WinHTTPBypass string // the WinHTTP proxy's exceptions
}

// ieEmpty reports whether Internet Options configure no proxy at all.
func (c SystemConfig) ieEmpty() bool { return !c.AutoDetect && c.AutoConfigURL == "" && c.Proxy == "" }

// AutoMethod names how a proxy script is found: WPAD discovery or a PAC
// address.
type AutoMethod struct {
	WPAD   bool   // discover the script (DHCP, then DNS "wpad")
	PACURL string // the script's address, when not WPAD
}

// System reads the operating system's proxy settings and runs its proxy
// scripts. The Windows implementation calls WinHTTP; tests inject a fake.
type System interface {
	// Config returns the configured settings; ErrNoSystemProxy when this
	// operating system has none that this tool reads.
	Config() (SystemConfig, error)
	// FindProxy evaluates the proxy script for rawURL, as WinHTTP's
	// WinHttpGetProxyForUrl does, and returns WinHTTP's proxy list
	// ("host:port;host2:port", "" for DIRECT). Errors are *FindError.
	FindProxy(ctx context.Context, rawURL string, m AutoMethod) (string, error)
}

// ErrNoSystemProxy is returned by System.Config where the operating
// system's proxy settings are not read (outside Windows).
var ErrNoSystemProxy = errors.New("netenv: this system's proxy settings are not read; set HTTPS_PROXY")

// FindError is a failed PAC or WPAD evaluation, with WinHTTP's error code
// when there is one.
type FindError struct {
	Code uint32 // WinHTTP error (12180 no WPAD script, 12167 download failed, ...); 0 if none
	Err  error  // underlying error, may be nil
}

var _ error = (*FindError)(nil)

func (e *FindError) Error() string {
	return "netenv: proxy script: " + e.Text()
}

// Unwrap returns the underlying error.
func (e *FindError) Unwrap() error { return e.Err }

// Text says in words what went wrong.
func (e *FindError) Text() string {
	switch e.Code {
	case 12180: // ERROR_WINHTTP_AUTODETECTION_FAILED
		return "no proxy script was found on this network (WPAD)"
	case 12167: // ERROR_WINHTTP_UNABLE_TO_DOWNLOAD_SCRIPT
		return "the proxy script could not be downloaded"
	case 12166: // ERROR_WINHTTP_BAD_AUTO_PROXY_SCRIPT
		return "the proxy script has an error"
	case 12178: // ERROR_WINHTTP_AUTO_PROXY_SERVICE_ERROR
		return "the WinHTTP auto-proxy service failed"
	case 12002: // ERROR_WINHTTP_TIMEOUT
		return "the proxy script server did not answer in time"
	case 12005, 12006: // ERROR_WINHTTP_INVALID_URL, ERROR_WINHTTP_UNRECOGNIZED_SCHEME
		return "the proxy script address is not a valid URL"
	case 12007: // ERROR_WINHTTP_NAME_NOT_RESOLVED
		return "the proxy script server's name does not resolve"
	}
	if errors.Is(e.Err, context.DeadlineExceeded) {
		return fmt.Sprintf("evaluating the proxy script took too long (limit %s)", pacTimeout)
	}
	if errors.Is(e.Err, context.Canceled) {
		return "cancelled"
	}
	if e.Code != 0 {
		return fmt.Sprintf("WinHTTP error %d", e.Code)
	}
	if e.Err != nil {
		return e.Err.Error()
	}
	return "failed"
}

// noSystem is the System of an operating system whose settings are not
// read.
type noSystem struct{}

func (noSystem) Config() (SystemConfig, error) { return SystemConfig{}, ErrNoSystemProxy }
func (noSystem) FindProxy(context.Context, string, AutoMethod) (string, error) {
	return "", &FindError{Err: ErrNoSystemProxy}
}

// config reads the system configuration once.
func (r *Resolver) config() (SystemConfig, error) {
	r.cfgOnce.Do(func() { r.cfg, r.cfgErr = r.system.Config() })
	return r.cfg, r.cfgErr
}

// fromSystem applies the operating system's settings to u the way Windows
// does for a program using WinHTTP with the user's Internet Options:
// automatic detection first, then the setup script, then the manual proxy
// and its exceptions; the WinHTTP proxy only when Internet Options set
// none of these.
func (r *Resolver) fromSystem(ctx context.Context, u *url.URL) Decision {
	cfg, err := r.config()
	switch {
	case errors.Is(err, ErrNoSystemProxy):
		return Decision{Source: SourceDirect, Reason: "no proxy is configured: HTTPS_PROXY is not set; this system's desktop proxy settings are not read"}
	case err != nil:
		text := err.Error()
		var fe *FindError
		if errors.As(err, &fe) {
			text = fe.Text()
		}
		return Decision{Source: SourceDirect, Reason: "HTTPS_PROXY is not set and the Windows proxy settings could not be read (" + text + ")"}
	}
	var failures []string
	if cfg.AutoDetect {
		d, ok, why := r.runScript(ctx, u, AutoMethod{WPAD: true}, SourceWPAD)
		if ok {
			return d
		}
		failures = append(failures, "automatic detection: "+why)
	}
	if cfg.AutoConfigURL != "" {
		d, ok, why := r.runScript(ctx, u, AutoMethod{PACURL: cfg.AutoConfigURL}, SourcePAC)
		if ok {
			return d
		}
		failures = append(failures, "setup script "+redactString(cfg.AutoConfigURL)+": "+why)
	}
	if cfg.Proxy != "" {
		return staticDecision(u, cfg.Proxy, cfg.Bypass, SourceManual, "Internet Options proxy", failures)
	}
	if cfg.ieEmpty() && cfg.WinHTTPProxy != "" {
		return staticDecision(u, cfg.WinHTTPProxy, cfg.WinHTTPBypass, SourceWinHTTP, "WinHTTP proxy (netsh winhttp)", nil)
	}
	if len(failures) > 0 {
		return Decision{Source: SourceDirect, Reason: strings.Join(failures, "; ") + "; so, like Windows, connecting directly"}
	}
	return Decision{Source: SourceDirect, Reason: "no proxy is configured (environment, Internet Options and WinHTTP)"}
}

// runScript evaluates a PAC/WPAD script for u, bounded by pacTimeout. ok
// is false when the script could not be run; why then says what failed.
func (r *Resolver) runScript(ctx context.Context, u *url.URL, m AutoMethod, src Source) (d Decision, ok bool, why string) {
	ctx, cancel := context.WithTimeout(ctx, pacTimeout)
	defer cancel()
	type result struct {
		list string
		err  error
	}
	done := make(chan result, 1)
	// WinHTTP's call cannot be cancelled; on timeout it finishes in the
	// background and its answer is dropped.
	go func() {
		list, err := r.system.FindProxy(ctx, scriptURL(u), m)
		done <- result{list, err}
	}()
	var res result
	select {
	case res = <-done:
	case <-ctx.Done():
		res.err = &FindError{Err: ctx.Err()}
	}
	if res.err != nil {
		var fe *FindError
		if errors.As(res.err, &fe) {
			return Decision{}, false, fe.Text()
		}
		return Decision{}, false, res.err.Error()
	}
	what := "the setup script " + redactString(m.PACURL)
	if m.WPAD {
		what = "the automatically detected script (WPAD)"
	}
	p, note := firstProxy(res.list, u.Scheme)
	if p == nil {
		reason := what + " returned DIRECT"
		if note != "" {
			reason = what + " returned " + note
		}
		return Decision{Source: src, Reason: reason}, true, ""
	}
	reason := what + " chose this proxy"
	if note != "" {
		reason += "; " + note
	}
	return Decision{Proxy: p, Source: src, Reason: reason}, true, ""
}

// scriptURL is the address given to a proxy script: scheme, host and port
// only, as browsers strip the path of https URLs before running PAC.
func scriptURL(u *url.URL) string { return u.Scheme + "://" + u.Host + "/" }

// staticDecision applies a manual or WinHTTP proxy string with its
// exception list to u. failures are earlier script failures to mention.
func staticDecision(u *url.URL, proxy, bypass string, src Source, what string, failures []string) Decision {
	prefix := ""
	if len(failures) > 0 {
		prefix = strings.Join(failures, "; ") + "; so "
	}
	if e := bypassEntry(u.Hostname(), bypass); e != "" {
		return Decision{Source: src, Reason: prefix + what + " exceptions list " + e}
	}
	p := parseProxyServer(proxy, u.Scheme)
	if p == nil {
		return Decision{Source: src, Reason: prefix + what + " names no proxy for " + u.Scheme + " requests"}
	}
	return Decision{Proxy: p, Source: src, Reason: prefix + what}
}

// firstProxy reads WinHTTP's proxy list for a request of the given scheme
// and returns the first proxy (nil for DIRECT) and a note about the rest.
// Entries are separated by ";" or spaces and may be "host:port",
// "scheme=host:port", "scheme://host:port" or PAC style "PROXY host:port",
// "HTTPS host:port", "SOCKS5 host:port", "DIRECT".
func firstProxy(list, scheme string) (*url.URL, string) {
	entries := splitList(list)
	if len(entries) == 0 {
		return nil, ""
	}
	for i, e := range entries {
		if strings.EqualFold(e, "DIRECT") {
			if i == 0 {
				return nil, ""
			}
			continue
		}
		p := proxyEntry(e, scheme)
		if p == nil {
			continue
		}
		note := ""
		if n := len(entries) - 1 - i; n > 0 {
			note = fmt.Sprintf("%d fallback(s) after it are not tried", n)
		}
		return p, note
	}
	return nil, "no proxy usable for " + scheme + " requests"
}

// splitList splits a proxy list on ";" and "," and joins PAC keywords to
// their address ("PROXY a:1; DIRECT" → ["PROXY a:1", "DIRECT"]).
func splitList(list string) []string {
	var out []string
	for _, part := range strings.FieldsFunc(list, func(r rune) bool { return r == ';' || r == ',' }) {
		f := strings.Fields(part)
		switch {
		case len(f) == 0:
		case len(f) == 2 && pacKeyword(f[0]):
			out = append(out, f[0]+" "+f[1])
		default:
			out = append(out, f...)
		}
	}
	return out
}

func pacKeyword(s string) bool {
	switch strings.ToUpper(s) {
	case "PROXY", "HTTP", "HTTPS", "SOCKS", "SOCKS4", "SOCKS5":
		return true
	}
	return false
}

// proxyEntry reads one list entry for a request of scheme; nil when the
// entry is for another scheme or not usable.
func proxyEntry(e, scheme string) *url.URL {
	if kw, addr, ok := strings.Cut(e, " "); ok {
		switch strings.ToUpper(kw) {
		case "PROXY", "HTTP":
			return hostURL("http", addr)
		case "HTTPS":
			return hostURL("https", addr)
		case "SOCKS", "SOCKS5":
			return hostURL("socks5", addr)
		}
		return nil // SOCKS4 is not spoken
	}
	if k, v, ok := strings.Cut(e, "="); ok {
		if !strings.EqualFold(strings.TrimSpace(k), scheme) {
			return nil
		}
		e = strings.TrimSpace(v)
	}
	if i := strings.Index(e, "://"); i > 0 {
		s := strings.ToLower(e[:i])
		if s != "http" && s != "https" && s != "socks5" {
			return nil
		}
		return hostURL(s, e[i+3:])
	}
	return hostURL("http", e)
}

// hostURL builds scheme://addr, nil when addr is not a host[:port].
func hostURL(scheme, addr string) *url.URL {
	addr = strings.TrimSuffix(strings.TrimSpace(addr), "/")
	if addr == "" || strings.ContainsAny(addr, "/?#@ ") {
		return nil
	}
	u, err := url.Parse(scheme + "://" + addr)
	if err != nil || u.Hostname() == "" {
		return nil
	}
	return u
}

// parseProxyServer reads an Internet Options or WinHTTP proxy string for a
// request of scheme: "host:port" for every protocol, or per protocol
// "http=h:p;https=h:p;socks=h:p". As in Windows, a per-protocol list with
// no entry for the request's scheme means a direct connection (the socks=
// entry is SOCKS4, which WinHTTP does not use).
func parseProxyServer(v, scheme string) *url.URL {
	for _, e := range splitList(v) {
		if p := proxyEntry(e, scheme); p != nil {
			return p
		}
	}
	return nil
}

// bypassEntry returns the entry of a Windows exception list
// ("*.contoso.com;10.*;<local>") that host matches, or "". "<local>"
// matches names without a dot; "*" is a wildcard anywhere; a scheme or
// port on the entry is ignored.
func bypassEntry(host, list string) string {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	for _, raw := range strings.FieldsFunc(list, func(r rune) bool { return r == ';' || r == ',' || r == ' ' }) {
		e := strings.ToLower(strings.TrimSpace(raw))
		if e == "<local>" {
			if !strings.Contains(host, ".") && !strings.Contains(host, ":") {
				return raw
			}
			continue
		}
		if i := strings.Index(e, "://"); i >= 0 {
			e = e[i+3:]
		}
		if strings.Count(e, ":") == 1 { // host:port, not an IPv6 address
			e, _, _ = strings.Cut(e, ":")
		}
		if e == "" || strings.HasPrefix(e, "<") {
			continue
		}
		// path.Match's "*" matches any run of characters without "/",
		// which a host name never has: "*.contoso.com" covers every depth.
		if ok, _ := path.Match(e, host); ok {
			return raw
		}
		if strings.HasPrefix(e, ".") && strings.HasSuffix(host, e) { // ".contoso.com": a suffix
			return raw
		}
	}
	return ""
}

// redactString hides credentials in an address that may be a URL.
func redactString(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.User == nil {
		if strings.Contains(s, "@") {
			return "(address hidden: it contains credentials)"
		}
		return s
	}
	return RedactURL(u)
}
