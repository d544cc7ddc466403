package diagnose

import (
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

const (
	// maxEvidence caps Diagnosis.Evidence; reports show it verbatim.
	maxEvidence = 4 << 10
	// scanHead and scanTail bound how much of a text is examined: its start
	// and its end, where a pasted log usually has the final error. Real error
	// texts are a few kilobytes; the cap keeps Recognize fast on hostile input.
	scanHead = 48 << 10
	scanTail = 16 << 10
	// maxCodesOut bounds Diagnosis.Codes.
	maxCodesOut = 16
)

// rule maps any of its lower-case needles to an ID. Rules are tried in
// order; the first match wins, so more specific rules come first.
type rule struct {
	id  string
	any []string
}

// entraRules hold Entra ID wordings that carry no AADSTS code (ADFS and
// WS-Trust failures, consent pages). They are tried before an unknown
// AADSTS code is reported.
var entraRules = []rule{
	{"federated-password-grant", []string{"federated service at", "ws-trust", "wstrust", "usernamemixed", "msis7"}},
	{"consent-declined", []string{"user declined to consent", "the user has denied access", "user canceled the authentication", "user cancelled the authentication"}},
	{"refresh-token-expired", []string{"refresh token has expired", "refresh token is expired"}},
}

// serviceRules cover mail-protocol replies, Microsoft Graph envelopes and
// library wrappings, then network and TLS failures.
var serviceRules = []rule{
	// what was sent as the token
	{"token-malformed", []string{"bearer bearer", "auth=bearer \x01", "auth=bearer\x01", "idx14100", "idx12741", "jwt is not well formed", "compacttoken parsing failed", "compact token parsing failed"}},
	{"access-token-expired", []string{"accesstokenexpired", "lifetime validation failed", "idx10223", "access token has expired", "token is expired", "token has expired"}},
	{"token-audience-wrong", []string{"invalid audience", "audience validation failed", "idx10214", "invalidaudience"}},
	// Exchange IMAP/POP/SMTP
	{"mailbox-not-connected", []string{"authenticated but not connected"}},
	{"smtp-auth-disabled", []string{"smtpclientauthentication is disabled", "smtp_auth_disabled"}},
	{"basic-auth-disabled", []string{"basic authentication is disabled", "login failed"}},
	{"send-as-denied", []string{"sendasdenied", "5.7.60", "not allowed to send as", "permissions to send as"}},
	{"smtp-not-authenticated", []string{"5.7.57", "not authenticated to send"}},
	{"auth-mechanism-unsupported", []string{"unrecognized authentication type", "504 5.7.4", "doesn't support auth", "does not support auth", "no supported authentication mechanism", "unsupported authentication mechanism", "authentication mechanism is not supported", "mechanism not supported"}},
	{"protocol-error", []string{"protocol error", "bad command", "command error", "invalid sasl argument", "command argument error"}},
	{"server-temporary-error", []string{"temporary server error", "temporarily unavailable", "server unavailable", "service not available", "service unavailable"}},
	{"throttled", []string{"applicationthrottled", "too many requests", "toomanyrequests", "too many connections", "too many concurrent", "mailboxconcurrency", "throttl"}},
	{"mailbox-auth-rejected", []string{"authenticate failed", "authentication failure: unknown user name or bad password", "5.7.3 authentication unsuccessful", "authenticationinvalidcredentials", "authentication unsuccessful", "[authenticationfailed]"}},
	// Microsoft Graph
	{"graph-access-policy", []string{"access to odata is disabled", "accesspolicy", "application access policy", "[raop]"}},
	{"graph-me-app-only", []string{"/me request is only valid"}},
	{"graph-invalid-recipient", []string{"errorinvalidrecipients", "recipient is not valid", "recipient isn't valid"}},
	{"mailbox-not-found", []string{"mailboxnotenabledforrestapi", "soft-deleted, or is hosted on-premise", "rest api is not yet supported for this mailbox", "errorinvaliduser", "errornonexistentmailbox", "resourcenotfound"}},
	{"graph-permission-denied", []string{"authorization_requestdenied", "insufficient privileges", "erroraccessdenied", "access is denied", "accessdenied"}},
	{"token-malformed", []string{"invalidauthenticationtoken"}},
	// transport
	{"wrong-port", []string{"first record does not look like a tls handshake", "wrong version number", "wrong_version_number", "http response to https client", "oversized record", "unknown protocol", "packet length too long", "record overflow"}},
	{"tls-version", []string{"protocol version not supported", "alert protocol version", "unsupported protocol", "no protocols available", "no cipher suites in common", "handshake failure", "do not possess a common algorithm", "sec_e_algorithm_mismatch", "inappropriate fallback"}},
	{"tls-interception", []string{"x509:", "certificate signed by unknown authority", "certificate verify failed", "certificate_verify_failed", "unable to get local issuer certificate", "unable_to_get_issuer_cert", "self signed certificate", "self-signed certificate", "self_signed_cert", "sec_e_untrusted_root", "untrusted root", "remote certificate is invalid", "certificate chain was issued by an authority that is not trusted", "pkix path building failed", "unable_to_verify_leaf_signature", "cert_has_expired", "certificate has expired", "err_tls_cert_altname_invalid", "ssl certificate problem"}},
	{"network-unreachable", []string{"no such host", "connection refused", "i/o timeout", "econnrefused", "etimedout", "enotfound", "getaddrinfo", "econnreset", "connection reset", "network is unreachable", "no route to host", "host is unreachable", "ehostunreach", "enetunreach", "name resolution", "name or service not known", "nodename nor servname", "could not resolve host", "remote name could not be resolved", "actively refused", "did not properly respond", "timed out", "deadline exceeded", "unknownhostexception", "connectexception", "broken pipe", "dial tcp"}},
}

// oauthErrors maps the OAuth "error" field when no AADSTS code is present.
var oauthErrors = map[string]string{
	"invalid_client":          "client-secret-invalid",
	"unauthorized_client":     "app-not-found",
	"invalid_scope":           "scope-invalid",
	"invalid_grant":           "grant-invalid",
	"invalid_request":         "request-malformed",
	"invalid_resource":        "resource-not-found",
	"consent_required":        "consent-required",
	"interaction_required":    "mfa-required",
	"access_denied":           "consent-declined",
	"authorization_declined":  "consent-declined",
	"expired_token":           "grant-invalid",
	"bad_verification_code":   "grant-invalid",
	"temporarily_unavailable": "server-temporary-error",
}

var (
	reOAuthError = regexp.MustCompile(`(?:["']error["']\s*:\s*["']|errorcode:\s*|servererror:\s*)([a-z_]{5,40})`)
	reSMTPCode   = regexp.MustCompile(`\b([245][0-9][0-9])[ :-]{1,3}([245]\.[0-9]{1,3}\.[0-9]{1,3})\b`)
	reEnhanced   = regexp.MustCompile(`(?:^|[\s:])([45]\.[0-7]\.[0-9]{1,3})(?:[\s,.]|$)`)
	reGraphCode  = regexp.MustCompile(`(?:"code"\s*:\s*"|\bCode:\s*)([A-Z][A-Za-z_]{2,60})`)
)

// Recognize turns any error text — a token-endpoint body, an MSAL error of
// any language, a mail-protocol reply, a Microsoft Graph envelope or a
// network error — into the best-matching diagnosis, filled with f. It never
// fails: text it cannot place yields the Unknown diagnosis. Evidence holds
// the trimmed input (capped at about 4 KB) and may contain secrets; Codes
// lists the error codes found, such as "AADSTS7000215", "535 5.7.139" or
// "ErrorAccessDenied".
func Recognize(text string, f Facts) Diagnosis {
	win := scanWindow(text)
	low := strings.ToLower(win)
	codes := AADSTSCodes(win)
	if normProtocol(f.Protocol) == "" {
		f.Protocol = inferProtocol(low)
	}
	var d Diagnosis
	if id, unknownCode := classify(low, codes); unknownCode > 0 {
		d = unknownAADSTS(unknownCode, f)
	} else {
		d = Get(id, f)
	}
	d.Codes = collectCodes(win, codes)
	d.Evidence = evidence(text)
	return d
}

// scanWindow returns the part of text that is examined: all of it when
// short, else its head and tail.
func scanWindow(text string) string {
	if len(text) <= scanHead+scanTail {
		return text
	}
	return text[:scanHead] + "\n" + text[len(text)-scanTail:]
}

// classify returns the diagnosis ID for a text, or the first AADSTS code
// when the text is an Entra error the catalog does not know.
func classify(low string, codes []int) (id string, unknownCode int) {
	if id := fromAADSTS(low, codes); id != "" {
		return id, 0
	}
	if id := firstRule(entraRules, low); id != "" {
		return id, 0
	}
	if len(codes) > 0 {
		return Unknown, codes[0]
	}
	if id := firstRule(serviceRules, low); id != "" {
		return id, 0
	}
	if m := reOAuthError.FindStringSubmatch(low); m != nil {
		if id, ok := oauthErrors[m[1]]; ok {
			return id, 0
		}
	}
	return Unknown, 0
}

func firstRule(rules []rule, low string) string {
	for _, r := range rules {
		for _, n := range r.any {
			if strings.Contains(low, n) {
				return r.id
			}
		}
	}
	return ""
}

// fromAADSTS picks the most specific known code: the first code that maps
// to a cause, skipping generic wrappers such as AADSTS70002.
func fromAADSTS(low string, codes []int) string {
	generic := 0
	for _, c := range codes {
		id, ok := aadsts[c]
		if !ok {
			continue
		}
		if id == "" {
			if generic == 0 {
				generic = c
			}
			continue
		}
		return refine(c, id, low)
	}
	if generic != 0 {
		return genericRefine(generic, low)
	}
	return ""
}

// refine corrects codes whose meaning depends on the wording.
func refine(code int, id, low string) string {
	switch code {
	case 90002:
		if strings.Contains(low, "empty guid") || strings.Contains(low, "requested tenant identifier") {
			return "tenant-invalid"
		}
		if name, ok := tenantName(low); ok && !plausibleTenant(name) {
			return "tenant-invalid"
		}
	case 900144, 90014:
		if strings.Contains(low, "client_secret") || strings.Contains(low, "client_assertion") {
			return "client-secret-missing"
		}
	case 70008:
		if strings.Contains(low, "refresh token") && !strings.Contains(low, "authorization code") {
			return "refresh-token-expired"
		}
	case 70000:
		// RFC 8628: the user declined the device-code sign-in.
		if strings.Contains(low, "authorization_declined") {
			return "consent-declined"
		}
	}
	return id
}

// genericRefine reads the wording of old two-level errors such as
// "AADSTS70002: Error validating credentials. AADSTS50012: …".
func genericRefine(code int, low string) string {
	switch {
	case strings.Contains(low, "valid time range"):
		return "clock-skew"
	case strings.Contains(low, "signature") || strings.Contains(low, "key was not found"):
		return "certificate-not-registered"
	case strings.Contains(low, "must contain the following parameter"):
		return "public-client-flows-disabled"
	case strings.Contains(low, "invalid username or password"):
		return "credentials-invalid"
	case strings.Contains(low, "client secret") || strings.Contains(low, "client_secret"):
		return "client-secret-invalid"
	}
	if code == 50013 {
		return "grant-invalid"
	}
	return "client-secret-invalid"
}

// tenantName extracts the tenant from "Tenant 'x' not found" or
// "Tenant x not found".
func tenantName(low string) (string, bool) {
	i := strings.Index(low, "tenant ")
	if i < 0 {
		return "", false
	}
	rest := low[i+len("tenant "):]
	if len(rest) > 300 {
		rest = rest[:300]
	}
	j := strings.Index(rest, " not found")
	if j < 0 {
		return "", false
	}
	return strings.Trim(rest[:j], "'\"` "), true
}

// plausibleTenant reports whether s looks like a tenant GUID or a domain.
func plausibleTenant(s string) bool {
	if isGUID(s) {
		return s != "00000000-0000-0000-0000-000000000000"
	}
	return strings.Contains(s, ".") && !strings.ContainsAny(s, " /{}<>")
}

func isGUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
				return false
			}
		}
	}
	return true
}

