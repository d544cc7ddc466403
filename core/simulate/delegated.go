package simulate

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// Delegated-flow lifetimes.
const (
	authCodeLifetime       = 10 * time.Minute
	defaultRefreshLifetime = 90 * 24 * time.Hour
	defaultDeviceLifetime  = 15 * time.Minute
	deviceCodeGrantURN     = "urn:ietf:params:oauth:grant-type:device_code"
	userCodeChars          = "BCDFGHJKLMNPQRSTVWXZ23456789"
	acrNone, acrSecret     = "0", "1"
	deviceStatePending     = 0
	deviceStateApproved    = 1
	deviceStateDeclined    = 2
	deviceStateFailed      = 3
	defaultDeviceInterval  = 1
)

// grantStore holds what delegated flows hand out: authorization codes,
// device codes and refresh tokens, each keyed by its opaque value. It is
// guarded by Tenant.mu.
type grantStore struct {
	codes   map[string]*authCode
	devices map[string]*deviceAuth
	refresh map[string]*refreshGrant
}

func newGrantStore() grantStore {
	return grantStore{codes: map[string]*authCode{}, devices: map[string]*deviceAuth{}, refresh: map[string]*refreshGrant{}}
}

// authCode is an issued authorization code.
type authCode struct {
	clientID, redirectURI string
	challenge, method     string
	oid, scope            string
	confidential          bool // issued for a Web-platform redirect URI
	expires               time.Time
	used                  bool
}

// deviceAuth is a device code and its approval state.
type deviceAuth struct {
	deviceCode, userCode, clientID, scope string
	expires                               time.Time
	state                                 int
	oid                                   string
	fail                                  *aadError
	redeemed                              bool
}

// refreshGrant is an issued refresh token.
type refreshGrant struct {
	clientID, oid    string
	confidential     bool
	issued, lastUsed time.Time
	expired, revoked bool
}

// userTokenResponse is Entra's token response for a user grant, in
// Entra's field order.
type userTokenResponse struct {
	TokenType    string `json:"token_type"`
	Scope        string `json:"scope"`
	ExpiresIn    int    `json:"expires_in"`
	ExtExpiresIn int    `json:"ext_expires_in"`
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token,omitempty"`
	IDToken      string `json:"id_token,omitempty"`
	ClientInfo   string `json:"client_info,omitempty"`
}

// userAccessClaims mirror an Entra v1.0 delegated access token.
type userAccessClaims struct {
	Aud            string   `json:"aud"`
	Iss            string   `json:"iss"`
	Iat            int64    `json:"iat"`
	Nbf            int64    `json:"nbf"`
	Exp            int64    `json:"exp"`
	Acct           int      `json:"acct"`
	Acr            string   `json:"acr"`
	Aio            string   `json:"aio"`
	Amr            []string `json:"amr"`
	AppDisplayName string   `json:"app_displayname"`
	AppID          string   `json:"appid"`
	AppIDACR       string   `json:"appidacr"`
	FamilyName     string   `json:"family_name,omitempty"`
	GivenName      string   `json:"given_name,omitempty"`
	IDTyp          string   `json:"idtyp"`
	IPAddr         string   `json:"ipaddr"`
	Name           string   `json:"name"`
	OID            string   `json:"oid"`
	Platf          string   `json:"platf"`
	PUID           string   `json:"puid"`
	RH             string   `json:"rh"`
	Scp            string   `json:"scp"`
	SID            string   `json:"sid"`
	Sub            string   `json:"sub"`
	TID            string   `json:"tid"`
	UniqueName     string   `json:"unique_name"`
	UPN            string   `json:"upn"`
	UTI            string   `json:"uti"`
	Ver            string   `json:"ver"`
	XMSTcdt        int64    `json:"xms_tcdt"`
}

// idTokenClaims mirror an Entra v2.0 ID token.
type idTokenClaims struct {
	Aud               string `json:"aud"`
	Iss               string `json:"iss"`
	Iat               int64  `json:"iat"`
	Nbf               int64  `json:"nbf"`
	Exp               int64  `json:"exp"`
	Name              string `json:"name"`
	OID               string `json:"oid"`
	PreferredUsername string `json:"preferred_username"`
	RH                string `json:"rh"`
	SID               string `json:"sid"`
	Sub               string `json:"sub"`
	TID               string `json:"tid"`
	UTI               string `json:"uti"`
	Ver               string `json:"ver"`
}

// opaque returns a random base64url string of n bytes after prefix, the
// shape of Entra's codes and refresh tokens.
func opaque(prefix string, n int) string {
	return prefix + base64.RawURLEncoding.EncodeToString(randBytes(n))
}

// accessLifetime is the delegated access token lifetime. Caller holds t.mu.
func (t *Tenant) accessLifetime() time.Duration {
	if d := t.state.Directory.AccessTokenLifetime; d > 0 {
		return d
	}
	return accessTokenLifetime
}

// refreshLifetime is the refresh token inactivity timeout. Caller holds t.mu.
func (t *Tenant) refreshLifetime() time.Duration {
	if d := t.state.Directory.RefreshTokenLifetime; d > 0 {
		return d
	}
	return defaultRefreshLifetime
}

// clientAuth checks a client secret or assertion if one was sent. It
// returns the appidacr value: "0" when none was sent. Caller holds t.mu.
func (t *Tenant) clientAuth(r *http.Request, app *App, tid string, now time.Time) (string, *aadError) {
	form := r.PostForm
	_, basicSecret, hasBasic := r.BasicAuth()
	switch secret, assertion := form.Get("client_secret"), form.Get("client_assertion"); {
	case assertion != "":
		if aerr := t.checkAssertion(r, app, tid, r.PathValue("tenant"), form.Get("client_assertion_type"), assertion, now.Unix()); aerr != nil {
			return "", aerr
		}
		return "2", nil
	case secret != "" || (hasBasic && basicSecret != ""):
		if secret == "" {
			secret = basicSecret
		}
		if aerr := checkSecret(app, secret, now); aerr != nil {
			return "", aerr
		}
		return acrSecret, nil
	}
	return acrNone, nil
}

// userGrant serves the token endpoint's user grants: authorization_code,
// device_code, password and refresh_token.
func (t *Tenant) userGrant(w http.ResponseWriter, r *http.Request, tid, grant string) {
	resp, aerr := t.redeem(r, tid, grant)
	if aerr != nil {
		t.writeAADError(w, r, aerr)
		return
	}
	writeJSON(w, http.StatusOK, resp)
}

// redeem validates a user grant and issues the tokens.
func (t *Tenant) redeem(r *http.Request, tid, grant string) (*userTokenResponse, *aadError) {
	form := r.PostForm
	clientID := form.Get("client_id")
	if basicID, _, ok := r.BasicAuth(); clientID == "" && ok {
		clientID = basicID
	}
	if clientID == "" {
		return nil, errMissingParam("client_id")
	}
	now := t.now()
	t.mu.Lock()
	defer t.mu.Unlock()
	app := t.state.app(clientID)
	if app == nil {
		return nil, errAppNotFound(clientID, t.state.Directory.DisplayName)
	}
	if aerr := t.appUsable(app); aerr != nil {
		return nil, aerr
	}
	acr, aerr := t.clientAuth(r, app, tid, now)
	if aerr != nil {
		return nil, aerr
	}
	switch grant {
	case "password":
		if !app.PublicClient && acr == acrNone {
			return nil, errPublicClientRequired()
		}
		return t.passwordGrant(r, tid, app, acr, now)
	case "device_code", deviceCodeGrantURN:
		if !app.PublicClient && acr == acrNone {
			return nil, errPublicClientRequired()
		}
		return t.deviceGrant(r, tid, app, acr, now)
	case "authorization_code":
		return t.codeGrant(r, tid, app, acr, now)
	default:
		return t.refreshTokenGrant(r, tid, app, acr, now)
	}
}

// passwordGrant implements ROPC. Caller holds t.mu.
func (t *Tenant) passwordGrant(r *http.Request, tid string, app *App, acr string, now time.Time) (*userTokenResponse, *aadError) {
	form := r.PostForm
	username, password := form.Get("username"), form.Get("password")
	if username == "" {
		return nil, errMissingParam("username")
	}
	if password == "" {
		return nil, errMissingParam("password")
	}
	req, aerr := t.parseDelegatedScope(form.Get("scope"), false)
	if aerr != nil {
		return nil, aerr
	}
	u := t.state.user(username)
	switch {
	case u == nil:
		return nil, errUserNotFound(t.state.Directory.ID)
	case u.Disabled:
		return nil, errUserDisabled()
	case u.Locked:
		return nil, errUserLocked()
	case subtle.ConstantTimeCompare([]byte(password), []byte(u.Password)) != 1:
		return nil, errBadPassword()
	case u.PasswordExpired:
		return nil, errPasswordExpired()
	}
	if aerr := t.checkDeclared(app, req); aerr != nil {
		return nil, aerr
	}
	if u.MFARequired {
		return nil, errMFARequired(resourceAppID(req.key))
	}
	if len(missingConsent(app, u, req)) > 0 {
		return nil, errConsentRequired(app)
	}
	return t.issueUser(r, tid, app, u, req, acr, acr != acrNone, []string{"pwd"}, now)
}

// deviceGrant redeems an approved device code. Caller holds t.mu.
func (t *Tenant) deviceGrant(r *http.Request, tid string, app *App, acr string, now time.Time) (*userTokenResponse, *aadError) {
	code := r.PostForm.Get("device_code")
	if code == "" {
		return nil, errMissingParam("device_code")
	}
	dc := t.grants.devices[code]
	switch {
	case dc == nil:
		return nil, errGrantMalformed()
	case !strings.EqualFold(dc.clientID, app.ClientID) || dc.redeemed:
		return nil, errGrantInvalid()
	case !now.Before(dc.expires):
		return nil, errDeviceCodeExpired()
	case dc.state == deviceStatePending:
		return nil, errAuthorizationPending()
	case dc.state == deviceStateDeclined:
		return nil, errDeviceDeclined()
	case dc.state == deviceStateFailed:
		return nil, dc.fail
	}
	u := t.state.userByOID(dc.oid)
	if u == nil {
		return nil, errGrantInvalid()
	}
	req, aerr := t.parseDelegatedScope(dc.scope, false)
	if aerr != nil {
		return nil, aerr
	}
	dc.redeemed = true
	return t.issueUser(r, tid, app, u, req, acr, acr != acrNone, t.amr(u), now)
}

// consentedRequest parses a delegated scope request that the app must
// declare and the user must have consented to (authorization-code and
// refresh grants). Caller holds t.mu.
func (t *Tenant) consentedRequest(app *App, u *User, scope string) (*scopeRequest, *aadError) {
	req, aerr := t.parseDelegatedScope(scope, false)
	if aerr != nil {
		return req, aerr
	}
	if aerr := t.checkDeclared(app, req); aerr != nil {
		return req, aerr
	}
	if len(missingConsent(app, u, req)) > 0 {
		return req, errConsentRequired(app)
	}
	return req, nil
}

// amr is the authentication methods of a browser sign-in.
func (t *Tenant) amr(u *User) []string {
	if u.MFARequired {
		return []string{"pwd", "mfa"}
	}
	return []string{"pwd"}
}

