package diagnose

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Sources of evidence: which kind of server said it.
const (
	SourceEntra   = "entra"   // the Entra ID token or authorize endpoint
	SourceIMAP    = "imap"    // an IMAP server
	SourcePOP     = "pop"     // a POP3 server
	SourceSMTP    = "smtp"    // an SMTP server
	SourceGraph   = "graph"   // Microsoft Graph
	SourceNetwork = "network" // no server answered (DNS, TCP, TLS, proxy)
)

// Evidence is what a server really said, as typed values. The engine fills
// it from the probes' and the sign-in's typed errors; Extract fills it from
// pasted text. Zero fields mean "not said". Text may contain secrets echoed
// by a server; it is used for matching only and never copied into the
// Diagnosis (callers set Diagnosis.Evidence themselves).
type Evidence struct {
	Source       string // one of the Source constants, or "" when not known
	OAuthError   string // OAuth "error" value, e.g. "invalid_client"
	AADSTS       []int  // Entra error codes, most specific first as sent
	SMTPCode     int    // SMTP reply code, e.g. 535
	SMTPEnhanced string // RFC 3463 enhanced status code, e.g. "5.7.139"
	IMAPCode     string // IMAP response code without brackets, e.g. "AUTHENTICATIONFAILED"
	POPCode      string // POP3 response code without brackets, e.g. "SYS/TEMP"
	GraphCode    string // Microsoft Graph error.code, e.g. "ErrorAccessDenied"
	HTTPStatus   int    // HTTP status of the answer, when it came over HTTP
	Challenge    string // a WWW-Authenticate header or decoded SASL error challenge
	Text         string // the server's words: reply line, error_description, message
}

// Empty reports whether e carries nothing at all.
func (e Evidence) Empty() bool {
	return e.OAuthError == "" && len(e.AADSTS) == 0 && e.SMTPCode == 0 && e.SMTPEnhanced == "" &&
		e.IMAPCode == "" && e.POPCode == "" && e.GraphCode == "" && e.HTTPStatus == 0 &&
		strings.TrimSpace(e.Challenge+e.Text) == ""
}

var (
	// reOAuthError, reHTTPStatus and reChallenge run on the lower-cased text.
	reOAuthError = regexp.MustCompile(`(?:["']error["']\s*:\s*u?["']|\berrorcode:\s*|servererror:\s*|[?&#]error=|\berror="|msalerror:\s*|\berror:\s+)([a-z][a-z_]{4,40})\b`)
	reSMTPPair   = regexp.MustCompile(`\b([245][0-9][0-9])(?:[ :-]{1,3}|,\s*b?['"])([245]\.[0-9]{1,3}\.[0-9]{1,3})\b`)
	reEnhanced   = regexp.MustCompile(`(?:^|[\s:'"(\[])([45]\.[0-9]{1,3}\.[0-9]{1,3})(?:[\s,.'")\]]|$)`)
	// reSMTPTuple is how Python's smtplib prints a reply without an
	// enhanced code: SMTPAuthenticationError: (535, b'…').
	reSMTPTuple  = regexp.MustCompile(`\(([45][0-9][0-9]),\s*b?['"]`)
	reSMTPReply  = regexp.MustCompile(`(?im)(?:^|<<<?\s*|server -> client:\s*|responsecode:\s*|\bsmtp error\s*|\bsmtp error\s*\(?)([45][0-9][0-9])(?:[ -]|$)`)
	reBracket    = regexp.MustCompile(`\[([A-Za-z][A-Za-z/-]{1,30})(?:\s[^\]\n]{0,80})?\]`)
	reGraphCode  = regexp.MustCompile(`(?:"code"\s*:\s*"|'code'\s*:\s*'|\bCode:\s*)([A-Za-z][A-Za-z_]{2,60})`)
	reHTTPStatus = regexp.MustCompile(`(?:\bhttp(?:/1\.[01]|/2)?\s+|status\s*code\s*(?:was\s*|=\s*'?|:\s*)?|\bstatus(?:code)?["']?\s*[:=]\s*["']?|reply status code was\s*|\bhttp error\s*|\bhttp status\s*)([1-5][0-9][0-9])\b`)
	reHTTPParen  = regexp.MustCompile(`\(([1-5][0-9][0-9])\)\s*[a-z]`) // .NET: "(401) Unauthorized"
	reChallenge  = regexp.MustCompile(`(?m)^.*www-authenticate.*$`)
)

