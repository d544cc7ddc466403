// Package certstore finds an app's certificate in the Windows certificate
// store and signs Entra ID client assertions with its private key without
// exporting it: List shows the certificates of CurrentUser\My and
// LocalMachine\My that have a private key, Open returns a crypto.Signer
// backed by CNG for one thumbprint, and Assertion builds the signed JWT
// that MSAL's confidential.NewCredFromAssertionCallback sends.
//
// List and Open work on Windows only; elsewhere they return
// ErrWindowsOnly. Assertion works everywhere with any crypto.Signer over
// an RSA key (an *rsa.PrivateKey from a PEM/PFX file, or the CNG signer).
package certstore

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha1" //nolint:gosec // the certificate thumbprint Windows shows is SHA-1; nothing is secured by it
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/mailoauth/mailoauth-tester/core/netenv"
)

// ErrWindowsOnly is returned by List and Open outside Windows.
var ErrWindowsOnly = errors.New("certstore: the Windows certificate store exists only on Windows; on this system use --cert with a PEM or PFX file")

// FieldThumbprint is the field name of a certificate thumbprint, the same
// on the command line and in the window.
const FieldThumbprint = "cert-thumbprint"

// Cert is a certificate in the Windows store that has a private key.
type Cert struct {
	Location    string // `CurrentUser\My` or `LocalMachine\My`
	Subject     string // e.g. "CN=mail-app"
	Issuer      string
	NotBefore   time.Time
	NotAfter    time.Time
	Thumbprint  string // SHA-1 of the DER, upper-case hex, as certmgr and the Entra portal show it
	RSA         bool   // the key is RSA, which Entra ID requires for client assertions
	Certificate *x509.Certificate
}

// Describe is one line for a picker or a log: subject, expiry and
// thumbprint.
func (c Cert) Describe(now time.Time) string {
	state := "expires " + c.NotAfter.Format("2006-01-02")
	if now.After(c.NotAfter) {
		state = "EXPIRED " + c.NotAfter.Format("2006-01-02")
	}
	s := fmt.Sprintf("%s (%s, %s, thumbprint %s)", c.Subject, c.Location, state, c.Thumbprint)
	if !c.RSA {
		s += " — not RSA, Entra ID cannot use it"
	}
	return s
}

// fromX509 fills a Cert from a parsed certificate.
func fromX509(location string, cert *x509.Certificate) Cert {
	_, isRSA := cert.PublicKey.(*rsa.PublicKey)
	return Cert{
		Location: location, Subject: cert.Subject.String(), Issuer: cert.Issuer.String(),
		NotBefore: cert.NotBefore, NotAfter: cert.NotAfter, Thumbprint: Thumbprint(cert),
		RSA: isRSA, Certificate: cert,
	}
}

// Thumbprint is the certificate's SHA-1 thumbprint in upper-case hex.
func Thumbprint(cert *x509.Certificate) string {
	sum := sha1.Sum(cert.Raw) //nolint:gosec // identification only
	return strings.ToUpper(hex.EncodeToString(sum[:]))
}

// FieldError is bad input for a field, with what to do: the same type as
// the proxy settings' (netenv), so every face shows both alike.
type FieldError = netenv.FieldError

// NormalizeThumbprint reads a thumbprint as people paste it: from the
// certificate dialog (which puts an invisible left-to-right mark in
// front), with spaces or colons between the bytes, in either case. It
// returns 40 upper-case hex digits or a *FieldError.
func NormalizeThumbprint(s string) (string, error) {
	var b strings.Builder
	for _, r := range s {
		switch {
		case unicode.IsSpace(r), r == ':', r == '-', unicode.Is(unicode.Cf, r):
			// separators and invisible format characters (U+200E, U+FEFF, …)
		case (r >= '0' && r <= '9') || (r >= 'a' && r <= 'f') || (r >= 'A' && r <= 'F'):
			b.WriteRune(unicode.ToUpper(r))
		default:
			return "", &FieldError{Field: FieldThumbprint, Message: fmt.Sprintf("%q is not a hex digit", r),
				Fix: "copy the Thumbprint from the certificate's Details tab, the Entra portal's Certificates & secrets page, or Get-ChildItem Cert:\\CurrentUser\\My"}
		}
	}
	t := b.String()
	switch {
	case t == "":
		return "", &FieldError{Field: FieldThumbprint, Message: "is empty", Fix: "give the certificate's SHA-1 thumbprint (40 hex digits)"}
	case len(t) == 64:
		return "", &FieldError{Field: FieldThumbprint, Message: "is 64 hex digits: a SHA-256 thumbprint", Fix: "give the SHA-1 thumbprint (40 hex digits) that Windows and the Entra portal show"}
	case len(t) != 40:
		return "", &FieldError{Field: FieldThumbprint, Message: fmt.Sprintf("has %d hex digits, a SHA-1 thumbprint has 40", len(t)), Fix: "copy the whole Thumbprint value"}
	}
	return t, nil
}

// Key is a certificate from the store with its private key. The key stays
// in Windows (CNG); Signer asks Windows to sign. Close releases it.
type Key struct {
	Cert   Cert
	Signer crypto.Signer
	close  func() error
}

// Close releases the key handle. It is safe to call more than once.
func (k *Key) Close() error {
	if k == nil || k.close == nil {
		return nil
	}
	c := k.close
	k.close = nil
	return c()
}

// Assertion returns the client-assertion builder for this certificate.
func (k *Key) Assertion(opts ...Option) (*Assertion, error) {
	return NewAssertion(k.Cert.Certificate, k.Signer, opts...)
}
