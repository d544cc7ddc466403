package simulate

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"software.sslmate.com/src/go-pkcs12"
)

// rsaBits is the size of the RSA keys: the authority's token-signing key and
// the app certificate's key (MSAL Go requires RSA for certificate credentials).
const rsaBits = 2048

// pki holds every key and certificate a Tenant uses.
type pki struct {
	caCert    *x509.Certificate
	caPEM     []byte
	serverTLS tls.Certificate

	signKey  *rsa.PrivateKey // signs access tokens
	signCert *x509.Certificate

	appKey    *rsa.PrivateKey
	appCert   *x509.Certificate
	otherCert *x509.Certificate // same key as appCert, different thumbprint
}

// newPKI generates a CA, a server certificate for the loopback names, the
// authority's signing key and the app's certificate.
func newPKI(now time.Time) (*pki, error) {
	p := &pki{}
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("simulate: generate CA key: %w", err)
	}
	caTmpl := &x509.Certificate{
		SerialNumber:          newSerial(),
		Subject:               pkix.Name{CommonName: "Mail OAuth Tester Simulated Root CA", Organization: []string{"Mail OAuth Tester"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.AddDate(1, 0, 0),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
	}
	if p.caCert, err = createCert(caTmpl, caTmpl, caKey.Public(), caKey); err != nil {
		return nil, err
	}
	p.caPEM = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: p.caCert.Raw})

	srvKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("simulate: generate server key: %w", err)
	}
	srvTmpl := &x509.Certificate{
		SerialNumber: newSerial(),
		Subject:      pkix.Name{CommonName: "localhost"},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.AddDate(1, 0, 0),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
		// The Microsoft names of every cloud let clients route real host
		// names to the fakes.
		DNSNames: serverDNSNames(),
	}
	srvCert, err := createCert(srvTmpl, p.caCert, srvKey.Public(), caKey)
	if err != nil {
		return nil, err
	}
	p.serverTLS = tls.Certificate{Certificate: [][]byte{srvCert.Raw, p.caCert.Raw}, PrivateKey: srvKey, Leaf: srvCert}

	if p.signKey, err = rsa.GenerateKey(rand.Reader, rsaBits); err != nil {
		return nil, fmt.Errorf("simulate: generate signing key: %w", err)
	}
	if p.signCert, err = selfSigned("accounts.accesscontrol.windows.net", p.signKey, now); err != nil {
		return nil, err
	}
	if p.appKey, err = rsa.GenerateKey(rand.Reader, rsaBits); err != nil {
		return nil, fmt.Errorf("simulate: generate app key: %w", err)
	}
	if p.appCert, err = selfSigned("MailOAuthTester-Simulated", p.appKey, now); err != nil {
		return nil, err
	}
	if p.otherCert, err = selfSigned("MailOAuthTester-Simulated-Old", p.appKey, now.AddDate(-1, 0, 0)); err != nil {
		return nil, err
	}
	return p, nil
}

// selfSigned makes a one-year self-signed RSA certificate starting at from.
func selfSigned(cn string, key *rsa.PrivateKey, from time.Time) (*x509.Certificate, error) {
	tmpl := &x509.Certificate{
		SerialNumber: newSerial(),
		Subject:      pkix.Name{CommonName: cn},
		NotBefore:    from.Add(-time.Hour),
		NotAfter:     from.AddDate(1, 0, 0),
		KeyUsage:     x509.KeyUsageDigitalSignature,
	}
	return createCert(tmpl, tmpl, key.Public(), key)
}

// createCert signs tmpl with parent's key and parses the result.
func createCert(tmpl, parent *x509.Certificate, pub crypto.PublicKey, signer crypto.Signer) (*x509.Certificate, error) {
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, pub, signer)
	if err != nil {
		return nil, fmt.Errorf("simulate: create certificate %q: %w", tmpl.Subject.CommonName, err)
	}
	return x509.ParseCertificate(der)
}

