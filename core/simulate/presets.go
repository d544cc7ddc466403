package simulate

import (
	"slices"
	"strings"
	"time"

	"github.com/mailoauth/mailoauth-tester/core/diagnose"
)

// PresetScenario is a scenario of one product preset (core/preset): the
// tenant set up exactly as that product's guide prescribes, nothing more
// (so a tester that asks for more than the product needs fails it), or
// with the one mistake made most often with that product. A run with the
// preset (mailoauth check --preset ID) passes the first and ends on
// WantID for the second.
type PresetScenario struct {
	Scenario
	// Preset is the core/preset ID the scenario is about.
	Preset string
	// Flow is the product's sign-in flow: "" for client credentials, or
	// FlowAuthCode.
	Flow string
	// RedirectURI is the product's own redirect URI, registered on the
	// app's Web platform in this scenario ("" when the product has none).
	RedirectURI string
	// AsDelegate says the product signs in as DelegateUser and opens
	// SharedMailbox (Cisco ECE's service account and alias); otherwise it
	// opens Mailbox (as its owner, in a delegated flow).
	AsDelegate bool
	// SendTestMail says the product sends: run with a test message, which
	// alone proves Send As or Mail.Send.
	SendTestMail bool
}

// Redirect URIs of the products, on the simulated customer's hosts. The
// patterns are the presets' (core/preset/presets).
const (
	eceRedirect    = "https://ece.contoso-sim.test/web/view/mail/admin/account/showauthcode.jsp"
	motionRedirect = "https://motion.contoso-sim.test/api/cloudProviders/oauth2/microsoft/callback"
)

// presetScenarioDef is a PresetScenario and its edit of the baseline.
type presetScenarioDef struct {
	PresetScenario
	apply func(s *State, id identity, now time.Time)
}

// PresetScenarios returns the scenarios of the product presets: for each
// preset, the one that passes, then its typical failure. Start and
// SetScenario accept their names like those of Scenarios.
func PresetScenarios() []PresetScenario {
	out := make([]PresetScenario, len(presetScenarioDefs))
	for i, d := range presetScenarioDefs {
		out[i] = d.PresetScenario
	}
	return out
}

// lookupPresetScenario finds a preset scenario by name.
func lookupPresetScenario(name string) (scenarioDef, bool) {
	for _, d := range presetScenarioDefs {
		if d.Name == name {
			return scenarioDef{Scenario: d.Scenario, apply: d.apply}, true
		}
	}
	return scenarioDef{}, false
}

// productApp strips the baseline app to nothing: no role, no delegated
// permission, no redirect URI, no Exchange service principal or mailbox
// right. Each preset scenario then adds what its product needs.
func productApp(s *State, id identity) *App {
	app := s.app(id.clientID)
	app.Roles = map[string][]string{}
	app.DelegatedScopes = map[string][]string{}
	app.ExchangeServicePrincipal = false
	app.FullAccess = map[string]bool{}
	app.PublicClient = false
	app.MobileDesktop, app.Web, app.RBAC = nil, nil, nil
	return app
}

// appOnlyReader is an app that reads (or sends from) the mailbox with
// the Exchange application roles given, registered in Exchange Online
// with Full Access on the mailbox.
func appOnlyReader(s *State, id identity, roles ...string) *App {
	app := productApp(s, id)
	app.Roles[ResourceExchange] = roles
	app.ExchangeServicePrincipal = true
	app.FullAccess[strings.ToLower(id.mailbox)] = true
	return app
}

// delegatedProduct is an app with a Web redirect URI and the delegated
// permissions given, admin-consented.
func delegatedProduct(s *State, id identity, redirect string, scopes ...string) *App {
	app := productApp(s, id)
	app.Web = []string{redirect}
	app.DelegatedScopes[ResourceGraph] = scopes
	app.AdminConsented = true
	return app
}

// Delegated permissions of the two delegated products, as their guides
// list them (the optional Mail.* ones left out: the protocols do not need
// them).
var (
	eceScopes    = []string{ScopePOP, ScopeIMAP, ScopeSMTP, "offline_access", PermUserRead}
	motionScopes = []string{ScopeIMAP, ScopeSMTP, "offline_access", "openid", "profile", "email", PermUserRead}
)

func eceOK(s *State, id identity, _ time.Time) { delegatedProduct(s, id, eceRedirect, eceScopes...) }

func motionOK(s *State, id identity, _ time.Time) {
	delegatedProduct(s, id, motionRedirect, motionScopes...)
}

// graphSender is an app that sends through Microsoft Graph only.
func graphSender(s *State, id identity) *App { return productApp(s, id) }

