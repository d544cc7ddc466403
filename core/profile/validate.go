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
	"github.com/mailoauth/mailoauth-tester/core/diagnose"
	"github.com/mailoauth/mailoauth-tester/core/protocol"
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
	FieldPreset       = "preset"
	FieldGraphSend    = "graph-send-only"
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
func Validate(p Profile) Problems { return ValidateWith(p, protocol.Default()) }

// ValidateWith is Validate for a run that knows the protocols of table
// (the default table plus, say, a test's own protocol).
func ValidateWith(p Profile, table protocol.Table) Problems {
	var ps Problems
	add := func(field string, sev Severity, diag, msg, fix string) {
		ps = append(ps, Problem{Field: field, Severity: sev, Message: msg, Fix: fix, DiagnosisID: diag})
	}
	if spec, _ := LookupFlow(p.Flow); spec.Uses(FieldTenant) {
		validateTenant(p, add)
		validateClientID(p, add)
	}
	validateCredential(p, add)
	validateMailbox(p, add)
	validateSecretChars(p, add)
	validateFlowFields(p, add)
	validateChoices(p, table, add)
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
	var sc secret.Scrubber
	sc.Add(secrets...)
	for i := range ps {
		ps[i].Message = sc.Scrub(ps[i].Message)
		ps[i].Fix = sc.Scrub(ps[i].Fix)
	}
	return ps
}

type addFunc func(field string, sev Severity, diag, msg, fix string)

const tenantHint = "paste the Directory (tenant) ID from Microsoft Entra admin center → App registrations → your app → Overview, or the tenant's domain such as contoso.onmicrosoft.com"

func validateTenant(p Profile, add addFunc) {
	t := p.Tenant
	switch {
	case t == "":
		add(FieldTenant, Error, diagnose.TenantInvalid, "tenant is empty", tenantHint)
	case strings.Contains(t, "://") || strings.Contains(t, "/"):
		fix := tenantHint
		if g := guidAny.FindString(t); g != "" {
			fix = fmt.Sprintf("paste only the tenant ID (%s), not a URL or path", g)
		}
		add(FieldTenant, Error, diagnose.TenantInvalid, fmt.Sprintf("tenant %s is a URL or path, not a tenant", show(t)), fix)
	case strings.EqualFold(t, zeroGUID) || placeholderRE.MatchString(t):
		add(FieldTenant, Error, diagnose.TenantInvalid, fmt.Sprintf("tenant %s is a placeholder", show(t)), tenantHint)
	case isMultiTenantAlias(t) && (p.Flow == ClientCredentials || p.Flow == AuthCode):
		add(FieldTenant, Error, diagnose.TenantRequired, fmt.Sprintf("tenant %s is not a specific tenant; %s needs the tenant that owns the app", show(t), p.Flow.Title()), tenantHint)
	case isMultiTenantAlias(t):
		add(FieldTenant, Warning, diagnose.TenantRequired, fmt.Sprintf("tenant %s works only for multitenant apps", show(t)), "a single-tenant app needs its own tenant: "+tenantHint)
	case strings.Contains(t, "@"):
		add(FieldTenant, Error, diagnose.TenantInvalid, fmt.Sprintf("tenant %s is an e-mail address", show(t)), fmt.Sprintf("use the domain part (%s) or the Directory (tenant) ID", show(t[strings.LastIndex(t, "@")+1:])))
	case IsGUID(t):
	case domainRE.MatchString(t):
	default:
		add(FieldTenant, Error, diagnose.TenantInvalid, fmt.Sprintf("tenant %s is neither a GUID nor a domain name", show(t)), tenantHint)
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
		add(FieldClientID, Error, diagnose.AppNotFound, "client ID is empty", clientHint)
	case strings.Contains(c, "@"):
		add(FieldClientID, Error, diagnose.AppNotFound, fmt.Sprintf("client ID %s is an e-mail address, not an application ID", show(c)), clientHint)
	case strings.EqualFold(c, zeroGUID):
		add(FieldClientID, Error, diagnose.AppNotFound, "client ID is the all-zero placeholder GUID", clientHint)
	case !IsGUID(c):
		add(FieldClientID, Error, diagnose.AppNotFound, fmt.Sprintf("client ID %s is not a GUID", show(c)), clientHint)
	case strings.EqualFold(c, p.Tenant):
		add(FieldClientID, Warning, diagnose.AppNotFound, "client ID is the same as the tenant ID", "the Application (client) ID and the Directory (tenant) ID are two different GUIDs on the app's Overview page")
	}
}

