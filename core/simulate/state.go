package simulate

import (
	"crypto/x509"
	"strings"
	"time"
)

// Resource identifiers the simulated directory knows. A token request for a
// scope "<resource>/.default" with any other resource fails with AADSTS500011.
const (
	ResourceExchange       = "https://outlook.office365.com"
	ResourceExchangeLegacy = "https://outlook.office.com"
	ResourceGraph          = "https://graph.microsoft.com"
)

// Application roles (app-only permissions) the Exchange servers check.
const (
	RoleIMAP = "IMAP.AccessAsApp"
	RolePOP  = "POP.AccessAsApp"
	RoleSMTP = "SMTP.SendAsApp"
)

// Microsoft Graph mail permissions (application roles or delegated scopes)
// the Graph server checks. Reading the inbox folder needs one of
// PermMailReadBasic, PermMailReadBasicAll, PermMailRead or
// PermMailReadWrite; sendMail needs PermMailSend.
const (
	PermMailReadBasic    = "Mail.ReadBasic"
	PermMailReadBasicAll = "Mail.ReadBasic.All"
	PermMailRead         = "Mail.Read"
	PermMailReadWrite    = "Mail.ReadWrite"
	PermMailSend         = "Mail.Send"
)

// How SMTP AUTH refuses a password login (Directory.SMTPBasic). Texts as
// quoted in public reports (testdata/diagnose/smtp.txt) and in the
// Exchange team's retirement post for Basic authentication in SMTP AUTH.
const (
	// SMTPBasicRemoved: Basic authentication removed from Client
	// Submission: 550 5.7.30.
	SMTPBasicRemoved = "removed"
	// SMTPBasicSecurityDefaults: security defaults block the legacy sign-in.
	SMTPBasicSecurityDefaults = "security-defaults"
	// SMTPBasicConditionalAccess: a Conditional Access policy blocks it.
	SMTPBasicConditionalAccess = "conditional-access"
)

// Access rights of an Exchange application access policy
// (New-ApplicationAccessPolicy -AccessRight).
const (
	// AccessRestrict lets the app reach only the listed mailboxes.
	AccessRestrict = "RestrictAccess"
	// AccessDeny blocks the app from the listed mailboxes.
	AccessDeny = "DenyAccess"
)

// State is the simulated directory and mailbox store: one tenant, its app
// registrations and its mailboxes. Scenarios are functions that edit a clean
// baseline State. Delegated flows (users, refresh tokens, device codes, Graph
// data) are meant to slot in as further fields and maps keyed the same way.
//
// A State is guarded by its Tenant's mutex; read or change it only inside
// Tenant.Update. Secret values live in App.Secrets.
type State struct {
	Directory Directory
	// Apps are the app registrations, keyed by lower-case client ID.
	Apps map[string]*App
	// Mailboxes are keyed by lower-case SMTP address.
	Mailboxes map[string]*Mailbox
	// GraphThrottle makes Microsoft Graph answer 429 ApplicationThrottled.
	GraphThrottle GraphThrottle
	// Users are the directory's user accounts keyed by lower-case UPN.
	Users map[string]*User
	// ExpireRefreshTokens makes every refresh token redemption fail with
	// AADSTS700082 (expired due to inactivity), as if the token had been
	// unused for longer than Directory.RefreshTokenLifetime. Sign-ins still
	// issue refresh tokens.
	ExpireRefreshTokens bool
	// RevokeRefreshTokens makes every refresh token redemption fail with
	// AADSTS50173 (revoked: password reset or Revoke-MgUserSignInSession),
	// as if the user's TokensValidFrom moved past the token's issue time.
	RevokeRefreshTokens bool
	// GraphCAE makes Microsoft Graph answer every request with a
	// continuous access evaluation claims challenge (401
	// InvalidAuthenticationToken, WWW-Authenticate error="insufficient_claims"),
	// as after a Conditional Access policy change that tokens issued before
	// do not reflect.
	GraphCAE bool
	// LegacyTLS puts a security device that speaks only TLS 1.0 and 1.1 in
	// front of the mail servers: IMAP and POP3 handshakes offer nothing
	// newer, and Exchange answers SMTP AUTH with 421 4.7.66 because the
	// device talks TLS 1.0 to it.
	LegacyTLS bool
}

// GraphThrottle configures Graph throttling: the next Remaining Graph
// requests that would otherwise succeed answer 429 with Retry-After
// RetryAfterSeconds; each throttled request decrements Remaining. Like
// Graph, a client that comes back before Retry-After has passed (by the
// tenant's clock, Options.Now) is throttled again without using one up.
type GraphThrottle struct {
	Remaining         int
	RetryAfterSeconds int
	until             time.Time // end of the last Retry-After window
}

