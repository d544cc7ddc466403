package simulate

import (
	"slices"
	"strings"
	"time"
)

// Delegated permissions (scp) the Exchange servers check for user tokens,
// and Microsoft Graph's User.Read.
const (
	ScopeIMAP    = "IMAP.AccessAsUser.All"
	ScopePOP     = "POP.AccessAsUser.All"
	ScopeSMTP    = "SMTP.Send"
	PermUserRead = "User.Read"
)

// Sign-in flows, the values of Scenario.Flows.
const (
	// FlowInteractive is the system-browser sign-in of a public client
	// (MSAL AcquireTokenInteractive: auth code + PKCE, form_post to
	// http://localhost).
	FlowInteractive = "interactive"
	// FlowDeviceCode is the device code flow.
	FlowDeviceCode = "device-code"
	// FlowAuthCode is the authorization code flow of a confidential web
	// client with its own redirect URI (AuthCodeURL + AcquireTokenByAuthCode).
	FlowAuthCode = "auth-code"
	// FlowPassword is the username/password (ROPC) grant.
	FlowPassword = "password"
	// FlowAppPassword is basic authentication with an app password, no
	// token.
	FlowAppPassword = "app-password"
	// FlowRefresh is a refresh token redemption after a first sign-in
	// (MSAL AcquireTokenSilent once the access token is gone).
	FlowRefresh = "refresh"
)

// Resource application IDs Entra prints in AADSTS texts.
const (
	exchangeAppID = "00000002-0000-0ff1-ce00-000000000000"
	graphAppID    = GraphAppID
)

// protocolScopes are the mail protocol scopes Microsoft Graph also
// exposes: declaring them under Microsoft Graph (as Microsoft's IMAP/POP/SMTP
// OAuth guide does) covers requests for the Exchange resource too.
var protocolScopes = []string{ScopeIMAP, ScopePOP, ScopeSMTP}

// oidcNames are the OpenID Connect scopes; they never select a resource.
var oidcNames = []string{"openid", "profile", "email", "offline_access"}

// User is one Entra ID user account.
type User struct {
	UPN         string // user principal name, the sign-in name
	DisplayName string
	// ObjectID is the user's object ID: the oid claim and, for a user with
	// a mailbox, the mailbox's ObjectID.
	ObjectID string
	Password string
	// Mailbox is the address of the user's own mailbox, or "".
	Mailbox string
	// MFARequired: a Conditional Access policy (or security defaults)
	// requires MFA; username/password sign-ins fail with AADSTS50076.
	MFARequired bool
	// Disabled blocks sign-in (AADSTS50057), as for a shared mailbox's account.
	Disabled bool
	// Locked is smart lockout after bad passwords (AADSTS50053).
	Locked bool
	// PasswordExpired: the password must be changed (AADSTS50055).
	PasswordExpired bool
	// DeclinesConsent makes the simulated browser user press Cancel on
	// the consent page (AADSTS65004).
	DeclinesConsent bool
	// Consented are the delegated permissions the user consented to, per
	// lower-case client ID, each "resourceKey/Scope" (for example
	// "https://outlook.office365.com/IMAP.AccessAsUser.All").
	Consented map[string][]string
	// FullAccess and SendAs list the lower-case addresses of other
	// mailboxes the user has FullAccess (Add-MailboxPermission) and Send As
	// (Add-RecipientPermission) on.
	FullAccess map[string]bool
	SendAs     map[string]bool
	// TokensValidFrom: refresh tokens issued before it are revoked
	// (AADSTS50173). Zero means never revoked.
	TokensValidFrom time.Time
}

// user returns the user with the UPN (case-insensitive), or nil.
func (s *State) user(upn string) *User {
	return s.Users[strings.ToLower(strings.TrimSpace(upn))]
}

// userByOID returns the user with the object ID, or nil.
func (s *State) userByOID(oid string) *User {
	for _, u := range s.Users {
		if strings.EqualFold(u.ObjectID, oid) {
			return u
		}
	}
	return nil
}

// addUsers puts the baseline users, the delegate's mailbox and the shared
// mailbox into s.
func addUsers(s *State, id identity, now time.Time) {
	s.Users = map[string]*User{}
	add := func(u *User) { s.Users[strings.ToLower(u.UPN)] = u }
	add(&User{UPN: id.mailbox, DisplayName: "Support Desk", ObjectID: id.mailboxOID, Password: id.userPassword,
		Mailbox: id.mailbox, Consented: map[string][]string{}, FullAccess: map[string]bool{}, SendAs: map[string]bool{}})
	add(&User{UPN: id.delegate, DisplayName: "Alex Agent", ObjectID: id.delegateOID, Password: id.delegatePassword,
		Mailbox: id.delegate, Consented: map[string][]string{},
		FullAccess: map[string]bool{strings.ToLower(id.shared): true},
		SendAs:     map[string]bool{strings.ToLower(id.shared): true}})
	// A shared mailbox has a user account whose sign-in is blocked.
	add(&User{UPN: id.shared, DisplayName: "Shared Inbox", ObjectID: id.sharedOID, Disabled: true,
		Mailbox: id.shared, Consented: map[string][]string{}, FullAccess: map[string]bool{}, SendAs: map[string]bool{}})
	for _, m := range []struct {
		addr, oid string
		shared    bool
	}{{id.delegate, id.delegateOID, false}, {id.shared, id.sharedOID, true}} {
		s.Mailboxes[strings.ToLower(m.addr)] = &Mailbox{
			Address: m.addr, ObjectID: m.oid, ExchangeOnline: true,
			IMAPEnabled: true, POPEnabled: true, SMTPAuthEnabled: true,
			Inbox: sampleMessages(m.addr, now), Shared: m.shared,
		}
	}
}

