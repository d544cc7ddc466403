package ui

import "github.com/mailoauth/mailoauth-tester/core/profile"

// credential is a way for an app to prove who it is.
type credential string

// Credentials, as the radio group shows them.
const (
	credSecret credential = "Client secret"
	credCert   credential = "Certificate"
)

// flowSpec describes one sign-in flow in the form: which fields it shows,
// which credentials it accepts, and how it labels and explains them.
type flowSpec struct {
	ID          profile.Flow
	Fields      []string          // profile.Field… (and fieldLoopback) the flow shows
	Credentials []credential      // choices for the app's credential; the first is the default
	Labels      map[string]string // field titles that differ from the default
	Hints       map[string]string // hints that differ from the default
}

// Title is the flow's name in the selector.
func (f flowSpec) Title() string { return f.ID.Title() }

// Hints shared by the delegated flows.
const (
	hintUser          = "Optional. Empty: the mailbox signs in. For a shared mailbox, the delegate user who has FullAccess on it (Exchange admin center → Mailboxes → the shared mailbox → Delegation)."
	hintMailboxOpen   = "The mailbox to open: the user's own, or a shared mailbox the signed-in user has FullAccess on."
	hintTenantUser    = "Directory (tenant) ID or a verified domain such as contoso.onmicrosoft.com; organizations for a multitenant app (App registrations → your app → Overview)."
	hintDelegatedPerm = "API permissions → Add a permission → Microsoft Graph → Delegated: IMAP.AccessAsUser.All, POP.AccessAsUser.All, SMTP.Send (Mail.Read for Graph) and offline_access; consented by the user or an admin."
)

// flows lists every flow in selector order (profile.AllFlows).
var flows = []flowSpec{
	{
		ID:          profile.ClientCredentials,
		Fields:      []string{profile.FieldTenant, profile.FieldClientID, profile.FieldSecret, profile.FieldCert, profile.FieldCertPassword, profile.FieldMailbox},
		Credentials: []credential{credSecret, credCert},
	},
	{
		ID:     profile.Interactive,
		Fields: []string{profile.FieldTenant, profile.FieldClientID, profile.FieldMailbox, profile.FieldUser, fieldLoopback},
		Labels: map[string]string{profile.FieldMailbox: "Mailbox to open"},
		Hints: map[string]string{
			profile.FieldTenant: hintTenantUser, profile.FieldMailbox: hintMailboxOpen,
			profile.FieldFlow: hintDelegatedPerm + " Authentication → Mobile and desktop applications must list http://localhost.",
		},
	},
	{
		ID:     profile.DeviceCode,
		Fields: []string{profile.FieldTenant, profile.FieldClientID, profile.FieldMailbox, profile.FieldUser},
		Labels: map[string]string{profile.FieldMailbox: "Mailbox to open"},
		Hints: map[string]string{
			profile.FieldTenant: hintTenantUser, profile.FieldMailbox: hintMailboxOpen,
			profile.FieldFlow: hintDelegatedPerm + " Authentication → Allow public client flows must be Yes.",
		},
	},
	{
		ID:          profile.AuthCode,
		Fields:      []string{profile.FieldTenant, profile.FieldClientID, profile.FieldSecret, profile.FieldCert, profile.FieldCertPassword, profile.FieldRedirectURI, profile.FieldMailbox, profile.FieldUser},
		Credentials: []credential{credSecret, credCert},
		Labels:      map[string]string{profile.FieldMailbox: "Mailbox to open"},
		Hints: map[string]string{
			profile.FieldMailbox: hintMailboxOpen,
			profile.FieldFlow:    hintDelegatedPerm + " The app signs in with its client secret or certificate and a Web redirect URI.",
		},
	},
	{
		ID:     profile.Password,
		Fields: []string{profile.FieldTenant, profile.FieldClientID, profile.FieldMailbox, profile.FieldUser, profile.FieldPassword},
		Labels: map[string]string{profile.FieldMailbox: "Mailbox to open"},
		Hints: map[string]string{
			profile.FieldTenant: hintTenantUser, profile.FieldMailbox: hintMailboxOpen,
			profile.FieldFlow:     hintDelegatedPerm + " Authentication → Allow public client flows must be Yes.",
			profile.FieldPassword: "The sign-in user's password. Never saved. Microsoft discourages this flow: MFA, federated domains and Conditional Access make it fail.",
		},
	},
	{
		ID:     profile.AppPassword,
		Fields: []string{profile.FieldProvider, profile.FieldMailbox, profile.FieldPassword},
		Labels: map[string]string{profile.FieldMailbox: "Mailbox (user name)", profile.FieldPassword: "App password"},
		Hints: map[string]string{
			profile.FieldFlow:      "No app registration and no token: the mail servers are asked to log in with the password itself (AUTH PLAIN/LOGIN).",
			profile.FieldMailbox:   "The user name the server expects: usually the full e-mail address.",
			profile.FieldPassword:  "The app password (Gmail: 16 letters; Microsoft account: Security → Advanced security options → App passwords) or the account password. Never saved.",
			profile.FieldProtocols: "Graph is not tested: it has no password login, only OAuth tokens. IMAP, POP3 and SMTP must be enabled for the account.",
		},
	},
}

// flowByTitle returns the flow with the given title, or the first flow.
func flowByTitle(title string) flowSpec {
	for _, f := range flows {
		if f.Title() == title {
			return f
		}
	}
	return flows[0]
}

// flowByID returns the flow with the given ID, or the first flow.
func flowByID(id profile.Flow) flowSpec {
	for _, f := range flows {
		if f.ID == id {
			return f
		}
	}
	return flows[0]
}

func flowTitles() []string {
	out := make([]string, len(flows))
	for i, f := range flows {
		out[i] = f.Title()
	}
	return out
}

// needs reports whether the flow shows the field.
func (f flowSpec) needs(field string) bool {
	for _, x := range f.Fields {
		if x == field {
			return true
		}
	}
	return false
}

// accepts reports whether the flow takes credential c.
func (f flowSpec) accepts(c credential) bool {
	for _, x := range f.Credentials {
		if x == c {
			return true
		}
	}
	return false
}

// label is the flow's title for a field, or def.
func (f flowSpec) label(field, def string) string {
	if l, ok := f.Labels[field]; ok {
		return l
	}
	return def
}

// hint is the flow's hint for a field, or the default hint.
func (f flowSpec) hint(field string) string {
	if h, ok := f.Hints[field]; ok {
		return h
	}
	if d := fieldDefByName(field); d != nil {
		return d.hint
	}
	return ""
}
