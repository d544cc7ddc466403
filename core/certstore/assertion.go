package certstore

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1" //nolint:gosec // x5t is defined as a SHA-1 thumbprint
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/confidential"
)

// Signing algorithms of a client assertion.
const (
	// PS256 (RSASSA-PSS with SHA-256, salt as long as the hash) with the
	// header x5t#S256 is what Entra ID documents and MSAL Go sends.
	PS256 = "PS256"
	// RS256 (PKCS #1 v1.5) with the header x5t is the older form, which
	// Entra ID still accepts and AD FS requires.
	RS256 = "RS256"
)

// assertionLifetime is how long a signed assertion is valid. Entra ID
// advises 5–10 minutes; MSAL uses 10. One token request uses it within
// seconds.
const assertionLifetime = 10 * time.Minute

// Assertion signs Entra ID client assertions (private_key_jwt, RFC 7523)
// for one certificate. The private key never leaves Signer: it may be an
// *rsa.PrivateKey or the Windows store's CNG key from Open.
type Assertion struct {
	cert    *x509.Certificate
	chain   []string // base64 DER for x5c, leaf first
	signer  crypto.Signer
	alg     string
	sendX5C bool
	now     func() time.Time
}

// Option changes how an Assertion is built.
type Option func(*Assertion)

// WithRS256 signs with RS256 and names the certificate by x5t (SHA-1)
// instead of PS256 and x5t#S256.
func WithRS256() Option { return func(a *Assertion) { a.alg = RS256 } }

// WithX5C sends the certificate chain in the x5c header, for apps that
// trust a certificate by subject name and issuer rather than by its
// uploaded key. chain may start with the certificate itself or not.
func WithX5C(chain ...*x509.Certificate) Option {
	return func(a *Assertion) {
		a.sendX5C = true
		a.chain = []string{base64.StdEncoding.EncodeToString(a.cert.Raw)}
		for _, c := range chain {
			if c != nil && !c.Equal(a.cert) {
				a.chain = append(a.chain, base64.StdEncoding.EncodeToString(c.Raw))
			}
		}
	}
}

// WithClock sets the clock for nbf, iat and exp (tests).
func WithClock(now func() time.Time) Option { return func(a *Assertion) { a.now = now } }

// NewAssertion returns an Assertion for cert signed by signer. It fails
// when the key is not RSA (Entra ID verifies PS256/RS256 only) or does not
// belong to the certificate.
func NewAssertion(cert *x509.Certificate, signer crypto.Signer, opts ...Option) (*Assertion, error) {
	if cert == nil || signer == nil {
		return nil, errors.New("certstore: a certificate and its private key are required")
	}
	pub, ok := cert.PublicKey.(*rsa.PublicKey)
	if !ok {
		return nil, fmt.Errorf("certstore: the certificate %s has a %s key; Entra ID client assertions need an RSA key", Thumbprint(cert), cert.PublicKeyAlgorithm)
	}
	if !pub.Equal(signer.Public()) {
		return nil, fmt.Errorf("certstore: the private key does not belong to the certificate %s", Thumbprint(cert))
	}
	a := &Assertion{cert: cert, signer: signer, alg: PS256, now: time.Now}
	for _, o := range opts {
		o(a)
	}
	return a, nil
}

// Build returns a signed assertion for clientID at tokenEndpoint (the
// audience: https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token).
// The header names the certificate (x5t#S256 for PS256, x5t for RS256,
// base64url as Entra documents); the claims are aud, iss = sub = clientID,
// a random jti, nbf = iat = now and exp = now + 10 minutes. The result is
// a credential: never log it.
func (a *Assertion) Build(clientID, tokenEndpoint string) (string, error) {
	if clientID == "" || tokenEndpoint == "" {
		return "", errors.New("certstore: the assertion needs the client ID and the token endpoint")
	}
	jti, err := newJTI()
	if err != nil {
		return "", err
	}
	header := map[string]any{"alg": a.alg, "typ": "JWT"}
	if a.alg == RS256 {
		sum := sha1.Sum(a.cert.Raw) //nolint:gosec // x5t is SHA-1 by definition
		header["x5t"] = b64(sum[:])
	} else {
		sum := sha256.Sum256(a.cert.Raw)
		header["x5t#S256"] = b64(sum[:])
	}
	if a.sendX5C {
		header["x5c"] = a.chain
	}
	now := a.now()
	claims := map[string]any{
		"aud": tokenEndpoint, "iss": clientID, "sub": clientID, "jti": jti,
		"nbf": now.Unix(), "iat": now.Unix(), "exp": now.Add(assertionLifetime).Unix(),
	}
	h, err := json.Marshal(header)
	if err != nil {
		return "", err
	}
	c, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	input := b64(h) + "." + b64(c)
	sig, err := a.sign([]byte(input))
	if err != nil {
		return "", err
	}
	return input + "." + b64(sig), nil
}

// sign signs the JWS input with SHA-256 and the assertion's padding.
func (a *Assertion) sign(input []byte) ([]byte, error) {
	digest := sha256.Sum256(input)
	var opts crypto.SignerOpts = crypto.SHA256
	if a.alg == PS256 {
		opts = &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash, Hash: crypto.SHA256}
	}
	sig, err := a.signer.Sign(rand.Reader, digest[:], opts)
	if err != nil {
		return nil, fmt.Errorf("certstore: signing the client assertion with the key of %s: %w", Thumbprint(a.cert), err)
	}
	return sig, nil
}

// Callback is the function for confidential.NewCredFromAssertionCallback:
// MSAL calls it for each token request with the client ID and the token
// endpoint it is about to use.
func (a *Assertion) Callback() func(context.Context, confidential.AssertionRequestOptions) (string, error) {
	return func(ctx context.Context, o confidential.AssertionRequestOptions) (string, error) {
		if err := ctx.Err(); err != nil {
			return "", err
		}
		return a.Build(o.ClientID, o.TokenEndpoint)
	}
}

// Credential is the MSAL credential that signs with this Assertion.
func (a *Assertion) Credential() confidential.Credential {
	return confidential.NewCredFromAssertionCallback(a.Callback())
}

// newJTI returns a random UUID (version 4) for the jti claim.
func newJTI() (string, error) {
	var u [16]byte
	if _, err := rand.Read(u[:]); err != nil {
		return "", fmt.Errorf("certstore: no randomness for the assertion ID: %w", err)
	}
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	h := hex.EncodeToString(u[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:], nil
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }
