package profile

import (
	"fmt"
	"net"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/mailoauth/mailoauth-tester/core/cloud"
	"github.com/mailoauth/mailoauth-tester/core/secret"
)

// Severity says whether a Problem stops the run.
type Severity int

// Severities.
const (
	Error   Severity = iota // the run cannot start
	Warning                 // the run goes on; the server's answer will confirm
)

func (s Severity) String() string {
	if s == Warning {
		return "warning"
	}
	return "error"
}

// Field names, the same on the command line and in the window.
const (
	FieldTenant       = "tenant"
	FieldClientID     = "client-id"
	FieldSecret       = "secret"
	FieldCert         = "cert"
	FieldCertPassword = "cert-password"
	FieldMailbox      = "mailbox"
	FieldUser         = "user"
	FieldPassword     = "password"
	FieldRedirectURI  = "redirect-uri"
	FieldProvider     = "provider"
	FieldScope        = "scope"
	FieldFlow         = "flow"
	FieldProtocols    = "protocols"
	FieldMechanism    = "mech"
	FieldCloud        = "cloud"
	FieldAuthority    = "authority-host"
	FieldIMAPHost     = "imap-host"
	FieldPOPHost      = "pop-host"
	FieldSMTPHost     = "smtp-host"
	FieldGraphURL     = "graph-url"
	FieldCAFile       = "ca-file"
	FieldTimeout      = "timeout"
)

// Problem is one finding about one field. Message says what is wrong in the
// user's terms; Fix says what to do. Neither ever contains a secret value.
// DiagnosisID links the problem to the knowledge base when one applies.
type Problem struct {
	Field       string
	Severity    Severity
	Message     string
	Fix         string
	DiagnosisID string
}

func (p Problem) String() string {
	s := fmt.Sprintf("%s: %s", p.Field, p.Message)
	if p.Fix != "" {
		s += " — " + p.Fix
	}
	return s
}

// Problems is the result of Validate.
type Problems []Problem

// Errors returns only the problems that stop the run.
func (ps Problems) Errors() Problems {
	var out Problems
	for _, p := range ps {
		if p.Severity == Error {
			out = append(out, p)
		}
	}
	return out
}

// Warnings returns only the warnings.
func (ps Problems) Warnings() Problems {
	var out Problems
	for _, p := range ps {
		if p.Severity == Warning {
			out = append(out, p)
		}
	}
	return out
}

// For returns the problems of one field.
func (ps Problems) For(field string) Problems {
	var out Problems
	for _, p := range ps {
		if p.Field == field {
			out = append(out, p)
		}
	}
	return out
}

var (
	guidRE   = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	guidAny  = regexp.MustCompile(`[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}`)
	domainRE = regexp.MustCompile(`^(?i)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$`)
	// placeholderRE matches template text people forget to replace.
	placeholderRE = regexp.MustCompile(`(?i)^[<{\[(].*[>}\])]$|^(your|my|enter|insert|paste)[-_ ]|^x{3,}$|^(tenant|client|app)[-_ ]?(id|name)$|^(changeme|todo|tbd|example|placeholder|none|null|undefined)$`)
)

// IsGUID reports whether s is a GUID such as a tenant or client ID.
func IsGUID(s string) bool { return guidRE.MatchString(s) }

const zeroGUID = "00000000-0000-0000-0000-000000000000"

// Validate checks a normalized profile without touching the network (it
// only stats local files). Errors stop the run; warnings do not.
func Validate(p Profile) Problems {
	var ps Problems
	add := func(field string, sev Severity, diag, msg, fix string) {
		ps = append(ps, Problem{Field: field, Severity: sev, Message: msg, Fix: fix, DiagnosisID: diag})
	}
	if p.Flow.UsesOAuth() {
		validateTenant(p, add)
		validateClientID(p, add)
	}
	validateCredential(p, add)
	validateMailbox(p, add)
	validateFlowFields(p, add)
	validateChoices(p, add)
	validateEndpoints(p, add)
	if p.Timeout < 0 {
		add(FieldTimeout, Error, "", fmt.Sprintf("timeout %s is negative", p.Timeout), "use a positive duration such as 20s or 1m")
	} else if p.Timeout > MaxTimeout {
		add(FieldTimeout, Error, "", fmt.Sprintf("timeout %s is longer than %s", p.Timeout, MaxTimeout), "use a shorter duration such as 20s or 1m")
	} else if p.Timeout > 0 && p.Timeout < time.Second {
		add(FieldTimeout, Error, "", fmt.Sprintf("timeout %s is too short for a sign-in and a mail login", p.Timeout), "use at least 1s; 20s is the default")
	}
	return maskSecrets(ps, p.ClientSecret, p.CertPassword, p.Password)
}

