package netenv

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeSystem stands in for Windows: a configuration and scripted PAC and
// WPAD answers per URL.
type fakeSystem struct {
	cfg   SystemConfig
	err   error
	wpad  func(u string) (string, error)
	pac   func(u string) (string, error)
	block bool // FindProxy waits for ctx to end

	mu    sync.Mutex
	calls int
}

func (f *fakeSystem) Config() (SystemConfig, error) { return f.cfg, f.err }

func (f *fakeSystem) FindProxy(ctx context.Context, u string, m AutoMethod) (string, error) {
	f.mu.Lock()
	f.calls++
	f.mu.Unlock()
	if f.block {
		<-ctx.Done()
		return "", &FindError{Err: ctx.Err()}
	}
	if m.WPAD {
		if f.wpad == nil {
			return "", &FindError{Code: 12180}
		}
		return f.wpad(u)
	}
	if f.pac == nil {
		return "", &FindError{Code: 12167}
	}
	return f.pac(u)
}

func answer(list string) func(string) (string, error) {
	return func(string) (string, error) { return list, nil }
}

func fails(code uint32) func(string) (string, error) {
	return func(string) (string, error) { return "", &FindError{Code: code} }
}

func envOf(kv ...string) func(string) string {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return func(k string) string { return m[k] }
}

func mustOverride(t *testing.T, s string) Override {
	t.Helper()
	o, err := ParseOverride("proxy", s)
	if err != nil {
		t.Fatalf("ParseOverride(%q) = %v", s, err)
	}
	return o
}

const login = "https://login.microsoftonline.com/contoso.com/oauth2/v2.0/token"