func validateCredential(p Profile, add addFunc) {
	if spec, _ := LookupFlow(p.Flow); !spec.Uses(FieldSecret) {
		// A flow that waits for a person in the browser is a public
		// client: a secret given for it is a sign of the wrong flow.
		if spec.PersonWaits && (p.ClientSecret != "" || p.CertFile != "") {
			add(FieldSecret, Warning, "", p.Flow.Title()+" is a public-client flow: the client secret or certificate is not used", "clear it, or choose Authorization code with web redirect if the product uses the secret")
		}
		return
	}
	s := p.ClientSecret
	switch {
	case s == "" && p.CertFile == "":
		add(FieldSecret, Error, diagnose.ClientSecretMissing, "client secret is empty (and no certificate is given)",
			"create one under App registrations → your app → Certificates & secrets → New client secret and copy its Value, or give a certificate")
	case s != "" && p.CertFile != "":
		add(FieldSecret, Error, "", "both a client secret and a certificate are given", "use one: clear the secret to test the certificate, or drop the certificate")
	case s != "" && IsGUID(s):
		add(FieldSecret, Warning, diagnose.ClientSecretInvalid, "THIS LOOKS LIKE THE SECRET ID, NOT THE SECRET VALUE",
			"under Certificates & secrets copy the Value column (about 40 characters, contains '~'); the Secret ID GUID is not a password. The value is shown only once, right after the secret is created — if it is gone, create a new secret")
	case s != "" && strings.Contains(s, " "):
		add(FieldSecret, Warning, diagnose.ClientSecretInvalid, "client secret contains spaces", "copy the Value again with the portal's copy button; secret values have no spaces")
	case s != "" && len(s) < 16:
		add(FieldSecret, Warning, diagnose.ClientSecretInvalid, fmt.Sprintf("client secret is only %d characters; Entra secret values are about 40", len(s)), "copy the whole Value with the portal's copy button")
	}
	if p.CertFile != "" {
		if msg := checkFile(p.CertFile); msg != "" {
			add(FieldCert, Error, "", "certificate file "+msg, "give the path of a PEM (certificate and private key) or PFX/P12 file")
		}
	}
}

func validateMailbox(p Profile, add addFunc) {
	hint := "type the mailbox's primary SMTP address, e.g. support@contoso.com"
	if p.Mailbox == "" {
		add(FieldMailbox, Error, diagnose.MailboxNotFound, "mailbox is empty", hint)
		return
	}
	if msg, fix := addressProblem(p.Mailbox); msg != "" {
		add(FieldMailbox, Error, diagnose.MailboxNotFound, "mailbox "+msg, hint+fix)
	}
}

// RFC 5321 limits of an address (section 4.5.3.1).
const (
	maxLocalPart = 64
	maxAddress   = 254
)

// addressProblem says what is wrong with an e-mail address, and what to add
// to the field's hint, or returns "".
func addressProblem(v string) (msg, fix string) {
	local, domain, _ := strings.Cut(v, "@")
	switch {
	case hasControl(v):
		return show(v) + " contains control characters", ""
	case strings.ContainsAny(v, " \t"):
		return show(v) + " contains spaces", ""
	case strings.Count(v, "@") != 1:
		return show(v) + " is not an e-mail address (it needs exactly one @)", ""
	case strings.HasPrefix(local, "<") || strings.HasSuffix(domain, ">") || strings.ContainsAny(v, "<>\"(),;:\\[]`"):
		return show(v) + " contains characters an address cannot have", " without a display name or brackets"
	case len(local) > maxLocalPart:
		return fmt.Sprintf("%s has a %d-character name before the @; an address allows %d (RFC 5321)", show(v), len(local), maxLocalPart), ""
	case len(v) > maxAddress:
		return fmt.Sprintf("%s is %d characters long; an address allows %d (RFC 5321)", show(v), len(v), maxAddress), ""
	case local == "" || !domainRE.MatchString(domain) || len(domain) > 253:
		return show(v) + " is not an e-mail address", ""
	}
	return "", ""
}

