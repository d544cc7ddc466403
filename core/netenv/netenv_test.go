package netenv

import (
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func cert(subjectCN, issuerCN string, org ...string) *x509.Certificate {
	return &x509.Certificate{Subject: pkix.Name{CommonName: subjectCN, Organization: org}, Issuer: pkix.Name{CommonName: issuerCN, Organization: org}}
}

func TestInterception(t *testing.T) {
	tests := []struct {
		name  string
		host  string
		chain []*x509.Certificate
		want  string
	}{
		{"microsoft chain", "login.microsoftonline.com", []*x509.Certificate{cert("stamp2.login.microsoftonline.com", "Microsoft Azure RSA TLS Issuing CA 03"), cert("Microsoft Azure RSA TLS Issuing CA 03", "DigiCert Global Root G2"), cert("DigiCert Global Root G2", "DigiCert Global Root G2", "DigiCert Inc")}, ""},
		{"zscaler", "outlook.office365.com", []*x509.Certificate{cert("outlook.office365.com", "Zscaler Intermediate Root CA (zscaler.net)"), cert("Zscaler Root CA", "Zscaler Root CA", "Zscaler Inc.")}, "Zscaler"},
		{"fortigate", "example.org", []*x509.Certificate{cert("example.org", "FortiGate CA", "Fortinet")}, "FortiGate"},
		{"unknown corporate root on a microsoft host", "graph.microsoft.com", []*x509.Certificate{cert("graph.microsoft.com", "Contoso Issuing CA"), cert("Contoso Root", "Contoso Root", "Contoso Ltd")}, "Contoso Root"},
		{"private server", "127.0.0.1", []*x509.Certificate{cert("localhost", "Mail OAuth Tester Simulated Root CA")}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Interception(tt.host, tls.ConnectionState{VerifiedChains: [][]*x509.Certificate{tt.chain}})
			if (tt.want == "") != (got == "") || !strings.Contains(got, tt.want) {
				t.Errorf("Interception() = %q, want containing %q", got, tt.want)
			}
		})
	}
}

func TestParseProxyServer(t *testing.T) {
	for in, want := range map[string]string{
		"proxy:8080":                          "http://proxy:8080",
		"http=web:80;https=secure:8443;ftp=f": "http://secure:8443",
		"http=web:80":                         "http://web:80",
		"":                                    "",
		"socks=s:1080":                        "",
	} {
		u := parseProxyServer(in)
		got := ""
		if u != nil {
			got = u.String()
		}
		if got != want {
			t.Errorf("parseProxyServer(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestBypassed(t *testing.T) {
	list := []string{"*.contoso.com", "10.*", "<local>", "exact.host"}
	for host, want := range map[string]bool{"mail.contoso.com": true, "10.1.2.3": true, "intranet": true, "exact.host": true, "login.microsoftonline.com": false} {
		if got := bypassed(host, list); got != want {
			t.Errorf("bypassed(%q) = %v, want %v", host, got, want)
		}
	}
}

func TestEnvironmentProxy(t *testing.T) {
	t.Setenv("HTTPS_PROXY", "http://user:pw@proxy.contoso.com:3128")
	t.Setenv("NO_PROXY", "")
	p := For("https://login.microsoftonline.com")
	if p.URL == nil || p.Source != "environment" || strings.Contains(p.Describe(), "pw") {
		t.Errorf("For() = %+v, %q", p, p.Describe())
	}
	u, _ := Func()(&http.Request{URL: &url.URL{Scheme: "https", Host: "graph.microsoft.com"}})
	if u == nil || u.Host != "proxy.contoso.com:3128" {
		t.Errorf("Func() = %v", u)
	}
}
