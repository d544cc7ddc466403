// Package protocol is the one table of the protocols the tester probes.
// A row says everything the rest of the program needs to know about a
// protocol: its names, its default endpoint in each cloud, which token it
// presents and which permission that token must carry (app-only role,
// delegated scope), how the mailbox is addressed, which Exchange setting
// turns it on, and the probe that talks to it. The engine, the token
// checks, the knowledge base and both faces read it; adding a protocol is
// one row here and its probe in core/probe.
package protocol

import (
	"strings"

	"github.com/mailoauth/mailoauth-tester/core/cloud"
	"github.com/mailoauth/mailoauth-tester/core/probe"
)

// Name is a protocol's stable name, as typed on the command line and
// stored in profiles (e.g. "imap").
type Name string

// The protocols of the default table.
const (
	IMAP  Name = "imap"
	POP   Name = "pop"
	SMTP  Name = "smtp"
	Graph Name = "graph"
)

// Title is the protocol's display name from the default table, or the
// name in capitals for a protocol the table does not know.
func (n Name) Title() string {
	if s, ok := Default().Lookup(n); ok {
		return s.Title
	}
	return strings.ToUpper(string(n))
}

// Resource says which service's token a protocol presents.
type Resource int

// Resources.
const (
	// Exchange is Exchange Online (the IMAP, POP and SMTP permissions).
	Exchange Resource = iota
	// MicrosoftGraph is Microsoft Graph, another resource with its own token.
	MicrosoftGraph
)

// Addressing says how a probe names the mailbox.
type Addressing int

// Addressing kinds.
const (
	// SASLUser names it as the user of the SASL exchange (XOAUTH2 user=,
	// OAUTHBEARER a=) or of the password login.
	SASLUser Addressing = iota
	// GraphUsers names it in the path, /users/{mailbox}, or /me when the
	// mailbox is the signed-in user's own.
	GraphUsers
)

// Spec is one row of the table.
type Spec struct {
	Name    Name
	Title   string   // shown in the checklist and the form, e.g. "POP3"
	Noun    string   // how the knowledge base names it in prose, e.g. "POP"
	Aliases []string // other names people write for it, e.g. "pop3"
	// Resource is the service whose token the protocol presents.
	Resource Resource
	// Host is the default endpoint in a cloud: host:port for the mail
	// protocols, an https URL for Graph.
	Host func(cloud.Cloud) string
	// ProviderHost is the endpoint at an app-password provider; nil when
	// the protocol has no password login.
	ProviderHost func(cloud.Provider) string
	// AppRoles are the application permissions (token "roles") that let
	// an app-only token in; any one of them is enough.
	AppRoles []string
	// Scopes are the delegated permissions (token "scp") that let a user's
	// token in; any one is enough, and the first is the one asked for.
	Scopes []string
	// SendPermission is what sending the test message needs besides the
	// login permission ("" when the login permission covers it).
	SendPermission string
	// RoleAdvice and ScopeAdvice name the permission to add in the
	// knowledge base's fix steps ("" means the first role or scope).
	RoleAdvice, ScopeAdvice string
	// Addressing says how the probe names the mailbox.
	Addressing Addressing
	// CASFlag is the Set-CASMailbox parameter that turns the protocol on
	// for a mailbox, or "" when no mailbox setting governs it.
	CASFlag string
	// Probe makes the probe for one mailbox.
	Probe func(probe.Config) probe.Prober
	// RBAC says that an app-only caller may be granted the permission by
	// an Exchange "RBAC for Applications" role assignment instead of an
	// Entra ID application permission. Such a grant never shows in the
	// token, so a token without the role proves nothing missing: only the
	// server's answer (or Test-ServicePrincipalAuthorization) tells.
	RBAC bool
	// OnlySends marks a row whose probe only sends and never reads the
	// mailbox: its login permission is the sending one, and without a
	// test message it proves no more than that the server answers.
	OnlySends bool
	// SendOnly is the row's variant for products that only send through
	// the protocol (a Graph sender such as eCASE); nil when it has none.
	// Table.SendOnly puts it in the row's place.
	SendOnly *Spec
}

// Role is the app-only permission the knowledge base tells people to add.
func (s Spec) Role() string { return or(s.RoleAdvice, first(s.AppRoles)) }

// Scope is the delegated permission the knowledge base tells people to add.
func (s Spec) Scope() string { return or(s.ScopeAdvice, first(s.Scopes)) }

// Basic reports whether the protocol has a password login.
func (s Spec) Basic() bool { return s.ProviderHost != nil }

