// Package profile is the input model of a run: what the user typed or
// pasted, cleaned up (Normalize) and checked field by field (Validate)
// before any network traffic. The window and the CLI both fill a Profile and
// show the same Problems.
package profile

import (
	"strings"
	"time"
	"unicode"
)

// Flow names a way of getting a token. Only client credentials exists so
// far; the others are listed so faces can show them as they arrive.
type Flow string

// Flows.
const (
	ClientCredentials Flow = "client-credentials" // app-only: secret or certificate
	Interactive       Flow = "interactive"        // browser sign-in (auth code + PKCE, loopback)
	DeviceCode        Flow = "device-code"        // code shown here, sign-in on any device
	AuthCode          Flow = "auth-code"          // authorization code with a web redirect (confidential)
	Password          Flow = "password"           // username + password (ROPC)
	AppPassword       Flow = "app-password"       // basic auth with an (app) password, no token
)

// AllFlows lists the flows in the order they are shown.
var AllFlows = []Flow{ClientCredentials, Interactive, DeviceCode, AuthCode, Password, AppPassword}

// Title is the flow's display name.
func (f Flow) Title() string {
	switch f {
	case ClientCredentials:
		return "App-only (client credentials)"
	case Interactive:
		return "Browser sign-in (delegated)"
	case DeviceCode:
		return "Device code (delegated)"
	case AuthCode:
		return "Authorization code with web redirect"
	case Password:
		return "Username + password (ROPC)"
	case AppPassword:
		return "App password / basic auth (no OAuth)"
	}
	return string(f)
}

// Explain is one line saying when to use the flow.
func (f Flow) Explain() string {
	switch f {
	case ClientCredentials:
		return "Unattended services (Sytel Softdial, eCASE): the app's own identity with Exchange application permissions, admin consent, an Exchange service principal and mailbox permission."
	case Interactive:
		return "A person signs in in the browser; the app gets delegated IMAP/POP/SMTP permissions for that user (and mailboxes shared with them)."
	case DeviceCode:
		return "Sign in on another device or browser with a short code; for admins who cannot register redirect URIs, and for machines without a browser."
	case AuthCode:
		return "Products with a web redirect URI and a client secret (Cisco ECE, XCALLY): the code comes back to the redirect address, or you paste it here."
	case Password:
		return "Legacy products that send a user name and password for a token. Microsoft discourages it: MFA, federation and Conditional Access break it."
	case AppPassword:
		return "Plain IMAP/POP/SMTP login with a password or app password: tests Gmail/Outlook.com app passwords, and proves basic auth is off in Microsoft 365."
	}
	return ""
}

// Delegated reports whether the flow signs a user in.
func (f Flow) Delegated() bool {
	switch f {
	case Interactive, DeviceCode, AuthCode, Password:
		return true
	}
	return false
}

// Unattended reports whether the flow gets its token without waiting for
// a person, so mail connections can be opened while it runs.
func (f Flow) Unattended() bool { return f == ClientCredentials || f == Password }

// UsesOAuth reports whether the flow gets a token at all.
func (f Flow) UsesOAuth() bool { return f != AppPassword }

// Protocol is a mail protocol to probe.
type Protocol string

// Protocols.
const (
	IMAP  Protocol = "imap"
	POP   Protocol = "pop"
	SMTP  Protocol = "smtp"
	Graph Protocol = "graph"
)

// AllProtocols lists the protocols in the order they are shown.
var AllProtocols = []Protocol{IMAP, POP, SMTP, Graph}

// MailProtocols are the protocols that log in with XOAUTH2/OAUTHBEARER.
var MailProtocols = []Protocol{IMAP, POP, SMTP}

// Title is the protocol's display name.
func (p Protocol) Title() string {
	switch p {
	case IMAP:
		return "IMAP"
	case POP:
		return "POP3"
	case SMTP:
		return "SMTP"
	case Graph:
		return "Graph"
	}
	return strings.ToUpper(string(p))
}

// Mechanism is the SASL mechanism used to present the token.
type Mechanism string

// Mechanisms.
const (
	XOAUTH2     Mechanism = "xoauth2"
	OAUTHBEARER Mechanism = "oauthbearer"
)

// DefaultTimeout bounds a whole run. Entra and Exchange usually answer in
// well under a second each; 20 s leaves room for slow proxies without
// making a dead network feel like a hang.
const DefaultTimeout = 20 * time.Second

// MaxTimeout is the largest accepted timeout.
const MaxTimeout = 10 * time.Minute