// scopeRequest is a parsed delegated scope parameter.
type scopeRequest struct {
	raw      []string // the scopes as requested, without duplicates
	resource string   // the audience, e.g. https://outlook.office.com
	key      string   // roleKey(resource)
	names    []string // short names of the resource scopes (not .default)
	dflt     bool     // "<resource>/.default" requested
	offline  bool     // offline_access requested
	openid   bool     // openid requested
}

// resourceAppID returns the application ID Entra names for a resource key.
func resourceAppID(key string) string {
	if key == ResourceExchange {
		return exchangeAppID
	}
	if key == ResourceGraph {
		return graphAppID
	}
	return key
}

// parseDelegatedScope parses a delegated scope list: short names are
// Microsoft Graph scopes, "<resource>/<name>" names a resource, the OpenID
// scopes are free. Scopes of two resources fail with AADSTS28000 unless
// multi is set (the authorize endpoint accepts them; the first resource
// wins). The caller holds t.mu.
func (t *Tenant) parseDelegatedScope(scope string, multi bool) (*scopeRequest, *aadError) {
	req := &scopeRequest{}
	for _, s := range strings.Fields(scope) {
		if slices.ContainsFunc(req.raw, func(r string) bool { return strings.EqualFold(r, s) }) {
			continue
		}
		req.raw = append(req.raw, s)
		if i := slices.IndexFunc(oidcNames, func(n string) bool { return strings.EqualFold(n, s) }); i >= 0 {
			req.offline = req.offline || oidcNames[i] == "offline_access"
			req.openid = req.openid || oidcNames[i] == "openid"
			continue
		}
		resource, name := t.cloud.graph, s
		if i := strings.LastIndex(s, "/"); i > 0 && strings.Contains(s, "://") {
			resource, name = strings.TrimSuffix(s[:i], "/"), s[i+1:]
		}
		if !t.cloud.isExchange(resource) && !t.cloud.isGraph(resource) {
			return nil, errResourceNotFound(resource, t.state.Directory.DisplayName)
		}
		key := roleKey(resource)
		if req.key != "" && req.key != key {
			if multi {
				continue
			}
			return nil, errMultipleResources(scope)
		}
		if req.key == "" {
			req.key, req.resource = key, resource
		}
		if name == ".default" {
			req.dflt = true
		} else if name != "" {
			req.names = append(req.names, name)
		}
	}
	if len(req.raw) == 0 {
		return nil, errMissingParam("scope")
	}
	if req.key == "" {
		req.resource, req.key = t.cloud.graph, ResourceGraph
	}
	return req, nil
}

// declared returns the delegated scopes app declares for a resource key,
// without the OpenID scopes; for Exchange the protocol scopes declared
// under Microsoft Graph count too.
func (a *App) declared(key string) []string {
	var out []string
	for _, s := range a.DelegatedScopes[key] {
		if !slices.Contains(oidcNames, s) {
			out = append(out, s)
		}
	}
	if key == ResourceExchange {
		for _, s := range a.DelegatedScopes[ResourceGraph] {
			if slices.Contains(protocolScopes, s) && !slices.Contains(out, s) {
				out = append(out, s)
			}
		}
	}
	return out
}

// checkDeclared returns AADSTS650057 when the app declares no delegated
// permission at all on the requested resource.
func (t *Tenant) checkDeclared(app *App, req *scopeRequest) *aadError {
	if len(req.names) == 0 && !req.dflt {
		return nil
	}
	if len(app.declared(req.key)) > 0 {
		return nil
	}
	var valid []string
	for _, k := range []string{ResourceExchange, ResourceGraph} {
		if len(app.declared(k)) > 0 {
			valid = append(valid, resourceAppID(k))
		}
	}
	return errUndeclaredResource(app, req.resource, resourceAppID(req.key), strings.Join(valid, ", "))
}

// granted returns the scopes user may use on the resource key of app:
// the declared ones when an admin consented, plus the user's own consent.
func granted(app *App, u *User, key string) []string {
	var out []string
	if app.AdminConsented {
		out = append(out, app.declared(key)...)
	}
	for _, c := range u.Consented[strings.ToLower(app.ClientID)] {
		if name, ok := strings.CutPrefix(c, key+"/"); ok && !slices.ContainsFunc(out, func(s string) bool { return strings.EqualFold(s, name) }) {
			out = append(out, name)
		}
	}
	return out
}

// missingConsent returns the requested scopes user has not consented to
// (and no admin has); for .default every declared scope counts.
func missingConsent(app *App, u *User, req *scopeRequest) []string {
	have := granted(app, u, req.key)
	want := req.names
	if req.dflt {
		want = append(slices.Clone(want), app.declared(req.key)...)
	}
	var miss []string
	for _, n := range want {
		if !slices.ContainsFunc(have, func(s string) bool { return strings.EqualFold(s, n) }) {
			miss = append(miss, n)
		}
	}
	return miss
}

// consent records user's consent to the requested scopes.
func consent(app *App, u *User, req *scopeRequest) {
	if u.Consented == nil {
		u.Consented = map[string][]string{}
	}
	k := strings.ToLower(app.ClientID)
	for _, n := range missingConsent(app, u, req) {
		u.Consented[k] = append(u.Consented[k], req.key+"/"+n)
	}
}

// signInError returns the AADSTS error that stops user from signing in
// with a browser (no password is typed in the simulation, and MFA is
// satisfied there), or nil. u is nil for an unknown name.
func (t *Tenant) signInError(u *User) *aadError {
	switch {
	case u == nil:
		return errUserNotFound(t.state.Directory.ID)
	case u.Disabled:
		return errUserDisabled()
	case u.Locked:
		return errUserLocked()
	case u.PasswordExpired:
		return errPasswordExpired()
	}
	return nil
}