// inferProtocol guesses the protocol from a reply, so that texts pasted
// without context still name the right role and Set-CASMailbox switch.
func inferProtocol(low string) string {
	switch {
	case strings.Contains(low, "graph.microsoft.com") || strings.Contains(low, `{"error":{"code"`):
		return "graph"
	case strings.Contains(low, "imap") || strings.Contains(low, "no authenticate") || strings.Contains(low, "authenticated but not connected"):
		return "imap"
	case strings.Contains(low, "pop3") || strings.Contains(low, "-err "):
		return "pop"
	case strings.Contains(low, "smtp") || reSMTPCode.MatchString(low):
		return "smtp"
	}
	return ""
}

// unknownAADSTS is the Unknown diagnosis for an Entra code the catalog does
// not explain, with Microsoft's lookup page for that code.
func unknownAADSTS(code int, f Facts) Diagnosis {
	d := Get(Unknown, f)
	n := strconv.Itoa(code)
	d.Title = "Microsoft Entra error AADSTS" + n + " is not in the knowledge base"
	d.Cause = "Microsoft Entra ID refused the sign-in with error AADSTS" + n + ", which this version cannot explain yet. Microsoft's error lookup page describes the code; the raw text is shown below."
	d.Fix = append([]string{"Open the lookup page for AADSTS" + n + " (first link) and follow its advice."}, d.Fix...)
	lookup := Link{
		Title: "Look up AADSTS" + n,
		URL:   "https://" + hostOf(f.AuthorityHost, defaultAuthorityHost) + "/error?code=" + n,
	}
	d.Links = append([]Link{lookup}, d.Links...)
	return d
}

// collectCodes lists the codes found, AADSTS first, without duplicates.
func collectCodes(win string, aad []int) []string {
	var out []string
	seen := map[string]bool{}
	add := func(s string) {
		if !seen[s] && len(out) < maxCodesOut {
			seen[s] = true
			out = append(out, s)
		}
	}
	for _, c := range aad {
		add("AADSTS" + strconv.Itoa(c))
	}
	smtp := reSMTPCode.FindAllStringSubmatch(win, maxCodesOut)
	for _, m := range smtp {
		add(m[1] + " " + m[2])
	}
	if len(smtp) == 0 && len(aad) == 0 {
		for _, m := range reEnhanced.FindAllStringSubmatch(win, maxCodesOut) {
			add(m[1])
		}
	}
	for _, m := range reGraphCode.FindAllStringSubmatch(win, maxCodesOut) {
		add(m[1])
	}
	return out
}

// evidence trims text and caps it at maxEvidence bytes on a rune boundary.
func evidence(text string) string {
	text = strings.TrimSpace(text)
	if len(text) <= maxEvidence {
		return text
	}
	cut := maxEvidence
	for cut > 0 && !utf8.RuneStart(text[cut]) {
		cut--
	}
	return text[:cut] + " …[truncated]"
}
