package auth

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/confidential"
	"software.sslmate.com/src/go-pkcs12"

	"github.com/mailoauth/mailoauth-tester/core/profile"
)

// Certificate is a client certificate and its private key.
type Certificate struct {
	Certs []*x509.Certificate
	Key   crypto.PrivateKey
}

// Thumbprint is the SHA-1 thumbprint in upper-case hex, as the Azure
// portal shows it under Certificates & secrets.
func (c *Certificate) Thumbprint() string {
	if c == nil || len(c.Certs) == 0 {
		return ""
	}
	sum := sha1.Sum(c.Certs[0].Raw)
	return strings.ToUpper(hex.EncodeToString(sum[:]))
}

// CertError is a certificate file that cannot be used. Field names the
// input field to fix ("cert" or "cert-password"); Fix, when set, says how
// to make a usable one. The message never contains the password.
type CertError struct {
	Field string
	Msg   string
	Fix   string
}

func (e *CertError) Error() string { return e.Field + ": " + e.Msg }

// LoadCertificate reads a PEM file (certificate and unencrypted RSA private
// key) or a PFX/P12 file protected by password. password is a secret. The
// file must be a regular file of at most profile.MaxFileSize bytes, and the
// key an RSA key that belongs to the first certificate: MSAL signs client
// assertions with RSA only, and any other key would fail only at sign-in.
func LoadCertificate(path, password string) (*Certificate, error) {
	data, err := profile.ReadFile(path)
	if err != nil {
		return nil, &CertError{Field: "cert", Msg: "certificate file " + err.Error()}
	}
	var c *Certificate
	if isPEM(data) {
		c, err = loadPEM(data)
	} else {
		c, err = loadPFX(path, data, password)
	}
	if err != nil {
		return nil, err
	}
	return c, checkKey(c)
}

func loadPFX(path string, data []byte, password string) (*Certificate, error) {
	key, leaf, chain, err := pkcs12.DecodeChain(data, password)
	if err != nil {
		if errors.Is(err, pkcs12.ErrIncorrectPassword) {
			return nil, &CertError{Field: "cert-password", Msg: "the PFX password is wrong"}
		}
		return nil, &CertError{Field: "cert", Msg: fmt.Sprintf("%q is neither PEM nor a readable PFX/P12 file: %v", path, err)}
	}
	if _, ok := key.(interface{ Public() crypto.PublicKey }); !ok {
		return nil, &CertError{Field: "cert", Msg: "the PFX holds no usable private key"}
	}
	return &Certificate{Certs: append([]*x509.Certificate{leaf}, chain...), Key: key}, nil
}

// rsaFix says how to make a certificate MSAL can use.
const rsaFix = "make an RSA certificate and upload its .crt under App registrations → your app → Certificates & secrets → Certificates: " +
	"openssl req -x509 -newkey rsa:2048 -nodes -keyout app.key -out app.crt -days 365 -subj \"/CN=mailoauth\" && cat app.crt app.key > app.pem " +
	"(on Windows: New-SelfSignedCertificate -Subject CN=mailoauth -KeyAlgorithm RSA -KeyLength 2048 -CertStoreLocation Cert:\\CurrentUser\\My, then export it as PFX with its private key)"

// checkKey refuses a key MSAL cannot sign with, and a key that does not
// belong to the certificate (Entra ID would reject every assertion).
func checkKey(c *Certificate) error {
	rk, ok := c.Key.(*rsa.PrivateKey)
	if !ok {
		return &CertError{Field: "cert", Msg: "the private key is " + keyKind(c.Key) + "; Microsoft's sign-in library (MSAL) signs only with RSA keys", Fix: rsaFix}
	}
	if len(c.Certs) == 0 {
		return &CertError{Field: "cert", Msg: "the file holds a private key but no certificate", Fix: "export the certificate together with its private key (PFX, or PEM with both blocks)"}
	}
	if pub, ok := c.Certs[0].PublicKey.(*rsa.PublicKey); !ok || !pub.Equal(&rk.PublicKey) {
		return &CertError{Field: "cert", Msg: "the private key does not belong to the (first) certificate in the file", Fix: "export the certificate together with its own private key; put the app's certificate first"}
	}
	return nil
}

// keyKind names a private key's algorithm for a message.
func keyKind(k crypto.PrivateKey) string {
	switch k.(type) {
	case *ecdsa.PrivateKey:
		return "an EC (ECDSA) key"
	case ed25519.PrivateKey:
		return "an Ed25519 key"
	case nil:
		return "missing"
	}
	return fmt.Sprintf("a %T key", k)
}

