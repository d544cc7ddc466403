package auth

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"software.sslmate.com/src/go-pkcs12"
)

func selfSignedFor(t *testing.T, key crypto.Signer) []byte {
	t.Helper()
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: "app"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		t.Fatal(err)
	}
	return der
}

// TestCertificateKeyMSALCannotUse: a key MSAL cannot sign with, or one that
// belongs to another certificate, is a field error at load time that says
// which keys work and how to make one — not a late "unknown" failure.
func TestCertificateKeyMSALCannotUse(t *testing.T) {
	dir := t.TempDir()
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	_, ed, _ := ed25519.GenerateKey(rand.Reader)
	rsaA, _ := rsa.GenerateKey(rand.Reader, 1024)
	rsaB, _ := rsa.GenerateKey(rand.Reader, 1024)
	pemOf := func(typ string, b []byte) []byte { return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: b}) }
	ecDER, _ := x509.MarshalECPrivateKey(ec)
	ecPKCS8, _ := x509.MarshalPKCS8PrivateKey(ec)
	edPKCS8, _ := x509.MarshalPKCS8PrivateKey(ed)
	rsaPKCS8, _ := x509.MarshalPKCS8PrivateKey(rsaB)
	ecPFX, err := pkcs12.Modern.Encode(ec, mustParse(t, selfSignedFor(t, ec)), nil, "pw")
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{
		"ec-sec1.pem":    append(pemOf("CERTIFICATE", selfSignedFor(t, ec)), pemOf("EC PRIVATE KEY", ecDER)...),
		"ec-pkcs8.pem":   append(pemOf("CERTIFICATE", selfSignedFor(t, ec)), pemOf("PRIVATE KEY", ecPKCS8)...),
		"ed25519.pem":    append(pemOf("CERTIFICATE", selfSignedFor(t, ed)), pemOf("PRIVATE KEY", edPKCS8)...),
		"ec.pfx":         ecPFX,
		"mismatched.pem": append(pemOf("CERTIFICATE", selfSignedFor(t, rsaA)), pemOf("PRIVATE KEY", rsaPKCS8)...),
	}
	for name, data := range files {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(dir, name)
			os.WriteFile(path, data, 0o600)
			_, err := LoadCertificate(path, "pw")
			var ce *CertError
			if !errors.As(err, &ce) || ce.Field != "cert" || ce.Fix == "" {
				t.Fatalf("LoadCertificate(%s) = %v, want a cert field error with a fix", name, err)
			}
			if name != "mismatched.pem" && (!strings.Contains(ce.Msg, "RSA") || !strings.Contains(ce.Fix, "rsa:2048")) {
				t.Errorf("error %q / fix %q does not say that RSA works and how to make a key", ce.Msg, ce.Fix)
			}
		})
	}
}

func mustParse(t *testing.T, der []byte) *x509.Certificate {
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