func TestSelect(t *testing.T) {
	tests := []struct {
		name       string
		env        func(string) string
		sys        *fakeSystem // nil: a system whose settings are not read
		override   string
		url        string
		wantProxy  string // RedactURL of the proxy; "" = direct
		wantSource Source
		wantReason string // substring
	}{
		{name: "flag direct beats everything", env: envOf("HTTPS_PROXY", "http://env:3128"), sys: &fakeSystem{cfg: SystemConfig{Proxy: "manual:8080"}}, override: "direct", wantSource: SourceFlag, wantReason: "--proxy direct"},
		{name: "flag proxy beats env and system", env: envOf("HTTPS_PROXY", "http://env:3128"), sys: &fakeSystem{cfg: SystemConfig{AutoDetect: true}, wpad: answer("wpad:8080")}, override: "socks5://127.0.0.1:1080", wantProxy: "socks5://127.0.0.1:1080", wantSource: SourceFlag},
		{name: "flag proxy applies to loopback too", override: "http://corp:8080", url: "https://127.0.0.1:8443/", wantProxy: "http://corp:8080", wantSource: SourceFlag},
		{name: "HTTPS_PROXY", env: envOf("HTTPS_PROXY", "http://env:3128"), wantProxy: "http://env:3128", wantSource: SourceEnv, wantReason: "HTTPS_PROXY"},
		{name: "IPv6 proxy", env: envOf("HTTPS_PROXY", "http://[fd00::1]:3128"), wantProxy: "http://[fd00::1]:3128", wantSource: SourceEnv},
		{name: "https_proxy lower case", env: envOf("https_proxy", "env:3128"), wantProxy: "http://env:3128", wantSource: SourceEnv},
		{name: "NO_PROXY suffix", env: envOf("HTTPS_PROXY", "http://env:3128", "NO_PROXY", ".microsoftonline.com"), wantSource: SourceEnv, wantReason: "NO_PROXY lists login.microsoftonline.com"},
		{name: "no_proxy star", env: envOf("HTTPS_PROXY", "http://env:3128", "no_proxy", "*"), wantSource: SourceEnv, wantReason: "NO_PROXY"},
		{name: "HTTP_PROXY alone does not cover https", env: envOf("HTTP_PROXY", "http://env:3128"), wantSource: SourceDirect, wantReason: "HTTPS_PROXY is not set"},
		{name: "HTTP_PROXY covers http", env: envOf("HTTP_PROXY", "http://env:3128"), url: "http://example.com/", wantProxy: "http://env:3128", wantSource: SourceEnv},
		{name: "env beats system", env: envOf("HTTPS_PROXY", "http://env:3128"), sys: &fakeSystem{cfg: SystemConfig{Proxy: "manual:8080"}}, wantProxy: "http://env:3128", wantSource: SourceEnv},
		{name: "bad env value ignored without echo", env: envOf("HTTPS_PROXY", "http://u:p@w@[bad"), wantSource: SourceEnv, wantReason: "not a valid proxy address"},
		{name: "env credentials to http proxy are not sent", env: envOf("HTTPS_PROXY", "http://alice:pw123456@env:3128"), wantProxy: "http://env:3128", wantSource: SourceEnv, wantReason: "not sent"},
		{name: "env credentials to https proxy are kept", env: envOf("HTTPS_PROXY", "https://alice:pw123456@env:443"), wantProxy: "https://***@env:443", wantSource: SourceEnv},
		{name: "loopback never proxied", env: envOf("HTTPS_PROXY", "http://env:3128"), url: "https://127.0.0.1:8443/", wantSource: SourceDirect, wantReason: "loopback"},
		{name: "localhost never proxied", sys: &fakeSystem{cfg: SystemConfig{Proxy: "manual:8080"}}, url: "https://localhost:8443/", wantSource: SourceDirect},
		{name: "WPAD answers", sys: &fakeSystem{cfg: SystemConfig{AutoDetect: true}, wpad: answer("wpad-proxy:8080")}, wantProxy: "http://wpad-proxy:8080", wantSource: SourceWPAD, wantReason: "automatically detected"},
		{name: "WPAD says DIRECT", sys: &fakeSystem{cfg: SystemConfig{AutoDetect: true, Proxy: "manual:8080"}, wpad: answer("")}, wantSource: SourceWPAD, wantReason: "returned DIRECT"},
		{name: "WPAD finds nothing, PAC answers", sys: &fakeSystem{cfg: SystemConfig{AutoDetect: true, AutoConfigURL: "http://pac.contoso.com/proxy.pac"}, wpad: fails(12180), pac: answer("PROXY pac-proxy:3128; DIRECT")}, wantProxy: "http://pac-proxy:3128", wantSource: SourcePAC, wantReason: "setup script http://pac.contoso.com/proxy.pac chose"},
		{name: "PAC list with fallbacks", sys: &fakeSystem{cfg: SystemConfig{AutoConfigURL: "http://pac/p.pac"}, pac: answer("p1:8080;p2:8080")}, wantProxy: "http://p1:8080", wantSource: SourcePAC, wantReason: "1 fallback"},
		{name: "PAC HTTPS proxy", sys: &fakeSystem{cfg: SystemConfig{AutoConfigURL: "http://pac/p.pac"}, pac: answer("HTTPS secure-proxy:443")}, wantProxy: "https://secure-proxy:443", wantSource: SourcePAC},
		{name: "PAC SOCKS proxy", sys: &fakeSystem{cfg: SystemConfig{AutoConfigURL: "http://pac/p.pac"}, pac: answer("SOCKS5 socks:1080")}, wantProxy: "socks5://socks:1080", wantSource: SourcePAC},
		{name: "PAC DIRECT", sys: &fakeSystem{cfg: SystemConfig{AutoConfigURL: "http://pac/p.pac", Proxy: "manual:8080"}, pac: answer("DIRECT")}, wantSource: SourcePAC, wantReason: "returned DIRECT"},
		{name: "PAC download fails: manual proxy", sys: &fakeSystem{cfg: SystemConfig{AutoConfigURL: "http://pac/p.pac", Proxy: "manual:8080"}, pac: fails(12167)}, wantProxy: "http://manual:8080", wantSource: SourceManual, wantReason: "could not be downloaded"},
		{name: "PAC script error, nothing else: direct", sys: &fakeSystem{cfg: SystemConfig{AutoConfigURL: "http://pac/p.pac"}, pac: fails(12166)}, wantSource: SourceDirect, wantReason: "has an error; so, like Windows, connecting directly"},
		{name: "PAC address with credentials is hidden", sys: &fakeSystem{cfg: SystemConfig{AutoConfigURL: "http://bob:pacpw99@pac/p.pac"}, pac: fails(12167)}, wantSource: SourceDirect, wantReason: "http://***@pac/p.pac"},
		{name: "manual proxy", sys: &fakeSystem{cfg: SystemConfig{Proxy: "manual:8080"}}, wantProxy: "http://manual:8080", wantSource: SourceManual, wantReason: "Internet Options proxy"},
		{name: "manual per protocol", sys: &fakeSystem{cfg: SystemConfig{Proxy: "http=web:80;https=secure:8443;socks=s:1080"}}, wantProxy: "http://secure:8443", wantSource: SourceManual},
		{name: "manual http only: https goes direct", sys: &fakeSystem{cfg: SystemConfig{Proxy: "http=web:80;socks=s:1080"}}, wantSource: SourceManual, wantReason: "names no proxy for https"},
		{name: "manual exception wildcard", sys: &fakeSystem{cfg: SystemConfig{Proxy: "manual:8080", Bypass: "*.contoso.com;*.microsoftonline.com;<local>"}}, wantSource: SourceManual, wantReason: "exceptions list *.microsoftonline.com"},
		{name: "manual exception local", sys: &fakeSystem{cfg: SystemConfig{Proxy: "manual:8080", Bypass: "<local>"}}, url: "https://intranet/", wantSource: SourceManual, wantReason: "<local>"},
		{name: "manual exception not matching", sys: &fakeSystem{cfg: SystemConfig{Proxy: "manual:8080", Bypass: "*.contoso.com;10.*"}}, wantProxy: "http://manual:8080", wantSource: SourceManual},
		{name: "WinHTTP proxy when Internet Options are empty", sys: &fakeSystem{cfg: SystemConfig{WinHTTPProxy: "winhttp:8080"}}, wantProxy: "http://winhttp:8080", wantSource: SourceWinHTTP, wantReason: "netsh winhttp"},
		{name: "WinHTTP bypass", sys: &fakeSystem{cfg: SystemConfig{WinHTTPProxy: "winhttp:8080", WinHTTPBypass: "login.microsoftonline.com"}}, wantSource: SourceWinHTTP, wantReason: "exceptions"},
		{name: "WinHTTP proxy ignored when Internet Options have a script", sys: &fakeSystem{cfg: SystemConfig{AutoConfigURL: "http://pac/p.pac", WinHTTPProxy: "winhttp:8080"}, pac: answer("")}, wantSource: SourcePAC},
		{name: "nothing configured", sys: &fakeSystem{}, wantSource: SourceDirect, wantReason: "no proxy is configured"},
		{name: "system not read", wantSource: SourceDirect, wantReason: "not read"},
		{name: "system settings unreadable", sys: &fakeSystem{err: &FindError{Code: 5}}, wantSource: SourceDirect, wantReason: "could not be read (WinHTTP error 5)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var sys System
			if tt.sys != nil {
				sys = tt.sys
			}
			r := NewResolverWith(tt.env, sys)
			target := tt.url
			if target == "" {
				target = login
			}
			d := r.Select(context.Background(), target, mustOverride(t, tt.override))
			if got := RedactURL(d.Proxy); got != tt.wantProxy || d.Source != tt.wantSource || !strings.Contains(d.Reason, tt.wantReason) {
				t.Errorf("Select() = %q, %q, %q; want %q, %q, reason containing %q", got, d.Source, d.Reason, tt.wantProxy, tt.wantSource, tt.wantReason)
			}
			for _, secret := range []string{"pw123456", "pacpw99", "alice"} {
				if strings.Contains(d.Describe(), secret) || strings.Contains(d.Reason, secret) {
					t.Errorf("Describe() = %q shows a credential", d.Describe())
				}
			}
		})
	}
}