// Extract reads the typed values out of a pasted error text: Entra's JSON
// body (in any wrapper), AADSTS codes, SMTP reply and enhanced codes,
// bracketed IMAP and POP3 response codes, a Microsoft Graph error code, an
// HTTP status and a WWW-Authenticate challenge. Text is set to text. It
// never fails; text without any of them yields Evidence with only Text.
func Extract(text string) Evidence {
	win := scanWindow(text)
	low := strings.ToLower(win)
	e := Evidence{Text: win, AADSTS: AADSTSCodes(win)}
	// Each look-up runs only when a cheap test says it can match, which
	// keeps hostile multi-megabyte pastes fast.
	if strings.Contains(low, "error") || strings.Contains(low, "_") {
		e.OAuthError = oauthError(low)
	}
	if strings.Contains(win, ".") || strings.Contains(low, "smtp") {
		e.SMTPCode, e.SMTPEnhanced = primarySMTP(win)
	}
	if strings.Contains(win, "[") {
		e.IMAPCode, e.POPCode = bracketCodes(win)
	}
	if strings.Contains(low, "code") || strings.Contains(win, "Error") || strings.Contains(win, "_") {
		e.GraphCode = graphCode(win)
	}
	if strings.Contains(low, "http") || strings.Contains(low, "status") || strings.Contains(low, "(") {
		if m := reHTTPStatus.FindStringSubmatch(low); m != nil {
			e.HTTPStatus, _ = strconv.Atoi(m[1])
		} else if m := reHTTPParen.FindStringSubmatch(low); m != nil {
			e.HTTPStatus, _ = strconv.Atoi(m[1])
		}
	}
	if strings.Contains(low, "www-authenticate") {
		e.Challenge = strings.TrimSpace(reChallenge.FindString(low))
	}
	e.Source = inferSource(e, low)
	return e
}

// oauthError returns the first OAuth error class in low (lower-cased
// text) that the vocabulary knows.
//
// A class named where an error is expected ("error":"invalid_grant",
// error=…, "error: …") wins; otherwise the first class name standing
// alone as a word: the names (invalid_grant, unauthorized_client, …) are
// distinctive enough that a wrapper printing one bare means that error.
func oauthError(low string) string {
	for _, m := range reOAuthError.FindAllStringSubmatch(low, maxCodes) {
		if _, ok := vocabulary.oauth[m[1]]; ok {
			return m[1]
		}
	}
	return bareOAuthClass(low)
}

// bareOAuthClass returns the first word of low made of lower-case letters
// joined by underscores that names an OAuth error class. It walks the
// underscores by hand: a regular expression over a long paste full of
// snake_case words is needlessly slow.
func bareOAuthClass(low string) string {
	isWord := func(c byte) bool { return c >= 'a' && c <= 'z' || c == '_' }
	for i := 0; i < len(low); {
		j := strings.IndexByte(low[i:], '_')
		if j < 0 {
			return ""
		}
		start, end := i+j, i+j
		for start > 0 && isWord(low[start-1]) {
			start--
		}
		for end < len(low) && isWord(low[end]) {
			end++
		}
		boundary := (start == 0 || !isDigit(low[start-1])) && (end == len(low) || !isDigit(low[end]))
		if boundary {
			if _, ok := vocabulary.oauth[low[start:end]]; ok {
				return low[start:end]
			}
		}
		i = end
	}
	return ""
}

