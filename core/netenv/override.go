package netenv

import (
	"fmt"
	"net/url"
	"strings"
)

// Override is what the user chose on the command line or in the window:
// nothing (the zero value: the system decides), a direct connection, or
// one proxy for every request.
type Override struct {
	// Direct turns every proxy off ("--proxy direct").
	Direct bool
	// Proxy is the proxy to use: http://, https:// or socks5:// (mail
	// tunnels and web requests alike). It may carry a user name; a
	// password is accepted only for https:// proxies. Never print it:
	// use Describe.
	Proxy *url.URL
}

// IsSet reports whether the override decides anything.
func (o Override) IsSet() bool { return o.Direct || o.Proxy != nil }

// Describe prints the override with its credentials hidden: "", "direct"
// or the redacted proxy URL.
func (o Override) Describe() string {
	switch {
	case o.Direct:
		return "direct"
	case o.Proxy != nil:
		return RedactURL(o.Proxy)
	}
	return ""
}

// decide returns the decision the override makes for target, if any;
// flag names the option in the Reason.
func (o Override) decide(target, flag string) (Decision, bool) {
	switch {
	case o.Direct:
		return Decision{Target: target, Source: SourceFlag, Reason: flag + " direct"}, true
	case o.Proxy != nil:
		p, reason := withoutCleartextCredentials(o.Proxy, "set with "+flag)
		return Decision{Target: target, Proxy: p, Source: SourceFlag, Reason: reason}, true
	}
	return Decision{}, false
}

// FieldError is bad proxy input: which field, what is wrong and how to fix
// it. It never repeats a credential.
type FieldError struct {
	Field   string // "proxy" or "mail-proxy"
	Message string
	Fix     string
}

var _ error = (*FieldError)(nil)

func (e *FieldError) Error() string {
	s := e.Field + ": " + e.Message
	if e.Fix != "" {
		s += " — " + e.Fix
	}
	return s
}

// proxySchemes are the proxy URL schemes this tool speaks.
var proxySchemes = map[string]bool{"http": true, "https": true, "socks5": true, "socks5h": true}

// ParseOverride reads a --proxy or --mail-proxy value (field names the
// option in errors): "" (no override), "direct" (or "none"), or a proxy
// URL such as http://proxy.contoso.com:8080, https://user:pass@proxy:443
// or socks5://127.0.0.1:1080. A value without a scheme is an http://
// proxy. Errors are *FieldError and never contain the value's credentials.
// A password is refused unless the proxy is https://: to an http:// or
// SOCKS5 proxy it would cross the network unencrypted.
func ParseOverride(field, s string) (Override, error) {
	s = strings.TrimSpace(s)
	switch strings.ToLower(s) {
	case "":
		return Override{}, nil
	case "direct", "none":
		return Override{Direct: true}, nil
	}
	raw := s
	if !strings.Contains(raw, "://") {
		raw = "http://" + raw
	}
	bad := func(msg string) error {
		return &FieldError{Field: field, Message: msg,
			Fix: "use direct, or a proxy address such as http://proxy.contoso.com:8080 or socks5://127.0.0.1:1080"}
	}
	u, err := url.Parse(raw)
	if err != nil {
		return Override{}, bad("not a proxy address")
	}
	u.Scheme = strings.ToLower(u.Scheme)
	if !proxySchemes[u.Scheme] {
		return Override{}, bad(fmt.Sprintf("the scheme %q is not a proxy type this tool speaks (http, https, socks5)", u.Scheme))
	}
	if u.Hostname() == "" {
		return Override{}, bad("the proxy host is missing")
	}
	if p := u.Port(); p != "" && !validPort(p) {
		return Override{}, bad(fmt.Sprintf("the port %q is not a number from 1 to 65535", p))
	}
	if (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		return Override{}, bad("a proxy address has no path or query")
	}
	u.Path = ""
	if cleartextCredentials(u) {
		return Override{}, &FieldError{Field: field,
			Message: "a password in a " + u.Scheme + ":// proxy address would cross the network unencrypted",
			Fix:     "use an https:// proxy address for password authentication, or leave the password out and let the proxy exempt the Microsoft 365 endpoints"}
	}
	return Override{Proxy: u}, nil
}

// validPort reports whether p is a TCP port number.
func validPort(p string) bool {
	n := 0
	for _, c := range p {
		if c < '0' || c > '9' {
			return false
		}
		n = n*10 + int(c-'0')
		if n > 65535 {
			return false
		}
	}
	return n > 0
}