// codeGrant redeems an authorization code. Caller holds t.mu.
func (t *Tenant) codeGrant(r *http.Request, tid string, app *App, acr string, now time.Time) (*userTokenResponse, *aadError) {
	form := r.PostForm
	code := form.Get("code")
	if code == "" {
		return nil, errMissingParam("code")
	}
	ac := t.grants.codes[code]
	switch {
	case ac == nil:
		return nil, errGrantMalformed()
	case !strings.EqualFold(ac.clientID, app.ClientID):
		return nil, errGrantInvalid()
	case ac.used:
		return nil, errCodeRedeemed()
	case !now.Before(ac.expires):
		return nil, errCodeExpired()
	case form.Get("redirect_uri") != ac.redirectURI:
		return nil, errGrantInvalid()
	}
	if ac.challenge != "" {
		v := form.Get("code_verifier")
		sum := sha256.Sum256([]byte(v))
		got := base64.RawURLEncoding.EncodeToString(sum[:])
		if strings.EqualFold(ac.method, "plain") {
			got = v
		}
		if v == "" || got != ac.challenge {
			return nil, errVerifierMismatch()
		}
	}
	if ac.confidential && acr == acrNone {
		return nil, errPublicClientRequired()
	}
	u := t.state.userByOID(ac.oid)
	if u == nil {
		return nil, errGrantInvalid()
	}
	scope := form.Get("scope")
	if strings.TrimSpace(scope) == "" {
		scope = ac.scope
	}
	req, aerr := t.consentedRequest(app, u, scope)
	if aerr != nil {
		return nil, aerr
	}
	ac.used = true
	return t.issueUser(r, tid, app, u, req, acr, ac.confidential, t.amr(u), now)
}

// refreshTokenGrant redeems a refresh token and rotates it. Caller holds t.mu.
func (t *Tenant) refreshTokenGrant(r *http.Request, tid string, app *App, acr string, now time.Time) (*userTokenResponse, *aadError) {
	form := r.PostForm
	rt := form.Get("refresh_token")
	if rt == "" {
		return nil, errMissingParam("refresh_token")
	}
	g := t.grants.refresh[rt]
	if g == nil {
		return nil, errGrantMalformed()
	}
	if !strings.EqualFold(g.clientID, app.ClientID) {
		return nil, errGrantInvalid()
	}
	u := t.state.userByOID(g.oid)
	if u == nil {
		return nil, errGrantInvalid()
	}
	life := t.refreshLifetime()
	if t.state.ExpireRefreshTokens || g.expired || now.Sub(g.lastUsed) > life {
		return nil, errRefreshExpired(g.issued, life)
	}
	validFrom := u.TokensValidFrom
	if t.state.RevokeRefreshTokens || g.revoked || (!validFrom.IsZero() && g.issued.Before(validFrom)) {
		if validFrom.IsZero() || validFrom.Before(g.issued) {
			validFrom = now
		}
		return nil, errRefreshRevoked(g.issued, validFrom)
	}
	if g.confidential && acr == acrNone {
		return nil, errPublicClientRequired()
	}
	if u.Disabled {
		return nil, errUserDisabled()
	}
	req, aerr := t.consentedRequest(app, u, form.Get("scope"))
	if aerr != nil {
		return nil, aerr
	}
	g.lastUsed = now
	req.offline = true
	return t.issueUser(r, tid, app, u, req, acr, g.confidential, t.amr(u), now)
}