func isPEM(b []byte) bool {
	return strings.Contains(string(b[:min(len(b), 4096)]), "-----BEGIN ")
}

func loadPEM(data []byte) (*Certificate, error) {
	for rest := data; ; {
		var blk *pem.Block
		blk, rest = pem.Decode(rest)
		if blk == nil {
			break
		}
		switch {
		case blk.Type == "ENCRYPTED PRIVATE KEY" || strings.Contains(blk.Headers["Proc-Type"], "ENCRYPTED"):
			return nil, &CertError{Field: "cert", Msg: "the PEM private key is encrypted; export it as a PFX with a password, or as an unencrypted PEM"}
		case blk.Type == "EC PRIVATE KEY":
			return nil, &CertError{Field: "cert", Msg: "the private key is an EC (ECDSA) key; Microsoft's sign-in library (MSAL) signs only with RSA keys", Fix: rsaFix}
		case blk.Type == "PRIVATE KEY":
			if k, err := x509.ParsePKCS8PrivateKey(blk.Bytes); err == nil {
				if _, ok := k.(*rsa.PrivateKey); !ok {
					return nil, &CertError{Field: "cert", Msg: "the private key is " + keyKind(k) + "; Microsoft's sign-in library (MSAL) signs only with RSA keys", Fix: rsaFix}
				}
			}
		}
	}
	certs, key, err := confidential.CertFromPEM(data, "")
	if err != nil {
		return nil, &CertError{Field: "cert", Msg: "cannot use the PEM file: " + err.Error() + " (it needs the certificate and its RSA private key)"}
	}
	return &Certificate{Certs: certs, Key: key}, nil
}

// ClientCredentials is the app-only flow (OAuth 2.0 client credentials)
// with a client secret or a certificate.
type ClientCredentials struct {
	client confidential.Client
}

// ClientCredentialsConfig configures NewClientCredentials. Secret is a
// secret; exactly one of Secret and Cert is set.
type ClientCredentialsConfig struct {
	AuthorityHost string // e.g. "https://login.microsoftonline.com"
	Tenant        string
	ClientID      string
	Secret        string
	Cert          *Certificate
	HTTPClient    *http.Client
}

// NewClientCredentials builds the MSAL confidential client. Instance
// discovery is off: the authority is tenant-specific, so discovery would
// only cost a round trip (and fails for a private or simulated authority).
func NewClientCredentials(cfg ClientCredentialsConfig) (*ClientCredentials, error) {
	c, err := newConfidential(cfg)
	if err != nil {
		return nil, err
	}
	return &ClientCredentials{client: c}, nil
}

// newConfidential builds an MSAL confidential client for cfg.
func newConfidential(cfg ClientCredentialsConfig, extra ...confidential.Option) (confidential.Client, error) {
	var cred confidential.Credential
	var err error
	switch {
	case cfg.Cert != nil:
		cred, err = confidential.NewCredFromCert(cfg.Cert.Certs, cfg.Cert.Key)
	default:
		cred, err = confidential.NewCredFromSecret(cfg.Secret)
	}
	if err != nil {
		return confidential.Client{}, fmt.Errorf("auth: credential: %w", err)
	}
	authority := strings.TrimSuffix(cfg.AuthorityHost, "/") + "/" + cfg.Tenant
	opts := append([]confidential.Option{confidential.WithInstanceDiscovery(false)}, extra...)
	if cfg.HTTPClient != nil {
		opts = append(opts, confidential.WithHTTPClient(cfg.HTTPClient))
	}
	c, err := confidential.New(authority, cfg.ClientID, cred, opts...)
	if err != nil {
		return confidential.Client{}, fmt.Errorf("auth: %w", err)
	}
	return c, nil
}

// Name implements Flow.
func (*ClientCredentials) Name() string { return "client-credentials" }

// Token implements Flow. Scopes must end in "/.default".
func (f *ClientCredentials) Token(ctx context.Context, scopes []string) (Token, error) {
	res, err := f.client.AcquireTokenByCredential(ctx, scopes)
	if err != nil {
		return Token{}, fromMSAL(err)
	}
	return Token{AccessToken: res.AccessToken, ExpiresOn: res.ExpiresOn, FromCache: res.Metadata.TokenSource == 1}, nil
}
