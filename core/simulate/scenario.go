package simulate

import (
	"crypto/x509"
	"fmt"
	"strings"
	"time"

	"github.com/mailoauth/mailoauth-tester/core/diagnose"
)

// Scenario describes one simulated tenant configuration. WantID is the
// diagnosis ID (see core/diagnose) a correct tester ends with; it is empty
// for the working configuration.
type Scenario struct {
	Name        string
	Title       string
	Description string
	WantID      diagnose.ID
	// UserFlowsOnly is true when WantID applies only to flows that sign a
	// user in (username/password, device code, ...): an app-only
	// (client-credentials) run against the scenario succeeds.
	UserFlowsOnly bool
	// Flows are the sign-in flows WantID applies to (FlowInteractive,
	// FlowDeviceCode, FlowAuthCode, FlowPassword, FlowAppPassword,
	// FlowRefresh); the other flows succeed. Nil means every flow,
	// client credentials included (or, with UserFlowsOnly, every user flow).
	Flows []string
}

// scenarioDef is a Scenario plus the edit it makes to the baseline State.
type scenarioDef struct {
	Scenario
	apply func(s *State, id identity, now time.Time)
}

// scenarioDefs is the catalogue, in the stable order Scenarios returns.
var scenarioDefs = []scenarioDef{
	{Scenario{"ok", "Everything configured",
		"The app has a valid secret and certificate, admin-consented IMAP/POP/SMTP application roles and Microsoft Graph Mail.Read and Mail.Send application roles, an Exchange service principal with FullAccess on the mailbox, the mailbox has an Exchange Online licence, and all protocols are enabled.",
		"", false, nil}, nil},
	{Scenario{"secret-wrong", "Wrong client secret",
		"The secret printed for the user is not the value registered on the app (AADSTS7000215).",
		diagnose.ClientSecretInvalid, false, nil},
		func(s *State, id identity, now time.Time) {
			s.app(id.clientID).Secrets[0].Value = newSecretValue()
		}},
	{Scenario{"secret-expired", "Client secret expired",
		"The printed secret is registered but expired yesterday (AADSTS7000222).",
		diagnose.ClientSecretExpired, false, nil},
		func(s *State, id identity, now time.Time) {
			s.app(id.clientID).Secrets[0].Expires = now.Add(-24 * time.Hour)
		}},
	{Scenario{"app-unknown", "Application not found",
		"No app registration with the printed client ID exists in the tenant (AADSTS700016).",
		diagnose.AppNotFound, false, nil},
		func(s *State, id identity, now time.Time) {
			app := s.app(id.clientID)
			delete(s.Apps, strings.ToLower(app.ClientID))
			app.ClientID = newGUID()
			s.Apps[strings.ToLower(app.ClientID)] = app
		}},
	{Scenario{"tenant-unknown", "Tenant not found",
		"The printed tenant ID and domain do not belong to any tenant (AADSTS90002).",
		diagnose.TenantNotFound, false, nil},
		func(s *State, id identity, now time.Time) {
			s.Directory.ID = newGUID()
			s.Directory.Domain = "fabrikam-sim.onmicrosoft.com"
			s.Directory.Domains = map[string]*Domain{s.Directory.Domain: {Name: s.Directory.Domain, FederationBrandName: "Fabrikam (simulated)"}}
		}},
	{Scenario{"no-admin-consent", "Application permissions not consented",
		"Tokens are issued, but without a roles claim: IMAP.AccessAsApp, POP.AccessAsApp and SMTP.SendAsApp were never admin-consented.",
		diagnose.AdminConsentRequired, false, nil},
		func(s *State, id identity, now time.Time) {
			delete(s.app(id.clientID).Roles, ResourceExchange)
		}},
	{Scenario{"exchange-sp-missing", "Exchange service principal missing",
		"Tokens carry the roles, but the app's service principal was never registered in Exchange Online (New-ServicePrincipal).",
		diagnose.ExchangeServicePrincipalMissing, false, nil},
		func(s *State, id identity, now time.Time) {
			app := s.app(id.clientID)
			app.ExchangeServicePrincipal = false
			app.FullAccess = map[string]bool{}
		}},
	{Scenario{"mailbox-permission-missing", "Mailbox permission missing",
		"The Exchange service principal exists but has no FullAccess permission on the mailbox (Add-MailboxPermission).",
		diagnose.ExchangeServicePrincipalMissing, false, nil},
		func(s *State, id identity, now time.Time) {
			s.app(id.clientID).FullAccess = map[string]bool{}
		}},
	{Scenario{"imap-disabled", "IMAP disabled on the mailbox",
		"Authentication succeeds, but IMAP is disabled for the mailbox: every mailbox command answers \"User is authenticated but not connected.\"",
		diagnose.MailboxNotConnected, false, nil},
		func(s *State, id identity, now time.Time) {
			s.mailbox(id.mailbox).IMAPEnabled = false
		}},
	{Scenario{"pop-disabled", "POP disabled on the mailbox",
		"Authentication succeeds, but POP is disabled for the mailbox: every maildrop command answers \"User is authenticated but not connected.\"",
		diagnose.MailboxNotConnected, false, nil},
		func(s *State, id identity, now time.Time) {
			s.mailbox(id.mailbox).POPEnabled = false
		}},
	{Scenario{"smtp-auth-disabled", "SMTP AUTH disabled for the tenant",
		"SmtpClientAuthenticationDisabled is set tenant-wide: SMTP AUTH answers 535 5.7.139.",
		diagnose.SMTPAuthDisabled, false, nil},
		func(s *State, id identity, now time.Time) {
			s.Directory.SMTPAuthDisabled = true
		}},
	{Scenario{"cert-not-registered", "Certificate not registered",
		"The printed certificate is not the one registered on the app (AADSTS700027); the client secret still works.",
		diagnose.CertificateNotRegistered, false, nil},
		func(s *State, id identity, now time.Time) {
			s.app(id.clientID).Certificates = []*x509.Certificate{id.otherCert}
		}},
	{Scenario{"app-disabled", "Application disabled",
		"The app's service principal is disabled in the tenant (AADSTS7000112).",
		diagnose.AppDisabled, false, nil},
		func(s *State, id identity, now time.Time) {
			s.app(id.clientID).Enabled = false
		}},
	{Scenario{"graph-access-policy", "Graph blocked by an application access policy",
		"An Exchange application access policy (RestrictAccess) scopes the app to a group the mailbox is not in: Graph answers 403 ErrorAccessDenied \"Access to OData is disabled: [RAOP] : Blocked by tenant configured AppOnly AccessPolicy settings.\" IMAP, POP and SMTP are not governed by the policy and still work.",
		diagnose.GraphAccessPolicy, false, nil},
		func(s *State, id identity, now time.Time) {
			s.app(id.clientID).AccessPolicy = &AccessPolicy{AccessRight: AccessRestrict, Mailboxes: map[string]bool{}}
		}},
	{Scenario{"graph-permission-missing", "Graph permissions added as delegated",
		"Mail.Read and Mail.Send were added to the app as delegated permissions instead of application permissions: app-only Graph tokens carry no Mail roles and Graph answers 403 ErrorAccessDenied \"Access is denied. Check credentials and try again.\" IMAP, POP and SMTP still work.",
		diagnose.GraphPermissionDenied, false, nil},
		func(s *State, id identity, now time.Time) {
			app := s.app(id.clientID)
			delete(app.Roles, ResourceGraph)
			app.DelegatedScopes[ResourceGraph] = []string{PermMailRead, PermMailSend}
		}},
	{Scenario{"graph-mailbox-missing", "No Exchange Online mailbox",
		"The user exists but has no Exchange Online licence (no cloud mailbox): Graph answers 404 MailboxNotEnabledForRESTAPI and IMAP, POP and SMTP logins fail like for a mailbox that does not exist.",
		diagnose.MailboxNotFound, false, nil},
		func(s *State, id identity, now time.Time) {
			s.mailbox(id.mailbox).ExchangeOnline = false
		}},
	{Scenario{"graph-throttled", "Graph throttling",
		"The first Graph request answers 429 ApplicationThrottled (\"Application is over its MailboxConcurrency limit.\") with Retry-After: 1, later ones succeed. A client that honours Retry-After succeeds, so the expected diagnosis is none; one that gives up at the 429 should be diagnosed as throttled.",
		"", false, nil},
		func(s *State, id identity, now time.Time) {
			s.GraphThrottle = GraphThrottle{Remaining: 1, RetryAfterSeconds: 1}
		}},
	{Scenario{"client-sp-missing", "No enterprise application for the app",
		"The app registration exists but the tenant has no service principal (enterprise application) for it: since March 2026 Entra ID issues no token to such an app and every sign-in fails with AADSTS7000229.",
		diagnose.ClientServicePrincipalMissing, false, nil},
		func(s *State, id identity, now time.Time) {
			s.app(id.clientID).NoServicePrincipal = true
		}},
	{Scenario{"graph-rbac-out-of-scope", "Graph: RBAC for Applications does not cover the mailbox",
		"The app was moved from Entra permissions to Exchange RBAC for Applications: the registration has no Microsoft Graph application permission any more, and its \"Application Mail.Read\" and \"Application Mail.Send\" role assignments are scoped to another mailbox. Graph answers 403 ErrorAccessDenied \"Access is denied. Check credentials and try again.\" (the same words as for a missing permission: only Test-ServicePrincipalAuthorization tells them apart). IMAP, POP and SMTP still work.",
		diagnose.GraphPermissionDenied, false, nil},
		func(s *State, id identity, now time.Time) {
			app := s.app(id.clientID)
			delete(app.Roles, ResourceGraph)
			scope := map[string]bool{"finance@" + id.domain: true}
			app.RBAC = []RBACAssignment{{Role: "Application " + PermMailRead, Mailboxes: scope}, {Role: "Application " + PermMailSend, Mailboxes: scope}}
		}},
	{Scenario{"graph-cae-challenge", "Graph: continuous access evaluation challenge",
		"A Conditional Access policy changed after the Graph token was issued: continuous access evaluation makes Graph answer 401 InvalidAuthenticationToken \"Continuous access evaluation resulted in challenge with result: InteractionRequired and code: TokenCreatedWithOutdatedPolicies\" with a claims challenge (error=\"insufficient_claims\") in WWW-Authenticate. IMAP, POP and SMTP still work.",
		diagnose.CAEChallenge, false, nil},
		func(s *State, id identity, now time.Time) {
			s.GraphCAE = true
		}},
	{Scenario{"smtp-auth-disabled-mailbox", "SMTP AUTH disabled for the mailbox",
		"Set-CASMailbox -SmtpClientAuthenticationDisabled $true on the mailbox: SMTP AUTH answers 535 5.7.139 \"SmtpClientAuthentication is disabled for the Mailbox\" while the tenant allows it.",
		diagnose.SMTPAuthDisabled, false, nil},
		func(s *State, id identity, now time.Time) {
			s.mailbox(id.mailbox).SMTPAuthEnabled = false
		}},
	{Scenario{"tls-legacy", "Only TLS 1.0/1.1 on the way to the mail servers",
		"A security device in front of the mail servers speaks only TLS 1.0 and 1.1: the IMAP and POP3 handshakes offer nothing newer (this tester, like Exchange Online since 2026, requires TLS 1.2), and Exchange answers SMTP AUTH with 421 4.7.66 \"TLS 1.0 and 1.1 are not supported\" because the device talks TLS 1.0 to it. Sign-in and Graph are not affected.",
		diagnose.TLSVersion, false, nil},
		func(s *State, id identity, now time.Time) {
			s.LegacyTLS = true
		}},
	{Scenario{"federated-domain", "Federated domain",
		"The mailbox's domain is federated with an ADFS server (\"Contoso ADFS\"): the user realm answers Federated. Only username/password sign-ins are affected; client credentials, IMAP, POP, SMTP and Graph still work.",
		diagnose.FederatedPasswordGrant, true, []string{FlowPassword}},
		func(s *State, id identity, now time.Time) {
			_, domain, _ := strings.Cut(id.mailbox, "@")
			d := s.domain(domain)
			if d == nil {
				d = &Domain{Name: domain}
				s.Directory.Domains[strings.ToLower(domain)] = d
			}
			d.Federated, d.FederationBrandName = true, "Contoso ADFS"
		}},
	{Scenario{"consent-missing", "User has not consented",
		"No admin consent was granted for the app's delegated permissions and the user never consented; users may consent. Browser sign-ins (interactive, web auth code, device code) show the consent page and pass; a username/password sign-in cannot and fails with AADSTS65001 (consent_required).",
		diagnose.ConsentRequired, true, []string{FlowPassword}},
		func(s *State, id identity, now time.Time) {
			s.app(id.clientID).AdminConsented = false
		}},
	{Scenario{"admin-consent-required", "Admin consent required",
		"Users may not consent to apps and no admin consented to the delegated permissions: browser sign-ins stop at \"Need admin approval\" (AADSTS90094). A username/password sign-in fails with AADSTS65001 instead (consent-required).",
		diagnose.AdminConsentRequired, true, []string{FlowInteractive, FlowAuthCode, FlowDeviceCode}},
		func(s *State, id identity, now time.Time) {
			s.app(id.clientID).AdminConsented = false
			s.Directory.UserConsentAllowed = false
		}},
	{Scenario{"public-client-disabled", "Public client flows not allowed",
		"\"Allow public client flows\" is off on the app registration: device code and username/password sign-ins without a client secret fail with AADSTS7000218. The interactive browser sign-in (Mobile and desktop redirect URI) still works.",
		diagnose.PublicClientFlowsDisabled, true, []string{FlowDeviceCode, FlowPassword}},
		func(s *State, id identity, now time.Time) {
			s.app(id.clientID).PublicClient = false
		}},
	{Scenario{"redirect-uri-mismatch", "Redirect URI not registered",
		"The app has no \"Mobile and desktop\" redirect URI and its Web platform lists only https://app.contoso-sim.test/oauth/callback: sign-ins redirecting to http://localhost stop on Entra's page with AADSTS50011.",
		diagnose.RedirectURIMismatch, true, []string{FlowInteractive, FlowAuthCode}},
		func(s *State, id identity, now time.Time) {
			app := s.app(id.clientID)
			app.MobileDesktop = nil
			app.Web = []string{"https://app.contoso-sim.test/oauth/callback"}
		}},
	{Scenario{"mfa-required", "MFA required",
		"A Conditional Access policy requires multi-factor authentication for the user: username/password sign-ins fail with AADSTS50076 (suberror basic_action); browser sign-ins perform MFA and pass.",
		diagnose.MFARequired, true, []string{FlowPassword}},
		func(s *State, id identity, now time.Time) {
			s.user(id.mailbox).MFARequired = true
		}},
	{Scenario{"password-wrong", "Wrong user password",
		"The printed user password is not the user's password: username/password sign-ins fail with AADSTS50126. Browser sign-ins (no password typed in the simulation) pass.",
		diagnose.CredentialsInvalid, true, []string{FlowPassword}},
		func(s *State, id identity, now time.Time) {
			s.user(id.mailbox).Password = "Sim-" + randString(12, alnum) + "!9"
		}},
	{Scenario{"refresh-expired", "Refresh token expired",
		"Sign-ins succeed and return refresh tokens, but every refresh token redemption fails with AADSTS700082 (expired due to inactivity).",
		diagnose.RefreshTokenExpired, true, []string{FlowRefresh}},
		func(s *State, id identity, now time.Time) {
			s.ExpireRefreshTokens = true
		}},
	{Scenario{"refresh-revoked", "Refresh token revoked",
		"Sign-ins succeed and return refresh tokens, but every refresh token redemption fails with AADSTS50173 (revoked: the user's password was reset or their sessions revoked).",
		diagnose.RefreshTokenExpired, true, []string{FlowRefresh}},
		func(s *State, id identity, now time.Time) {
			s.RevokeRefreshTokens = true
		}},
	{Scenario{"consent-declined", "User declined consent",
		"The app needs the user's consent and the user presses Cancel on the consent page: the redirect URI receives access_denied AADSTS65004 (device code: authorization_declined). Username/password sign-ins fail with AADSTS65001 instead (consent-required).",
		diagnose.ConsentDeclined, true, []string{FlowInteractive, FlowAuthCode, FlowDeviceCode}},
		func(s *State, id identity, now time.Time) {
			s.app(id.clientID).AdminConsented = false
			s.user(id.mailbox).DeclinesConsent = true
		}},
	{Scenario{"user-not-found", "Sign-in name does not exist",
		"The user's UPN is support.desk@ while the mailbox address is support@ (UPN differs from the e-mail address): signing in as the printed user fails with AADSTS50034 (device code: the poll fails with it). App-only access to the mailbox works.",
		diagnose.UserNotFound, true, []string{FlowInteractive, FlowAuthCode, FlowDeviceCode, FlowPassword}},
		func(s *State, id identity, now time.Time) {
			u := s.user(id.mailbox)
			delete(s.Users, strings.ToLower(u.UPN))
			u.UPN = "support.desk@" + id.domain
			s.Users[strings.ToLower(u.UPN)] = u
		}},
	{Scenario{"shared-mailbox-no-access", "No FullAccess on the shared mailbox",
		"The delegate user (DelegateUser) has no FullAccess or Send As on the shared mailbox: the delegate's token opens their own mailbox, but IMAP/POP/SMTP logins to SharedMailbox answer AUTHENTICATE failed like any rejected token.",
		diagnose.MailboxAuthRejected, true, []string{FlowInteractive, FlowAuthCode, FlowDeviceCode, FlowPassword, FlowRefresh}},
		func(s *State, id identity, now time.Time) {
			u := s.user(id.delegate)
			u.FullAccess, u.SendAs = map[string]bool{}, map[string]bool{}
		}},
	{Scenario{"basic-auth-disabled", "Basic authentication disabled",
		"Basic authentication is off, as in every Exchange Online tenant today: the printed app password is refused (IMAP NO LOGIN failed., POP -ERR Logon failure, SMTP 535 5.7.139 basic authentication is disabled). Same configuration as ok; it documents the app-password flow.",
		diagnose.BasicAuthDisabled, true, []string{FlowAppPassword}},
		nil},
	{Scenario{"app-password", "App password accepted",
		"Basic authentication is on and the printed app password is the mailbox's: IMAP LOGIN, POP USER/PASS and SMTP AUTH LOGIN/PLAIN succeed without a token (like Gmail or an on-premises server).",
		"", true, []string{FlowAppPassword}},
		func(s *State, id identity, now time.Time) {
			s.Directory.BasicAuth = true
		}},
	{Scenario{"smtp-basic-auth-removed", "SMTP AUTH no longer takes passwords (5.7.30)",
		"Basic authentication is gone from Client Submission, as announced for Exchange Online after December 2026: a password login to SMTP AUTH answers 550 5.7.30 \"Basic authentication is not supported for Client Submission.\"; IMAP and POP refuse it as today. OAuth still works.",
		diagnose.BasicAuthDisabled, true, []string{FlowAppPassword}},
		func(s *State, id identity, now time.Time) {
			s.Directory.SMTPBasic = SMTPBasicRemoved
		}},
	{Scenario{"smtp-security-defaults", "SMTP password login blocked by security defaults",
		"Security defaults block the legacy sign-in: SMTP AUTH answers 535 5.7.139 \"user is locked by your organization's security defaults policy\"; IMAP and POP refuse passwords as today. OAuth still works.",
		diagnose.ConditionalAccessBlocked, true, []string{FlowAppPassword}},
		func(s *State, id identity, now time.Time) {
			s.Directory.SMTPBasic = SMTPBasicSecurityDefaults
		}},
	{Scenario{"smtp-conditional-access", "SMTP password login blocked by Conditional Access",
		"A Conditional Access policy blocks the legacy sign-in: SMTP AUTH answers 535 5.7.139 \"the request did not meet the criteria to be authenticated successfully\"; IMAP and POP refuse passwords as today. OAuth still works.",
		diagnose.ConditionalAccessBlocked, true, []string{FlowAppPassword}},
		func(s *State, id identity, now time.Time) {
			s.Directory.SMTPBasic = SMTPBasicConditionalAccess
		}},
}

// Scenarios returns every scenario Start and SetScenario accept, in a stable
// order, "ok" first.
func Scenarios() []Scenario {
	out := make([]Scenario, len(scenarioDefs))
	for i, d := range scenarioDefs {
		out[i] = d.Scenario
	}
	return out
}

// lookupScenario resolves name ("" means "ok"), a preset scenario's too.
func lookupScenario(name string) (scenarioDef, error) {
	if name == "" {
		name = "ok"
	}
	for _, d := range scenarioDefs {
		if d.Name == name {
			return d, nil
		}
	}
	if d, ok := lookupPresetScenario(name); ok {
		return d, nil
	}
	return scenarioDef{}, fmt.Errorf("simulate: unknown scenario %q", name)
}