// issueUser mints the access token (and refresh token, ID token and
// client_info) for user u. Caller holds t.mu.
func (t *Tenant) issueUser(r *http.Request, tid string, app *App, u *User, req *scopeRequest, acr string, confidential bool, amr []string, now time.Time) (*userTokenResponse, *aadError) {
	scp := granted(app, u, req.key)
	if req.key == ResourceGraph {
		for _, s := range req.raw {
			if l := strings.ToLower(s); l == "openid" || l == "profile" || l == "email" {
				scp = append(scp, l)
			}
		}
	}
	life := t.accessLifetime()
	at, err := t.mintUserToken(app, u, req.resource, strings.Join(scp, " "), acr, amr, now, life)
	if err != nil {
		return nil, errServer(err)
	}
	secs := int(life / time.Second)
	if secs > 60 {
		secs--
	}
	resp := &userTokenResponse{TokenType: "Bearer", Scope: strings.Join(req.raw, " "), ExpiresIn: secs, ExtExpiresIn: secs, AccessToken: at}
	if req.offline && offlineGranted(app, t.state.Directory) {
		rt := opaque("1.AXkA", 560)
		t.grants.refresh[rt] = &refreshGrant{clientID: app.ClientID, oid: u.ObjectID, confidential: confidential, issued: now, lastUsed: now}
		resp.RefreshToken = rt
	}
	if req.openid {
		if resp.IDToken, err = t.mintIDToken(r, tid, app, u, now); err != nil {
			return nil, errServer(err)
		}
	}
	ci, _ := json.Marshal(map[string]string{"uid": u.ObjectID, "utid": tid})
	resp.ClientInfo = base64.RawURLEncoding.EncodeToString(ci)
	return resp, nil
}

// nameParts splits a display name into given and family name.
func nameParts(display string) (string, string) {
	given, family, _ := strings.Cut(display, " ")
	return given, family
}

// pairwiseSub is the per-app subject of a user.
func pairwiseSub(oid, clientID string) string {
	sum := sha256.Sum256([]byte(strings.ToLower(oid + clientID)))
	return base64.RawURLEncoding.EncodeToString(sum[:])[:43]
}

// mintUserToken signs a v1.0 delegated access token. Caller holds t.mu.
func (t *Tenant) mintUserToken(app *App, u *User, resource, scp, acr string, amr []string, now time.Time, life time.Duration) (string, error) {
	tid := t.state.Directory.ID
	given, family := nameParts(u.DisplayName)
	claims := userAccessClaims{
		Aud: resource, Iss: t.cloud.issuer(tid),
		Iat: now.Add(-5 * time.Minute).Unix(), Nbf: now.Add(-5 * time.Minute).Unix(), Exp: now.Add(life).Unix(),
		Acr: "1", Aio: "AVQAq/8" + base64.StdEncoding.EncodeToString(randBytes(60)), Amr: slices.Clone(amr),
		AppDisplayName: app.DisplayName, AppID: app.ClientID, AppIDACR: acr,
		FamilyName: family, GivenName: given, IDTyp: "user", IPAddr: "127.0.0.1",
		Name: u.DisplayName, OID: u.ObjectID, Platf: "14", PUID: "10032003" + randString(8, upperHexChar),
		RH:  "1.AXkA" + base64.RawURLEncoding.EncodeToString(randBytes(48)) + ".",
		Scp: scp, SID: newGUID(), Sub: pairwiseSub(u.ObjectID, resource), TID: tid,
		UniqueName: u.UPN, UPN: u.UPN, UTI: base64.RawURLEncoding.EncodeToString(randBytes(16)), Ver: "1.0",
		XMSTcdt: now.AddDate(-3, 0, 0).Unix(),
	}
	return t.signAccessToken(claims)
}

// idHeader is an ID token's JOSE header.
type idHeader struct {
	Typ string `json:"typ"`
	Alg string `json:"alg"`
	Kid string `json:"kid"`
}

// mintIDToken signs a v2.0 ID token for the client. Caller holds t.mu.
func (t *Tenant) mintIDToken(r *http.Request, tid string, app *App, u *User, now time.Time) (string, error) {
	claims := idTokenClaims{
		Aud: app.ClientID, Iss: t.endpoint(r, tid, "/v2.0"),
		Iat: now.Add(-5 * time.Minute).Unix(), Nbf: now.Add(-5 * time.Minute).Unix(), Exp: now.Add(time.Hour).Unix(),
		Name: u.DisplayName, OID: u.ObjectID, PreferredUsername: u.UPN,
		RH:  "1.AXkA" + base64.RawURLEncoding.EncodeToString(randBytes(48)) + ".",
		SID: newGUID(), Sub: pairwiseSub(u.ObjectID, app.ClientID), TID: tid,
		UTI: base64.RawURLEncoding.EncodeToString(randBytes(16)), Ver: "2.0",
	}
	return signJWT(t.pki.signKey, "RS256", idHeader{Typ: "JWT", Alg: "RS256", Kid: x5t(t.pki.signCert)}, claims)
}