// TestSelectPerEndpoint runs one PAC script over the endpoints of a run:
// the script sends sign-in through the proxy and mail hosts direct, and
// each host's script runs once however often it is asked.
func TestSelectPerEndpoint(t *testing.T) {
	sys := &fakeSystem{
		cfg: SystemConfig{AutoConfigURL: "http://pac/p.pac"},
		pac: func(u string) (string, error) {
			if strings.Contains(u, "office365.com") {
				return "DIRECT", nil
			}
			return "PROXY corp:8080", nil
		},
	}
	r := NewResolverWith(envOf(), sys)
	want := map[string]string{
		login:                                      "http://corp:8080",
		"https://graph.microsoft.com/v1.0/users":   "http://corp:8080",
		"https://outlook.office365.com/EWS":        "",
		"https://login.microsoftonline.com/common": "http://corp:8080",
	}
	for u, w := range want {
		for range 3 {
			if got := RedactURL(r.Select(context.Background(), u, Override{}).Proxy); got != w {
				t.Errorf("Select(%s) = %q, want %q", u, got, w)
			}
		}
	}
	if sys.calls != 3 {
		t.Errorf("PAC ran %d times, want 3 (once per host)", sys.calls)
	}
}

// TestSelectScriptTimeout: a script that never answers ends with the
// caller's deadline and falls back to the manual proxy, as Windows does.
func TestSelectScriptTimeout(t *testing.T) {
	sys := &fakeSystem{cfg: SystemConfig{AutoDetect: true, Proxy: "manual:8080"}, block: true}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	d := NewResolverWith(nil, sys).Select(ctx, login, Override{})
	if RedactURL(d.Proxy) != "http://manual:8080" || d.Source != SourceManual || !strings.Contains(d.Reason, "took too long") {
		t.Errorf("Select() = %+v", d)
	}
}

