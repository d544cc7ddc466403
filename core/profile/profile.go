// Package profile is the input model of a run: what the user typed or
// pasted, cleaned up (Normalize) and checked field by field (Validate)
// before any network traffic. The window and the CLI both fill a Profile and
// show the same Problems.
package profile

import (
	"strings"
	"time"
	"unicode"

	"github.com/mailoauth/mailoauth-tester/core/protocol"
)

// Flow names a way of getting a token (or, for AppPassword, of logging in
// without one). What each flow needs and does is its row in Flows.
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

// AllFlows lists the flows in the order they are shown (the order of Flows).
var AllFlows = func() []Flow {
	out := make([]Flow, len(Flows))
	for i, f := range Flows {
		out[i] = f.Flow
	}
	return out
}()

// Title is the flow's display name.
func (f Flow) Title() string {
	if s, ok := LookupFlow(f); ok {
		return s.Title
	}
	return string(f)
}

// Explain is one line saying when to use the flow.
func (f Flow) Explain() string {
	s, _ := LookupFlow(f)
	return s.Explain
}

// Delegated reports whether the flow signs a user in.
func (f Flow) Delegated() bool {
	s, _ := LookupFlow(f)
	return s.Delegated
}

// Unattended reports whether the flow gets its token without waiting for
// a person, so mail connections can be opened while it runs.
func (f Flow) Unattended() bool {
	s, ok := LookupFlow(f)
	return ok && s.OAuth && !s.PersonWaits
}

// UsesOAuth reports whether the flow gets a token at all.
func (f Flow) UsesOAuth() bool {
	s, ok := LookupFlow(f)
	return !ok || s.OAuth
}

// Protocol is a protocol to probe; the table of protocols is
// core/protocol (this is the same type, so profiles and the table agree).
type Protocol = protocol.Name

// Protocols of the default table.
const (
	IMAP  = protocol.IMAP
	POP   = protocol.POP
	SMTP  = protocol.SMTP
	Graph = protocol.Graph
)

// AllProtocols lists the protocols in the order they are shown.
var AllProtocols = protocol.Default().Names()

// MailProtocols are the protocols that log in to Exchange with
// XOAUTH2/OAUTHBEARER (or a password).
var MailProtocols = protocol.Default().For(protocol.Exchange).Names()

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
	// GraphSendOnly checks Microsoft Graph for sending only (Mail.Send, or
	// an RBAC for Applications grant) and never reads the mailbox: the
	// mode of products that only send (core/preset sets it).
	GraphSendOnly bool
	// Preset is the product preset the run is set up for (a core/preset
	// ID, e.g. "cisco-ece"); "" for none. Reports show its requirements.
	Preset string

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
	p.Preset = strings.ToLower(Clean(p.Preset))
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
		if s, ok := protocol.Default().Lookup(pr); ok {
			pr = s.Name // "pop3" is POP
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

// HostOverride is the endpoint the user gave for a protocol: host:port for
// the mail protocols, an https URL for Graph; "" means the cloud's (or the
// app-password provider's).
func (p Profile) HostOverride(pr Protocol) string {
	switch pr {
	case IMAP:
		return p.IMAPHost
	case POP:
		return p.POPHost
	case SMTP:
		return p.SMTPHost
	case Graph:
		return p.GraphURL
	}
	return ""
}