// presetScenarioDefs is the catalogue, in the stable order
// PresetScenarios returns: products first, then the generic presets,
// each as its passing scenario and its failure.
var presetScenarioDefs = []presetScenarioDef{
	{PresetScenario{Scenario: Scenario{Name: "sytel-softdial-ok", Title: "Sytel Softdial: set up as its guide says",
		Description: "The app has only IMAP.AccessAsApp (admin-consented), is registered in Exchange Online with New-ServicePrincipal and has Full Access on the SCC mailbox."},
		Preset: "sytel-softdial"},
		func(s *State, id identity, _ time.Time) { appOnlyReader(s, id, RoleIMAP) }},
	{PresetScenario{Scenario: Scenario{Name: "sytel-softdial-exchange-sp-missing", Title: "Sytel Softdial: New-ServicePrincipal used the wrong Object ID",
		Description: "IMAP.AccessAsApp is consented, but the Exchange service principal was created with the app registration's Object ID instead of the enterprise application's, so Exchange does not know the app and its Full Access went to nobody: IMAP answers AUTHENTICATE failed.",
		WantID:      diagnose.ExchangeServicePrincipalMissing},
		Preset: "sytel-softdial"},
		func(s *State, id identity, _ time.Time) {
			app := appOnlyReader(s, id, RoleIMAP)
			app.ExchangeServicePrincipal, app.FullAccess = false, map[string]bool{}
		}},

	{PresetScenario{Scenario: Scenario{Name: "cisco-ece-ok", Title: "Cisco ECE: service account delegated to the alias",
		Description: "ECE's showauthcode.jsp address is a Web redirect URI; POP, IMAP, SMTP.Send, offline_access and User.Read are delegated and admin-consented; the service account (DelegateUser) has Full Access and Send As on the alias (SharedMailbox)."},
		Preset: "cisco-ece", Flow: FlowAuthCode, RedirectURI: eceRedirect, AsDelegate: true, SendTestMail: true},
		eceOK},
	{PresetScenario{Scenario: Scenario{Name: "cisco-ece-alias-no-send-as", Title: "Cisco ECE: alias without Send As",
		Description: "As cisco-ece-ok, but the service account has only Full Access on the alias: POP3 and SMTP AUTH work, and the reply sent as the alias is refused with 554 5.2.252 SendAsDenied.",
		WantID:      diagnose.SendAsDenied},
		Preset: "cisco-ece", Flow: FlowAuthCode, RedirectURI: eceRedirect, AsDelegate: true, SendTestMail: true},
		func(s *State, id identity, now time.Time) {
			eceOK(s, id, now)
			s.user(id.delegate).SendAs = map[string]bool{}
		}},

	{PresetScenario{Scenario: Scenario{Name: "xcally-motion-ok", Title: "XCALLY Motion: set up as its guide says",
		Description: "Motion's OAuth callback is a Web redirect URI; IMAP, SMTP.Send, offline_access, openid, profile, email and User.Read are delegated and admin-consented; the mailbox's owner signs in."},
		Preset: "xcally-motion", Flow: FlowAuthCode, RedirectURI: motionRedirect, SendTestMail: true},
		motionOK},
	{PresetScenario{Scenario: Scenario{Name: "xcally-motion-no-offline-access", Title: "XCALLY Motion: offline_access missing",
		Description: "offline_access is not among the app's API permissions and users may not consent themselves: the sign-in works, but no refresh token is issued, so Motion stops when the first access token expires.",
		WantID:      diagnose.ConsentRequired},
		Preset: "xcally-motion", Flow: FlowAuthCode, RedirectURI: motionRedirect, SendTestMail: true},
		func(s *State, id identity, _ time.Time) {
			var scopes []string
			for _, sc := range motionScopes {
				if sc != "offline_access" {
					scopes = append(scopes, sc)
				}
			}
			delegatedProduct(s, id, motionRedirect, scopes...)
			s.Directory.UserConsentAllowed = false
		}},

	{PresetScenario{Scenario: Scenario{Name: "opexus-ecase-ok", Title: "eCASE: Mail.Send through RBAC for Applications",
		Description: "The app has no Microsoft Graph permission in Entra ID; an Exchange role assignment \"Application Mail.Send\" scoped to the system mailbox lets it send from it. Its Graph token carries no role, and reading the mailbox is refused."},
		Preset: "opexus-ecase", SendTestMail: true},
		func(s *State, id identity, _ time.Time) {
			app := graphSender(s, id)
			app.RBAC = []RBACAssignment{{Role: "Application " + PermMailSend, Mailboxes: map[string]bool{strings.ToLower(id.mailbox): true}}}
		}},
	{PresetScenario{Scenario: Scenario{Name: "opexus-ecase-mail-send-delegated", Title: "eCASE: Mail.Send added as a delegated permission",
		Description: "Mail.Send was added to the app as a delegated permission instead of an application permission, and no RBAC assignment exists: the app-only Graph token carries no role and sendMail answers 403 ErrorAccessDenied.",
		WantID:      diagnose.GraphPermissionDenied},
		Preset: "opexus-ecase", SendTestMail: true},
		func(s *State, id identity, _ time.Time) {
			app := graphSender(s, id)
			app.DelegatedScopes[ResourceGraph] = []string{PermMailSend}
		}},

	{PresetScenario{Scenario: Scenario{Name: "cisco-unity-connection-ok", Title: "Unity Connection: Mail.ReadWrite scoped with RBAC for Applications",
		Description: "An Exchange role assignment \"Application Mail.ReadWrite\" scoped to the unified messaging mailbox replaces a tenant-wide Graph permission: Graph reads the mailbox although the token carries no role."},
		Preset: "cisco-unity-connection"},
		func(s *State, id identity, _ time.Time) {
			app := productApp(s, id)
			app.RBAC = []RBACAssignment{{Role: "Application " + PermMailReadWrite, Mailboxes: map[string]bool{strings.ToLower(id.mailbox): true}}}
		}},
	{PresetScenario{Scenario: Scenario{Name: "cisco-unity-connection-out-of-scope", Title: "Unity Connection: the mailbox is outside the RBAC scope",
		Description: "The \"Application Mail.ReadWrite\" assignment is scoped to another mailbox: Graph answers 403 ErrorAccessDenied for this one.",
		WantID:      diagnose.GraphPermissionDenied},
		Preset: "cisco-unity-connection"},
		func(s *State, id identity, _ time.Time) {
			app := productApp(s, id)
			app.RBAC = []RBACAssignment{{Role: "Application " + PermMailReadWrite, Mailboxes: map[string]bool{"finance@" + id.domain: true}}}
		}},

	{PresetScenario{Scenario: Scenario{Name: "generic-imap-pop-reader-ok", Title: "Unattended reader: IMAP and POP roles, Full Access",
		Description: "IMAP.AccessAsApp and POP.AccessAsApp consented, the Exchange service principal registered with Full Access on the mailbox."},
		Preset: "generic-imap-pop-reader"},
		func(s *State, id identity, _ time.Time) { appOnlyReader(s, id, RoleIMAP, RolePOP) }},
	{PresetScenario{Scenario: Scenario{Name: "generic-imap-pop-reader-imap-disabled", Title: "Unattended reader: IMAP turned off on the mailbox",
		Description: "Everything is in place in Entra ID and Exchange, but Set-CASMailbox -ImapEnabled $false: the login works and the mailbox answers \"User is authenticated but not connected.\"",
		WantID:      diagnose.MailboxNotConnected},
		Preset: "generic-imap-pop-reader"},
		func(s *State, id identity, _ time.Time) {
			appOnlyReader(s, id, RoleIMAP, RolePOP)
			s.mailbox(id.mailbox).IMAPEnabled = false
		}},

	{PresetScenario{Scenario: Scenario{Name: "generic-smtp-app-sender-ok", Title: "App-only SMTP sender: SMTP.SendAsApp, Full Access",
		Description: "SMTP.SendAsApp consented, the Exchange service principal registered with Full Access on the sending mailbox, SMTP AUTH on."},
		Preset: "generic-smtp-app-sender", SendTestMail: true},
		func(s *State, id identity, _ time.Time) { appOnlyReader(s, id, RoleSMTP) }},
	{PresetScenario{Scenario: Scenario{Name: "generic-smtp-app-sender-smtp-auth-disabled", Title: "App-only SMTP sender: SMTP AUTH off for the mailbox",
		Description: "Everything is in place for the app, but Set-CASMailbox -SmtpClientAuthenticationDisabled $true on the sending mailbox: 535 5.7.139.",
		WantID:      diagnose.SMTPAuthDisabled},
		Preset: "generic-smtp-app-sender", SendTestMail: true},
		func(s *State, id identity, _ time.Time) {
			appOnlyReader(s, id, RoleSMTP)
			s.mailbox(id.mailbox).SMTPAuthEnabled = false
		}},

	{PresetScenario{Scenario: Scenario{Name: "generic-graph-sender-ok", Title: "Graph sender: Mail.Send application permission",
		Description: "Mail.Send is an admin-consented Microsoft Graph application permission (in the token's roles); the app holds no permission to read mail."},
		Preset: "generic-graph-sender", SendTestMail: true},
		func(s *State, id identity, _ time.Time) {
			graphSender(s, id).Roles[ResourceGraph] = []string{PermMailSend}
		}},
	{PresetScenario{Scenario: Scenario{Name: "generic-graph-sender-access-policy", Title: "Graph sender: an application access policy leaves the sender out",
		Description: "Mail.Send is consented, but a legacy application access policy (RestrictAccess) limits the app to a group the sending mailbox is not in: sendMail answers 403 \"Access to OData is disabled: [RAOP]\".",
		WantID:      diagnose.GraphAccessPolicy},
		Preset: "generic-graph-sender", SendTestMail: true},
		func(s *State, id identity, _ time.Time) {
			app := graphSender(s, id)
			app.Roles[ResourceGraph] = []string{PermMailSend}
			app.AccessPolicy = &AccessPolicy{AccessRight: AccessRestrict, Mailboxes: map[string]bool{}}
		}},
}

// offlineGranted reports whether a sign-in that asks for offline_access
// gets a refresh token: when an admin consented to the app's permissions
// and offline_access is among them, or when users may consent to it
// themselves (the consent page lists it). An app registered without
// offline_access in a tenant where only admins consent gets access tokens
// alone — XCALLY's "works for an hour" failure.
func offlineGranted(app *App, dir Directory) bool {
	if dir.UserConsentAllowed {
		return true
	}
	return app.AdminConsented && slices.ContainsFunc(app.DelegatedScopes[ResourceGraph], func(s string) bool { return strings.EqualFold(s, "offline_access") })
}
