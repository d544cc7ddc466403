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
}

// Providers lists the presets in selector order.
var Providers = []Provider{
	{Name: "microsoft365", Title: "Microsoft 365 (work or school)", IMAPHost: "outlook.office365.com:993", POPHost: "outlook.office365.com:995",
		SMTPHost: "smtp.office365.com:587", BasicAuthOff: true,
		Note: "Exchange Online has turned basic authentication off; this proves it and points to OAuth."},
	{Name: "outlook.com", Title: "Outlook.com / Hotmail (personal)", IMAPHost: "outlook.office365.com:993", POPHost: "outlook.office365.com:995",
		SMTPHost: "smtp-mail.outlook.com:587", Note: "Personal Microsoft accounts: an app password needs two-step verification on the account."},
	{Name: "gmail", Title: "Gmail / Google Workspace", IMAPHost: "imap.gmail.com:993", POPHost: "pop.gmail.com:995",
		SMTPHost: "smtp.gmail.com:587", Note: "A 16-character app password; needs 2-Step Verification on the Google account."},
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
