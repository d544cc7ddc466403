package diagnose

import (
	"strconv"
	"strings"
)

// Classify explains what a server said, code first and text last:
// Entra's AADSTS codes, then a Microsoft Graph error code, the SMTP reply
// and enhanced code, an IMAP or POP3 response code, then known wordings of
// servers and libraries, then the OAuth error class, and last the family of
// a code the vocabularies do not know (OAuth class, HTTP status, SMTP
// class digit). The result is filled with f (its cloud decides every host
// and portal named). Unknown is returned only when ev carries no code and
// no wording the knowledge base recognises. Codes lists the codes found;
// Evidence is left empty for the caller, who knows what may be shown.
func Classify(ev Evidence, f Facts) Diagnosis {
	if s, ok := specOf(f.Protocol); ok {
		f.Protocol = string(s.Name)
	} else {
		f.Protocol = protocolOf(ev)
	}
	low := normalize(ev.Text + "\n" + ev.Challenge)
	var d Diagnosis
	switch m := match(ev, low); {
	case m.id != "":
		d = Get(m.id, f)
	case m.family != nil:
		d = m.family.render(f)
	default:
		d = Get(Unknown, f)
	}
	d.Codes = evidenceCodes(ev)
	return d
}

// normalize lower-cases text and folds every run of white space into one
// space, so that a wording matches however a wrapper broke its lines.
func normalize(text string) string {
	return strings.Join(strings.Fields(strings.ToLower(text)), " ")
}

// matchResult is what classification found: an ID, or a family diagnosis
// for a code the vocabularies do not know.
type matchResult struct {
	id     string
	family *family
}

func match(ev Evidence, low string) matchResult {
	id, unknownCode := fromAADSTS(low, ev.AADSTS, ev.OAuthError)
	if id != "" {
		return matchResult{id: id}
	}
	if unknownCode > 0 {
		// An Entra code we do not know: only sign-in wordings may refine
		// it; otherwise its family explains it.
		if id := firstText(low, signIn, false); id != "" {
			return matchResult{id: id}
		}
		return matchResult{family: aadstsFamily(unknownCode, ev)}
	}
	if id := fromCodes(ev, low); id != "" {
		return matchResult{id: id}
	}
	if id := firstText(low, nil, false); id != "" {
		return matchResult{id: id}
	}
	if c, ok := vocabulary.oauth[ev.OAuthError]; ok {
		return matchResult{id: c.ID}
	}
	if id := firstText(low, nil, true); id != "" {
		return matchResult{id: id}
	}
	if fam := codeFamily(ev); fam != nil {
		return matchResult{family: fam}
	}
	return matchResult{}
}

// fromCodes looks up every non-Entra code of the evidence.
func fromCodes(ev Evidence, low string) string {
	if ev.GraphCode != "" {
		for _, r := range vocabulary.graph {
			if strings.EqualFold(r.code, ev.GraphCode) && (r.wording == "" || strings.Contains(low, r.wording)) {
				return r.id
			}
		}
	}
	if ev.SMTPCode != 0 || ev.SMTPEnhanced != "" {
		if id, ok := smtpRuleID(ev.SMTPCode, ev.SMTPEnhanced, low); ok {
			return id
		}
	}
	if c, ok := vocabulary.imap[strings.ToUpper(ev.IMAPCode)]; ok {
		return c.ID
	}
	if c, ok := vocabulary.pop[strings.ToUpper(ev.POPCode)]; ok {
		return c.ID
	}
	return ""
}

// firstText returns the ID of the first text rule whose needle is in low.
// A non-nil only restricts the rules to those IDs; weak picks the weak
// rules (a wrapper's bare "authentication failed") instead of the others.
func firstText(low string, only map[string]bool, weak bool) string {
	for _, r := range vocabulary.texts {
		if only != nil && !only[r.id] || r.weak != weak {
			continue
		}
		if strings.Contains(low, r.needle) {
			return r.id
		}
	}
	return ""
}

// genericAADSTS are old two-level wrappers ("AADSTS70002: Error validating
// credentials. AADSTS50012: …") whose real reason is in a second code or
// in the wording.
var genericAADSTS = map[int]bool{70002: true, 50012: true, 50013: true}

// fromAADSTS picks the most specific known code: the first code that maps
// to a cause, skipping generic wrappers. It returns the first unknown code
// when none is known.
func fromAADSTS(low string, codes []int, oauth string) (id string, unknownCode int) {
	generic := 0
	for _, c := range codes {
		info, ok := AADSTSInfo(c)
		if !ok {
			if unknownCode == 0 {
				unknownCode = c
			}
			continue
		}
		if genericAADSTS[c] {
			if generic == 0 {
				generic = c
			}
			continue
		}
		return refine(c, info.ID, low, oauth), 0
	}
	if generic != 0 {
		return genericRefine(generic, low), 0
	}
	return "", unknownCode
}