// maskSecrets hides the secret and the certificate password wherever a
// message quotes a field — a secret pasted into the wrong field (say, the
// tenant) must not be printed back.
func maskSecrets(ps Problems, secrets ...string) Problems {
	for _, s := range secrets {
		if len(s) < 4 {
			continue
		}
		for i := range ps {
			ps[i].Message = strings.ReplaceAll(ps[i].Message, s, secret.Mask(s))
			ps[i].Fix = strings.ReplaceAll(ps[i].Fix, s, secret.Mask(s))
		}
	}
	return ps
}

type addFunc func(field string, sev Severity, diag, msg, fix string)

const tenantHint = "paste the Directory (tenant) ID from Microsoft Entra admin center → App registrations → your app → Overview, or the tenant's domain such as contoso.onmicrosoft.com"

func validateTenant(p Profile, add addFunc) {
	t := p.Tenant
	switch {
	case t == "":
		add(FieldTenant, Error, "tenant-invalid", "tenant is empty", tenantHint)
	case strings.Contains(t, "://") || strings.Contains(t, "/"):
		fix := tenantHint
		if g := guidAny.FindString(t); g != "" {
			fix = fmt.Sprintf("paste only the tenant ID (%s), not a URL or path", g)
		}
		add(FieldTenant, Error, "tenant-invalid", fmt.Sprintf("tenant %q is a URL or path, not a tenant", t), fix)
	case strings.EqualFold(t, zeroGUID) || placeholderRE.MatchString(t):
		add(FieldTenant, Error, "tenant-invalid", fmt.Sprintf("tenant %q is a placeholder", t), tenantHint)
	case isMultiTenantAlias(t) && (p.Flow == ClientCredentials || p.Flow == AuthCode):
		add(FieldTenant, Error, "tenant-required", fmt.Sprintf("tenant %q is not a specific tenant; %s needs the tenant that owns the app", t, p.Flow.Title()), tenantHint)
	case isMultiTenantAlias(t):
		add(FieldTenant, Warning, "tenant-required", fmt.Sprintf("tenant %q works only for multitenant apps", t), "a single-tenant app needs its own tenant: "+tenantHint)
	case strings.Contains(t, "@"):
		add(FieldTenant, Error, "tenant-invalid", fmt.Sprintf("tenant %q is an e-mail address", t), fmt.Sprintf("use the domain part (%s) or the Directory (tenant) ID", t[strings.LastIndex(t, "@")+1:]))
	case IsGUID(t):
	case domainRE.MatchString(t):
	default:
		add(FieldTenant, Error, "tenant-invalid", fmt.Sprintf("tenant %q is neither a GUID nor a domain name", t), tenantHint)
	}
}

func isMultiTenantAlias(t string) bool {
	switch strings.ToLower(t) {
	case "common", "organizations", "consumers":
		return true
	}
	return false
}

const clientHint = "paste the Application (client) ID from Microsoft Entra admin center → App registrations → your app → Overview"

func validateClientID(p Profile, add addFunc) {
	c := p.ClientID
	switch {
	case c == "":
		add(FieldClientID, Error, "app-not-found", "client ID is empty", clientHint)
	case strings.Contains(c, "@"):
		add(FieldClientID, Error, "app-not-found", fmt.Sprintf("client ID %q is an e-mail address, not an application ID", c), clientHint)
	case strings.EqualFold(c, zeroGUID):
		add(FieldClientID, Error, "app-not-found", "client ID is the all-zero placeholder GUID", clientHint)
	case !IsGUID(c):
		add(FieldClientID, Error, "app-not-found", fmt.Sprintf("client ID %q is not a GUID", c), clientHint)
	case strings.EqualFold(c, p.Tenant):
		add(FieldClientID, Warning, "app-not-found", "client ID is the same as the tenant ID", "the Application (client) ID and the Directory (tenant) ID are two different GUIDs on the app's Overview page")
	}
}

