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
}

// scenarioDef is a Scenario plus the edit it makes to the baseline State.
type scenarioDef struct {
	Scenario
	apply func(s *State, id identity, now time.Time)
}

// scenarioDefs is the catalogue, in the stable order Scenarios returns.
var scenarioDefs = []scenarioDef{
	{Scenario{"ok", "Everything configured",
		"The app has a valid secret and certificate, admin-consented IMAP/POP/SMTP application roles, an Exchange service principal with FullAccess on the mailbox, and all protocols are enabled.",
		""}, nil},
	{Scenario{"secret-wrong", "Wrong client secret",
		"The secret printed for the user is not the value registered on the app (AADSTS7000215).",
		"client-secret-invalid"},
		func(s *State, id identity, now time.Time) {
			s.app(id.clientID).Secrets[0].Value = newSecretValue()
		}},
	{Scenario{"secret-expired", "Client secret expired",
		"The printed secret is registered but expired yesterday (AADSTS7000222).",
		"client-secret-expired"},
		func(s *State, id identity, now time.Time) {
			s.app(id.clientID).Secrets[0].Expires = now.Add(-24 * time.Hour)
		}},
	{Scenario{"app-unknown", "Application not found",
		"No app registration with the printed client ID exists in the tenant (AADSTS700016).",
		"app-not-found"},
		func(s *State, id identity, now time.Time) {
			app := s.app(id.clientID)
			delete(s.Apps, strings.ToLower(app.ClientID))
			app.ClientID = newGUID()
			s.Apps[strings.ToLower(app.ClientID)] = app
		}},
	{Scenario{"tenant-unknown", "Tenant not found",
		"The printed tenant ID and domain do not belong to any tenant (AADSTS90002).",
		"tenant-not-found"},
		func(s *State, id identity, now time.Time) {
			s.Directory.ID = newGUID()
			s.Directory.Domain = "fabrikam-sim.onmicrosoft.com"
		}},
	{Scenario{"no-admin-consent", "Application permissions not consented",
		"Tokens are issued, but without a roles claim: IMAP.AccessAsApp, POP.AccessAsApp and SMTP.SendAsApp were never admin-consented.",
		"token-permission-missing"},
		func(s *State, id identity, now time.Time) {
			delete(s.app(id.clientID).Roles, ResourceExchange)
		}},
	{Scenario{"exchange-sp-missing", "Exchange service principal missing",
		"Tokens carry the roles, but the app's service principal was never registered in Exchange Online (New-ServicePrincipal).",
		"exchange-service-principal-missing"},
		func(s *State, id identity, now time.Time) {
			app := s.app(id.clientID)
			app.ExchangeServicePrincipal = false
			app.FullAccess = map[string]bool{}
		}},
	{Scenario{"mailbox-permission-missing", "Mailbox permission missing",
		"The Exchange service principal exists but has no FullAccess permission on the mailbox (Add-MailboxPermission).",
		"exchange-service-principal-missing"},
		func(s *State, id identity, now time.Time) {
			s.app(id.clientID).FullAccess = map[string]bool{}
		}},
	{Scenario{"imap-disabled", "IMAP disabled on the mailbox",
		"Authentication succeeds, but IMAP is disabled for the mailbox: every mailbox command answers \"User is authenticated but not connected.\"",
		"mailbox-not-connected"},
		func(s *State, id identity, now time.Time) {
			s.mailbox(id.mailbox).IMAPEnabled = false
		}},
	{Scenario{"pop-disabled", "POP disabled on the mailbox",
		"Authentication succeeds, but POP is disabled for the mailbox: every maildrop command answers \"User is authenticated but not connected.\"",
		"mailbox-not-connected"},
		func(s *State, id identity, now time.Time) {
			s.mailbox(id.mailbox).POPEnabled = false
		}},
	{Scenario{"smtp-auth-disabled", "SMTP AUTH disabled for the tenant",
		"SmtpClientAuthenticationDisabled is set tenant-wide: SMTP AUTH answers 535 5.7.139.",
		"smtp-auth-disabled"},
		func(s *State, id identity, now time.Time) {
			s.Directory.SMTPAuthDisabled = true
		}},
	{Scenario{"cert-not-registered", "Certificate not registered",
		"The printed certificate is not the one registered on the app (AADSTS700027); the client secret still works.",
		"certificate-not-registered"},
		func(s *State, id identity, now time.Time) {
			s.app(id.clientID).Certificates = []*x509.Certificate{id.otherCert}
		}},
	{Scenario{"app-disabled", "Application disabled",
		"The app's service principal is disabled in the tenant (AADSTS7000112).",
		"app-disabled"},
		func(s *State, id identity, now time.Time) {
			s.app(id.clientID).Enabled = false
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
