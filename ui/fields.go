package ui

import (
	"strings"
	"time"

	"github.com/mailoauth/mailoauth-tester/core/cloud"
	"github.com/mailoauth/mailoauth-tester/core/profile"
)

// inputKind is how a field is typed in.
type inputKind int

const (
	textInput      inputKind = iota // one-line entry
	secretInput                     // password entry; never saved
	fileInput                       // entry with a Browse button
	choiceInput                     // drop-down
	radioInput                      // radio buttons in a row
	checkInput                      // one check box
	protocolsInput                  // a check box per protocol
)

// fieldDef is one field of the form. The table of them (fieldDefs) is the
// only place a field is described: the form builds its widgets from it,
// reads a profile from it, fills it from a profile, enables, masks,
// validates and remembers it.
//
// raw values are what the widget holds as text: an entry's text, a
// choice's title, "true" or "" for a check box, and comma-separated
// protocol names.
type fieldDef struct {
	name        string // profile.Field… or a form-only name
	label       string
	kind        inputKind
	placeholder string
	hint        string   // where the value is found; shown on focus or behind ⓘ
	pref        string   // preference key; "" = never saved (secrets)
	identity    bool     // an identity Hide IDs masks on screen
	advanced    bool     // under Advanced
	endpoint    bool     // a non-empty value is a custom endpoint (the badge counts it)
	exts        []string // fileInput: extensions the file dialog offers
	choices     func() []string
	// shown reports whether the flow (and its credential) uses the
	// field; nil means always.
	shown func(fl flowSpec, cred credential) bool
	// get returns the field's raw value in p; set stores a raw value in
	// p. set is called only for shown fields.
	get func(p profile.Profile) string
	set func(p *profile.Profile, v string)
}

// Form-only field names (switches and choices without a profile field).
const (
	fieldTranscript = "transcript"
	fieldSendMail   = "send-test-mail"
	fieldCredential = "credential"
	// fieldLoopback is the optional fixed loopback redirect of browser
	// sign-in, under Advanced; it fills Profile.RedirectURI and shows the
	// engine's problems for profile.FieldRedirectURI.
	fieldLoopback = "loopback-redirect"
	// fieldRemember opts the selected saved profile in to keeping its
	// secrets in the OS keyring. It belongs to the saved profile
	// (store.Profile.RememberSecrets), not to the run: the profile picker
	// sets and reads it, and it is never a preference.
	fieldRemember = "remember-secret"
)

// usesSecret shows a field when the flow (and its credential) has a
// secret field: a client secret, a certificate password or a password.
func usesSecret(fl flowSpec, cred credential) bool {
	return fl.needs(profile.FieldPassword) || fl.needs(profile.FieldSecret) && cred == credSecret ||
		fl.needs(profile.FieldCertPassword) && cred == credCert
}

// byFlow shows a field when the flow lists it.
func byFlow(name string) func(flowSpec, credential) bool {
	return func(fl flowSpec, _ credential) bool { return fl.needs(name) }
}

// byCredential shows a field when the flow lists it and uses credential c.
func byCredential(name string, c credential) func(flowSpec, credential) bool {
	return func(fl flowSpec, cred credential) bool { return fl.needs(name) && cred == c }
}

// oauthOnly shows a field for the flows that get a token.
func oauthOnly(fl flowSpec, _ credential) bool { return fl.ID.UsesOAuth() }

func boolRaw(b bool) string {
	if b {
		return "true"
	}
	return ""
}