func validateCredential(p Profile, add addFunc) {
	switch p.Flow {
	case ClientCredentials, AuthCode:
	case Interactive, DeviceCode:
		if p.ClientSecret != "" || p.CertFile != "" {
			add(FieldSecret, Warning, "", p.Flow.Title()+" is a public-client flow: the client secret or certificate is not used", "clear it, or choose Authorization code with web redirect if the product uses the secret")
		}
		return
	default:
		return
	}
	s := p.ClientSecret
	switch {
	case s == "" && p.CertFile == "":
		add(FieldSecret, Error, "client-secret-missing", "client secret is empty (and no certificate is given)",
			"create one under App registrations → your app → Certificates & secrets → New client secret and copy its Value, or give a certificate")
	case s != "" && p.CertFile != "":
		add(FieldSecret, Error, "", "both a client secret and a certificate are given", "use one: clear the secret to test the certificate, or drop the certificate")
	case s != "" && IsGUID(s):
		add(FieldSecret, Warning, "client-secret-invalid", "THIS LOOKS LIKE THE SECRET ID, NOT THE SECRET VALUE",
			"under Certificates & secrets copy the Value column (about 40 characters, contains '~'); the Secret ID GUID is not a password. The value is shown only once, right after the secret is created — if it is gone, create a new secret")
	case s != "" && strings.ContainsAny(s, " \t\r\n"):
		add(FieldSecret, Warning, "client-secret-invalid", "client secret contains spaces or line breaks", "copy the Value again with the portal's copy button; secret values have no spaces")
	case s != "" && len(s) < 16:
		add(FieldSecret, Warning, "client-secret-invalid", fmt.Sprintf("client secret is only %d characters; Entra secret values are about 40", len(s)), "copy the whole Value with the portal's copy button")
	}
	if p.CertFile != "" {
		st, err := os.Stat(p.CertFile)
		switch {
		case err != nil:
			add(FieldCert, Error, "", fmt.Sprintf("certificate file %q cannot be read: %v", p.CertFile, errText(err)), "give the path of a PEM (certificate and private key) or PFX/P12 file")
		case st.IsDir():
			add(FieldCert, Error, "", fmt.Sprintf("certificate path %q is a folder", p.CertFile), "give the path of a PEM or PFX/P12 file")
		}
	}
}

func validateMailbox(p Profile, add addFunc) {
	m := p.Mailbox
	hint := "type the mailbox's primary SMTP address, e.g. support@contoso.com"
	switch {
	case m == "":
		add(FieldMailbox, Error, "mailbox-not-found", "mailbox is empty", hint)
	case strings.ContainsAny(m, " \t\r\n"):
		add(FieldMailbox, Error, "mailbox-not-found", fmt.Sprintf("mailbox %q contains spaces", m), hint)
	case strings.Count(m, "@") != 1:
		add(FieldMailbox, Error, "mailbox-not-found", fmt.Sprintf("mailbox %q is not an e-mail address (it needs exactly one @)", m), hint)
	default:
		local, domain, _ := strings.Cut(m, "@")
		if strings.HasPrefix(local, "<") || strings.HasSuffix(domain, ">") || strings.ContainsAny(m, "<>\"(),;:\\[]") {
			add(FieldMailbox, Error, "mailbox-not-found", fmt.Sprintf("mailbox %q contains characters an address cannot have", m), hint+" without a display name or brackets")
		} else if local == "" || !domainRE.MatchString(domain) {
			add(FieldMailbox, Error, "mailbox-not-found", fmt.Sprintf("mailbox %q is not an e-mail address", m), hint)
		}
	}
}

