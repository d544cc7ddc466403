package cloud

import (
	"fmt"
	"strings"
)

// Provider is a mail provider preset for password (basic) logins.
type Provider struct {
	Name     string
	Title    string
	IMAPHost string
	POPHost  string
	SMTPHost string
	// BasicAuthOff says the provider has turned password logins off, so a
	// test can only prove that (Microsoft 365 since 2022–2025).
	BasicAuthOff bool
	Note         string
	// OAuthTenant, when set, is the authority segment for the provider's
	// OAuth sign-in with a delegated flow (personal Microsoft accounts sign
	// in through "consumers"), and OAuthResource prefixes its scopes, e.g.
	// https://outlook.office.com/IMAP.AccessAsUser.All.
	OAuthTenant   string
	OAuthResource string
}

// Providers lists the presets in selector order.
var Providers = []Provider{
	{Name: "microsoft365", Title: "Microsoft 365 (work or school)", IMAPHost: "outlook.office365.com:993", POPHost: "outlook.office365.com:995",
		SMTPHost: "smtp.office365.com:587", BasicAuthOff: true,
		Note: "Exchange Online has turned basic authentication off; this proves it and points to OAuth."},
	// Outlook.com ended password and app-password sign-in for third-party
	// mail apps on 2024-09-16; only OAuth works since:
	// https://support.microsoft.com/office/modern-authentication-methods-now-needed-to-continue-syncing-outlook-email-in-non-microsoft-email-apps-c5d65390-9676-4763-b41f-d7986499a90d
	{Name: "outlook.com", Title: "Outlook.com / Hotmail (personal)", IMAPHost: "outlook.office365.com:993", POPHost: "outlook.office365.com:995",
		SMTPHost: "smtp-mail.outlook.com:587", BasicAuthOff: true,
		OAuthTenant: "consumers", OAuthResource: "https://outlook.office.com",
		Note: "Outlook.com stopped accepting passwords and app passwords from mail apps on 16 September 2024; this proves it. Sign in with OAuth instead: a browser or device-code sign-in with tenant \"consumers\" and the scopes https://outlook.office.com/IMAP.AccessAsUser.All, POP.AccessAsUser.All or SMTP.Send."},
	{Name: "gmail", Title: "Gmail / Google Workspace", IMAPHost: "imap.gmail.com:993", POPHost: "pop.gmail.com:995",
		SMTPHost: "smtp.gmail.com:587", Note: "A 16-character app password, which Google still accepts for accounts with 2-Step Verification turned on."},
	{Name: "custom", Title: "Other server (hosts under Advanced)", Note: "Set the IMAP, POP3 and SMTP hosts under Advanced."},
}

// LookupProvider returns the preset with the given name ("" = microsoft365).
func LookupProvider(name string) (Provider, error) {
	n := strings.ToLower(strings.TrimSpace(name))
	if n == "" {
		n = "microsoft365"
	}
	for _, p := range Providers {
		if p.Name == n {
			return p, nil
		}
	}
	var names []string
	for _, p := range Providers {
		names = append(names, p.Name)
	}
	return Provider{}, fmt.Errorf("cloud: unknown provider %q (known: %s)", name, strings.Join(names, ", "))
}
