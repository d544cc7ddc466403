// Package hostile runs misbehaving servers on loopback for tests: mail
// servers that flood lines, never end a line, echo the client's SASL
// response or send escape sequences, and sign-in and Graph endpoints that
// send endless bodies, redirect to plain HTTP or to another host, or name
// another host in their OpenID configuration. A Catcher records whatever
// reaches the "other host", so tests can prove that no credential did.
//
// Every server here is what a customer's network may put between the
// tester and Microsoft 365 (a captive portal, a relay gone wrong, a
// TLS-inspecting proxy, a typo'd host) or what an attacker would run. None
// of it is used outside tests.
package hostile

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"
)

// Behaviour names one way of misbehaving.
type Behaviour string

// Behaviours. Each server type documents which it understands.
const (
	// Mail servers.
	FloodLines   Behaviour = "flood-lines"   // an endless stream of short lines
	EndlessLine  Behaviour = "endless-line"  // one line that never ends
	EchoSASL     Behaviour = "echo-sasl"     // the rejection quotes the client's SASL response
	ExtraLine    Behaviour = "extra-line"    // another line right after the SASL continuation, in the same write
	Escapes      Behaviour = "escapes"       // terminal escape sequences in greetings and replies
	EndlessBody  Behaviour = "endless-body"  // HTTP: a 200 whose body never ends
	RedirectHTTP Behaviour = "redirect-http" // HTTP: redirect to the catcher over plain HTTP
	RedirectHost Behaviour = "redirect-host" // HTTP: redirect to the catcher, another host, over https
	// Sign-in endpoints only.
	EndlessDiscovery   Behaviour = "endless-discovery"   // the OpenID configuration never ends
	DiscoveryElsewhere Behaviour = "discovery-elsewhere" // the OpenID configuration names the catcher as token endpoint
	DiscoveryHTTP      Behaviour = "discovery-http"      // the OpenID configuration names a plain-HTTP token endpoint
)

// PKI is a throwaway certificate authority and a server certificate for
// 127.0.0.1, ::1 and localhost.
type PKI struct {
	CAPEM  []byte
	server tls.Certificate
}

// NewPKI generates the CA and the server certificate (ECDSA P-256: fast).
func NewPKI() (*PKI, error) {
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	now := time.Now()
	ca := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "Hostile Test CA"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign}
	caDER, err := x509.CreateCertificate(rand.Reader, ca, ca, caKey.Public(), caKey)
	if err != nil {
		return nil, err
	}
	caCert, _ := x509.ParseCertificate(caDER)
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	leaf := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "localhost"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour), KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback}, DNSNames: []string{"localhost"}}
	der, err := x509.CreateCertificate(rand.Reader, leaf, caCert, key.Public(), caKey)
	if err != nil {
		return nil, err
	}
	return &PKI{CAPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}),
		server: tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}}, nil
}

// ServerConfig is the TLS configuration of the hostile servers.
func (p *PKI) ServerConfig() *tls.Config {
	return &tls.Config{Certificates: []tls.Certificate{p.server}, MinVersion: tls.VersionTLS12}
}

// WriteCAFile writes the CA (and extra PEM, such as the simulated
// tenant's CA) to dir/hostile-ca.pem for --ca-file and returns its path.
func (p *PKI) WriteCAFile(dir string, extra ...[]byte) (string, error) {
	data := append([]byte(nil), p.CAPEM...)
	for _, e := range extra {
		data = append(data, e...)
	}
	path := filepath.Join(dir, "hostile-ca.pem")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		return "", fmt.Errorf("hostile: %w", err)
	}
	return path, nil
}