func validateChoices(p Profile, add addFunc) {
	known := false
	var names []string
	for _, f := range AllFlows {
		known = known || f == p.Flow
		names = append(names, string(f))
	}
	if !known {
		add(FieldFlow, Error, "", fmt.Sprintf("flow %q is not supported", p.Flow), "use one of "+strings.Join(names, ", "))
	}
	if p.Flow == AppPassword && p.Has(Graph) {
		add(FieldProtocols, Error, "", "Microsoft Graph has no password login", "drop graph, or choose an OAuth flow")
	}
	if len(p.Protocols) == 0 {
		add(FieldProtocols, Error, "", "no protocol selected", "choose at least one of imap, pop, smtp, graph")
	}
	for _, pr := range p.Protocols {
		switch pr {
		case IMAP, POP, SMTP, Graph:
		default:
			add(FieldProtocols, Error, "", fmt.Sprintf("unknown protocol %q", pr), "choose from imap, pop, smtp, graph")
		}
	}
	switch p.Mechanism {
	case XOAUTH2, OAUTHBEARER:
	default:
		add(FieldMechanism, Error, "", fmt.Sprintf("unknown mechanism %q", p.Mechanism), "use xoauth2 (what Exchange Online offers) or oauthbearer")
	}
	if _, err := cloud.Lookup(p.Cloud); err != nil {
		add(FieldCloud, Error, "", fmt.Sprintf("unknown cloud %q", p.Cloud), "use one of "+strings.Join(cloud.Names(), ", "))
	}
}

func validateEndpoints(p Profile, add addFunc) {
	validateHTTPS(add, FieldAuthority, "authority host", p.AuthorityHost, "https://login.microsoftonline.com", "the tenant goes in the tenant field")
	validateHTTPS(add, FieldGraphURL, "Graph URL", p.GraphURL, "https://graph.microsoft.com", "the version and mailbox are added by the tester")
	for _, h := range []struct{ field, val string }{{FieldIMAPHost, p.IMAPHost}, {FieldPOPHost, p.POPHost}, {FieldSMTPHost, p.SMTPHost}} {
		if h.val == "" {
			continue
		}
		if msg := validHostPort(h.val); msg != "" {
			add(h.field, Error, "", fmt.Sprintf("%q: %s", h.val, msg), "use host:port, e.g. outlook.office365.com:993")
		}
	}
	if p.CAFile != "" {
		if _, err := os.Stat(p.CAFile); err != nil {
			add(FieldCAFile, Error, "", fmt.Sprintf("CA file %q cannot be read: %v", p.CAFile, errText(err)), "give the path of a PEM file with the extra root certificates")
		}
	}
}

// validateHTTPS checks an https base URL without a path.
func validateHTTPS(add addFunc, field, what, v, example, pathHint string) {
	if v == "" {
		return
	}
	u, err := url.Parse(v)
	switch {
	case err != nil || u.Host == "":
		add(field, Error, "", fmt.Sprintf("%s %q is not a URL", what, v), "use a URL such as "+example)
	case u.Scheme != "https":
		add(field, Error, "", fmt.Sprintf("%s %q must use https", what, v), "use https://…")
	case strings.Trim(u.Path, "/") != "":
		add(field, Error, "", fmt.Sprintf("%s %q has a path; %s", what, v, pathHint), "use only scheme and host, e.g. "+example)
	case validPort(u.Port()) != "":
		add(field, Error, "", fmt.Sprintf("%s %q: %s", what, v, validPort(u.Port())), "use a port from 1 to 65535")
	}
}

func validHostPort(s string) string {
	if strings.Contains(s, "://") {
		return "is a URL, not host:port"
	}
	host, port, err := net.SplitHostPort(s)
	if err != nil {
		return "is not host:port"
	}
	if host == "" {
		return "has no host"
	}
	return validPort(port)
}

func validPort(port string) string {
	if port == "" {
		return ""
	}
	n, err := strconv.Atoi(port)
	if err != nil || n < 1 || n > 65535 {
		return fmt.Sprintf("port %s is out of range", port)
	}
	return ""
}

// errText shortens an *os.PathError to its cause.
func errText(err error) string {
	var pe *os.PathError
	if e, ok := err.(*os.PathError); ok {
		pe = e
		return pe.Err.Error()
	}
	return err.Error()
}