func validateChoices(p Profile, table protocol.Table, add addFunc) {
	known := false
	var names []string
	for _, f := range AllFlows {
		known = known || f == p.Flow
		names = append(names, string(f))
	}
	if !known {
		add(FieldFlow, Error, "", fmt.Sprintf("flow %q is not supported", p.Flow), "use one of "+strings.Join(names, ", "))
	}
	var choices []string
	for _, n := range table.Names() {
		choices = append(choices, string(n))
	}
	if len(p.Protocols) == 0 {
		add(FieldProtocols, Error, "", "no protocol selected", "choose at least one of "+strings.Join(choices, ", "))
	}
	for _, pr := range p.Protocols {
		spec, ok := table.Lookup(pr)
		switch {
		case !ok:
			add(FieldProtocols, Error, "", fmt.Sprintf("unknown protocol %q", pr), "choose from "+strings.Join(choices, ", "))
		case known && !p.Flow.UsesOAuth() && !spec.Basic():
			add(FieldProtocols, Error, "", spec.Noun+" has no password login", "drop "+string(spec.Name)+", or choose an OAuth flow")
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
			add(h.field, Error, "", fmt.Sprintf("%s: %s", showEndpoint(h.val), msg), "use host:port, e.g. outlook.office365.com:993")
		}
	}
	if p.CAFile != "" {
		if msg := checkFile(p.CAFile); msg != "" {
			add(FieldCAFile, Error, "", "CA file "+msg, "give the path of a PEM file with the extra root certificates")
		}
	}
}

// userinfoText is said of an address with a user name or password in it.
// The value is never repeated: it would print the password.
const userinfoText = "contains a user name or password (the part before @); the value is not shown and nothing was sent"

// validateHTTPS checks an https base URL without a path.
func validateHTTPS(add addFunc, field, what, v, example, pathHint string) {
	if v == "" {
		return
	}
	if strings.Contains(v, "@") {
		add(field, Error, "", what+" "+userinfoText, "remove the user name and password: use only scheme and host, e.g. "+example)
		return
	}
	if msg := spaceProblem(v); msg != "" {
		add(field, Error, "", fmt.Sprintf("%s %s %s", what, show(v), msg), "use a URL such as "+example)
		return
	}
	u, err := url.Parse(v)
	switch {
	case err != nil || u.Scheme == "" || u.Opaque != "":
		add(field, Error, "", fmt.Sprintf("%s %s is not a URL", what, show(v)), "use a URL such as "+example)
	case u.Scheme != "https":
		add(field, Error, "", fmt.Sprintf("%s %s must use https", what, show(v)), "use https://…")
	case u.Hostname() == "":
		add(field, Error, "", fmt.Sprintf("%s %s has no host name", what, show(v)), "use a URL such as "+example)
	case hostProblem(u.Hostname()) != "":
		add(field, Error, "", fmt.Sprintf("%s %s: %s", what, show(v), hostProblem(u.Hostname())), "use a URL such as "+example)
	case strings.HasSuffix(u.Host, ":"):
		add(field, Error, "", fmt.Sprintf("%s %s has a colon but no port", what, show(v)), "remove the colon, or add the port, e.g. "+example+":443")
	case strings.Trim(u.Path, "/") != "" || u.RawQuery != "" || u.Fragment != "":
		add(field, Error, "", fmt.Sprintf("%s %s has a path; %s", what, show(v), pathHint), "use only scheme and host, e.g. "+example)
	case validPort(u.Port()) != "":
		add(field, Error, "", fmt.Sprintf("%s %s: %s", what, show(v), validPort(u.Port())), "use a port from 1 to 65535")
	}
}