// FromTokenBody builds Evidence from a token endpoint's answer: the HTTP
// status and Entra's JSON body (error, error_description, error_codes).
// A body that is not JSON is kept as text and read like pasted text.
func FromTokenBody(status int, body string) Evidence {
	var b struct {
		Error string `json:"error"`
		Desc  string `json:"error_description"`
		Codes []int  `json:"error_codes"`
	}
	if json.Unmarshal([]byte(body), &b) != nil || (b.Error == "" && b.Desc == "") {
		e := Extract(body)
		e.Source, e.HTTPStatus = SourceEntra, status
		return e
	}
	e := Evidence{Source: SourceEntra, OAuthError: b.Error, HTTPStatus: status, Text: b.Desc}
	e.AADSTS = AADSTSCodes(b.Desc)
	for _, c := range b.Codes {
		if !containsInt(e.AADSTS, c) {
			e.AADSTS = append(e.AADSTS, c)
		}
	}
	return e
}

func containsInt(list []int, n int) bool {
	for _, x := range list {
		if x == n {
			return true
		}
	}
	return false
}

// primarySMTP picks the reply that explains the failure when a text holds
// several (a transcript, or a wrapper that prints the last reply first):
// the first one whose cause is not a mere consequence of an earlier
// failure, such as "530 5.7.57 not authenticated" after a refused AUTH.
func primarySMTP(text string) (int, string) {
	pairs := reSMTPPair.FindAllStringSubmatch(text, maxCodes)
	low := strings.ToLower(text)
	var firstReply int
	var firstEnh string
	for _, m := range pairs {
		reply, _ := strconv.Atoi(m[1])
		if reply < 400 {
			continue
		}
		if firstEnh == "" {
			firstReply, firstEnh = reply, m[2]
		}
		if id, ok := smtpRuleID(reply, m[2], low); ok && !consequence[id] {
			return reply, m[2]
		}
	}
	if firstEnh != "" {
		return firstReply, firstEnh
	}
	enh := ""
	if m := reEnhanced.FindStringSubmatch(text); m != nil {
		enh = m[1]
	}
	reply := 0
	if m := reSMTPTuple.FindStringSubmatch(text); m != nil {
		reply, _ = strconv.Atoi(m[1])
	}
	for _, m := range reSMTPReply.FindAllStringSubmatch(text, maxCodes) {
		if reply != 0 {
			break
		}
		if n, _ := strconv.Atoi(m[1]); n >= 400 {
			reply = n
			break
		}
	}
	if reply == 0 && enh == "" {
		return 0, ""
	}
	return reply, enh
}

// consequence lists IDs that usually follow from an earlier failure.
var consequence = map[string]bool{SMTPNotAuthenticated: true, ProtocolError: true, ServerTemporaryError: true}

// smtpRuleID looks a reply up in the SMTP vocabulary.
func smtpRuleID(reply int, enhanced, low string) (string, bool) {
	r, ok := smtpRuleFor(reply, enhanced, low)
	return r.id, ok
}

func smtpRuleFor(reply int, enhanced, low string) (smtpRule, bool) {
	enh, hasEnh := parseEnhanced(enhanced)
	for _, r := range vocabulary.smtp {
		if r.matches(reply, enh, hasEnh, low) {
			return r, true
		}
	}
	return smtpRule{}, false
}

// bracketCodes finds the first IMAP and POP3 response codes in brackets
// that the vocabularies know, e.g. "NO [AUTHENTICATIONFAILED]" or
// "-ERR [SYS/TEMP]".
func bracketCodes(text string) (imapCode, popCode string) {
	for _, m := range reBracket.FindAllStringSubmatch(text, maxCodes) {
		c := strings.ToUpper(m[1])
		if _, ok := vocabulary.imap[c]; ok && imapCode == "" {
			imapCode = c
		}
		if _, ok := vocabulary.pop[c]; ok && popCode == "" {
			popCode = c
		}
	}
	return imapCode, popCode
}

