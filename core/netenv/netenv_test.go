package netenv

import (
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
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
