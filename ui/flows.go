package ui

import "github.com/mailoauth/mailoauth-tester/core/profile"

// credential is a way for an app to prove who it is.
type credential string

// Credentials, as the radio group shows them.
const (
	credSecret credential = "Client secret"
	credCert   credential = "Certificate"
)

// flowSpec describes one sign-in flow in the form: which fields it needs
// and which credentials it accepts. Adding a flow to the engine means
// adding one entry here with Ready set.
type flowSpec struct {
	ID          profile.Flow
	Title       string
	Ready       bool         // the engine supports it; others are listed as "coming"
	Fields      []string     // profile.Field… the flow needs, besides the common ones
	Credentials []credential // choices for the app's credential; the first is the default
}

// flows lists every flow the form knows, ready ones first.
var flows = []flowSpec{
	{
		ID: profile.ClientCredentials, Title: "App-only (client credentials)", Ready: true,
		Fields:      []string{profile.FieldTenant, profile.FieldClientID, profile.FieldSecret, profile.FieldCert, profile.FieldCertPassword, profile.FieldMailbox},
		Credentials: []credential{credSecret, credCert},
	},
	{ID: "interactive", Title: "Delegated — browser sign-in (coming)"},
	{ID: "device-code", Title: "Delegated — device code (coming)"},
	{ID: "auth-code", Title: "Delegated — authorization code (coming)"},
	{ID: "password", Title: "Delegated — username + password (coming)"},
	{ID: "app-password", Title: "No OAuth — app password (coming)"},
}

// flowByTitle returns the flow with the given title, or the first flow.
func flowByTitle(title string) flowSpec {
	for _, f := range flows {
		if f.Title == title {
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
		out[i] = f.Title
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
