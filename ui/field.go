package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/mailoauth/mailoauth-tester/core/profile"
)

// Hints say where each value is found. They are shown under the field
// until a problem takes their place.
var hints = map[string]string{
	profile.FieldTenant:       "Entra admin center → App registrations → your app → Overview → Directory (tenant) ID, or a verified domain such as contoso.onmicrosoft.com. Leave every field empty to check only this computer's connection.",
	profile.FieldClientID:     "App registrations → your app → Overview → Application (client) ID.",
	profile.FieldSecret:       "App registrations → your app → Certificates & secrets → Client secrets → the Value column (shown once), not the Secret ID. Never saved.",
	profile.FieldCert:         "PEM (certificate + private key) or PFX/P12 whose public part is uploaded under App registrations → your app → Certificates & secrets → Certificates.",
	profile.FieldCertPassword: "Password of the PFX/P12 file; empty for PEM. Never saved.",
	profile.FieldMailbox:      "Primary SMTP address: Exchange admin center → Recipients → Mailboxes → the mailbox.",
	profile.FieldFlow:         "App-only: the app signs in as itself with the Application permissions IMAP.AccessAsApp, POP.AccessAsApp, SMTP.SendAsApp (API permissions → Office 365 Exchange Online, admin-consented).",
	profile.FieldProtocols:    "IMAP, POP3 and SMTP must be enabled for the mailbox: Exchange admin center → Mailboxes → the mailbox → Manage email apps. Graph needs the Mail.* application permissions of Microsoft Graph.",
	profile.FieldCloud:        "Entra admin center → Overview shows the tenant's cloud; almost every tenant is Worldwide.",
	profile.FieldAuthority:    "Entra ID sign-in URL. Empty: the cloud's (https://login.microsoftonline.com).",
	profile.FieldIMAPHost:     "host:port with implicit TLS. Empty: outlook.office365.com:993.",
	profile.FieldPOPHost:      "host:port with implicit TLS. Empty: outlook.office365.com:995.",
	profile.FieldSMTPHost:     "host:port with STARTTLS. Empty: smtp.office365.com:587.",
	profile.FieldGraphURL:     "https URL of Microsoft Graph. Empty: https://graph.microsoft.com.",
	fieldSendMail:             "Send one test message from the mailbox to itself over SMTP and Graph (needs SMTP.SendAsApp / Mail.Send).",
	profile.FieldCAFile:       "Extra trusted root certificates (PEM), e.g. of a TLS-inspecting proxy. System roots stay trusted.",
	profile.FieldMechanism:    "How the token is presented. Exchange Online offers XOAUTH2.",
	profile.FieldTimeout:      "Limit for the whole run, e.g. 20s or 1m.",
	fieldTranscript:           "Show the protocol conversation under each step; tokens and secrets are masked.",
	profile.FieldUser:         hintUser,
	profile.FieldPassword:     "Never saved.",
	profile.FieldRedirectURI:  "App registrations → your app → Authentication → Web → Redirect URIs; the product's callback address.",
	fieldLoopback:             "Browser sign-in only. Empty: http://localhost on a free port. Give http://localhost:PORT when the app registration lists a fixed port (Authentication → Mobile and desktop applications).",
	profile.FieldProvider:     "Where the mailbox lives; its IMAP, POP3 and SMTP hosts are filled in.",
}

// Switches without a profile field name of their own.
const (
	fieldTranscript = "transcript"
	fieldSendMail   = "send-test-mail"
)

// field is one labelled input with a message line under it: the hint, or
// the engine's own problem for the field.
type field struct {
	name  string
	hint  string // shown when there is no problem; hints[name] unless a flow says otherwise
	title *widget.Label
	msg   *widget.Label
	box   *fyne.Container
	shown *profile.Problem
}

func newField(name, label string, input fyne.CanvasObject) *field {
	f := &field{
		name:  name,
		hint:  hints[name],
		title: &widget.Label{Text: label, TextStyle: fyne.TextStyle{Bold: true}},
		msg:   &widget.Label{Wrapping: fyne.TextWrapWord, SizeName: theme.SizeNameCaptionText},
	}
	f.show(nil)
	f.box = container.New(layout.NewCustomPaddedVBoxLayout(0), f.title, input, f.msg)
	return f
}

// show puts p under the field, or the hint when p is nil. Errors are in
// the error colour, warnings in the warning colour and bold.
func (f *field) show(p *profile.Problem) {
	f.shown = p
	switch {
	case p == nil:
		f.msg.Text, f.msg.Importance, f.msg.TextStyle = f.hint, widget.MediumImportance, fyne.TextStyle{}
	case p.Severity == profile.Warning:
		f.msg.Text, f.msg.Importance, f.msg.TextStyle = problemText(p), widget.WarningImportance, fyne.TextStyle{Bold: true}
	default:
		f.msg.Text, f.msg.Importance, f.msg.TextStyle = problemText(p), widget.DangerImportance, fyne.TextStyle{}
	}
	f.msg.Refresh()
}

func problemText(p *profile.Problem) string {
	if p.Fix == "" {
		return p.Message
	}
	return p.Message + " — " + p.Fix
}

// setLabel changes the field's title.
func (f *field) setLabel(s string) {
	if f.title.Text != s {
		f.title.SetText(s)
	}
}

// setHint changes the hint; it shows at once unless a problem does.
func (f *field) setHint(s string) {
	f.hint = s
	if f.shown == nil {
		f.show(nil)
	}
}

// message returns the text under the field.
func (f *field) message() string { return f.msg.Text }