// Directory describes the Entra ID tenant itself.
type Directory struct {
	ID          string // tenant GUID, the tid claim
	Domain      string // initial domain, e.g. contoso-sim.onmicrosoft.com
	DisplayName string // organisation name shown in some AADSTS texts
	// SMTPAuthDisabled mirrors Set-TransportConfig -SmtpClientAuthenticationDisabled $true.
	SMTPAuthDisabled bool
	// BasicAuth lets IMAP LOGIN / AUTHENTICATE PLAIN, POP USER/PASS and
	// SMTP AUTH LOGIN/PLAIN succeed with a mailbox's app password. False is
	// Exchange Online today (basic authentication retired).
	BasicAuth bool
	// SMTPBasic, when set, is how SMTP AUTH answers a password login
	// instead of "basic authentication is disabled": SMTPBasicRemoved,
	// SMTPBasicSecurityDefaults or SMTPBasicConditionalAccess.
	SMTPBasic string
	// UserConsentAllowed lets users consent to delegated permissions
	// themselves (Enterprise applications > Consent and permissions). When
	// false, only an admin can consent (AADSTS90094).
	UserConsentAllowed bool
	// RefreshTokenLifetime is the refresh token inactivity timeout (90 days
	// in Entra). 0 means 90 days.
	RefreshTokenLifetime time.Duration
	// AccessTokenLifetime is the lifetime of delegated access tokens; 0
	// means one hour. Below five minutes MSAL treats a cached token as
	// expired and redeems the refresh token instead.
	AccessTokenLifetime time.Duration
	// DeviceCodeLifetime is how long a device code stays valid; 0 means 15
	// minutes (expires_in 900).
	DeviceCodeLifetime time.Duration
	// DeviceCodeInterval is the polling interval the device code answer
	// asks for, in seconds; 0 means 1 (Entra says 5).
	DeviceCodeInterval int
	// Domains are the tenant's verified domains keyed by lower-case name,
	// the initial Domain included. Tenant discovery, token requests and the
	// user realm endpoint recognise them.
	Domains map[string]*Domain
}

// Domain is one verified domain of the tenant.
type Domain struct {
	Name string
	// Federated makes sign-ins for the domain go to an external identity
	// provider (ADFS): the user realm answers "Federated".
	Federated bool
	// FederationBrandName is the name the realm shows; for a federated
	// domain the brand of the identity provider.
	FederationBrandName string
}

// App is one app registration together with its service principal in the
// tenant.
type App struct {
	ClientID    string // application (client) ID
	DisplayName string
	// ServicePrincipalID is the enterprise application's object ID: the oid
	// and sub claims of app-only tokens.
	ServicePrincipalID string
	Enabled            bool
	Secrets            []Secret
	// Certificates are the registered certificate credentials.
	Certificates []*x509.Certificate
	// Roles are the admin-consented application roles per resource URI
	// (ResourceExchange, ResourceGraph, ...). Tokens carry them in "roles".
	Roles map[string][]string
	// ExchangeServicePrincipal is true when the app's service principal was
	// registered in Exchange Online (New-ServicePrincipal).
	ExchangeServicePrincipal bool
	// FullAccess lists the lower-case addresses of mailboxes the Exchange
	// service principal has FullAccess on (Add-MailboxPermission).
	FullAccess map[string]bool
	// DelegatedScopes are the delegated permissions the registration
	// declares (API permissions), per resource key (ResourceExchange,
	// ResourceGraph); the OpenID scopes are declared under ResourceGraph.
	// Whether users may use them is AdminConsented or the user's own
	// consent. They never appear in app-only tokens.
	DelegatedScopes map[string][]string
	// AccessPolicy is the Exchange application access policy scoped to the
	// app, or nil. It applies to Microsoft Graph (and EWS), not to
	// IMAP/POP/SMTP.
	AccessPolicy *AccessPolicy
	// PublicClient is "Allow public client flows" (Authentication blade):
	// device code and username/password sign-ins without a client secret
	// need it (else AADSTS7000218).
	PublicClient bool
	// MobileDesktop are the redirect URIs of the "Mobile and desktop
	// applications" platform. "http://localhost" matches a loopback
	// redirect on any port.
	MobileDesktop []string
	// Web are the redirect URIs of the "Web" platform; they match exactly
	// and their authorization codes need the client's secret or
	// certificate.
	Web []string
	// AdminConsented is true when an admin granted tenant-wide consent to
	// the DelegatedScopes; users then need no consent of their own.
	AdminConsented bool
	// NoServicePrincipal is true when the tenant has the app registration
	// but no service principal (enterprise application) for it: since
	// March 2026 Entra issues such an app no token (AADSTS7000229).
	NoServicePrincipal bool
	// RBAC are the app's Exchange RBAC for Applications role assignments
	// (New-ManagementRoleAssignment -App). They grant Graph mail
	// permissions for the mailboxes in their scope, independently of the
	// token's roles.
	RBAC []RBACAssignment
}

