package netenv

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"unicode"
)

// Challenge is one authentication scheme a proxy offered in a
// Proxy-Authenticate header.
type Challenge struct {
	Scheme string // canonical: Basic, Digest, NTLM, Negotiate, Kerberos, Bearer, or as sent
	Realm  string // realm parameter, if any (server text, cleaned)
}

// canonicalSchemes spells the well-known schemes as their RFCs do.
var canonicalSchemes = map[string]string{
	"basic": "Basic", "digest": "Digest", "ntlm": "NTLM", "negotiate": "Negotiate",
	"kerberos": "Kerberos", "bearer": "Bearer",
}

// maxServerText bounds text from a proxy that ends up in messages.
const maxServerText = 120

// ParseChallenges reads every Proxy-Authenticate header of h (RFC 9110
// syntax: comma-separated challenges, each a scheme with a token68 or
// auth-params, quoted strings allowed) and returns the schemes in the
// order offered, each once.
func ParseChallenges(h http.Header) []Challenge {
	var out []Challenge
	seen := map[string]bool{}
	for _, v := range h.Values("Proxy-Authenticate") {
		for _, c := range parseChallengeList(v) {
			if !seen[c.Scheme] {
				seen[c.Scheme] = true
				out = append(out, c)
			}
		}
	}
	return out
}

// parseChallengeList splits one header value into challenges. The value
// is a comma-separated list (commas inside quoted strings do not count)
// whose items are either "scheme", "scheme token68", "scheme name=value"
// (a new challenge) or "name=value" (another parameter of the current
// one).
func parseChallengeList(v string) []Challenge {
	var out []Challenge
	for _, item := range splitOutsideQuotes(v) {
		item = strings.TrimSpace(item)
		n := tokenLen(item)
		if n == 0 {
			continue
		}
		rest := strings.TrimLeft(item[n:], " \t")
		if rest != "" && rest[0] == '=' && len(out) > 0 {
			setParam(&out[len(out)-1], item[:n], rest[1:])
			continue
		}
		if rest != "" && rest[0] == '=' {
			continue // a parameter before any scheme
		}
		c := Challenge{Scheme: canonicalScheme(item[:n])}
		if m := tokenLen(rest); m > 0 {
			if after := strings.TrimLeft(rest[m:], " \t"); after != "" && after[0] == '=' && !strings.HasPrefix(after, "==") {
				setParam(&c, rest[:m], after[1:])
			}
		}
		out = append(out, c)
	}
	return out
}

// setParam records an auth-param the diagnosis uses (the realm).
func setParam(c *Challenge, name, value string) {
	if !strings.EqualFold(name, "realm") {
		return
	}
	value = strings.TrimSpace(value)
	if strings.HasPrefix(value, "\"") {
		value = unquote(value)
	}
	c.Realm = CleanServerText(value)
}

// unquote reads an RFC 9110 quoted string from its opening quote.
func unquote(s string) string {
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			if i+1 < len(s) {
				i++
				b.WriteByte(s[i])
			}
		case '"':
			return b.String()
		default:
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

// splitOutsideQuotes splits s on commas that are not inside a quoted
// string.
func splitOutsideQuotes(s string) []string {
	var out []string
	start, quoted := 0, false
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			if quoted {
				i++
			}
		case '"':
			quoted = !quoted
		case ',':
			if !quoted {
				out = append(out, s[start:i])
				start = i + 1
			}
		}
	}
	return append(out, s[start:])
}

// tokenLen is the length of the RFC 9110 token at the start of s.
func tokenLen(s string) int {
	n := 0
	for n < len(s) && isTokenChar(s[n]) {
		n++
	}
	return n
}

// isTokenChar reports whether c is an RFC 9110 tchar.
func isTokenChar(c byte) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}

func canonicalScheme(s string) string {
	if c, ok := canonicalSchemes[strings.ToLower(s)]; ok {
		return c
	}
	return CleanServerText(s)
}

// CleanServerText makes text that came from a server safe to show: control
// characters (terminal escapes, line breaks) become spaces, and it is cut
// to a bounded length. The text is shown, never interpreted.
func CleanServerText(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' || unicode.Is(unicode.Bidi_Control, r) {
			return ' '
		}
		return r
	}, s)
	s = strings.TrimSpace(s)
	if r := []rune(s); len(r) > maxServerText {
		s = string(r[:maxServerText]) + "…"
	}
	return s
}