// validateFlowFields checks the fields only some flows use.
func validateFlowFields(p Profile, add addFunc) {
	if p.User != "" {
		validateAddress(add, FieldUser, "sign-in user", p.User, "type the user's sign-in name (UPN), e.g. agent@contoso.com")
	}
	switch p.Flow {
	case Password:
		if p.Password == "" {
			add(FieldPassword, Error, "credentials-invalid", "password is empty", "give the user's password (it is never stored)")
		}
		add(FieldFlow, Warning, "", "Microsoft discourages username+password sign-in: MFA, federated domains and Conditional Access make it fail", "prefer browser sign-in or device code; this test shows whether it still works for this user")
	case AppPassword:
		if p.Password == "" {
			add(FieldPassword, Error, "basic-auth-disabled", "password is empty", "give the app password (it is never stored)")
		}
		if p.Provider != "" {
			if _, err := cloud.LookupProvider(p.Provider); err != nil {
				add(FieldProvider, Error, "", err.Error(), "choose microsoft365, outlook.com, gmail or custom")
			}
		}
		if p.Provider == "custom" && p.IMAPHost == "" && p.POPHost == "" && p.SMTPHost == "" {
			add(FieldProvider, Error, "", "a custom provider needs its hosts", "set the IMAP, POP3 and SMTP hosts")
		}
	case AuthCode:
		if p.RedirectURI == "" {
			add(FieldRedirectURI, Error, "redirect-uri-mismatch", "redirect URI is empty", "copy it from App registrations → your app → Authentication → Web → Redirect URIs (the product's callback address)")
		}
	}
	if p.RedirectURI != "" {
		u, err := url.Parse(p.RedirectURI)
		switch {
		case err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http"):
			add(FieldRedirectURI, Error, "redirect-uri-mismatch", fmt.Sprintf("redirect URI %q is not an http(s) address", p.RedirectURI), "use the exact address registered on the app, e.g. https://ece.contoso.com/oauth/callback")
		case u.Fragment != "":
			add(FieldRedirectURI, Error, "redirect-uri-mismatch", "redirect URI has a #fragment, which Entra ID does not allow", "remove the part after #")
		case u.Scheme == "http" && u.Hostname() != "localhost" && u.Hostname() != "127.0.0.1":
			add(FieldRedirectURI, Error, "redirect-uri-mismatch", fmt.Sprintf("redirect URI %q uses http on another host; Entra ID allows http only for localhost", p.RedirectURI), "use https")
		case p.Flow == Interactive && u.Scheme != "http":
			add(FieldRedirectURI, Error, "redirect-uri-mismatch", "browser sign-in redirects to this computer: use http://localhost (optionally with a port)", "register http://localhost under Mobile and desktop applications")
		case validPort(u.Port()) != "":
			add(FieldRedirectURI, Error, "redirect-uri-mismatch", validPort(u.Port()), "use a port from 1 to 65535")
		}
	}
	for _, s := range p.Scopes {
		if !strings.Contains(s, "/") && !strings.Contains(s, ".") && s != "offline_access" && s != "openid" && s != "profile" && s != "email" {
			add(FieldScope, Error, "scope-invalid", fmt.Sprintf("scope %q is not a scope", s), "use full scopes such as https://outlook.office.com/IMAP.AccessAsUser.All")
		}
	}
}

func validateAddress(add addFunc, field, what, v, hint string) {
	switch {
	case strings.ContainsAny(v, " \t\r\n"):
		add(field, Error, "user-not-found", fmt.Sprintf("%s %q contains spaces", what, v), hint)
	case strings.Count(v, "@") != 1:
		add(field, Error, "user-not-found", fmt.Sprintf("%s %q is not an e-mail address (it needs exactly one @)", what, v), hint)
	default:
		local, domain, _ := strings.Cut(v, "@")
		if local == "" || !domainRE.MatchString(domain) {
			add(field, Error, "user-not-found", fmt.Sprintf("%s %q is not an e-mail address", what, v), hint)
		}
	}
}

// ValidateEnvironment checks only the fields the environment check uses
// (cloud, hosts, CA file, timeout), for a profile without credentials.
func ValidateEnvironment(p Profile) Problems {
	var ps Problems
	for _, pr := range Validate(p) {
		switch pr.Field {
		case FieldCloud, FieldAuthority, FieldIMAPHost, FieldPOPHost, FieldSMTPHost, FieldGraphURL, FieldCAFile, FieldTimeout:
			ps = append(ps, pr)
		}
	}
	return ps
}
