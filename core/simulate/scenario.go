package simulate

import (
	"crypto/x509"
	"fmt"
	"strings"
	"time"
)

// Scenario describes one simulated tenant configuration. WantID is the
// diagnosis ID (see core/diagnose) a correct tester ends with; it is empty
// for the working configuration.
type Scenario struct {
	Name        string
	Title       string
	Description string
	WantID      string
	// UserFlowsOnly is true when WantID applies only to flows that sign a
	// user in (username/password, device code, ...): an app-only
	// (client-credentials) run against the scenario succeeds.
	UserFlowsOnly bool
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
		"", false}, nil},
	{Scenario{"secret-wrong", "Wrong client secret",
		"The secret printed for the user is not the value registered on the app (AADSTS7000215).",
		"client-secret-invalid", false},
		func(s *State, id identity, now time.Time) {
			s.app(id.clientID).Secrets[0].Value = newSecretValue()
		}},
	{Scenario{"secret-expired", "Client secret expired",
		"The printed secret is registered but expired yesterday (AADSTS7000222).",
		"client-secret-expired", false},
		func(s *State, id identity, now time.Time) {
			s.app(id.clientID).Secrets[0].Expires = now.Add(-24 * time.Hour)
		}},
	{Scenario{"app-unknown", "Application not found",
		"No app registration with the printed client ID exists in the tenant (AADSTS700016).",
		"app-not-found", false},
		func(s *State, id identity, now time.Time) {
			app := s.app(id.clientID)
			delete(s.Apps, strings.ToLower(app.ClientID))
			app.ClientID = newGUID()
			s.Apps[strings.ToLower(app.ClientID)] = app
		}},
	{Scenario{"tenant-unknown", "Tenant not found",
		"The printed tenant ID and domain do not belong to any tenant (AADSTS90002).",
		"tenant-not-found", false},
		func(s *State, id identity, now time.Time) {
			s.Directory.ID = newGUID()
			s.Directory.Domain = "fabrikam-sim.onmicrosoft.com"
			s.Directory.Domains = map[string]*Domain{s.Directory.Domain: {Name: s.Directory.Domain, FederationBrandName: "Fabrikam (simulated)"}}
		}},
	{Scenario{"no-admin-consent", "Application permissions not consented",
		"Tokens are issued, but without a roles claim: IMAP.AccessAsApp, POP.AccessAsApp and SMTP.SendAsApp were never admin-consented.",
		"token-permission-missing", false},
		func(s *State, id identity, now time.Time) {
			delete(s.app(id.clientID).Roles, ResourceExchange)
		}},
	{Scenario{"exchange-sp-missing", "Exchange service principal missing",
		"Tokens carry the roles, but the app's service principal was never registered in Exchange Online (New-ServicePrincipal).",
		"exchange-service-principal-missing", false},
		func(s *State, id identity, now time.Time) {
			app := s.app(id.clientID)
			app.ExchangeServicePrincipal = false
			app.FullAccess = map[string]bool{}
		}},
	{Scenario{"mailbox-permission-missing", "Mailbox permission missing",
		"The Exchange service principal exists but has no FullAccess permission on the mailbox (Add-MailboxPermission).",
		"exchange-service-principal-missing", false},
		func(s *State, id identity, now time.Time) {
			s.app(id.clientID).FullAccess = map[string]bool{}
		}},
	{Scenario{"imap-disabled", "IMAP disabled on the mailbox",
		"Authentication succeeds, but IMAP is disabled for the mailbox: every mailbox command answers \"User is authenticated but not connected.\"",
		"mailbox-not-connected", false},
		func(s *State, id identity, now time.Time) {
			s.mailbox(id.mailbox).IMAPEnabled = false
		}},
	{Scenario{"pop-disabled", "POP disabled on the mailbox",
		"Authentication succeeds, but POP is disabled for the mailbox: every maildrop command answers \"User is authenticated but not connected.\"",
		"mailbox-not-connected", false},
		func(s *State, id identity, now time.Time) {
			s.mailbox(id.mailbox).POPEnabled = false
		}},
	{Scenario{"smtp-auth-disabled", "SMTP AUTH disabled for the tenant",
		"SmtpClientAuthenticationDisabled is set tenant-wide: SMTP AUTH answers 535 5.7.139.",
		"smtp-auth-disabled", false},
		func(s *State, id identity, now time.Time) {
			s.Directory.SMTPAuthDisabled = true
		}},
	{Scenario{"cert-not-registered", "Certificate not registered",
		"The printed certificate is not the one registered on the app (AADSTS700027); the client secret still works.",
		"certificate-not-registered", false},
		func(s *State, id identity, now time.Time) {
			s.app(id.clientID).Certificates = []*x509.Certificate{id.otherCert}
		}},
	{Scenario{"app-disabled", "Application disabled",
		"The app's service principal is disabled in the tenant (AADSTS7000112).",
		"app-disabled", false},
		func(s *State, id identity, now time.Time) {
			s.app(id.clientID).Enabled = false
		}},
	{Scenario{"graph-access-policy", "Graph blocked by an application access policy",
		"An Exchange application access policy (RestrictAccess) scopes the app to a group the mailbox is not in: Graph answers 403 ErrorAccessDenied \"Access to OData is disabled: [RAOP] : Blocked by tenant configured AppOnly AccessPolicy settings.\" IMAP, POP and SMTP are not governed by the policy and still work.",
		"graph-access-policy", false},
		func(s *State, id identity, now time.Time) {
			s.app(id.clientID).AccessPolicy = &AccessPolicy{AccessRight: AccessRestrict, Mailboxes: map[string]bool{}}
		}},
	{Scenario{"graph-permission-missing", "Graph permissions added as delegated",
		"Mail.Read and Mail.Send were added to the app as delegated permissions instead of application permissions: app-only Graph tokens carry no Mail roles and Graph answers 403 ErrorAccessDenied \"Access is denied. Check credentials and try again.\" IMAP, POP and SMTP still work.",
		"graph-permission-denied", false},
		func(s *State, id identity, now time.Time) {
			app := s.app(id.clientID)
			delete(app.Roles, ResourceGraph)
			app.DelegatedScopes[ResourceGraph] = []string{PermMailRead, PermMailSend}
		}},
	{Scenario{"graph-mailbox-missing", "No Exchange Online mailbox",
		"The user exists but has no Exchange Online licence (no cloud mailbox): Graph answers 404 MailboxNotEnabledForRESTAPI and IMAP, POP and SMTP logins fail like for a mailbox that does not exist.",
		"mailbox-not-found", false},
		func(s *State, id identity, now time.Time) {
			s.mailbox(id.mailbox).ExchangeOnline = false
		}},
	{Scenario{"graph-throttled", "Graph throttling",
		"The first Graph request answers 429 ApplicationThrottled (\"Application is over its MailboxConcurrency limit.\") with Retry-After: 1, later ones succeed. A client that honours Retry-After succeeds, so the expected diagnosis is none; one that gives up at the 429 should be diagnosed as throttled.",
		"", false},
		func(s *State, id identity, now time.Time) {
			s.GraphThrottle = GraphThrottle{Remaining: 1, RetryAfterSeconds: 1}
		}},
	{Scenario{"federated-domain", "Federated domain",
		"The mailbox's domain is federated with an ADFS server (\"Contoso ADFS\"): the user realm answers Federated. Only username/password sign-ins are affected; client credentials, IMAP, POP, SMTP and Graph still work.",
		"federated-password-grant", true},
		func(s *State, id identity, now time.Time) {
			_, domain, _ := strings.Cut(id.mailbox, "@")
			d := s.domain(domain)
			if d == nil {
				d = &Domain{Name: domain}
				s.Directory.Domains[strings.ToLower(domain)] = d
			}
			d.Federated, d.FederationBrandName = true, "Contoso ADFS"
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

// lookupScenario resolves name ("" means "ok").
func lookupScenario(name string) (scenarioDef, error) {
	if name == "" {
		name = "ok"
	}
	for _, d := range scenarioDefs {
		if d.Name == name {
			return d, nil
		}
	}
	return scenarioDef{}, fmt.Errorf("simulate: unknown scenario %q", name)
}