func TestMailRoute(t *testing.T) {
	tests := []struct {
		override, wantProxy string
		wantSource          Source
	}{
		{"", "", SourceDirect},
		{"direct", "", SourceFlag},
		{"socks5://socks.contoso.com:1080", "socks5://socks.contoso.com:1080", SourceFlag},
		{"http://corp:8080", "http://corp:8080", SourceFlag},
	}
	for _, tt := range tests {
		d := MailRoute("outlook.office365.com:993", mustOverride(t, tt.override))
		if RedactURL(d.Proxy) != tt.wantProxy || d.Source != tt.wantSource || d.Reason == "" || d.Target != "outlook.office365.com:993" {
			t.Errorf("MailRoute(%q) = %+v", tt.override, d)
		}
	}
}

// TestOverrideNeverSendsCleartextPassword: an Override built without
// ParseOverride still never hands a password to an http:// proxy.
func TestOverrideNeverSendsCleartextPassword(t *testing.T) {
	u, _ := url.Parse("http://alice:pw123456@corp:8080")
	for _, d := range []Decision{
		NewResolverWith(nil, nil).Select(context.Background(), login, Override{Proxy: u}),
		MailRoute("outlook.office365.com:993", Override{Proxy: u}),
	} {
		if d.Proxy == nil || d.Proxy.User != nil || !strings.Contains(d.Reason, "not sent") {
			t.Errorf("decision = %s, want the proxy without credentials", d.Describe())
		}
	}
	if u.User == nil {
		t.Error("the caller's URL was changed")
	}
}