// matchRedirect finds uri among the app's redirect URIs: exactly among
// the Web ones (confidential), or among the Mobile and desktop ones, where
// a registered http://localhost matches any port.
func matchRedirect(app *App, uri string) (confidential, ok bool) {
	if slices.Contains(app.Web, uri) {
		return true, true
	}
	got, err := url.Parse(uri)
	if err != nil {
		return false, false
	}
	for _, reg := range app.MobileDesktop {
		if reg == uri {
			return false, true
		}
		want, err := url.Parse(reg)
		if err != nil || want.Scheme != "http" || got.Scheme != "http" {
			continue
		}
		loop := want.Hostname() == "localhost" || want.Hostname() == "127.0.0.1"
		if loop && strings.EqualFold(got.Hostname(), want.Hostname()) &&
			strings.TrimSuffix(got.Path, "/") == strings.TrimSuffix(want.Path, "/") {
			return false, true
		}
	}
	return false, false
}

// authorizeOutcome is what the authorize endpoint answers.
type authorizeOutcome struct {
	page      *aadError // shown on Entra's own page
	pageTitle string    // "" for "Sign in"
	redirect  string    // redirect URI to deliver to
	mode      string    // response_mode
	params    url.Values
}

// handleAuthorize implements GET /{tenant}/oauth2/v2.0/authorize for
// response_type=code. The user is signed in without a password prompt (the
// login hint, else Tenant.User); MFA is satisfied in the browser.
func (t *Tenant) handleAuthorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var out authorizeOutcome
	if tid, aerr := t.resolveTenant(r, r.PathValue("tenant")); aerr != nil {
		out.page = aerr
	} else {
		t.mu.Lock()
		out = t.authorize(r, tid, q)
		t.mu.Unlock()
	}
	if out.page != nil {
		t.writeSignInError(w, r, out.pageTitle, out.page)
		return
	}
	if st := q.Get("state"); st != "" {
		out.params.Set("state", st)
	}
	deliver(w, r, out.redirect, out.mode, out.params)
}

// authorize decides an authorization request. Caller holds t.mu.
func (t *Tenant) authorize(r *http.Request, tid string, q url.Values) authorizeOutcome {
	out := authorizeOutcome{params: url.Values{}, mode: q.Get("response_mode")}
	clientID := q.Get("client_id")
	if clientID == "" {
		out.page = errMissingParam("client_id")
		return out
	}
	app := t.state.app(clientID)
	switch {
	case app == nil:
		out.page = errAppNotFound(clientID, t.state.Directory.DisplayName)
		return out
	case t.appUsable(app) != nil:
		out.page = t.appUsable(app)
		return out
	}
	redirect := q.Get("redirect_uri")
	if redirect == "" {
		out.page = errMissingParam("redirect_uri")
		return out
	}
	confidential, ok := matchRedirect(app, redirect)
	if !ok {
		out.page = errRedirectMismatch(redirect, app.ClientID)
		return out
	}
	out.redirect = redirect
	fail := func(e *aadError) authorizeOutcome {
		out.params = t.errorParams(r, e)
		return out
	}
	if rt := q.Get("response_type"); rt != "code" {
		return fail(errUnsupportedResponseType(rt))
	}
	req, aerr := t.parseDelegatedScope(q.Get("scope"), true)
	if aerr != nil {
		return fail(aerr)
	}
	if aerr := t.checkDeclared(app, req); aerr != nil {
		return fail(aerr)
	}
	hint := q.Get("login_hint")
	if hint == "" {
		hint = t.id.mailbox
	}
	u := t.state.user(hint)
	if aerr := t.signInError(u); aerr != nil {
		out.page = aerr
		return out
	}
	if len(missingConsent(app, u, req)) > 0 {
		switch {
		case q.Get("prompt") == "none":
			e := errConsentRequired(app)
			e.err = "consent_required"
			return fail(e)
		case !t.state.Directory.UserConsentAllowed:
			out.page, out.pageTitle = errAdminConsentRequired(), "Need admin approval"
			return out
		case u.DeclinesConsent:
			return fail(errConsentDeclined())
		}
		consent(app, u, req)
	}
	code := opaque("1.AXkA", 700)
	t.grants.codes[code] = &authCode{
		clientID: app.ClientID, redirectURI: redirect, challenge: q.Get("code_challenge"),
		method: q.Get("code_challenge_method"), oid: u.ObjectID, scope: q.Get("scope"),
		confidential: confidential, expires: t.now().Add(authCodeLifetime),
	}
	out.params.Set("code", code)
	ci, _ := json.Marshal(map[string]string{"uid": u.ObjectID, "utid": tid})
	out.params.Set("client_info", base64.RawURLEncoding.EncodeToString(ci))
	out.params.Set("session_state", newGUID())
	return out
}