// fieldDefs lists the fields top to bottom, the Tab order. The first
// group is the main form; advanced fields follow under Advanced.
var fieldDefs = []fieldDef{
	{name: profile.FieldFlow, label: "Flow", kind: choiceInput, pref: "flow", choices: flowTitles,
		hint: "The app signs in as itself with the Application permissions IMAP.AccessAsApp, POP.AccessAsApp, SMTP.SendAsApp (API permissions → Office 365 Exchange Online, admin-consented).",
		get:  func(p profile.Profile) string { return flowByID(p.Flow).Title() },
		set:  func(p *profile.Profile, v string) { p.Flow = flowByTitle(v).ID }},
	{name: fieldCredential, label: "Credential", kind: radioInput, pref: "credential",
		choices: func() []string { return []string{string(credSecret), string(credCert)} },
		shown:   func(fl flowSpec, _ credential) bool { return len(fl.Credentials) > 1 },
		get: func(p profile.Profile) string {
			if p.CertFile != "" && p.ClientSecret == "" {
				return string(credCert)
			}
			return string(credSecret)
		},
		set: func(*profile.Profile, string) {}},
	{name: profile.FieldProvider, label: "Provider", kind: choiceInput, pref: "provider", choices: providerTitles,
		hint:  "Where the mailbox lives; its IMAP, POP3 and SMTP hosts are filled in.",
		shown: byFlow(profile.FieldProvider),
		get: func(p profile.Profile) string {
			if pv, err := cloud.LookupProvider(p.Provider); err == nil {
				return pv.Title
			}
			return cloud.Providers[0].Title
		},
		set: func(p *profile.Profile, v string) { p.Provider = providerByTitle(v).Name }},
	{name: profile.FieldTenant, label: "Tenant", kind: textInput, pref: "tenant", identity: true,
		placeholder: "00000000-0000-… or contoso.onmicrosoft.com",
		hint:        "Entra admin center → App registrations → your app → Overview → Directory (tenant) ID, or a verified domain such as contoso.onmicrosoft.com. Leave every field empty to check only this computer's connection.",
		shown:       byFlow(profile.FieldTenant),
		get:         func(p profile.Profile) string { return p.Tenant },
		set:         func(p *profile.Profile, v string) { p.Tenant = v }},
	{name: profile.FieldClientID, label: "Client ID", kind: textInput, pref: "client-id", identity: true,
		placeholder: "00000000-0000-0000-0000-000000000000",
		hint:        "App registrations → your app → Overview → Application (client) ID.",
		shown:       byFlow(profile.FieldClientID),
		get:         func(p profile.Profile) string { return p.ClientID },
		set:         func(p *profile.Profile, v string) { p.ClientID = v }},
	{name: profile.FieldSecret, label: "Client secret", kind: secretInput,
		placeholder: "secret Value, about 40 characters",
		hint:        "App registrations → your app → Certificates & secrets → Client secrets → the Value column (shown once), not the Secret ID. Never saved.",
		shown:       byCredential(profile.FieldSecret, credSecret),
		get:         func(p profile.Profile) string { return p.ClientSecret },
		set:         func(p *profile.Profile, v string) { p.ClientSecret = v }},
	{name: profile.FieldCert, label: "Certificate", kind: fileInput, pref: "cert-file",
		placeholder: "path of a .pem or .pfx file", exts: []string{".pem", ".pfx", ".p12", ".crt", ".cer", ".key"},
		hint:  "PEM (certificate + private key) or PFX/P12 whose public part is uploaded under App registrations → your app → Certificates & secrets → Certificates.",
		shown: byCredential(profile.FieldCert, credCert),
		get:   func(p profile.Profile) string { return p.CertFile },
		set:   func(p *profile.Profile, v string) { p.CertFile = v }},
	{name: profile.FieldCertPassword, label: "Certificate password", kind: secretInput, placeholder: "PFX password",
		hint:  "Password of the PFX/P12 file; empty for PEM. Never saved.",
		shown: byCredential(profile.FieldCertPassword, credCert),
		get:   func(p profile.Profile) string { return p.CertPassword },
		set:   func(p *profile.Profile, v string) { p.CertPassword = v }},
	{name: profile.FieldRedirectURI, label: "Redirect URI", kind: textInput, pref: "redirect-uri",
		placeholder: "https://ece.contoso.com/oauth/callback",
		hint:        "App registrations → your app → Authentication → Web → Redirect URIs; the product's callback address.",
		shown:       byFlow(profile.FieldRedirectURI),
		get: func(p profile.Profile) string {
			if p.Flow == profile.AuthCode {
				return p.RedirectURI
			}
			return ""
		},
		set: func(p *profile.Profile, v string) { p.RedirectURI = v }},
	{name: profile.FieldMailbox, label: "Mailbox", kind: textInput, pref: "mailbox", identity: true,
		placeholder: "support@contoso.com",
		hint:        "Primary SMTP address: Exchange admin center → Recipients → Mailboxes → the mailbox.",
		shown:       byFlow(profile.FieldMailbox),
		get:         func(p profile.Profile) string { return p.Mailbox },
		set:         func(p *profile.Profile, v string) { p.Mailbox = v }},
	{name: profile.FieldUser, label: "Sign in as", kind: textInput, pref: "user", identity: true,
		placeholder: "empty: the mailbox signs in", hint: hintUser,
		shown: byFlow(profile.FieldUser),
		get:   func(p profile.Profile) string { return p.User },
		set:   func(p *profile.Profile, v string) { p.User = v }},
	{name: profile.FieldPassword, label: "Password", kind: secretInput, placeholder: "never saved", hint: "Never saved.",
		shown: byFlow(profile.FieldPassword),
		get:   func(p profile.Profile) string { return p.Password },
		set:   func(p *profile.Profile, v string) { p.Password = v }},
	{name: fieldRemember, label: "", kind: checkInput, placeholder: "Remember secret in " + keyringTitle,
		shown: usesSecret,
		get:   func(profile.Profile) string { return "" },
		set:   func(*profile.Profile, string) {}},
	{name: profile.FieldProtocols, label: "Protocols", kind: protocolsInput, pref: "protocols",
		hint: "IMAP, POP3 and SMTP must be enabled for the mailbox: Exchange admin center → Mailboxes → the mailbox → Manage email apps. Graph needs the Mail.* application permissions of Microsoft Graph.",
		get: func(p profile.Profile) string {
			var out []string
			for _, pr := range p.Protocols {
				out = append(out, string(pr))
			}
			return strings.Join(out, ",")
		},
		set: func(p *profile.Profile, v string) {
			for _, s := range strings.Split(v, ",") {
				if pr := profile.Protocol(s); s != "" && (pr != profile.Graph || p.Flow.UsesOAuth()) {
					p.Protocols = append(p.Protocols, pr)
				}
			}
		}},
	{name: profile.FieldCloud, label: "Cloud", kind: choiceInput, pref: "cloud", choices: cloudTitles,
		hint:  "Entra admin center → Overview shows the tenant's cloud; almost every tenant is Worldwide.",
		shown: oauthOnly,
		get: func(p profile.Profile) string {
			if c, err := cloud.Lookup(p.Cloud); err == nil {
				return c.Title
			}
			return cloud.Global.Title
		},
		set: func(p *profile.Profile, v string) { p.Cloud = cloudName(v) }},

	// Advanced.
	{name: fieldLoopback, label: "Fixed redirect", kind: textInput, pref: "loopback-redirect-uri", advanced: true, endpoint: true,
		placeholder: "http://localhost",
		hint:        "Browser sign-in only. Empty: http://localhost on a free port. Give http://localhost:PORT when the app registration lists a fixed port (Authentication → Mobile and desktop applications).",
		shown:       byFlow(fieldLoopback),
		get: func(p profile.Profile) string {
			if p.Flow == profile.Interactive {
				return p.RedirectURI
			}
			return ""
		},
		set: func(p *profile.Profile, v string) { p.RedirectURI = v }},
	{name: profile.FieldAuthority, label: "Authority host", kind: textInput, pref: "authority-host", advanced: true, endpoint: true,
		hint: "Entra ID sign-in URL. Empty: the cloud's.", shown: oauthOnly,
		get: func(p profile.Profile) string { return p.AuthorityHost },
		set: func(p *profile.Profile, v string) { p.AuthorityHost = v }},
	{name: profile.FieldIMAPHost, label: "IMAP host:port", kind: textInput, pref: "imap-host", advanced: true, endpoint: true,
		get: func(p profile.Profile) string { return p.IMAPHost },
		set: func(p *profile.Profile, v string) { p.IMAPHost = v }},
	{name: profile.FieldPOPHost, label: "POP3 host:port", kind: textInput, pref: "pop-host", advanced: true, endpoint: true,
		get: func(p profile.Profile) string { return p.POPHost },
		set: func(p *profile.Profile, v string) { p.POPHost = v }},
	{name: profile.FieldSMTPHost, label: "SMTP host:port", kind: textInput, pref: "smtp-host", advanced: true, endpoint: true,
		get: func(p profile.Profile) string { return p.SMTPHost },
		set: func(p *profile.Profile, v string) { p.SMTPHost = v }},
	{name: profile.FieldGraphURL, label: "Graph URL", kind: textInput, pref: "graph-url", advanced: true, endpoint: true,
		placeholder: "https://graph.microsoft.com", hint: "https URL of Microsoft Graph. Empty: the cloud's.", shown: oauthOnly,
		get: func(p profile.Profile) string { return p.GraphURL },
		set: func(p *profile.Profile, v string) { p.GraphURL = v }},
	{name: profile.FieldCAFile, label: "CA file", kind: fileInput, pref: "ca-file", advanced: true, endpoint: true,
		placeholder: "path of a PEM file", exts: []string{".pem", ".crt", ".cer"},
		hint: "Extra trusted root certificates (PEM), e.g. of a TLS-inspecting proxy. System roots stay trusted.",
		get:  func(p profile.Profile) string { return p.CAFile },
		set:  func(p *profile.Profile, v string) { p.CAFile = v }},
	{name: profile.FieldScope, label: "Scopes", kind: textInput, pref: "scopes", advanced: true, endpoint: true,
		placeholder: "empty: the flow's own", shown: oauthOnly,
		hint: "Replace the scopes the token is asked for, separated by spaces (as mailoauth check --scope).",
		get:  func(p profile.Profile) string { return strings.Join(p.Scopes, " ") },
		set: func(p *profile.Profile, v string) {
			if strings.TrimSpace(v) != "" {
				p.Scopes = []string{v}
			}
		}},
	{name: profile.FieldMechanism, label: "SASL mechanism", kind: choiceInput, pref: "mechanism", advanced: true, shown: oauthOnly,
		choices: func() []string { return []string{"XOAUTH2", "OAUTHBEARER"} },
		hint:    "How the token is presented. Exchange Online offers XOAUTH2.",
		get: func(p profile.Profile) string {
			if p.Mechanism == profile.OAUTHBEARER {
				return "OAUTHBEARER"
			}
			return "XOAUTH2"
		},
		set: func(p *profile.Profile, v string) { p.Mechanism = profile.Mechanism(strings.ToLower(v)) }},
	{name: profile.FieldTimeout, label: "Timeout", kind: textInput, pref: "timeout", advanced: true,
		placeholder: profile.DefaultTimeout.String(), hint: "Limit for the whole run, e.g. 20s or 1m.",
		get: func(p profile.Profile) string {
			if p.Timeout > 0 && p.Timeout != profile.DefaultTimeout {
				return p.Timeout.String()
			}
			return ""
		},
		set: func(p *profile.Profile, v string) {
			if d, err := time.ParseDuration(profile.Clean(v)); err == nil {
				p.Timeout = d
			}
		}},
	{name: fieldSendMail, label: "Test message", kind: checkInput, pref: "send-test-mail", advanced: true,
		placeholder: "Send a test message to the mailbox itself",
		hint:        "Send one test message from the mailbox to itself over SMTP and Graph (needs SMTP.SendAsApp / Mail.Send).",
		get:         func(p profile.Profile) string { return boolRaw(p.SendTestMail) },
		set:         func(p *profile.Profile, v string) { p.SendTestMail = v == "true" }},
	{name: fieldTranscript, label: "Transcript", kind: checkInput, pref: "transcript", advanced: true,
		placeholder: "Show the protocol conversation in the log",
		hint:        "Show the protocol conversation under each step in the Log tab; tokens and secrets are masked.",
		get:         func(p profile.Profile) string { return boolRaw(p.Transcript) },
		set:         func(p *profile.Profile, v string) { p.Transcript = v == "true" }},
}

// fieldDefByName returns the definition of a field.
func fieldDefByName(name string) *fieldDef {
	for i := range fieldDefs {
		if fieldDefs[i].name == name {
			return &fieldDefs[i]
		}
	}
	return nil
}

func cloudTitles() []string {
	var out []string
	for _, n := range cloud.Names() {
		c, _ := cloud.Lookup(n)
		out = append(out, c.Title)
	}
	return out
}

func cloudName(title string) string {
	for _, n := range cloud.Names() {
		if c, _ := cloud.Lookup(n); c.Title == title {
			return n
		}
	}
	return ""
}

func providerTitles() []string {
	var out []string
	for _, p := range cloud.Providers {
		out = append(out, p.Title)
	}
	return out
}

// providerByTitle returns the provider with that title, or the first.
func providerByTitle(title string) cloud.Provider {
	for _, p := range cloud.Providers {
		if p.Title == title {
			return p
		}
	}
	return cloud.Providers[0]
}
