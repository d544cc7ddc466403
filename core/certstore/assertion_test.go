package certstore

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1" //nolint:gosec // checking x5t
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"io"
	"math/big"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/confidential"

	"github.com/mailoauth/mailoauth-tester/core/simulate"
)

// opaqueSigner hides an *rsa.PrivateKey behind crypto.Signer, as the CNG
// key from the Windows store does: nothing can read the key.
type opaqueSigner struct{ k *rsa.PrivateKey }

func (s opaqueSigner) Public() crypto.PublicKey { return s.k.Public() }
func (s opaqueSigner) Sign(r io.Reader, d []byte, o crypto.SignerOpts) ([]byte, error) {
	return s.k.Sign(r, d, o)
}

// lyingSigner claims one key and signs with another.
type lyingSigner struct {
	pub  crypto.PublicKey
	real *rsa.PrivateKey
}

func (s lyingSigner) Public() crypto.PublicKey { return s.pub }
func (s lyingSigner) Sign(r io.Reader, d []byte, o crypto.SignerOpts) ([]byte, error) {
	return s.real.Sign(r, d, o)
}

func rsaCert(t *testing.T, cn string) (*x509.Certificate, *rsa.PrivateKey) {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return selfSign(t, cn, key, key.Public()), key
}

func selfSign(t *testing.T, cn string, signer crypto.Signer, pub crypto.PublicKey) *x509.Certificate {
	t.Helper()
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: cn},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, pub, signer)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// decodeJWT splits and decodes an assertion.
func decodeJWT(t *testing.T, jwt string) (header, claims map[string]any, input string, sig []byte) {
	t.Helper()
	parts := strings.Split(jwt, ".")
	if len(parts) != 3 {
		t.Fatalf("assertion has %d parts", len(parts))
	}
	for i, dst := range []*map[string]any{&header, &claims} {
		raw, err := base64.RawURLEncoding.DecodeString(parts[i])
		if err != nil {
			t.Fatalf("part %d is not base64url: %v", i, err)
		}
		if err := json.Unmarshal(raw, dst); err != nil {
			t.Fatalf("part %d: %v", i, err)
		}
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		t.Fatal(err)
	}
	return header, claims, parts[0] + "." + parts[1], sig
}

func TestAssertion(t *testing.T) {
	cert, key := rsaCert(t, "mail-app")
	ca, _ := rsaCert(t, "issuing ca")
	now := time.Unix(1_800_000_000, 0)
	const client, endpoint = "11111111-2222-3333-4444-555555555555", "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token"
	sha256Thumb := sha256.Sum256(cert.Raw)
	sha1Thumb := sha1.Sum(cert.Raw) //nolint:gosec // checking x5t
	tests := []struct {
		name      string
		opts      []Option
		alg       string
		thumbKey  string
		thumb     []byte
		absentKey string
		wantX5C   int
		verify    func(digest, sig []byte) error
	}{
		{name: "PS256 default", alg: "PS256", thumbKey: "x5t#S256", thumb: sha256Thumb[:], absentKey: "x5t",
			verify: func(d, s []byte) error {
				return rsa.VerifyPSS(&key.PublicKey, crypto.SHA256, d, s, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash})
			}},
		{name: "RS256", opts: []Option{WithRS256()}, alg: "RS256", thumbKey: "x5t", thumb: sha1Thumb[:], absentKey: "x5t#S256",
			verify: func(d, s []byte) error { return rsa.VerifyPKCS1v15(&key.PublicKey, crypto.SHA256, d, s) }},
		{name: "x5c chain", opts: []Option{WithX5C(cert, ca)}, alg: "PS256", thumbKey: "x5t#S256", thumb: sha256Thumb[:], absentKey: "x5t", wantX5C: 2,
			verify: func(d, s []byte) error {
				return rsa.VerifyPSS(&key.PublicKey, crypto.SHA256, d, s, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash})
			}},
	}
	jtiRE := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := NewAssertion(cert, opaqueSigner{key}, append(tt.opts, WithClock(func() time.Time { return now }))...)
			if err != nil {
				t.Fatal(err)
			}
			jwt, err := a.Build(client, endpoint)
			if err != nil {
				t.Fatal(err)
			}
			h, c, input, sig := decodeJWT(t, jwt)
			if h["alg"] != tt.alg || h["typ"] != "JWT" || h[tt.thumbKey] != base64.RawURLEncoding.EncodeToString(tt.thumb) || h[tt.absentKey] != nil {
				t.Errorf("header = %v", h)
			}
			x5c, _ := h["x5c"].([]any)
			if len(x5c) != tt.wantX5C || (tt.wantX5C > 0 && x5c[0] != base64.StdEncoding.EncodeToString(cert.Raw)) {
				t.Errorf("x5c = %v, want %d certificates, the leaf first", x5c, tt.wantX5C)
			}
			want := map[string]any{"aud": endpoint, "iss": client, "sub": client, "nbf": float64(now.Unix()), "iat": float64(now.Unix()), "exp": float64(now.Add(10 * time.Minute).Unix())}
			for k, v := range want {
				if c[k] != v {
					t.Errorf("claim %s = %v, want %v", k, c[k], v)
				}
			}
			if jti, _ := c["jti"].(string); !jtiRE.MatchString(jti) || len(c) != 7 {
				t.Errorf("claims = %v, want a UUID jti and 7 claims", c)
			}
			digest := sha256.Sum256([]byte(input))
			if err := tt.verify(digest[:], sig); err != nil {
				t.Errorf("signature does not verify: %v", err)
			}
			again, _ := a.Build(client, endpoint)
			if _, c2, _, _ := decodeJWT(t, again); c2["jti"] == c["jti"] {
				t.Error("two assertions share a jti")
			}
		})
	}
}

