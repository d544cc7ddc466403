package diagnose

import (
	"net/url"
	"strings"
)

// Defaults used when the matching Facts field is empty.
const (
	defaultPortalHost       = "portal.azure.com"
	defaultAuthorityHost    = "login.microsoftonline.com"
	defaultExchangeResource = "https://outlook.office365.com"
)

// Placeholders shown where a Facts field is empty. They are readable on
// purpose: a user copying a script sees at once what to fill in.
const (
	phClient  = "<client-id>"
	phTenant  = "<tenant-id>"
	phMailbox = "<mailbox>"
	phUser    = "<user>"
)

// linkSpec is a link template. URL tokens are replaced with escaped Facts
// values; when a token's fact is empty the Fallback URL (which must only use
// host tokens) is used instead, so a link never points at a placeholder.
type linkSpec struct {
	Title    string
	URL      string
	Fallback string
}

// renderer fills catalog templates with the Facts of one run.
type renderer struct {
	text   *strings.Replacer // for Title, Cause, Fix
	script *strings.Replacer // for PowerShell: values inside single quotes
	f      Facts
	proto  string
}

func newRenderer(f Facts) *renderer {
	r := &renderer{f: f, proto: normProtocol(f.Protocol)}
	client := orPlaceholder(f.ClientID, phClient)
	tenant := orPlaceholder(tenantOf(f), phTenant)
	mailbox := orPlaceholder(f.Mailbox, phMailbox)
	user := orPlaceholder(f.User, phUser)
	common := []string{
		"{portal}", hostOf(f.PortalHost, defaultPortalHost),
		"{authority}", hostOf(f.AuthorityHost, defaultAuthorityHost),
		"{resource}", resourceOf(f),
		"{default}", resourceOf(f) + "/.default",
		"{role}", roleFor(r.proto),
		"{scope}", scopeFor(r.proto),
		"{proto}", protoName(r.proto),
		"{casflag}", casFlagFor(r.proto),
	}
	r.text = strings.NewReplacer(append([]string{
		"{client}", client, "{tenant}", tenant, "{mailbox}", mailbox, "{user}", user,
	}, common...)...)
	r.script = strings.NewReplacer(append([]string{
		"{client}", psQuote(client), "{tenant}", psQuote(tenant),
		"{mailbox}", psQuote(mailbox), "{user}", psQuote(user),
	}, common...)...)
	return r
}

func (r *renderer) str(s string) string { return r.text.Replace(s) }

func (r *renderer) strs(in []string) []string {
	out := make([]string, len(in))
	for i, s := range in {
		out[i] = r.text.Replace(s)
	}
	return out
}

// link renders one linkSpec. Path tokens are path-escaped, query tokens
// ({qclient}) query-escaped.
func (r *renderer) link(s linkSpec) Link {
	tenant := tenantOf(r.f)
	tenantOrOrgs := tenant
	if tenantOrOrgs == "" {
		tenantOrOrgs = "organizations"
	}
	needClient := strings.Contains(s.URL, "{client}") || strings.Contains(s.URL, "{qclient}")
	needTenant := strings.Contains(s.URL, "{tenant}")
	u := s.URL
	if (needClient && r.f.ClientID == "") || (needTenant && tenant == "") {
		u = s.Fallback
	}
	rep := strings.NewReplacer(
		"{portal}", hostOf(r.f.PortalHost, defaultPortalHost),
		"{authority}", hostOf(r.f.AuthorityHost, defaultAuthorityHost),
		"{client}", url.PathEscape(strings.TrimSpace(r.f.ClientID)),
		"{qclient}", url.QueryEscape(strings.TrimSpace(r.f.ClientID)),
		"{tenant}", url.PathEscape(tenant),
		"{tenantorgs}", url.PathEscape(tenantOrOrgs),
	)
	return Link{Title: s.Title, URL: rep.Replace(u)}
}

func orPlaceholder(v, ph string) string {
	if v = strings.TrimSpace(v); v == "" {
		return ph
	}
	return v
}

// tenantOf prefers the GUID from the token over what the user typed.
func tenantOf(f Facts) string {
	if t := strings.TrimSpace(f.TenantID); t != "" {
		return t
	}
	return strings.TrimSpace(f.Tenant)
}

// hostOf reduces "https://portal.azure.com/" to "portal.azure.com".
func hostOf(v, def string) string {
	v = strings.TrimSpace(v)
	if i := strings.Index(v, "://"); i >= 0 {
		v = v[i+3:]
	}
	if i := strings.IndexAny(v, "/?#"); i >= 0 {
		v = v[:i]
	}
	if v == "" {
		return def
	}
	return v
}

func resourceOf(f Facts) string {
	v := strings.TrimRight(strings.TrimSpace(f.ExchangeResource), "/")
	if v == "" {
		return defaultExchangeResource
	}
	if !strings.Contains(v, "://") {
		v = "https://" + v
	}
	return v
}

// psQuote escapes a value for a PowerShell single-quoted string.
func psQuote(v string) string { return strings.ReplaceAll(v, "'", "''") }

func normProtocol(p string) string {
	switch strings.ToLower(strings.TrimSpace(p)) {
	case "imap", "imaps":
		return "imap"
	case "pop", "pop3", "pop3s":
		return "pop"
	case "smtp", "submission":
		return "smtp"
	case "graph":
		return "graph"
	}
	return ""
}

func roleFor(p string) string {
	switch p {
	case "imap":
		return "IMAP.AccessAsApp"
	case "pop":
		return "POP.AccessAsApp"
	case "smtp":
		return "SMTP.SendAsApp"
	case "graph":
		return "Mail.ReadWrite or Mail.Send (Microsoft Graph, Application)"
	}
	return "IMAP.AccessAsApp, POP.AccessAsApp or SMTP.SendAsApp"
}

func scopeFor(p string) string {
	switch p {
	case "imap":
		return "IMAP.AccessAsUser.All"
	case "pop":
		return "POP.AccessAsUser.All"
	case "smtp":
		return "SMTP.Send"
	case "graph":
		return "Mail.ReadWrite or Mail.Send (Microsoft Graph, Delegated)"
	}
	return "IMAP.AccessAsUser.All, POP.AccessAsUser.All or SMTP.Send"
}

func protoName(p string) string {
	switch p {
	case "imap":
		return "IMAP"
	case "pop":
		return "POP"
	case "smtp":
		return "SMTP"
	case "graph":
		return "Microsoft Graph"
	}
	return "IMAP, POP or SMTP"
}

func casFlagFor(p string) string {
	switch p {
	case "imap":
		return "-ImapEnabled $true"
	case "pop":
		return "-PopEnabled $true"
	case "smtp":
		return "-SmtpClientAuthenticationDisabled $false"
	}
	return "-ImapEnabled $true -PopEnabled $true -SmtpClientAuthenticationDisabled $false"
}