func TestParseOverride(t *testing.T) {
	tests := []struct {
		in, want string // want: Describe(), or "error: substring"
	}{
		{"", ""},
		{"direct", "direct"},
		{" DIRECT ", "direct"},
		{"none", "direct"},
		{"proxy.contoso.com:8080", "http://proxy.contoso.com:8080"},
		{"HTTP://Proxy:8080/", "http://Proxy:8080"},
		{"https://alice:pw123456@proxy:443", "https://***@proxy:443"},
		{"https://alice@proxy:443", "https://***@proxy:443"},
		{"socks5://127.0.0.1:1080", "socks5://127.0.0.1:1080"},
		{"socks5h://socks:1080", "socks5h://socks:1080"},
		{"http://alice:pw123456@proxy:8080", "error: unencrypted"},
		{"socks5://alice:pw123456@socks:1080", "error: unencrypted"},
		{"ftp://proxy:21", "error: not a proxy type"},
		{"socks4://proxy:1080", "error: not a proxy type"},
		{"http://:8080", "error: host is missing"},
		{"http://proxy:99999", "error: port"},
		{"http://proxy:8080/path", "error: no path"},
		{"http://proxy:8080?x=1", "error: no path"},
		{"http://[::1", "error: not a proxy address"},
	}
	for _, tt := range tests {
		o, err := ParseOverride("proxy", tt.in)
		got := o.Describe()
		if err != nil {
			got = "error: " + err.Error()
			var fe *FieldError
			if !errors.As(err, &fe) || fe.Field != "proxy" || fe.Fix == "" {
				t.Errorf("ParseOverride(%q) error = %v, want a *FieldError with a fix", tt.in, err)
			}
		}
		if strings.HasPrefix(tt.want, "error: ") {
			if err == nil || !strings.Contains(got, strings.TrimPrefix(tt.want, "error: ")) {
				t.Errorf("ParseOverride(%q) = %q, want %q", tt.in, got, tt.want)
			}
		} else if got != tt.want {
			t.Errorf("ParseOverride(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if strings.Contains(got, "pw123456") || strings.Contains(got, "alice") {
			t.Errorf("ParseOverride(%q) shows a credential: %q", tt.in, got)
		}
	}
}

func TestFirstProxy(t *testing.T) {
	tests := []struct{ list, scheme, want string }{
		{"", "https", ""},
		{"DIRECT", "https", ""},
		{"proxy:8080", "https", "http://proxy:8080"},
		{"PROXY a:1; PROXY b:2", "https", "http://a:1"},
		{"DIRECT; PROXY a:1", "https", ""},
		{"SOCKS4 s:1080; PROXY a:1", "https", "http://a:1"},
		{"http=web:80;https=sec:443", "https", "http://sec:443"},
		{"http=web:80", "https", ""},
		{"http=web:80", "http", "http://web:80"},
		{"https://tls-proxy:443", "https", "https://tls-proxy:443"},
		{"gopher://x:1", "https", ""},
		{"a:1 b:2", "https", "http://a:1"},
	}
	for _, tt := range tests {
		p, _ := firstProxy(tt.list, tt.scheme)
		if got := RedactURL(p); got != tt.want {
			t.Errorf("firstProxy(%q, %s) = %q, want %q", tt.list, tt.scheme, got, tt.want)
		}
	}
}

func TestBypassEntry(t *testing.T) {
	list := "*.contoso.com; 10.*;<local>;exact.host;https://*.fabrikam.net;mail.example.org:993;.suffix.org;<-loopback>"
	for host, want := range map[string]string{
		"mail.contoso.com":          "*.contoso.com",
		"10.1.2.3":                  "10.*",
		"intranet":                  "<local>",
		"exact.host":                "exact.host",
		"a.fabrikam.net":            "https://*.fabrikam.net",
		"mail.example.org":          "mail.example.org:993",
		"x.suffix.org":              ".suffix.org",
		"login.microsoftonline.com": "",
		"contoso.com.evil.net":      "",
		"110.1.2.3":                 "",
	} {
		if got := bypassEntry(host, list); got != want {
			t.Errorf("bypassEntry(%q) = %q, want %q", host, got, want)
		}
	}
}

func TestRedactURL(t *testing.T) {
	for in, want := range map[string]string{
		"http://proxy:8080":                "http://proxy:8080",
		"https://alice:pw123456@proxy:443": "https://***@proxy:443",
		"socks5://alice@s:1080":            "socks5://***@s:1080",
	} {
		u, _ := url.Parse(in)
		if got := RedactURL(u); got != want {
			t.Errorf("RedactURL(%q) = %q, want %q", in, got, want)
		}
	}
	if RedactURL(nil) != "" {
		t.Error("RedactURL(nil) != \"\"")
	}
}