// ProxyAuthError is a proxy's "407 Proxy Authentication Required": the
// diagnosis proxy-auth-required with the proxy and the schemes it asked
// for.
type ProxyAuthError struct {
	Proxy      string      // the proxy's host:port
	Target     string      // host:port the tunnel was for
	Challenges []Challenge // schemes offered, in order; may be empty
	// CredentialsSent is true when the request carried proxy credentials
	// that the proxy refused.
	CredentialsSent bool
}

var _ error = (*ProxyAuthError)(nil)

func (e *ProxyAuthError) Error() string {
	s := "netenv: proxy " + e.Proxy + " requires authentication"
	if len(e.Challenges) > 0 {
		s += " (" + strings.Join(e.Schemes(), ", ") + ")"
	}
	if e.CredentialsSent {
		s += " and refused the credentials given"
	}
	if e.Target != "" {
		s += " to reach " + e.Target
	}
	return s
}

// Schemes lists the offered scheme names, e.g. ["Negotiate", "NTLM"].
func (e *ProxyAuthError) Schemes() []string {
	out := make([]string, len(e.Challenges))
	for i, c := range e.Challenges {
		out[i] = c.Scheme
	}
	return out
}

// Integrated reports whether the proxy asks for the Windows sign-in
// (NTLM, Negotiate or Kerberos), which a browser on a domain-joined
// desktop answers silently.
func (e *ProxyAuthError) Integrated() bool {
	for _, c := range e.Challenges {
		switch c.Scheme {
		case "NTLM", "Negotiate", "Kerberos":
			return true
		}
	}
	return false
}

// Advice is one sentence on what to do, for the diagnosis detail.
func (e *ProxyAuthError) Advice() string {
	switch {
	case e.CredentialsSent:
		return "The proxy refused the user name and password given: check them with the network team."
	case e.Integrated():
		return "The proxy wants the Windows sign-in (" + strings.Join(e.Schemes(), ", ") + "), which browsers send silently but this tool does not: ask the network team to exempt the Microsoft 365 endpoints from proxy authentication, or to allow a proxy that does not ask."
	case len(e.Challenges) > 0 && e.Challenges[0].Scheme == "Basic":
		return "The proxy wants a user name and password (Basic): give an https:// proxy address with the user name, or ask the network team to exempt the Microsoft 365 endpoints."
	}
	return "Ask the network team how this computer authenticates to the proxy, or to exempt the Microsoft 365 endpoints."
}

// ConnectError is a proxy that would not open a tunnel: an HTTP CONNECT
// answered with a status other than 200 and 407, or a SOCKS5 proxy's
// failure reply.
type ConnectError struct {
	Proxy  string // the proxy's host:port
	Target string // host:port the tunnel was for
	Status int    // HTTP status; 0 for SOCKS5 or a malformed answer
	Text   string // the proxy's reason (server text, cleaned)
}

var _ error = (*ConnectError)(nil)

func (e *ConnectError) Error() string {
	s := "netenv: proxy " + e.Proxy + " refused the tunnel to " + e.Target
	switch {
	case e.Status != 0 && e.Text != "":
		s += fmt.Sprintf(": %d %s", e.Status, e.Text)
	case e.Status != 0:
		s += fmt.Sprintf(": status %d", e.Status)
	case e.Text != "":
		s += ": " + e.Text
	}
	return s
}

// connectResponseError turns a proxy's CONNECT answer into nil (200), a
// *ProxyAuthError (407) or a *ConnectError.
func connectResponseError(proxy *url.URL, target string, credsSent bool, resp *http.Response) error {
	switch resp.StatusCode {
	case http.StatusOK:
		return nil
	case http.StatusProxyAuthRequired:
		return &ProxyAuthError{Proxy: proxy.Host, Target: target, Challenges: ParseChallenges(resp.Header), CredentialsSent: credsSent}
	}
	_, text, _ := strings.Cut(resp.Status, " ")
	return &ConnectError{Proxy: proxy.Host, Target: target, Status: resp.StatusCode, Text: CleanServerText(text)}
}

// CheckConnectResponse is for http.Transport.OnProxyConnectResponse: a
// 407 becomes a *ProxyAuthError naming the schemes and any other refusal a
// *ConnectError, so the request's error can be diagnosed with errors.As
// (net/http alone returns only the status text).
func CheckConnectResponse(_ context.Context, proxyURL *url.URL, req *http.Request, resp *http.Response) error {
	sent := req != nil && req.Header.Get("Proxy-Authorization") != ""
	target := ""
	if req != nil && req.URL != nil {
		target = req.URL.Host
	}
	return connectResponseError(proxyURL, target, sent, resp)
}
