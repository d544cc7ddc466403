package ui

import (
	"strings"
	"time"

	"fyne.io/fyne/v2"

	"github.com/mailoauth/mailoauth-tester/core/profile"
)

// Preference keys. Only non-secret values are stored: never the client
// secret, the certificate password or the user's (app) password.
const (
	prefTenant     = "tenant"
	prefClientID   = "client-id"
	prefMailbox    = "mailbox"
	prefCert       = "cert-file"
	prefCredential = "credential"
	prefFlow       = "flow"
	prefUser       = "user"
	prefRedirect   = "redirect-uri"
	prefLoopback   = "loopback-redirect-uri"
	prefProvider   = "provider"
	prefProtocols  = "protocols"
	prefCloud      = "cloud"
	prefMechanism  = "mechanism"
	prefAuthority  = "authority-host"
	prefIMAPHost   = "imap-host"
	prefPOPHost    = "pop-host"
	prefSMTPHost   = "smtp-host"
	prefGraphURL   = "graph-url"
	prefSendMail   = "send-test-mail"
	prefCAFile     = "ca-file"
	prefTimeout    = "timeout"
	prefTranscript = "transcript"
	prefHideIDs    = "hide-ids"
	prefWidth      = "window-width"
	prefHeight     = "window-height"
)

// Default window size: the form and the results side by side.
const defaultWidth, defaultHeight = 1040, 720

// loadPrefs fills the form from the last session.
func (u *UI) loadPrefs() {
	pr := u.app.Preferences()
	p := profile.Profile{
		Tenant: pr.String(prefTenant), ClientID: pr.String(prefClientID), Mailbox: pr.String(prefMailbox),
		Flow: profile.Flow(pr.String(prefFlow)), User: pr.String(prefUser), Provider: pr.String(prefProvider), Cloud: pr.String(prefCloud), Mechanism: profile.Mechanism(pr.String(prefMechanism)),
		AuthorityHost: pr.String(prefAuthority), IMAPHost: pr.String(prefIMAPHost), POPHost: pr.String(prefPOPHost),
		SMTPHost: pr.String(prefSMTPHost), GraphURL: pr.String(prefGraphURL), SendTestMail: pr.Bool(prefSendMail), CAFile: pr.String(prefCAFile), Transcript: pr.Bool(prefTranscript),
	}
	if credential(pr.String(prefCredential)) == credCert {
		p.CertFile = pr.String(prefCert)
	}
	for _, s := range strings.Split(pr.StringWithFallback(prefProtocols, defaultProtocols()), ",") {
		if s != "" {
			p.Protocols = append(p.Protocols, profile.Protocol(s))
		}
	}
	if d, err := time.ParseDuration(pr.String(prefTimeout)); err == nil {
		p.Timeout = d
	}
	u.form.fill(p)
	u.form.quiet = true
	if c := pr.String(prefCert); c != "" {
		u.form.certFile.SetText(c)
	}
	u.form.redirect.SetText(pr.String(prefRedirect))
	u.form.loopback.SetText(pr.String(prefLoopback))
	u.form.quiet = false
	u.hideIDs.SetChecked(pr.Bool(prefHideIDs))
}

// savePrefs stores the form's non-secret fields. A form filled by the demo
// is not stored: its hosts die with the simulated tenant.
func (u *UI) savePrefs() {
	pr := u.app.Preferences()
	pr.SetBool(prefHideIDs, u.hideIDs.Checked)
	if u.sim != nil {
		return
	}
	f := u.form
	p := f.profile()
	pr.SetString(prefTenant, p.Tenant)
	pr.SetString(prefClientID, p.ClientID)
	pr.SetString(prefMailbox, p.Mailbox)
	pr.SetString(prefCert, f.certFile.Text)
	pr.SetString(prefCredential, f.cred.Selected)
	pr.SetString(prefFlow, string(p.Flow))
	pr.SetString(prefUser, f.value(f.user))
	pr.SetString(prefRedirect, f.redirect.Text)
	pr.SetString(prefLoopback, f.loopback.Text)
	pr.SetString(prefProvider, f.providerNow().Name)
	var protos []string
	for _, x := range p.Protocols {
		protos = append(protos, string(x))
	}
	pr.SetString(prefProtocols, strings.Join(protos, ","))
	pr.SetString(prefCloud, p.Cloud)
	pr.SetString(prefMechanism, string(p.Mechanism))
	pr.SetString(prefAuthority, p.AuthorityHost)
	pr.SetString(prefIMAPHost, p.IMAPHost)
	pr.SetString(prefPOPHost, p.POPHost)
	pr.SetString(prefSMTPHost, p.SMTPHost)
	pr.SetString(prefGraphURL, p.GraphURL)
	pr.SetBool(prefSendMail, p.SendTestMail)
	pr.SetString(prefCAFile, p.CAFile)
	pr.SetString(prefTimeout, f.timeout.Text)
	pr.SetBool(prefTranscript, p.Transcript)
}

// WindowSize returns the window size of the last session.
func WindowSize(a fyne.App) fyne.Size {
	pr := a.Preferences()
	return fyne.NewSize(float32(pr.FloatWithFallback(prefWidth, defaultWidth)), float32(pr.FloatWithFallback(prefHeight, defaultHeight)))
}

// SaveWindowSize remembers the window's size for the next start.
func (u *UI) SaveWindowSize() {
	s := u.win.Canvas().Size()
	if s.Width < 200 || s.Height < 200 {
		return
	}
	u.app.Preferences().SetFloat(prefWidth, float64(s.Width))
	u.app.Preferences().SetFloat(prefHeight, float64(s.Height))
}

// defaultProtocols is every protocol the engine knows, comma-separated.
func defaultProtocols() string {
	var out []string
	for _, p := range profile.AllProtocols {
		out = append(out, string(p))
	}
	return strings.Join(out, ",")
}