// validHostPort checks host:port and returns what is wrong, or "".
func validHostPort(s string) string {
	if strings.Contains(s, "@") {
		return userinfoText
	}
	if msg := spaceProblem(s); msg != "" {
		return msg
	}
	if strings.Contains(s, "://") {
		return "is a URL, not host:port"
	}
	host, port, err := net.SplitHostPort(s)
	switch {
	case err != nil:
		return "is not host:port"
	case host == "":
		return "has no host"
	case port == "":
		return "has a colon but no port"
	}
	if msg := hostProblem(host); msg != "" {
		return msg
	}
	return validPort(port)
}

// spaceProblem says that an address holds control characters or spaces,
// which no host name or URL can have, or returns "".
func spaceProblem(v string) string {
	switch {
	case strings.ContainsAny(v, " \t"):
		return "contains spaces"
	case hasControl(v):
		return "contains control characters"
	}
	return ""
}

// hostProblem says what makes h unusable as a host name or IP address, or
// returns "": a host is letters, digits, hyphens, dots (and underscores,
// which some internal names use), in labels of at most 63 characters.
func hostProblem(h string) string {
	if ip := net.ParseIP(h); ip != nil {
		return ""
	}
	if len(h) > 253 {
		return fmt.Sprintf("the host name is %d characters; a host name has at most 253", len(h))
	}
	for _, r := range h {
		switch {
		case r == '*':
			return "the host name contains *, a wildcard, not a host"
		case r == ' ' || r == '\t':
			return "the host name contains spaces"
		case r < 0x20 || r == 0x7f || r >= 0x80 && r <= 0x9f:
			return "the host name contains control characters"
		case r >= 0x80:
			return "the host name contains a character a host name cannot have (write international names in their xn-- form)"
		case !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '.' || r == '_'):
			return fmt.Sprintf("the host name contains %q, which a host name cannot have", r)
		}
	}
	for _, label := range strings.Split(strings.TrimSuffix(h, "."), ".") {
		switch {
		case label == "":
			return "the host name has an empty part (two dots in a row, or a leading dot)"
		case len(label) > 63:
			return "a part of the host name is longer than 63 characters"
		case strings.HasPrefix(label, "-") || strings.HasSuffix(label, "-"):
			return "a part of the host name starts or ends with a hyphen"
		}
	}
	return ""
}

func validPort(port string) string {
	if port == "" {
		return ""
	}
	n, err := strconv.Atoi(port)
	if err != nil || n < 1 || n > 65535 {
		return fmt.Sprintf("port %s is out of range", show(port))
	}
	return ""
}

// show quotes a value for a message: control characters escaped, at most
// 60 characters.
func show(v string) string {
	r := []rune(v)
	if len(r) > 60 {
		return fmt.Sprintf("%q… (%d characters)", string(r[:60]), len(r))
	}
	return fmt.Sprintf("%q", v)
}

// showEndpoint quotes a host or URL, unless it may hold a password.
func showEndpoint(v string) string {
	if strings.Contains(v, "@") {
		return "the value"
	}
	return show(v)
}

// hasControl reports a control character (C0, DEL or C1) in s.
func hasControl(s string) bool { return controlIndex(s) >= 0 }

// controlIndex is the byte index of the first control character in s, or -1.
func controlIndex(s string) int {
	for i, r := range s {
		if r < 0x20 || r == 0x7f || r >= 0x80 && r <= 0x9f {
			return i
		}
	}
	return -1
}

