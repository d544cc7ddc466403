package simulate

import (
	"crypto/rsa"
	"crypto/subtle"
	"crypto/x509"
	"encoding/hex"
	"net/http"
	"strings"
	"time"
)

// certTime is how AADSTS messages print certificate validity.
const certTime = "01/02/2006 15:04:05"

// checkSecret matches secret against the app's registered secrets.
func checkSecret(app *App, secret string, now time.Time) *aadError {
	for _, s := range app.Secrets {
		if subtle.ConstantTimeCompare([]byte(s.Value), []byte(secret)) != 1 {
			continue
		}
		if !now.Before(s.Expires) {
			return errSecretExpired(app.ClientID)
		}
		return nil
	}
	return errSecretInvalid(app.ClientID)
}

// checkAssertion verifies a certificate client assertion (private_key_jwt)
// as Entra does: the thumbprint in x5t#S256 (or x5t) must name a registered
// certificate whose key verifies the PS256/RS256 signature; iss and sub are
// the client ID, aud is this tenant's token endpoint, and now lies within
// nbf..exp. pathTenant is the tenant as the client wrote it in the URL.
func (t *Tenant) checkAssertion(r *http.Request, app *App, tid, pathTenant, typ, assertion string, now int64) *aadError {
	if typ != assertionType {
		return errAssertionType()
	}
	p, err := parseJWT(assertion)
	if err != nil {
		return errAssertionMalformed()
	}
	thumb, sha256Thumb := p.headerString("x5t#S256"), true
	if thumb == "" {
		thumb, sha256Thumb = p.headerString("x5t"), false
	}
	if thumb == "" {
		return errAssertionMalformed()
	}
	var cert *x509.Certificate
	for _, c := range app.Certificates {
		if matchThumbprint(c, thumb, sha256Thumb) {
			cert = c
			break
		}
	}
	shown := thumb
	if raw, err := decodeB64Any(thumb); err == nil {
		shown = strings.ToUpper(hex.EncodeToString(raw))
	}
	if cert == nil {
		return errCertNotRegistered(shown, app.ClientID)
	}
	pub, ok := cert.PublicKey.(*rsa.PublicKey)
	if !ok || p.verify(pub, "PS256", "RS256") != nil {
		return errBadSignature(shown, cert.NotBefore.UTC().Format(certTime), cert.NotAfter.UTC().Format(certTime))
	}
	if !strings.EqualFold(p.claimString("iss"), app.ClientID) || !strings.EqualFold(p.claimString("sub"), app.ClientID) {
		return errAssertionIssuer()
	}
	aud := p.claimString("aud")
	if !t.validAudience(r, aud, tid, pathTenant) {
		return errAssertionAudience(aud)
	}
	exp, okExp := p.claimTime("exp")
	nbf, okNbf := p.claimTime("nbf")
	if !okNbf {
		nbf = now
	}
	if !okExp || now >= exp+clockSkew || now+clockSkew < nbf {
		layout := "1/2/2006 3:04:05 PM"
		return errAssertionTime(time.Unix(now, 0).UTC().Format(layout), time.Unix(nbf, 0).UTC().Format(layout), time.Unix(exp, 0).UTC().Format(layout))
	}
	return nil
}

// validAudience accepts the token endpoint URL (v2.0 or v1.0) on
// AuthorityURL or on the host the request addressed, written with the
// tenant ID, the domain or the tenant as it appeared in the request. The
// caller holds t.mu.
func (t *Tenant) validAudience(r *http.Request, aud, tid, pathTenant string) bool {
	aud = strings.ToLower(strings.TrimSuffix(aud, "/"))
	for _, base := range []string{t.AuthorityURL, t.requestBase(r)} {
		for _, tenant := range []string{tid, t.state.Directory.Domain, pathTenant} {
			for _, path := range []string{"/oauth2/v2.0/token", "/oauth2/token"} {
				if aud == strings.ToLower(base+"/"+tenant+path) {
					return true
				}
			}
		}
	}
	return false
}