// writeFiles writes ca.pem, app-cert.pem (certificate and unencrypted
// PKCS#8 key) and app-cert.pfx into dir and returns their paths.
func (p *pki) writeFiles(dir, pfxPassword string) (caFile, certFile, pfxFile string, err error) {
	keyDER, err := x509.MarshalPKCS8PrivateKey(p.appKey)
	if err != nil {
		return "", "", "", fmt.Errorf("simulate: marshal app key: %w", err)
	}
	certPEM := append(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: p.appCert.Raw}),
		pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER})...)
	pfx, err := pkcs12.Modern.Encode(p.appKey, p.appCert, nil, pfxPassword)
	if err != nil {
		return "", "", "", fmt.Errorf("simulate: encode PKCS#12: %w", err)
	}
	caFile = filepath.Join(dir, "ca.pem")
	certFile = filepath.Join(dir, "app-cert.pem")
	pfxFile = filepath.Join(dir, "app-cert.pfx")
	for _, f := range []struct {
		path string
		data []byte
	}{{caFile, p.caPEM}, {certFile, certPEM}, {pfxFile, pfx}} {
		if err := os.WriteFile(f.path, f.data, 0o600); err != nil {
			return "", "", "", fmt.Errorf("simulate: %w", err)
		}
	}
	return caFile, certFile, pfxFile, nil
}

// thumbprintSHA1 returns the certificate's SHA-1 thumbprint in upper-case hex,
// as the Entra portal and AADSTS700027 show it.
func thumbprintSHA1(c *x509.Certificate) string {
	sum := sha1.Sum(c.Raw)
	return strings.ToUpper(hex.EncodeToString(sum[:]))
}

// x5t returns the base64url SHA-1 thumbprint used in JWT headers and JWKS.
func x5t(c *x509.Certificate) string {
	sum := sha1.Sum(c.Raw)
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// matchThumbprint reports whether the JWT header thumbprint value (standard
// or URL base64, padded or not) is c's SHA-256 (sha256 true) or SHA-1
// thumbprint.
func matchThumbprint(c *x509.Certificate, value string, sha256Thumb bool) bool {
	raw, err := decodeB64Any(value)
	if err != nil {
		return false
	}
	if sha256Thumb {
		sum := sha256.Sum256(c.Raw)
		return string(raw) == string(sum[:])
	}
	sum := sha1.Sum(c.Raw)
	return string(raw) == string(sum[:])
}

// decodeB64Any decodes standard or URL-safe base64 with or without padding.
func decodeB64Any(s string) ([]byte, error) {
	s = strings.TrimRight(s, "=")
	s = strings.NewReplacer("+", "-", "/", "_").Replace(s)
	return base64.RawURLEncoding.DecodeString(s)
}

// newSerial returns a random 128-bit certificate serial number.
func newSerial() *big.Int {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 128))
	if err != nil {
		panic("simulate: crypto/rand failed: " + err.Error())
	}
	return n
}

// randBytes returns n bytes from crypto/rand.
func randBytes(n int) []byte {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("simulate: crypto/rand failed: " + err.Error())
	}
	return b
}

// newGUID returns a random RFC 4122 version-4 GUID in lower case.
func newGUID() string {
	b := randBytes(16)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b)
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// randString returns n characters drawn from alphabet.
func randString(n int, alphabet string) string {
	b := randBytes(n)
	out := make([]byte, n)
	for i := range b {
		out[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(out)
}

const (
	alnum        = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	secretChars  = alnum + "_-.~"
	upperHexChar = "0123456789ABCDEF"
)

// newSecretValue returns a value shaped like an Entra client secret: 40
// characters, the 4th to 6th being a digit, "Q" and "~".
func newSecretValue() string {
	return randString(3, alnum) + randString(1, "0123456789") + "Q~" + randString(34, secretChars)
}

// newRequestID returns an Exchange-style 16-digit hex request ID such as
// 08DCE8B62813AB2B.
func newRequestID() string {
	return "08DC" + randString(12, upperHexChar)
}