// validateSecretChars refuses a secret or password with a control
// character in it: a carriage return left by a Windows line ending would be
// sent as part of the password (and missed by exact-match masking), a line
// feed would split a POP3 command in two. The value is never shown.
func validateSecretChars(p Profile, add addFunc) {
	for _, f := range []struct{ field, what, v string }{
		{FieldSecret, "client secret", p.ClientSecret}, {FieldCertPassword, "certificate password", p.CertPassword}, {FieldPassword, "password", p.Password},
	} {
		i := controlIndex(f.v)
		if i < 0 {
			continue
		}
		where := "inside it"
		switch {
		case strings.HasSuffix(f.v, "\r\n") || strings.HasSuffix(f.v, "\r") && i == len(f.v)-1:
			where = "at its end: a Windows line ending (carriage return)"
		case strings.HasSuffix(f.v, "\n") && i == len(f.v)-1:
			where = "at its end: a line break"
		}
		add(f.field, Error, "", fmt.Sprintf("the %s contains a control character %s; it was not used and is not shown", f.what, where),
			"give the value without line breaks; when it comes from a file, strip them, e.g. VAR=$(tr -d '\\r\\n' < file)")
	}
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
			add(FieldPassword, Error, diagnose.CredentialsInvalid, "password is empty", "give the user's password (it is never stored)")
		}
		add(FieldFlow, Warning, "", "Microsoft discourages username+password sign-in: MFA, federated domains and Conditional Access make it fail", "prefer browser sign-in or device code; this test shows whether it still works for this user")
	case AppPassword:
		if p.Password == "" {
			add(FieldPassword, Error, diagnose.BasicAuthDisabled, "password is empty", "give the app password (it is never stored)")
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
			add(FieldRedirectURI, Error, diagnose.RedirectURIMismatch, "redirect URI is empty", "copy it from App registrations → your app → Authentication → Web → Redirect URIs (the product's callback address)")
		}
	}
	if p.RedirectURI != "" {
		u, err := url.Parse(p.RedirectURI)
		switch {
		case err == nil && u.User != nil:
			add(FieldRedirectURI, Error, diagnose.RedirectURIMismatch, "redirect URI "+userinfoText, "use the exact address registered on the app, e.g. https://ece.contoso.com/oauth/callback")
		case err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http"):
			add(FieldRedirectURI, Error, diagnose.RedirectURIMismatch, fmt.Sprintf("redirect URI %s is not an http(s) address", show(p.RedirectURI)), "use the exact address registered on the app, e.g. https://ece.contoso.com/oauth/callback")
		case hostProblem(u.Hostname()) != "":
			add(FieldRedirectURI, Error, diagnose.RedirectURIMismatch, fmt.Sprintf("redirect URI %s: %s", show(p.RedirectURI), hostProblem(u.Hostname())), "use the exact address registered on the app")
		case u.Fragment != "":
			add(FieldRedirectURI, Error, diagnose.RedirectURIMismatch, "redirect URI has a #fragment, which Entra ID does not allow", "remove the part after #")
		case u.Scheme == "http" && u.Hostname() != "localhost" && u.Hostname() != "127.0.0.1":
			add(FieldRedirectURI, Error, diagnose.RedirectURIMismatch, fmt.Sprintf("redirect URI %s uses http on another host; Entra ID allows http only for localhost", show(p.RedirectURI)), "use https")
		case p.Flow == Interactive && u.Scheme != "http":
			add(FieldRedirectURI, Error, diagnose.RedirectURIMismatch, "browser sign-in redirects to this computer: use http://localhost (optionally with a port)", "register http://localhost under Mobile and desktop applications")
		case validPort(u.Port()) != "":
			add(FieldRedirectURI, Error, diagnose.RedirectURIMismatch, validPort(u.Port()), "use a port from 1 to 65535")
		}
	}
	for _, s := range p.Scopes {
		if !strings.Contains(s, "/") && !strings.Contains(s, ".") && s != "offline_access" && s != "openid" && s != "profile" && s != "email" {
			add(FieldScope, Error, diagnose.ScopeInvalid, fmt.Sprintf("scope %s is not a scope", show(s)), "use full scopes such as https://outlook.office.com/IMAP.AccessAsUser.All")
		}
	}
}

func validateAddress(add addFunc, field, what, v, hint string) {
	if msg, fix := addressProblem(v); msg != "" {
		add(field, Error, diagnose.UserNotFound, what+" "+msg, hint+fix)
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