// Profile is one run's input. ClientSecret and CertPassword are secrets:
// they must never be logged, stored or shown.
type Profile struct {
	Tenant       string   // GUID or verified domain
	ClientID     string   // Application (client) ID
	ClientSecret string   // secret Value (secret)
	CertFile     string   // PEM or PFX file with certificate and private key
	CertPassword string   // PFX or key password (secret)
	Mailbox      string   // mailbox to open
	User         string   // sign in as (delegated flows); "" = the mailbox
	Password     string   // user's password or app password (secret)
	RedirectURI  string   // auth-code flow (and a fixed loopback for interactive)
	Provider     string   // app-password flow: microsoft365, outlook.com, gmail, custom
	Scopes       []string // advanced: replace the scopes the flow asks for

	Flow      Flow
	Protocols []Protocol
	Mechanism Mechanism
	Cloud     string // cloud name, "" = global

	AuthorityHost string // override of the cloud's authority, https URL
	IMAPHost      string // override host:port
	POPHost       string
	SMTPHost      string
	GraphURL      string // override of the cloud's Graph endpoint, https URL
	CAFile        string // extra trusted roots (PEM); system roots stay trusted

	SendTestMail bool // send one test message to the mailbox itself over SMTP and Graph

	Timeout    time.Duration // whole run; 0 = DefaultTimeout
	Transcript bool          // include masked protocol transcripts in the log
}

// Normalize returns a copy with surrounding whitespace (including the
// zero-width and no-break spaces that copying from web pages adds) removed
// from every field, names lower-cased and defaults filled in.
func Normalize(p Profile) Profile {
	p.Tenant = Clean(p.Tenant)
	p.ClientID = Clean(p.ClientID)
	p.ClientSecret = Clean(p.ClientSecret)
	p.CertFile = Clean(p.CertFile)
	p.Mailbox = Clean(p.Mailbox)
	p.User = Clean(p.User)
	p.RedirectURI = Clean(p.RedirectURI)
	p.Provider = strings.ToLower(Clean(p.Provider))
	var scopes []string
	for _, s := range p.Scopes {
		for _, f := range strings.Fields(s) {
			scopes = append(scopes, f)
		}
	}
	p.Scopes = scopes
	p.Cloud = strings.ToLower(Clean(p.Cloud))
	p.AuthorityHost = Clean(p.AuthorityHost)
	p.IMAPHost = Clean(p.IMAPHost)
	p.POPHost = Clean(p.POPHost)
	p.SMTPHost = Clean(p.SMTPHost)
	p.GraphURL = Clean(p.GraphURL)
	p.CAFile = Clean(p.CAFile)
	p.Flow = Flow(strings.ToLower(Clean(string(p.Flow))))
	p.Mechanism = Mechanism(strings.ToLower(Clean(string(p.Mechanism))))
	if p.Flow == "" {
		p.Flow = ClientCredentials
	}
	if p.Mechanism == "" {
		p.Mechanism = XOAUTH2
	}
	if p.Cloud == "" {
		p.Cloud = "global"
	}
	if p.Timeout == 0 {
		p.Timeout = DefaultTimeout
	}
	protos := make([]Protocol, 0, len(p.Protocols))
	seen := map[Protocol]bool{}
	for _, pr := range p.Protocols {
		pr = Protocol(strings.ToLower(Clean(string(pr))))
		if pr == "pop3" {
			pr = POP
		}
		if pr == "" || seen[pr] {
			continue
		}
		seen[pr] = true
		protos = append(protos, pr)
	}
	p.Protocols = protos
	return p
}

// Clean trims whitespace, zero-width characters and a byte-order mark from
// both ends of a pasted value.
func Clean(s string) string {
	return strings.TrimFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || r == '\u200b' || r == '\u200c' || r == '\u200d' || r == '\u2060' || r == '\ufeff' || r == '\u00a0'
	})
}

// HasCredentials reports whether the user typed anything that identifies a
// tenant, app or mailbox. A profile without any runs the environment check.
func (p Profile) HasCredentials() bool {
	return Clean(p.Tenant) != "" || Clean(p.ClientID) != "" || Clean(p.Mailbox) != "" ||
		p.ClientSecret != "" || Clean(p.CertFile) != "" || Clean(p.User) != "" || p.Password != ""
}

// SignInUser is the user who signs in: User, or the mailbox when User is
// empty.
func (p Profile) SignInUser() string {
	if p.User != "" {
		return p.User
	}
	return p.Mailbox
}

// Has reports whether protocol pr is selected.
func (p Profile) Has(pr Protocol) bool {
	for _, x := range p.Protocols {
		if x == pr {
			return true
		}
	}
	return false
}
