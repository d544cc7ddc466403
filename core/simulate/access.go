package simulate

import (
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Protocol names used by Stats, LastRejection and the access checks.
const (
	ProtoIMAP = "imap"
	ProtoPOP  = "pop"
	ProtoSMTP = "smtp"
)

// accessTokenLifetime is what Entra issues for client credentials.
const accessTokenLifetime = time.Hour

// accessHeader is the JOSE header of an issued access token.
type accessHeader struct {
	Typ string `json:"typ"`
	Alg string `json:"alg"`
	X5t string `json:"x5t"`
	Kid string `json:"kid"`
}

// accessClaims mirrors an Entra v1.0 app-only access token, field order
// included.
type accessClaims struct {
	Aud            string   `json:"aud"`
	Iss            string   `json:"iss"`
	Iat            int64    `json:"iat"`
	Nbf            int64    `json:"nbf"`
	Exp            int64    `json:"exp"`
	Aio            string   `json:"aio"`
	AppDisplayName string   `json:"app_displayname"`
	AppID          string   `json:"appid"`
	AppIDACR       string   `json:"appidacr"`
	IDP            string   `json:"idp"`
	IDTyp          string   `json:"idtyp"`
	OID            string   `json:"oid"`
	RH             string   `json:"rh"`
	Roles          []string `json:"roles,omitempty"`
	SID            string   `json:"sid"`
	Sub            string   `json:"sub"`
	TID            string   `json:"tid"`
	UTI            string   `json:"uti"`
	Ver            string   `json:"ver"`
	WIDs           []string `json:"wids"`
	XMSIdRel       string   `json:"xms_idrel"`
	XMSTcdt        int64    `json:"xms_tcdt"`
}

// mintAccessToken signs an app-only token for app on resource. acr is "1"
// for a secret and "2" for a certificate. The caller holds t.mu.
func (t *Tenant) mintAccessToken(app *App, resource, acr string, now time.Time) (string, error) {
	tid := t.state.Directory.ID
	roles := slices.Clone(app.roles(resource))
	claims := accessClaims{
		Aud:            resource,
		Iss:            t.cloud.issuer(tid),
		Iat:            now.Add(-5 * time.Minute).Unix(),
		Nbf:            now.Add(-5 * time.Minute).Unix(),
		Exp:            now.Add(accessTokenLifetime).Unix(),
		Aio:            "k2Jg" + base64.StdEncoding.EncodeToString(randBytes(84)),
		AppDisplayName: app.DisplayName,
		AppID:          app.ClientID,
		AppIDACR:       acr,
		IDP:            t.cloud.issuer(tid),
		IDTyp:          "app",
		OID:            app.ServicePrincipalID,
		RH:             "1.AXkA" + base64.RawURLEncoding.EncodeToString(randBytes(48)) + ".",
		Roles:          roles,
		SID:            newGUID(),
		Sub:            app.ServicePrincipalID,
		TID:            tid,
		UTI:            base64.RawURLEncoding.EncodeToString(randBytes(16)),
		Ver:            "1.0",
		WIDs:           []string{"0997a1d0-0d1d-4acb-b408-d5ca73121e90"},
		XMSIdRel:       "7 20",
		XMSTcdt:        now.AddDate(-3, 0, 0).Unix(),
	}
	return t.signAccessToken(claims)
}

// signAccessToken signs access-token claims with the authority's key and
// remembers the token (see IssuedTokens). The caller holds t.mu.
func (t *Tenant) signAccessToken(claims any) (string, error) {
	kid := x5t(t.pki.signCert)
	tok, err := signJWT(t.pki.signKey, "RS256", accessHeader{Typ: "JWT", Alg: "RS256", X5t: kid, Kid: kid}, claims)
	if err != nil {
		return "", err
	}
	t.issued = append(t.issued, tok)
	return tok, nil
}

// decision is the outcome of an Exchange access check.
type decision struct {
	// ok is true when the SASL exchange succeeds.
	ok bool
	// reason says why (server side only; Exchange tells the client nothing).
	reason string
	// notConnected: authenticated, but the protocol is disabled on the mailbox.
	notConnected bool
	// smtpDisabled is "Tenant" or "Mailbox" when SMTP AUTH is turned off.
	smtpDisabled string
	// mailbox is the canonical address of the opened mailbox.
	mailbox string
	// principal is the signed-in user's UPN for a delegated token, "" for
	// an app-only token or basic authentication.
	principal string
}

// requiredScope maps a protocol to the delegated scope it needs.
var requiredScope = map[string]string{ProtoIMAP: ScopeIMAP, ProtoPOP: ScopePOP, ProtoSMTP: ScopeSMTP}

// requiredRole maps a protocol to the application role it needs.
var requiredRole = map[string]string{ProtoIMAP: RoleIMAP, ProtoPOP: RolePOP, ProtoSMTP: RoleSMTP}

// checkAccess runs Exchange Online's checks for a bearer token presented for
// user over proto, records the reason for a rejection and returns the
// decision.
func (t *directory) checkAccess(proto, user, token string) decision {
	t.mu.Lock()
	defer t.mu.Unlock()
	d := t.decide(proto, user, token)
	if !d.ok || d.notConnected || d.smtpDisabled != "" {
		t.rejections[proto] = d.reason
	}
	return d
}

// decide implements checkAccess; the caller holds t.mu.
func (t *directory) decide(proto, user, token string) decision {
	fail := func(format string, args ...any) decision {
		return decision{reason: fmt.Sprintf(format, args...)}
	}
	p, err := parseJWT(token)
	if err != nil {
		return fail("token is not a JWT")
	}
	if err := p.verify(t.verify, "RS256"); err != nil {
		return fail("token signature invalid: %v", err)
	}
	tid := t.state.Directory.ID
	if p.claimString("iss") != t.cloud.issuer(tid) || p.claimString("tid") != tid {
		return fail("token issued for tenant %q, not this tenant", p.claimString("tid"))
	}
	aud := p.claimString("aud")
	if !t.cloud.isExchange(aud) {
		return fail("token audience %q is not Exchange Online in the %s cloud", aud, t.cloud.name)
	}
	now := t.now().Unix()
	if nbf, ok := p.claimTime("nbf"); !ok || now < nbf {
		return fail("token not yet valid")
	}
	if exp, ok := p.claimTime("exp"); !ok || now >= exp {
		return fail("token expired")
	}
	if p.claimString("idtyp") == "user" || p.claimString("scp") != "" {
		return t.decideDelegated(proto, user, p)
	}
	role := requiredRole[proto]
	if !slices.Contains(p.claimStrings("roles"), role) {
		return fail("token has no %s role (roles: %v)", role, p.claimStrings("roles"))
	}
	app := t.state.app(p.claimString("appid"))
	if app == nil || !app.ExchangeServicePrincipal {
		return fail("no Exchange service principal for app %q", p.claimString("appid"))
	}
	mb := t.state.mailbox(user)
	if mb == nil {
		return fail("mailbox %q does not exist", user)
	}
	if !mb.ExchangeOnline {
		return fail("%q has no Exchange Online mailbox (unlicensed or on-premises)", mb.Address)
	}
	if !app.FullAccess[strings.ToLower(mb.Address)] {
		return fail("service principal of app %q has no FullAccess on %q", app.ClientID, mb.Address)
	}
	return t.protocolState(proto, mb, decision{ok: true, mailbox: mb.Address})
}

// decideDelegated checks a user token: the protocol's scope in scp, an
// enabled user, and the mailbox being the user's own or one they have
// FullAccess on. The caller holds t.mu.
func (t *directory) decideDelegated(proto, user string, p *jwtParts) decision {
	fail := func(format string, args ...any) decision {
		return decision{reason: fmt.Sprintf(format, args...)}
	}
	need, scp := requiredScope[proto], strings.Fields(p.claimString("scp"))
	if !slices.ContainsFunc(scp, func(s string) bool { return strings.EqualFold(s, need) }) {
		return fail("delegated token has no %s scope (scp: %v)", need, scp)
	}
	u := t.state.userByOID(p.claimString("oid"))
	if u == nil {
		return fail("token user %q (oid %s) does not exist", p.claimString("upn"), p.claimString("oid"))
	}
	if u.Disabled {
		return fail("user %s is disabled", u.UPN)
	}
	mb := t.state.mailbox(user)
	if mb == nil {
		return fail("mailbox %q does not exist", user)
	}
	if !mb.ExchangeOnline {
		return fail("%q has no Exchange Online mailbox (unlicensed or on-premises)", mb.Address)
	}
	if !strings.EqualFold(u.Mailbox, mb.Address) && !u.FullAccess[strings.ToLower(mb.Address)] {
		return fail("user %s has no FullAccess on %q", u.UPN, mb.Address)
	}
	return t.protocolState(proto, mb, decision{ok: true, mailbox: mb.Address, principal: u.UPN})
}

// protocolState applies the mailbox's and tenant's protocol settings to an
// authenticated decision. The caller holds t.mu.
func (t *directory) protocolState(proto string, mb *Mailbox, d decision) decision {
	switch {
	case proto == ProtoIMAP && !mb.IMAPEnabled:
		d.notConnected, d.reason = true, "IMAP is disabled on mailbox "+mb.Address
	case proto == ProtoPOP && !mb.POPEnabled:
		d.notConnected, d.reason = true, "POP is disabled on mailbox "+mb.Address
	case proto == ProtoSMTP && t.state.Directory.SMTPAuthDisabled:
		d.ok, d.smtpDisabled, d.reason = false, "Tenant", "SMTP AUTH is disabled for the tenant"
	case proto == ProtoSMTP && !mb.SMTPAuthEnabled:
		d.ok, d.smtpDisabled, d.reason = false, "Mailbox", "SMTP AUTH is disabled for mailbox "+mb.Address
	}
	return d
}

// checkBasic runs basic authentication (user name and app password) for
// proto and records the reason for a rejection. basicOff in the result
// reason tells SMTP to answer "basic authentication is disabled".
func (t *directory) checkBasic(proto, user, pass string) (decision, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	d, off := t.decideBasic(proto, user, pass)
	if !d.ok || d.notConnected || d.smtpDisabled != "" {
		t.rejections[proto] = d.reason
	}
	return d, off
}

// decideBasic implements checkBasic; the caller holds t.mu.
func (t *directory) decideBasic(proto, user, pass string) (decision, bool) {
	if !t.state.Directory.BasicAuth {
		return decision{reason: "basic authentication is disabled for the tenant"}, true
	}
	mb := t.state.mailbox(user)
	if mb == nil {
		return decision{reason: fmt.Sprintf("mailbox %q does not exist", user)}, false
	}
	if !mb.ExchangeOnline {
		return decision{reason: fmt.Sprintf("%q has no Exchange Online mailbox", mb.Address)}, false
	}
	ok := false
	for _, p := range mb.AppPasswords {
		ok = ok || subtle.ConstantTimeCompare([]byte(p), []byte(pass)) == 1
	}
	if !ok {
		return decision{reason: fmt.Sprintf("wrong app password for %s", mb.Address)}, false
	}
	return t.protocolState(proto, mb, decision{ok: true, mailbox: mb.Address}), false
}

// basicAuthOn reports whether basic authentication is enabled.
func (t *directory) basicAuthOn() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.state.Directory.BasicAuth
}

// parsePlain parses a SASL PLAIN message "authzid\x00user\x00pass".
func parsePlain(msg []byte) (user, pass string, ok bool) {
	parts := strings.Split(string(msg), "\x00")
	if len(parts) != 3 || parts[1] == "" {
		return "", "", false
	}
	return parts[1], parts[2], true
}