// refine corrects codes whose meaning depends on the wording or on the
// OAuth error class sent with them.
func refine(code int, id, low, oauth string) string {
	switch code {
	case 90002:
		if strings.Contains(low, "empty guid") || strings.Contains(low, "requested tenant identifier") {
			return TenantInvalid
		}
		if name, ok := tenantName(low); ok && !plausibleTenant(name) {
			return TenantInvalid
		}
		// A tenant named after 21Vianet's domain exists only in the
		// Microsoft Azure operated by 21Vianet cloud: not found means the
		// request went to another cloud.
		if name, ok := tenantName(low); ok && strings.HasSuffix(name, ".onmschina.cn") {
			return WrongCloud
		}
	case 900144, 90014:
		if strings.Contains(low, "client_secret") || strings.Contains(low, "client_assertion") {
			return ClientSecretMissing
		}
	case 70008:
		if strings.Contains(low, "refresh token") && !strings.Contains(low, "authorization code") {
			return RefreshTokenExpired
		}
	case 70000:
		// RFC 8628: the user declined the device-code sign-in.
		if oauth == "authorization_declined" || strings.Contains(low, "authorization_declined") {
			return ConsentDeclined
		}
	case 50076, 50079:
		// The same codes come back when a sign-in without a browser meets
		// a registration requirement; the ID stays mfa-required.
	}
	return id
}

// genericRefine reads the wording of old two-level errors.
func genericRefine(code int, low string) string {
	switch {
	case strings.Contains(low, "valid time range"):
		return ClockSkew
	case strings.Contains(low, "signature") || strings.Contains(low, "key was not found"):
		return CertificateNotRegistered
	case strings.Contains(low, "must contain the following parameter"):
		return PublicClientFlowsDisabled
	case strings.Contains(low, "invalid username or password"):
		return CredentialsInvalid
	case strings.Contains(low, "client secret") || strings.Contains(low, "client_secret"):
		return ClientSecretInvalid
	}
	if code == 50013 {
		return GrantInvalid
	}
	return ClientSecretInvalid
}

// tenantName extracts the tenant from "Tenant 'x' not found" or
// "Tenant x not found".
func tenantName(low string) (string, bool) {
	// The name sits between the "tenant " nearest before " not found" and
	// it: wrappers print other "tenant …" words earlier in the text.
	j := strings.Index(low, " not found")
	if j < 0 {
		return "", false
	}
	head := low[:j]
	if len(head) > 300 {
		head = head[len(head)-300:]
	}
	i := strings.LastIndex(head, "tenant ")
	if i < 0 {
		return "", false
	}
	return strings.Trim(head[i+len("tenant "):], "'\"` "), true
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

// protocolOf names the mail protocol the evidence came from, so that texts
// pasted without context still name the right role and Set-CASMailbox
// switch.
func protocolOf(ev Evidence) string {
	switch ev.Source {
	case SourceIMAP, SourcePOP, SourceSMTP, SourceGraph:
		return ev.Source
	}
	return inferProtocol(strings.ToLower(ev.Text))
}

// inferProtocol guesses the protocol from a reply's wording.
func inferProtocol(low string) string {
	switch {
	case strings.Contains(low, "graph.microsoft") || strings.Contains(low, `{"error":{"code"`):
		return "graph"
	case strings.Contains(low, "imap") || strings.Contains(low, "no authenticate") || strings.Contains(low, "authenticated but not connected"):
		return "imap"
	case strings.Contains(low, "pop3") || strings.Contains(low, "-err "):
		return "pop"
	case strings.Contains(low, "smtp") || reSMTPPair.MatchString(low):
		return "smtp"
	}
	return ""
}

// evidenceCodes lists the codes of ev for Diagnosis.Codes, AADSTS first.
func evidenceCodes(ev Evidence) []string {
	var out []string
	seen := map[string]bool{}
	add := func(s string) {
		if s != "" && !seen[s] && len(out) < maxCodesOut {
			seen[s] = true
			out = append(out, s)
		}
	}
	for _, c := range ev.AADSTS {
		add("AADSTS" + strconv.Itoa(c))
	}
	if ev.SMTPCode != 0 || ev.SMTPEnhanced != "" {
		add(strings.TrimSpace(smtpLabel(ev.SMTPCode, ev.SMTPEnhanced)))
	}
	if ev.IMAPCode != "" {
		add("[" + ev.IMAPCode + "]")
	}
	if ev.POPCode != "" {
		add("[" + ev.POPCode + "]")
	}
	add(ev.GraphCode)
	if ev.OAuthError != "" && len(out) == 0 {
		add(ev.OAuthError)
	}
	return out
}

func smtpLabel(reply int, enhanced string) string {
	s := ""
	if reply != 0 {
		s = strconv.Itoa(reply)
	}
	if enhanced != "" {
		s += " " + enhanced
	}
	return strings.TrimSpace(s)
}
