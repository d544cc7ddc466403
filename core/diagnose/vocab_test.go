package diagnose

import (
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestVocabularyIDsKnown: every vocabulary row maps to a catalogue ID.
func TestVocabularyIDsKnown(t *testing.T) {
	check := func(file, code, id string) {
		if !Known(id) {
			t.Errorf("data/%s %s maps to %q, which is not in the catalogue", file, code, id)
		}
		if id == Unknown {
			t.Errorf("data/%s %s maps to unknown; give it its family's ID", file, code)
		}
	}
	for c, e := range vocabulary.aadsts {
		check("aadsts.tsv", strconv.Itoa(c), e.ID)
	}
	for c, e := range vocabulary.aadstsExtra {
		check("aadsts-extra.tsv", strconv.Itoa(c), e.ID)
		if !strings.HasPrefix(e.Source, "https://") {
			t.Errorf("data/aadsts-extra.tsv %d has no public source: %q", c, e.Source)
		}
	}
	for _, r := range vocabulary.smtp {
		check("smtp.tsv", r.name, r.id)
	}
	for name, m := range map[string]map[string]CodeInfo{"imap.tsv": vocabulary.imap, "pop.tsv": vocabulary.pop, "oauth.tsv": vocabulary.oauth} {
		for c, e := range m {
			check(name, c, e.ID)
		}
	}
	for _, r := range vocabulary.graph {
		check("graph.tsv", r.code, r.id)
	}
	for _, r := range vocabulary.texts {
		check("texts.tsv", r.needle, r.id)
		if r.needle != strings.ToLower(r.needle) {
			t.Errorf("data/texts.tsv needle %q is not lower case (texts are matched lower-cased)", r.needle)
		}
	}
}

// TestAADSTSTableWalk renders every code of Microsoft's table, alone and as
// Entra's JSON body, and wants a diagnosis that is not unknown and that
// names the code.
func TestAADSTSTableWalk(t *testing.T) {
	table := AADSTSTable()
	if len(table) < 300 {
		t.Fatalf("AADSTSTable has %d codes; Microsoft's table has over 300", len(table))
	}
	for _, c := range table {
		n := strconv.Itoa(c)
		for _, ev := range []Evidence{
			{Source: SourceEntra, AADSTS: []int{c}},
			FromTokenBody(400, `{"error":"invalid_request","error_description":"AADSTS`+n+`: text.","error_codes":[`+n+`]}`),
			Extract("AADSTS" + n + ": something the server said"),
		} {
			d := Classify(ev, fullFacts)
			if d.ID == Unknown || d.Title == "" || len(d.Fix) == 0 {
				t.Errorf("AADSTS%s (%v) renders %q", n, ev, d.ID)
			}
			if !slices.Contains(d.Codes, "AADSTS"+n) {
				t.Errorf("AADSTS%s: Codes = %v, want the code", n, d.Codes)
			}
		}
	}
	t.Logf("%d AADSTS codes of Microsoft's table and %d more from public reports: none renders unknown", len(table), len(vocabulary.aadstsExtra))
}

// TestVocabularySizes documents how big each vocabulary is.
func TestVocabularySizes(t *testing.T) {
	t.Logf("AADSTS table %d, AADSTS extra %d, SMTP rules %d, IMAP codes %d, POP3 codes %d, Graph rules %d, OAuth classes %d, wordings %d",
		len(vocabulary.aadsts), len(vocabulary.aadstsExtra), len(vocabulary.smtp), len(vocabulary.imap), len(vocabulary.pop),
		len(vocabulary.graph), len(vocabulary.oauth), len(vocabulary.texts))
}

func TestExtract(t *testing.T) {
	tests := []struct {
		name, text string
		want       Evidence
	}{
		{"Entra JSON", `{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided.","error_codes":[7000215]}`,
			Evidence{Source: SourceEntra, OAuthError: "invalid_client", AADSTS: []int{7000215}}},
		{"MSAL Go CallErr", "http call(https://login.microsoftonline.com/x/oauth2/v2.0/token)(POST) error: reply status code was 401:\n{\"error\":\"invalid_client\"}",
			Evidence{Source: SourceEntra, OAuthError: "invalid_client", HTTPStatus: 401}},
		{"MSAL Node", "ServerError: invalid_grant: 70008 - [2024-01-01 00:00:00Z]: AADSTS70008: The provided authorization code or refresh token has expired",
			Evidence{Source: SourceEntra, OAuthError: "invalid_grant", AADSTS: []int{70008}}},
		{"MSAL .NET ErrorCode", "Microsoft.Identity.Client.MsalUiRequiredException: ErrorCode: invalid_grant",
			Evidence{Source: SourceEntra, OAuthError: "invalid_grant"}},
		{"redirect query", "https://localhost/?error=access_denied&error_description=AADSTS65004",
			Evidence{Source: SourceEntra, OAuthError: "access_denied", AADSTS: []int{65004}}},
		{"SMTP raw", "535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant.",
			Evidence{Source: SourceSMTP, SMTPCode: 535, SMTPEnhanced: "5.7.139"}},
		{"MailKit", "MailKit.Security.AuthenticationException: 535: 5.7.3 Authentication unsuccessful",
			Evidence{Source: SourceSMTP, SMTPCode: 535, SMTPEnhanced: "5.7.3"}},
		{"smtplib tuple", "smtplib.SMTPAuthenticationError: (535, b'5.7.139 Authentication unsuccessful, basic authentication is disabled.')",
			Evidence{Source: SourceSMTP, SMTPCode: 535, SMTPEnhanced: "5.7.139"}},
		{"root cause before consequence", "530 5.7.57 Client not authenticated to send mail. Error: 535 5.7.139 Authentication unsuccessful",
			Evidence{Source: SourceSMTP, SMTPCode: 535, SMTPEnhanced: "5.7.139"}},
		{"IMAP code", "a1 NO [AUTHENTICATIONFAILED] Authentication failed.",
			Evidence{Source: SourceIMAP, IMAPCode: "AUTHENTICATIONFAILED"}},
		{"imaplib", "imaplib.IMAP4.error: b'[AUTHENTICATIONFAILED] Invalid credentials (Failure)'",
			Evidence{Source: SourceIMAP, IMAPCode: "AUTHENTICATIONFAILED"}},
		{"POP code", "-ERR [SYS/TEMP] Temporary failure, try later",
			Evidence{Source: SourcePOP, POPCode: "SYS/TEMP"}},
		{"Graph envelope", `{"error":{"code":"ErrorAccessDenied","message":"Access is denied. Check credentials and try again."}}`,
			Evidence{Source: SourceGraph, GraphCode: "ErrorAccessDenied"}},
		{"Graph .NET SDK", "Microsoft.Graph.ServiceException: Code: Authorization_RequestDenied\nMessage: Insufficient privileges to complete the operation.",
			Evidence{Source: SourceGraph, GraphCode: "Authorization_RequestDenied"}},
		{"plain", "something odd happened", Evidence{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Extract(tt.text)
			got.Text, got.Challenge = "", ""
			if got.String() != tt.want.String() {
				t.Errorf("Extract = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestFromTokenBody(t *testing.T) {
	ev := FromTokenBody(400, `{"error":"invalid_request","error_description":"AADSTS900382: Confidential Client is not supported in Cross Cloud request.\r\nTrace ID: x","error_codes":[900382]}`)
	if ev.Source != SourceEntra || ev.OAuthError != "invalid_request" || !slices.Equal(ev.AADSTS, []int{900382}) || ev.HTTPStatus != 400 {
		t.Errorf("FromTokenBody = %v", ev)
	}
	if d := Classify(ev, Facts{}); d.ID != "wrong-cloud" {
		t.Errorf("AADSTS900382 = %s, want wrong-cloud", d.ID)
	}
	html := FromTokenBody(502, "<html>Bad gateway</html>")
	if d := Classify(html, Facts{}); d.ID != "server-temporary-error" {
		t.Errorf("a 502 page = %s, want server-temporary-error", d.ID)
	}
}

// TestClassifyCodeBeforeText: a typed code decides even when the wording
// points elsewhere.
func TestClassifyCodeBeforeText(t *testing.T) {
	tests := []struct {
		name string
		ev   Evidence
		want string
	}{
		{"SMTP 4.7.66 beats 'timed out'", Evidence{Source: SourceSMTP, SMTPCode: 421, SMTPEnhanced: "4.7.66", Text: "TLS 1.0 and 1.1 are not supported; connection timed out"}, "tls-version"},
		{"5.7.30", Evidence{Source: SourceSMTP, SMTPCode: 550, SMTPEnhanced: "5.7.30", Text: "Basic authentication is not supported for Client Submission."}, "basic-auth-disabled"},
		{"5.7.139 criteria", Evidence{Source: SourceSMTP, SMTPCode: 535, SMTPEnhanced: "5.7.139", Text: "Authentication unsuccessful, the request did not meet the criteria to be authenticated successfully. Contact your administrator."}, "conditional-access-blocked"},
		{"5.7.139 security defaults", Evidence{Source: SourceSMTP, SMTPCode: 535, SMTPEnhanced: "5.7.139", Text: "Authentication unsuccessful, user is locked by your organization's security defaults policy. Contact your administrator."}, "conditional-access-blocked"},
		{"5.7.139 tenant", Evidence{Source: SourceSMTP, SMTPCode: 535, SMTPEnhanced: "5.7.139", Text: "Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant."}, "smtp-auth-disabled"},
		{"STOREDRV", Evidence{Source: SourceSMTP, SMTPCode: 432, SMTPEnhanced: "4.3.2", Text: "STOREDRV.ClientSubmit; sender thread limit exceeded"}, "throttled"},
		{"5.5.124", Evidence{Source: SourceSMTP, SMTPCode: 501, SMTPEnhanced: "5.5.124", Text: "Invalid user in XOAUTH2"}, "xoauth2-user-invalid"},
		{"IMAP PRIVACYREQUIRED", Evidence{Source: SourceIMAP, IMAPCode: "PRIVACYREQUIRED", Text: "Plaintext authentication disallowed"}, "wrong-port"},
		{"POP IN-USE", Evidence{Source: SourcePOP, POPCode: "IN-USE"}, "throttled"},
		{"Graph CAE", Evidence{Source: SourceGraph, GraphCode: "InvalidAuthenticationToken", HTTPStatus: 401, Text: "Continuous access evaluation resulted in challenge with result: InteractionRequired and code: TokenCreatedWithOutdatedPolicies"}, "cae-challenge"},
		{"Graph claims header", Evidence{Source: SourceGraph, GraphCode: "InvalidAuthenticationToken", HTTPStatus: 401, Challenge: `Bearer error="insufficient_claims", claims="eyJ..."`}, "cae-challenge"},
		{"Graph identity", Evidence{Source: SourceGraph, GraphCode: "Authorization_IdentityNotFound"}, "client-service-principal-missing"},
		{"7000229", Evidence{Source: SourceEntra, OAuthError: "invalid_client", AADSTS: []int{7000229}}, "client-service-principal-missing"},
		{"90038 wrong cloud", Evidence{Source: SourceEntra, AADSTS: []int{90038}}, "wrong-cloud"},
		{"900432 wrong cloud", Evidence{Source: SourceEntra, AADSTS: []int{900432}}, "wrong-cloud"},
		{"1002016 TLS", Evidence{Source: SourceEntra, AADSTS: []int{1002016}}, "tls-version"},
		{"HTTP 407", Evidence{HTTPStatus: 407}, "proxy-auth-required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if d := Classify(tt.ev, Facts{}); d.ID != tt.want {
				t.Errorf("Classify(%v) = %s, want %s", tt.ev, d.ID, tt.want)
			}
		})
	}
}

// TestFamilies: codes no vocabulary has land on their family, with the
// code named and a lookup link; never on a bare unknown.
func TestFamilies(t *testing.T) {
	tests := []struct {
		name string
		ev   Evidence
		want string
	}{
		{"SMTP 4.x.x", Evidence{SMTPCode: 451, SMTPEnhanced: "4.9.99"}, "server-temporary-error"},
		{"SMTP 550 5.7.99", Evidence{SMTPCode: 550, SMTPEnhanced: "5.7.99"}, "recipient-restricted"},
		{"SMTP 535 5.7.99", Evidence{SMTPCode: 535, SMTPEnhanced: "5.7.99"}, "mailbox-auth-rejected"},
		{"SMTP 535 5.7.4", Evidence{SMTPCode: 535, SMTPEnhanced: "5.7.4"}, "mailbox-auth-rejected"},
		{"SMTP 550 5.1.99", Evidence{SMTPCode: 550, SMTPEnhanced: "5.1.99"}, "mailbox-not-found"},
		{"SMTP 554 no enhanced", Evidence{SMTPCode: 554}, "protocol-error"},
		{"SMTP 535 no enhanced", Evidence{SMTPCode: 535}, "mailbox-auth-rejected"},
		{"Graph unknown 403", Evidence{Source: SourceGraph, GraphCode: "ErrorSomethingNew", HTTPStatus: 403}, "graph-permission-denied"},
		{"Graph unknown 503", Evidence{Source: SourceGraph, GraphCode: "ErrorSomethingNew", HTTPStatus: 503}, "server-temporary-error"},
		{"AADSTS unknown with status", Evidence{Source: SourceEntra, AADSTS: []int{9999992}, HTTPStatus: 401}, "client-secret-invalid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Classify(tt.ev, Facts{})
			if d.ID != tt.want {
				t.Fatalf("Classify(%v) = %s, want %s", tt.ev, d.ID, tt.want)
			}
			if !strings.Contains(d.Title, "not in the knowledge base") || len(d.Codes) == 0 {
				t.Errorf("family diagnosis hides that the code is unknown: %q %v", d.Title, d.Codes)
			}
		})
	}
}