func TestNewAssertionRejects(t *testing.T) {
	cert, key := rsaCert(t, "mail-app")
	_, other := rsaCert(t, "other")
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	ecCert := selfSign(t, "ec-app", ec, ec.Public())
	tests := []struct {
		name   string
		cert   *x509.Certificate
		signer crypto.Signer
		want   string
	}{
		{"key of another certificate", cert, opaqueSigner{other}, "does not belong"},
		{"ECDSA certificate", ecCert, ec, "need an RSA key"},
		{"no key", cert, nil, "required"},
		{"no certificate", nil, key, "required"},
	}
	for _, tt := range tests {
		if _, err := NewAssertion(tt.cert, tt.signer); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: NewAssertion() = %v, want an error containing %q", tt.name, err, tt.want)
		}
	}
	a, _ := NewAssertion(cert, key)
	if _, err := a.Build("", "https://x/token"); err == nil {
		t.Error("Build without a client ID succeeded")
	}
}

// TestAssertionThroughMSAL hands the callback to MSAL Go and gets a token
// from the simulated Entra ID, which verifies the signature, thumbprint,
// issuer, audience and times as Entra does.
func TestAssertionThroughMSAL(t *testing.T) {
	ten, err := simulate.Start(simulate.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ten.Close()
	pemData, err := os.ReadFile(ten.CertFile)
	if err != nil {
		t.Fatal(err)
	}
	certs, priv, err := confidential.CertFromPEM(pemData, "")
	if err != nil {
		t.Fatal(err)
	}
	key := priv.(*rsa.PrivateKey)
	if Thumbprint(certs[0]) != ten.CertThumbprint {
		t.Fatalf("Thumbprint() = %s, simulator says %s", Thumbprint(certs[0]), ten.CertThumbprint)
	}
	unregistered, otherKey := rsaCert(t, "not-uploaded")

	token := func(cred confidential.Credential) error {
		app, err := confidential.New(ten.AuthorityURL+"/"+ten.TenantID, ten.ClientID, cred,
			confidential.WithHTTPClient(ten.HTTPClient()), confidential.WithInstanceDiscovery(false))
		if err != nil {
			return err
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		res, err := app.AcquireTokenByCredential(ctx, []string{ten.ExchangeResource + "/.default"})
		if err == nil && res.AccessToken == "" {
			t.Error("empty access token")
		}
		return err
	}
	for _, tt := range []struct {
		name   string
		cert   *x509.Certificate
		signer crypto.Signer
		opts   []Option
		want   string // "" = a token; else a substring of the error
	}{
		{"PS256 with an opaque signer", certs[0], opaqueSigner{key}, nil, ""},
		{"RS256", certs[0], opaqueSigner{key}, []Option{WithRS256()}, ""},
		{"certificate not uploaded", unregistered, opaqueSigner{otherKey}, nil, "700027"},
		{"signature by another key", certs[0], lyingSigner{pub: key.Public(), real: otherKey}, nil, "invalid signature"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			a, err := NewAssertion(tt.cert, tt.signer, tt.opts...)
			if err != nil {
				t.Fatal(err)
			}
			err = token(a.Credential())
			if (tt.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tt.want)) {
				t.Errorf("AcquireTokenByCredential() = %v, want %q", err, tt.want)
			}
		})
	}
}

// TestMSALCertCredentialNeedsRSAKey pins why Assertion exists: MSAL Go
// v1.10.1's NewCredFromCert accepts only an *rsa.PrivateKey, so a key that
// stays in Windows (a crypto.Signer) needs NewCredFromAssertionCallback.
func TestMSALCertCredentialNeedsRSAKey(t *testing.T) {
	cert, key := rsaCert(t, "mail-app")
	if _, err := confidential.NewCredFromCert([]*x509.Certificate{cert}, opaqueSigner{key}); err == nil {
		t.Error("NewCredFromCert accepted a crypto.Signer: MSAL changed, and Open's signer could be passed to it directly")
	}
}