// errorParams are the fields of an error delivered to a redirect URI.
func (t *Tenant) errorParams(r *http.Request, e *aadError) url.Values {
	corr := r.Header.Get("client-request-id")
	if !guidRe.MatchString(corr) {
		corr = newGUID()
	}
	code := fmt.Sprint(e.code)
	return url.Values{
		"error": {e.err},
		"error_description": {"AADSTS" + code + ": " + e.desc + "\r\nTrace ID: " + newGUID() +
			"\r\nCorrelation ID: " + corr + "\r\nTimestamp: " + t.now().UTC().Format(aadTimestamp)},
		"error_uri": {"https://" + t.cloud.loginHosts[0] + "/error?code=" + code},
	}
}

// handleDeviceCode implements POST /{tenant}/oauth2/v2.0/devicecode.
func (t *Tenant) handleDeviceCode(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
	if err := r.ParseForm(); err != nil {
		t.writeAADError(w, r, errMissingParam("client_id"))
		return
	}
	if _, aerr := t.resolveTenant(r, r.PathValue("tenant")); aerr != nil {
		t.writeAADError(w, r, aerr)
		return
	}
	clientID := r.PostForm.Get("client_id")
	if clientID == "" {
		t.writeAADError(w, r, errMissingParam("client_id"))
		return
	}
	now := t.now()
	t.mu.Lock()
	app := t.state.app(clientID)
	var aerr *aadError
	switch {
	case app == nil:
		aerr = errAppNotFound(clientID, t.state.Directory.DisplayName)
	default:
		aerr = t.appUsable(app)
	}
	if aerr == nil {
		_, aerr = t.parseDelegatedScope(r.PostForm.Get("scope"), false)
	}
	if aerr != nil {
		t.mu.Unlock()
		t.writeAADError(w, r, aerr)
		return
	}
	life := t.state.Directory.DeviceCodeLifetime
	if life <= 0 {
		life = defaultDeviceLifetime
	}
	interval := t.state.Directory.DeviceCodeInterval
	if interval <= 0 {
		interval = defaultDeviceInterval
	}
	dc := &deviceAuth{
		deviceCode: opaque("DAQABIQEAAAD--DLA3VO7QrddgJg7Wevr", 180), userCode: randString(9, userCodeChars),
		clientID: app.ClientID, scope: r.PostForm.Get("scope"), expires: now.Add(life),
	}
	t.grants.devices[dc.deviceCode] = dc
	t.mu.Unlock()
	verify := t.requestBase(r) + "/devicelogin"
	writeJSON(w, http.StatusOK, struct {
		UserCode        string `json:"user_code"`
		DeviceCode      string `json:"device_code"`
		VerificationURI string `json:"verification_uri"`
		ExpiresIn       int    `json:"expires_in"`
		Interval        int    `json:"interval"`
		Message         string `json:"message"`
	}{dc.userCode, dc.deviceCode, verify, int(life / time.Second), interval,
		"To sign in, use a web browser to open the page " + verify + " and enter the code " + dc.userCode + " to authenticate."})
}

