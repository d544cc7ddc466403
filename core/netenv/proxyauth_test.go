package netenv

import (
	"net/http"
	"strings"
	"testing"
	"unicode"
)

func TestParseChallenges(t *testing.T) {
	tests := []struct {
		name   string
		values []string
		want   string // "Scheme[realm]" joined by ", "
	}{
		{"none", nil, ""},
		{"one per header", []string{"Negotiate", "NTLM"}, "Negotiate, NTLM"},
		{"list in one header", []string{"negotiate, ntlm, BASIC realm=\"Corp\""}, "Negotiate, NTLM, Basic[Corp]"},
		{"comma in quoted realm", []string{`Basic realm="Contoso, Inc.", charset="UTF-8", NTLM`}, "Basic[Contoso, Inc.], NTLM"},
		{"digest params", []string{`Digest realm="proxy", qop="auth,auth-int", nonce="abc==", algorithm=MD5, Basic realm=corp`}, "Digest[proxy], Basic[corp]"},
		{"token68 after scheme", []string{"Negotiate YIIBhgYGKwYBBQUCoIIBejCCAXY==", "NTLM TlRMTVNTUAACAAAA"}, "Negotiate, NTLM"},
		{"duplicates once", []string{"NTLM", "ntlm"}, "NTLM"},
		{"escaped quote", []string{`Basic realm="a \"b\" c"`}, `Basic[a "b" c]`},
		{"unknown scheme kept", []string{"Kerberos, X-Custom"}, "Kerberos, X-Custom"},
		{"garbage", []string{`=,,, "`}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{}
			for _, v := range tt.values {
				h.Add("Proxy-Authenticate", v)
			}
			var parts []string
			for _, c := range ParseChallenges(h) {
				s := c.Scheme
				if c.Realm != "" {
					s += "[" + c.Realm + "]"
				}
				parts = append(parts, s)
			}
			if got := strings.Join(parts, ", "); got != tt.want {
				t.Errorf("ParseChallenges(%q) = %q, want %q", tt.values, got, tt.want)
			}
		})
	}
}

func TestProxyAuthErrorAdvice(t *testing.T) {
	tests := []struct {
		err  ProxyAuthError
		want string
	}{
		{ProxyAuthError{Challenges: []Challenge{{Scheme: "Negotiate"}, {Scheme: "NTLM"}}}, "Windows sign-in (Negotiate, NTLM)"},
		{ProxyAuthError{Challenges: []Challenge{{Scheme: "Basic"}}}, "user name and password (Basic)"},
		{ProxyAuthError{Challenges: []Challenge{{Scheme: "Basic"}}, CredentialsSent: true}, "refused the user name and password"},
		{ProxyAuthError{}, "Ask the network team"},
	}
	for _, tt := range tests {
		if got := tt.err.Advice(); !strings.Contains(got, tt.want) {
			t.Errorf("Advice() = %q, want containing %q", got, tt.want)
		}
	}
	e := &ProxyAuthError{Proxy: "proxy.contoso.com:8080", Target: "outlook.office365.com:993", Challenges: []Challenge{{Scheme: "NTLM"}}}
	if got, want := e.Error(), "netenv: proxy proxy.contoso.com:8080 requires authentication (NTLM) to reach outlook.office365.com:993"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

func FuzzParseChallenges(f *testing.F) {
	for _, s := range []string{`Basic realm="x", NTLM`, `Digest a="b,c", d=e`, `Negotiate abc==`, `"`, `\`, `a=`, ``} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		h := http.Header{"Proxy-Authenticate": {v}}
		for _, c := range ParseChallenges(h) {
			if c.Scheme == "" {
				t.Errorf("empty scheme from %q", v)
			}
			for _, r := range c.Scheme + c.Realm {
				if unicode.IsControl(r) {
					t.Errorf("control character in %q from %q", c, v)
				}
			}
			if len([]rune(c.Realm)) > maxServerText+1 {
				t.Errorf("realm of %d runes", len([]rune(c.Realm)))
			}
		}
	})
}