// Table is a list of protocols in display order.
type Table []Spec

// Lookup finds a protocol by name or alias, case-insensitively.
func (t Table) Lookup(n Name) (Spec, bool) {
	key := strings.ToLower(strings.TrimSpace(string(n)))
	for _, s := range t {
		if string(s.Name) == key {
			return s, true
		}
		for _, a := range s.Aliases {
			if a == key {
				return s, true
			}
		}
	}
	return Spec{}, false
}

// Names lists the protocols' names in order.
func (t Table) Names() []Name {
	out := make([]Name, len(t))
	for i, s := range t {
		out[i] = s.Name
	}
	return out
}

// For lists the rows of one resource, in order.
func (t Table) For(r Resource) Table {
	var out Table
	for _, s := range t {
		if s.Resource == r {
			out = append(out, s)
		}
	}
	return out
}

// SendOnly returns a copy of the table in which each named row that has
// a send-only variant is replaced by it (same name, place and endpoint).
func (t Table) SendOnly(names ...Name) Table {
	out := make(Table, len(t))
	copy(out, t)
	for i, s := range out {
		for _, n := range names {
			if s.Name == n && s.SendOnly != nil {
				out[i] = *s.SendOnly
			}
		}
	}
	return out
}

// Default returns the tester's protocols: IMAP, POP3, SMTP and Microsoft
// Graph (whose send-only variant is graphSendOnly). The slice is the
// caller's to extend (a test adds a protocol with one more row).
func Default() Table {
	graph := Spec{
		Name: Graph, Title: "Graph", Noun: "Microsoft Graph", Aliases: []string{"msgraph"},
		Resource: MicrosoftGraph,
		Host:     func(c cloud.Cloud) string { return c.GraphHost },
		// Any permission that reads a mail folder lets the probe in.
		AppRoles:       []string{"Mail.ReadBasic", "Mail.ReadBasic.All", "Mail.Read", "Mail.ReadWrite"},
		Scopes:         []string{"Mail.Read", "Mail.ReadBasic", "Mail.ReadWrite"},
		SendPermission: "Mail.Send",
		RoleAdvice:     "Mail.ReadWrite or Mail.Send (Microsoft Graph, Application)",
		ScopeAdvice:    "Mail.ReadWrite or Mail.Send (Microsoft Graph, Delegated)",
		Addressing:     GraphUsers, Probe: probe.NewGraph, RBAC: true,
	}
	send := graph
	send.Title = "Graph (send only)"
	send.AppRoles, send.Scopes = []string{"Mail.Send"}, []string{"Mail.Send", "Mail.Send.Shared"}
	send.SendPermission = ""
	send.RoleAdvice, send.ScopeAdvice = "Mail.Send (Microsoft Graph, Application)", "Mail.Send (Microsoft Graph, Delegated)"
	send.Probe, send.OnlySends = probe.NewGraphSender, true
	graph.SendOnly = &send
	return Table{
		{
			Name: IMAP, Title: "IMAP", Noun: "IMAP", Aliases: []string{"imaps", "imap4"},
			Resource:     Exchange,
			Host:         func(c cloud.Cloud) string { return c.IMAPHost },
			ProviderHost: func(p cloud.Provider) string { return p.IMAPHost },
			AppRoles:     []string{"IMAP.AccessAsApp"}, Scopes: []string{"IMAP.AccessAsUser.All"},
			CASFlag: "-ImapEnabled $true", Probe: probe.NewIMAP,
		},
		{
			Name: POP, Title: "POP3", Noun: "POP", Aliases: []string{"pop3", "pop3s"},
			Resource:     Exchange,
			Host:         func(c cloud.Cloud) string { return c.POPHost },
			ProviderHost: func(p cloud.Provider) string { return p.POPHost },
			AppRoles:     []string{"POP.AccessAsApp"}, Scopes: []string{"POP.AccessAsUser.All"},
			CASFlag: "-PopEnabled $true", Probe: probe.NewPOP,
		},
		{
			Name: SMTP, Title: "SMTP", Noun: "SMTP", Aliases: []string{"submission"},
			Resource:     Exchange,
			Host:         func(c cloud.Cloud) string { return c.SMTPHost },
			ProviderHost: func(p cloud.Provider) string { return p.SMTPHost },
			AppRoles:     []string{"SMTP.SendAsApp"}, Scopes: []string{"SMTP.Send"},
			CASFlag: "-SmtpClientAuthenticationDisabled $false", Probe: probe.NewSMTP,
		},
		graph,
	}
}

func first(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