// graphCode returns the first error code the Graph vocabulary knows, else
// the first code-shaped value after "code". Exchange's error names also
// travel without a "code" label (EWS libraries raise them as exception
// names, e.g. "exchangelib.errors.ErrorQuotaExceeded"); a distinctive
// vocabulary name found as a word is taken too.
func graphCode(text string) string {
	first := ""
	for _, m := range reGraphCode.FindAllStringSubmatch(text, maxCodes) {
		if first == "" {
			first = m[1]
		}
		for _, r := range vocabulary.graph {
			if strings.EqualFold(r.code, m[1]) {
				return r.code
			}
		}
	}
	if first != "" {
		return first
	}
	for _, r := range vocabulary.graph {
		if distinctiveCode(r.code) && containsWord(text, r.code) {
			return r.code
		}
	}
	return ""
}

// distinctiveCode reports whether a code name cannot be an ordinary word:
// Exchange's "Error…" names and names with an underscore.
//
// A code is distinctive when no English sentence would contain it: an
// Error… name, a name with an underscore, or a CamelCase name of at least
// four capitalised parts (NoPermissionsInAccessToken).
func distinctiveCode(c string) bool {
	if (strings.HasPrefix(c, "Error") && len(c) > 8) || strings.Contains(c, "_") {
		return true
	}
	humps := 0
	for i := 0; i < len(c); i++ {
		if c[i] >= 'A' && c[i] <= 'Z' && (i == 0 || c[i-1] < 'A' || c[i-1] > 'Z') {
			humps++
		}
	}
	return humps >= 4
}

// containsWord reports whether w occurs in s between non-letters.
func containsWord(s, w string) bool {
	for i := 0; ; {
		j := strings.Index(s[i:], w)
		if j < 0 {
			return false
		}
		start, end := i+j, i+j+len(w)
		if (start == 0 || !isLetter(s[start-1])) && (end == len(s) || !isLetter(s[end])) {
			return true
		}
		i = end
	}
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// inferSource guesses which kind of server produced a text.
func inferSource(e Evidence, low string) string {
	switch {
	case len(e.AADSTS) > 0 || strings.Contains(low, "login.microsoftonline") || strings.Contains(low, "msal"):
		return SourceEntra
	case e.GraphCode != "" && (strings.Contains(low, `"error":{`) || strings.Contains(low, `"error": {`) || strings.Contains(low, "graph")):
		return SourceGraph
	case e.SMTPCode != 0 || e.SMTPEnhanced != "" || strings.Contains(low, "smtp"):
		return SourceSMTP
	case e.IMAPCode != "" || strings.Contains(low, "imap") || strings.Contains(low, "no authenticate"):
		return SourceIMAP
	case e.POPCode != "" || strings.Contains(low, "pop3") || strings.HasPrefix(strings.TrimSpace(low), "-err") || strings.Contains(low, "\n-err"):
		return SourcePOP
	case e.OAuthError != "":
		return SourceEntra
	case e.GraphCode != "":
		return SourceGraph
	}
	return ""
}

// String lists the typed values, for logs and test failures.
func (e Evidence) String() string {
	var parts []string
	add := func(k string, v any) {
		if s := fmt.Sprint(v); s != "" && s != "0" && s != "[]" {
			parts = append(parts, k+"="+s)
		}
	}
	add("source", e.Source)
	add("oauth", e.OAuthError)
	add("aadsts", e.AADSTS)
	add("smtp", e.SMTPCode)
	add("enhanced", e.SMTPEnhanced)
	add("imap", e.IMAPCode)
	add("pop", e.POPCode)
	add("graph", e.GraphCode)
	add("http", e.HTTPStatus)
	return "{" + strings.Join(parts, " ") + "}"
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
