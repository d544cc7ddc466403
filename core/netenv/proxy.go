// Package netenv describes this computer's network environment as it
// matters for reaching Microsoft 365: which proxy HTTP requests use
// (environment variables, and on Windows the system proxy from Internet
// Options, which Go does not read by itself) and whether a TLS certificate
// chain looks like an inspecting proxy's rather than Microsoft's.
package netenv

import (
	"net/http"
	"net/url"
	"strings"
)

// Proxy says how HTTP requests leave this computer.
type Proxy struct {
	// Source is "environment", "system" (Windows Internet Options) or "".
	Source string
	// URL is the proxy for https requests, nil for a direct connection.
	URL *url.URL
	// Bypass lists hosts that go direct (NO_PROXY or ProxyOverride).
	Bypass []string
	// PAC is an automatic configuration script address, which this tool
	// does not evaluate.
	PAC string
}

// Describe is one line for the log, with any proxy password hidden.
func (p Proxy) Describe() string {
	var s string
	switch {
	case p.URL != nil && p.Source == "system":
		s = "system proxy " + p.URL.Redacted() + " (Windows Internet Options)"
	case p.URL != nil:
		s = "proxy " + p.URL.Redacted() + " (from HTTPS_PROXY/HTTP_PROXY)"
	default:
		s = "no HTTP proxy: direct connections"
	}
	if p.PAC != "" {
		s += "; an automatic configuration script is set (" + p.PAC + ") which this tool does not run — if requests fail, set HTTPS_PROXY to the proxy it selects"
	}
	return s
}

// Func returns the proxy function for an http.Transport: the environment
// variables when set, otherwise the system proxy (Windows), otherwise none.
func Func() func(*http.Request) (*url.URL, error) {
	sys := systemProxy()
	return func(req *http.Request) (*url.URL, error) {
		if u, err := http.ProxyFromEnvironment(req); u != nil || err != nil {
			return u, err
		}
		if sys.URL == nil || bypassed(req.URL.Hostname(), sys.Bypass) {
			return nil, nil
		}
		return sys.URL, nil
	}
}

// For reports the proxy a request to rawURL would use.
func For(rawURL string) Proxy {
	u, err := url.Parse(rawURL)
	if err != nil {
		return Proxy{}
	}
	req := &http.Request{URL: u}
	if p, err := http.ProxyFromEnvironment(req); err == nil && p != nil {
		return Proxy{Source: "environment", URL: p}
	}
	sys := systemProxy()
	if sys.URL != nil && bypassed(u.Hostname(), sys.Bypass) {
		sys.URL = nil
	}
	return sys
}

// bypassed applies a Windows ProxyOverride list: "*.contoso.com",
// "10.*", "<local>" (host names without a dot).
func bypassed(host string, list []string) bool {
	host = strings.ToLower(host)
	for _, b := range list {
		b = strings.ToLower(strings.TrimSpace(b))
		switch {
		case b == "":
		case b == "<local>":
			if !strings.Contains(host, ".") {
				return true
			}
		case strings.HasPrefix(b, "*"):
			if strings.HasSuffix(host, strings.TrimPrefix(b, "*")) {
				return true
			}
		case strings.HasSuffix(b, "*"):
			if strings.HasPrefix(host, strings.TrimSuffix(b, "*")) {
				return true
			}
		case host == b:
			return true
		}
	}
	return false
}

// parseProxyServer reads Internet Options' ProxyServer value: "host:port"
// for every protocol, or "http=h:p;https=h:p;…".
func parseProxyServer(v string) *url.URL {
	v = strings.TrimSpace(v)
	if v == "" {
		return nil
	}
	server := v
	if strings.Contains(v, "=") {
		server = ""
		for _, part := range strings.Split(v, ";") {
			k, val, ok := strings.Cut(part, "=")
			if !ok {
				continue
			}
			switch strings.ToLower(strings.TrimSpace(k)) {
			case "https":
				server = strings.TrimSpace(val)
			case "http":
				if server == "" {
					server = strings.TrimSpace(val)
				}
			}
		}
	}
	if server == "" {
		return nil
	}
	if !strings.Contains(server, "://") {
		server = "http://" + server
	}
	u, err := url.Parse(server)
	if err != nil || u.Host == "" {
		return nil
	}
	return u
}