// ErrUnknownUserCode is returned by ApproveDevice and DeclineDevice for a
// user code that was never issued or has expired.
var ErrUnknownUserCode = errors.New("simulate: unknown or expired device user code")

// deviceByUserCode finds a live device code. Caller holds t.mu.
func (t *Tenant) deviceByUserCode(userCode string) *deviceAuth {
	userCode = strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(userCode), "-", ""))
	now := t.now()
	for _, dc := range t.grants.devices {
		if dc.userCode == userCode && now.Before(dc.expires) && dc.state == deviceStatePending {
			return dc
		}
	}
	return nil
}

// ApproveDevice completes the device login page for userCode as the user
// upn ("" means Tenant.User), as a person would in a browser: no password
// is typed, MFA is satisfied, and consent is given when the tenant lets
// users consent (unless the user declines it). When the sign-in cannot
// complete (unknown, disabled or locked user, admin consent required,
// consent declined) the error is returned and the client's next poll
// fails with the same AADSTS error (authorization_declined for a declined
// consent). It returns ErrUnknownUserCode for a code not pending.
func (t *Tenant) ApproveDevice(userCode, upn string) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	dc := t.deviceByUserCode(userCode)
	if dc == nil {
		return ErrUnknownUserCode
	}
	if upn == "" {
		upn = t.id.mailbox
	}
	fail := func(e *aadError) error {
		dc.state, dc.fail = deviceStateFailed, e
		return fmt.Errorf("simulate: AADSTS%d: %s", e.code, e.desc)
	}
	app := t.state.app(dc.clientID)
	if app == nil || !app.Enabled {
		return fail(errAppNotFound(dc.clientID, t.state.Directory.DisplayName))
	}
	u := t.state.user(upn)
	if aerr := t.signInError(u); aerr != nil {
		return fail(aerr)
	}
	req, aerr := t.parseDelegatedScope(dc.scope, false)
	if aerr == nil {
		aerr = t.checkDeclared(app, req)
	}
	if aerr != nil {
		return fail(aerr)
	}
	if len(missingConsent(app, u, req)) > 0 {
		switch {
		case !t.state.Directory.UserConsentAllowed:
			return fail(errAdminConsentRequired())
		case u.DeclinesConsent:
			dc.state = deviceStateDeclined
			e := errConsentDeclined()
			return fmt.Errorf("simulate: AADSTS%d: %s", e.code, e.desc)
		}
		consent(app, u, req)
	}
	dc.state, dc.oid = deviceStateApproved, u.ObjectID
	return nil
}

// DeclineDevice answers the device login page with "No, cancel": the
// client's next poll fails with authorization_declined. It returns
// ErrUnknownUserCode for a code not pending.
func (t *Tenant) DeclineDevice(userCode string) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	dc := t.deviceByUserCode(userCode)
	if dc == nil {
		return ErrUnknownUserCode
	}
	dc.state = deviceStateDeclined
	return nil
}

// ExpireRefreshTokens makes every refresh token issued so far fail with
// AADSTS700082 at its next redemption.
func (t *Tenant) ExpireRefreshTokens() {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, g := range t.grants.refresh {
		g.expired = true
	}
}

// RevokeRefreshTokens revokes every refresh token issued so far, as a
// password reset or Revoke-MgUserSignInSession does: the next redemption
// fails with AADSTS50173. New sign-ins work.
func (t *Tenant) RevokeRefreshTokens() {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	for _, g := range t.grants.refresh {
		g.revoked = true
	}
	for _, u := range t.state.Users {
		u.TokensValidFrom = now
	}
}
