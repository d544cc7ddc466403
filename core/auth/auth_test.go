package auth

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mailoauth/mailoauth-tester/core/simulate"
)

func startSim(t *testing.T, scenario string) *simulate.Tenant {
	t.Helper()
	sim, err := simulate.Start(simulate.Options{Scenario: scenario})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.Close() })
	return sim
}

func TestLoadCertificate(t *testing.T) {
	sim := startSim(t, "ok")
	pemCert, err := LoadCertificate(sim.CertFile, "")
	if err != nil {
		t.Fatalf("LoadCertificate(PEM) = %v", err)
	}
	pfxCert, err := LoadCertificate(sim.PFXFile, sim.PFXPassword)
	if err != nil {
		t.Fatalf("LoadCertificate(PFX) = %v", err)
	}
	if pemCert.Thumbprint() != sim.CertThumbprint || pfxCert.Thumbprint() != sim.CertThumbprint {
		t.Errorf("thumbprints %s / %s, want %s", pemCert.Thumbprint(), pfxCert.Thumbprint(), sim.CertThumbprint)
	}
	_, err = LoadCertificate(sim.PFXFile, "wrong-password-123")
	var ce *CertError
	if !errors.As(err, &ce) || ce.Field != "cert-password" || strings.Contains(err.Error(), "wrong-password-123") {
		t.Errorf("wrong PFX password: %v, want a cert-password error without the password", err)
	}
	dir := t.TempDir()
	garbage := filepath.Join(dir, "g.pfx")
	os.WriteFile(garbage, []byte("not a certificate"), 0o600)
	if _, err := LoadCertificate(garbage, ""); !errors.As(err, &ce) || ce.Field != "cert" {
		t.Errorf("garbage file: %v", err)
	}
	key, _ := rsa.GenerateKey(rand.Reader, 1024)
	enc := filepath.Join(dir, "enc.pem")
	os.WriteFile(enc, pem.EncodeToMemory(&pem.Block{Type: "ENCRYPTED PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}), 0o600)
	if _, err := LoadCertificate(enc, "pw"); err == nil || !strings.Contains(err.Error(), "encrypted") {
		t.Errorf("encrypted PEM: %v, want a clear message", err)
	}
	if _, err := LoadCertificate(filepath.Join(dir, "missing.pem"), ""); !errors.As(err, &ce) || ce.Field != "cert" {
		t.Errorf("missing file: %v", err)
	}
}

func TestClientCredentialsThroughMSAL(t *testing.T) {
	sim := startSim(t, "ok")
	cert, _ := LoadCertificate(sim.PFXFile, sim.PFXPassword)
	for name, cfg := range map[string]ClientCredentialsConfig{
		"secret":      {Secret: sim.ClientSecret},
		"certificate": {Cert: cert},
	} {
		cfg.AuthorityHost, cfg.Tenant, cfg.ClientID, cfg.HTTPClient = sim.AuthorityURL, sim.TenantDomain, sim.ClientID, sim.HTTPClient()
		f, err := NewClientCredentials(cfg)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		tok, err := f.Token(context.Background(), []string{"https://outlook.office365.com/.default"})
		if err != nil || tok.AccessToken == "" || tok.ExpiresOn.IsZero() {
			t.Errorf("%s: Token() = %+v, %v", name, tok, err)
		}
	}
}

func TestTokenErrorCarriesEntraBody(t *testing.T) {
	sim := startSim(t, "secret-wrong")
	f, err := NewClientCredentials(ClientCredentialsConfig{AuthorityHost: sim.AuthorityURL, Tenant: sim.TenantID, ClientID: sim.ClientID,
		Secret: sim.ClientSecret, HTTPClient: sim.HTTPClient()})
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.Token(context.Background(), []string{"https://outlook.office365.com/.default"})
	var te *TokenError
	if !errors.As(err, &te) || te.Status != 401 || !strings.Contains(te.Body, `"error_codes":[7000215]`) {
		t.Fatalf("Token() = %v, want *TokenError 401 with AADSTS7000215", err)
	}
	if strings.Contains(err.Error(), sim.ClientSecret) {
		t.Error("the error quotes the client secret")
	}
}

// TestRedirectListenerClosesAtOnce: when the sign-in ends, the redirect
// port is closed before Token returns, even if the server goroutines have
// not started yet (http.Server.Close alone misses those listeners).
func TestRedirectListenerClosesAtOnce(t *testing.T) {
	for i := 0; i < 50; i++ {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		port := l.Addr().(*net.TCPAddr).Port
		l.Close()
		ru, _ := url.Parse(fmt.Sprintf("http://127.0.0.1:%d/cb", port))
		stop, err := listen(context.Background(), ru, make(chan codeResult, 1))
		if err != nil {
			continue // the port was taken in between; try another
		}
		stop()
		if c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port)); err == nil {
			c.Close()
			t.Fatalf("round %d: port %d still accepts connections after stop", i, port)
		}
	}
}