// RBACAssignment is one Exchange RBAC for Applications role assignment:
// a role such as "Application Mail.Read" limited to a management scope.
type RBACAssignment struct {
	Role string // "Application Mail.Read", "Application Mail.Send", ...
	// Mailboxes are the lower-case addresses in the assignment's
	// management scope.
	Mailboxes map[string]bool
}

// grants reports whether the assignment gives permission perm (e.g.
// "Mail.Read") on the mailbox address.
func (a RBACAssignment) grants(perm, address string) bool {
	return strings.EqualFold(a.Role, "Application "+perm) && a.Mailboxes[strings.ToLower(address)]
}

// AccessPolicy is an Exchange Online application access policy
// (New-ApplicationAccessPolicy). With AccessRestrict the app may open only
// the Mailboxes (an empty set denies everything); with AccessDeny it may
// open every mailbox except them.
type AccessPolicy struct {
	AccessRight string // AccessRestrict or AccessDeny
	// Mailboxes are lower-case SMTP addresses (members of the policy's
	// scope group).
	Mailboxes map[string]bool
}

// allows reports whether the policy lets the app open the mailbox address.
func (p *AccessPolicy) allows(address string) bool {
	if p == nil {
		return true
	}
	in := p.Mailboxes[strings.ToLower(address)]
	if p.AccessRight == AccessDeny {
		return !in
	}
	return in
}

// Secret is one client secret of an app registration. Value is secret.
type Secret struct {
	ID      string // the "Secret ID" GUID shown in the portal
	Value   string
	Expires time.Time
}

// Mailbox is an Exchange Online mailbox.
type Mailbox struct {
	Address string
	// ObjectID is the user's Entra object ID; Graph accepts it in place of
	// the address.
	ObjectID string
	// ExchangeOnline is false when the user has no Exchange Online mailbox
	// (no licence, hosted on-premises, or soft-deleted): Graph answers 404
	// MailboxNotEnabledForRESTAPI and IMAP/POP/SMTP logins fail.
	ExchangeOnline  bool
	IMAPEnabled     bool // Set-CASMailbox -ImapEnabled
	POPEnabled      bool // Set-CASMailbox -PopEnabled
	SMTPAuthEnabled bool // Set-CASMailbox -SmtpClientAuthenticationDisabled $false
	Inbox           []Message
	// Sent counts messages accepted over SMTP from this mailbox.
	Sent int
	// AppPasswords are the app passwords basic authentication accepts for
	// this mailbox when Directory.BasicAuth is on.
	AppPasswords []string
	// Shared marks a shared mailbox (its user account cannot sign in).
	Shared bool
	// GraphSent records the messages submitted with Graph sendMail.
	GraphSent []GraphMessage
}

// GraphMessage is one message accepted by Graph sendMail.
type GraphMessage struct {
	Subject         string
	To              []string // every recipient address (to, cc, bcc)
	SaveToSentItems bool
}

// Message is one message in a mailbox folder.
type Message struct {
	UID  uint32
	Body []byte // RFC 5322 text with CRLF line ends
	// Seen marks a read message. Graph's unreadItemCount counts the others;
	// the IMAP and POP servers do not report read state.
	Seen bool
}

// app returns the registration for clientID, or nil.
func (s *State) app(clientID string) *App {
	return s.Apps[strings.ToLower(clientID)]
}

// mailbox returns the mailbox with the address, or nil.
func (s *State) mailbox(address string) *Mailbox {
	return s.Mailboxes[strings.ToLower(address)]
}

// mailboxByID returns the mailbox whose address or object ID is id
// (case-insensitive), or nil.
func (s *State) mailboxByID(id string) *Mailbox {
	if mb := s.mailbox(id); mb != nil {
		return mb
	}
	for _, mb := range s.Mailboxes {
		if mb.ObjectID != "" && strings.EqualFold(mb.ObjectID, id) {
			return mb
		}
	}
	return nil
}

// domain returns the tenant's verified domain name, or nil.
func (s *State) domain(name string) *Domain {
	return s.Directory.Domains[strings.ToLower(name)]
}

