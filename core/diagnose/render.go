package diagnose

import (
	"net/url"
	"strings"

	"github.com/mailoauth/mailoauth-tester/core/cloud"
	"github.com/mailoauth/mailoauth-tester/core/protocol"
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

// cloudView is every host, portal and PowerShell command a diagnosis may
// name, for the run's cloud.
type cloudView struct {
	c         cloud.Cloud
	portal    string // Azure portal host
	entra     string // Entra admin center host
	authority string // sign-in host
	resource  string // Exchange resource URL, without a trailing slash
}

// cloudOf resolves the run's cloud: Facts.Cloud by name, else the cloud of
// Facts.ExchangeResource, else Worldwide. The host fields of f, when set,
// override the cloud's (a run against a custom authority host names it).
func cloudOf(f Facts) cloudView {
	c, err := cloud.Lookup(f.Cloud)
	if err != nil {
		var ok bool
		if c, ok = cloud.ByExchangeResource(f.ExchangeResource); !ok {
			c = cloud.Global
		}
	}
	v := cloudView{c: c, entra: c.EntraAdminHost}
	v.portal = hostOf(f.PortalHost, c.PortalHost)
	v.authority = hostOf(f.AuthorityHost, c.AuthorityHostName())
	v.resource = strings.TrimRight(strings.TrimSpace(f.ExchangeResource), "/")
	if v.resource == "" {
		v.resource = c.ExchangeResource
	} else if !strings.Contains(v.resource, "://") {
		v.resource = "https://" + v.resource
	}
	return v
}

// hostTokens are the tokens every text, script and link may use; they name
// hosts, portals and commands of the run's cloud.
func (v cloudView) hostTokens() []string {
	c := v.c
	secInfo := "https://aka.ms/mysecurityinfo"
	// High Volume Email exists in the Worldwide cloud only:
	// https://learn.microsoft.com/exchange/mail-flow-best-practices/high-volume-mails-m365
	hve := "For High Volume Email (smtp-hve.office365.com:587, internal recipients only), send as an HVE account and give the app access with `Add-HVEAppAccess`."
	if c.Name != cloud.Global.Name {
		secInfo = "the Security info page of the account (" + c.UserPortalURL + ")"
		hve = ""
	}
	return []string{
		"{portal}", v.portal,
		"{entra}", v.entra,
		"{authority}", v.authority,
		"{resource}", v.resource,
		"{default}", v.resource + "/.default",
		"{eac}", c.ExchangeAdminURL,
		"{eac:mailboxes}", c.ExchangeAdminPage("mailboxes"),
		"{m365}", c.M365AdminURL,
		"{m365:users}", c.M365AdminPage("users"),
		"{m365:subscriptions}", c.M365AdminPage("subscriptions"),
		"{m365:support}", c.M365AdminPage("support"),
		"{m365:servicehealth}", c.M365AdminPage("servicehealth"),
		"{userportal}", c.UserPortalURL,
		"{securityinfo}", secInfo,
		"{imaphost}", hostPart(c.IMAPHost),
		"{pophost}", hostPart(c.POPHost),
		"{smtphost}", hostPart(c.SMTPHost),
		"{graph}", c.GraphHost,
		"{exo}", c.ConnectExchange(),
		"{mg}", c.ConnectGraph(),
		"{cloud}", c.Title,
		"{endpoints}", c.EndpointsDoc,
		"{hvestep}", hve,
	}
}

// hostPart reduces "host:port" to "host".
func hostPart(hp string) string {
	if i := strings.LastIndexByte(hp, ':'); i > 0 {
		return hp[:i]
	}
	return hp
}

// renderer fills catalog templates with the Facts of one run.
type renderer struct {
	text   *strings.Replacer // for Title, Cause, Fix
	script *strings.Replacer // for PowerShell: values inside single quotes
	f      Facts
	c      cloudView
	proto  string
}

func newRenderer(f Facts) *renderer {
	r := &renderer{f: f, c: cloudOf(f)}
	if s, ok := specOf(f.Protocol); ok {
		r.proto = string(s.Name)
	}
	client := orPlaceholder(f.ClientID, phClient)
	tenant := orPlaceholder(tenantOf(f), phTenant)
	mailbox := orPlaceholder(f.Mailbox, phMailbox)
	user := orPlaceholder(f.User, phUser)
	common := append(r.c.hostTokens(),
		"{role}", roleFor(r.proto),
		"{scope}", scopeFor(r.proto),
		"{proto}", protoName(r.proto),
		"{casflag}", casFlagFor(r.proto),
	)
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
	rep := strings.NewReplacer(append(r.c.hostTokens(),
		"{client}", url.PathEscape(strings.TrimSpace(r.f.ClientID)),
		"{qclient}", url.QueryEscape(strings.TrimSpace(r.f.ClientID)),
		"{tenant}", url.PathEscape(tenant),
		"{tenantorgs}", url.PathEscape(tenantOrOrgs),
	)...)
	return Link{Title: rep.Replace(s.Title), URL: rep.Replace(u)}
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

// psQuote escapes a value for a PowerShell single-quoted string.
func psQuote(v string) string { return strings.ReplaceAll(v, "'", "''") }

// specOf is the row of the run's protocol, if it is one the table knows.
func specOf(p string) (protocol.Spec, bool) {
	if strings.TrimSpace(p) == "" {
		return protocol.Spec{}, false
	}
	return protocol.Default().Lookup(protocol.Name(p))
}

// mailRows are the Exchange protocols, for advice that names them all.
func mailRows() protocol.Table { return protocol.Default().For(protocol.Exchange) }

// oneOf joins words as "a, b or c".
func oneOf(words []string) string {
	if len(words) < 2 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " or " + words[len(words)-1]
}

// protocolWords collects one word per mail protocol.
func protocolWords(word func(protocol.Spec) string) []string {
	var out []string
	for _, s := range mailRows() {
		if w := word(s); w != "" {
			out = append(out, w)
		}
	}
	return out
}

func roleFor(p string) string {
	if s, ok := specOf(p); ok {
		return s.Role()
	}
	return oneOf(protocolWords(protocol.Spec.Role))
}

func scopeFor(p string) string {
	if s, ok := specOf(p); ok {
		return s.Scope()
	}
	return oneOf(protocolWords(protocol.Spec.Scope))
}

func protoName(p string) string {
	if s, ok := specOf(p); ok {
		return s.Noun
	}
	return oneOf(protocolWords(func(s protocol.Spec) string { return s.Noun }))
}

func casFlagFor(p string) string {
	if s, ok := specOf(p); ok {
		return s.CASFlag
	}
	return strings.Join(protocolWords(func(s protocol.Spec) string { return s.CASFlag }), " ")
}