// roleKey maps a resource URI of any cloud to the key App.Roles uses: every
// Exchange Online resource shares the grants of ResourceExchange, every
// Microsoft Graph resource those of ResourceGraph.
func roleKey(resource string) string {
	r := strings.TrimSuffix(resource, "/")
	for _, c := range cloudProfiles {
		switch {
		case c.isExchange(r):
			return ResourceExchange
		case c.isGraph(r):
			return ResourceGraph
		}
	}
	return r
}

// roles returns the roles granted to app on resource (see roleKey).
func (a *App) roles(resource string) []string {
	return a.Roles[roleKey(resource)]
}

// identity is what a Tenant prints for the user to paste; it never changes
// after Start. Scenarios edit the State so that some of it stops matching.
type identity struct {
	tenantID, domain, displayName string
	clientID, appName, spID       string
	secretID, secret              string
	mailbox, mailboxOID           string
	userPassword, appPassword     string
	shared, sharedOID             string
	delegate, delegateOID         string
	delegatePassword              string
	cert                          *x509.Certificate // the printed certificate
	otherCert                     *x509.Certificate // same key, different thumbprint
}

// baseline returns the "ok" State for id at time now.
func baseline(id identity, now time.Time) *State {
	app := &App{
		ClientID:           id.clientID,
		DisplayName:        id.appName,
		ServicePrincipalID: id.spID,
		Enabled:            true,
		Secrets: []Secret{{
			ID:      id.secretID,
			Value:   id.secret,
			Expires: now.AddDate(0, 6, 0),
		}},
		Certificates: []*x509.Certificate{id.cert},
		Roles: map[string][]string{
			ResourceExchange: {RoleIMAP, RolePOP, RoleSMTP},
			ResourceGraph:    {PermMailRead, PermMailSend},
		},
		ExchangeServicePrincipal: true,
		FullAccess:               map[string]bool{strings.ToLower(id.mailbox): true},
		DelegatedScopes: map[string][]string{
			ResourceExchange: {ScopeIMAP, ScopePOP, ScopeSMTP},
			ResourceGraph:    {PermMailRead, PermMailSend, PermUserRead, ScopeIMAP, ScopePOP, ScopeSMTP, "offline_access", "openid", "profile", "email"},
		},
		PublicClient:   true,
		MobileDesktop:  []string{"http://localhost"},
		Web:            []string{"http://localhost:8400/callback", "https://app.contoso-sim.test/oauth/callback"},
		AdminConsented: true,
	}
	mb := &Mailbox{
		Address:         id.mailbox,
		ObjectID:        id.mailboxOID,
		ExchangeOnline:  true,
		IMAPEnabled:     true,
		POPEnabled:      true,
		SMTPAuthEnabled: true,
		Inbox:           sampleMessages(id.mailbox, now),
	}
	mb.AppPasswords = []string{id.appPassword}
	s := &State{
		Directory: Directory{
			ID:                 id.tenantID,
			Domain:             id.domain,
			DisplayName:        id.displayName,
			UserConsentAllowed: true,
			Domains: map[string]*Domain{strings.ToLower(id.domain): {
				Name: id.domain, FederationBrandName: id.displayName,
			}},
		},
		Apps:      map[string]*App{strings.ToLower(app.ClientID): app},
		Mailboxes: map[string]*Mailbox{strings.ToLower(mb.Address): mb},
	}
	addUsers(s, id, now)
	return s
}

// sampleMessages returns the three messages every simulated inbox starts with.
func sampleMessages(to string, now time.Time) []Message {
	subjects := []string{"Welcome to your new mailbox", "Quarterly report", "Lunch on Friday?"}
	msgs := make([]Message, len(subjects))
	for i, subj := range subjects {
		date := now.Add(-time.Duration(len(subjects)-i) * time.Hour).UTC().Format(time.RFC1123Z)
		body := "From: Simulated Sender <sender@fabrikam-sim.example>\r\n" +
			"To: " + to + "\r\n" +
			"Subject: " + subj + "\r\n" +
			"Date: " + date + "\r\n" +
			"Message-ID: <sim-" + string(rune('a'+i)) + "@fabrikam-sim.example>\r\n" +
			"MIME-Version: 1.0\r\n" +
			"Content-Type: text/plain; charset=utf-8\r\n" +
			"\r\n" +
			"This message lives in a simulated Exchange Online mailbox.\r\n" +
			".A line that starts with a dot, to exercise dot-stuffing.\r\n"
		// The older messages have been read, the newest has not.
		msgs[i] = Message{UID: uint32(i + 1), Body: []byte(body), Seen: i < len(subjects)-1}
	}
	return msgs
}
