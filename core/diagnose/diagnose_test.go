package diagnose

import (
	"bufio"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mailoauth/mailoauth-tester/core/diagnose/internal/idlist"
)

// msalGo wraps a token-endpoint body the way MSAL Go's errors.CallErr
// prints it (see /work/shared/reference/library-notes.md §1).
func msalGo(status, body string) string {
	return "http call(https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token)(POST) error: reply status code was " + status + ":\n" + body
}

// fullFacts sets every field, with characters that must be escaped.
var fullFacts = Facts{
	Tenant:           "contoso.onmicrosoft.com",
	TenantID:         "72f988bf-86f1-41af-91ab-2d7cd011db47",
	ClientID:         "11111111-2222-3333-4444-555555555555",
	Mailbox:          "o'brien+support@contoso.com",
	User:             "admin@contoso.com",
	Protocol:         "imap",
	PortalHost:       "portal.azure.com",
	AuthorityHost:    "login.microsoftonline.com",
	ExchangeResource: "https://outlook.office365.com",
}

// TestSampleCoverage keeps the corpus honest: each cause the product
// recognises from text should have at least one real text.
func TestSampleCoverage(t *testing.T) {
	have := map[string]int{}
	for _, e := range loadCorpus(t) {
		have[e.want]++
	}
	// IDs that are reached through token claims or the engine's own checks
	// rather than from error text.
	noText := map[string]bool{
		"token-permission-missing": true, "exchange-service-principal-missing": true, Unknown: true,
		// Raised by the tester's own guards (a refused redirect, a read
		// limit), never recognised from a server's text.
		"redirect-refused": true, "response-too-large": true,
	}
	var missing []string
	for _, id := range IDs() {
		if have[id] == 0 && !noText[id] {
			missing = append(missing, id)
		}
	}
	if len(missing) > 0 {
		t.Errorf("IDs without a real text in the corpus: %v", missing)
	}
}

func TestIDsMatchDiagnosesMD(t *testing.T) {
	f, err := os.Open("../../docs/diagnoses.md")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	re := regexp.MustCompile("^\\| `([a-z0-9-]+)` \\|")
	var want []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if m := re.FindStringSubmatch(sc.Text()); m != nil {
			want = append(want, m[1])
		}
	}
	got := IDs()
	if !slices.Equal(got, want) {
		t.Errorf("IDs() = %v\nwant (diagnoses.md order) %v", got, want)
	}
}

func TestCatalogComplete(t *testing.T) {
	for _, id := range IDs() {
		t.Run(id, func(t *testing.T) {
			if !Known(id) {
				t.Fatalf("Known(%q) = false", id)
			}
			for _, f := range []Facts{{}, fullFacts} {
				d := Get(id, f)
				if d.ID != id || d.Title == "" || d.Cause == "" || len(d.Fix) == 0 || len(d.Links) == 0 {
					t.Fatalf("Get(%q) incomplete: %+v", id, d)
				}
				for i, step := range d.Fix {
					if strings.TrimSpace(step) == "" {
						t.Errorf("Get(%q).Fix[%d] is empty", id, i)
					}
				}
				for _, l := range d.Links {
					u, err := url.Parse(l.URL)
					if err != nil || u.Scheme != "https" || u.Host == "" || l.Title == "" {
						t.Errorf("Get(%q) link %q %q: bad (err %v)", id, l.Title, l.URL, err)
					}
				}
				if reToken.MatchString(d.Title + d.Cause + strings.Join(d.Fix, "") + d.Script) {
					t.Errorf("Get(%q) has an unfilled template token", id)
				}
			}
		})
	}
}

var reToken = regexp.MustCompile(`\{(client|qclient|tenant|tenantorgs|mailbox|user|portal|authority|resource|default|role|scope|proto|casflag)\}`)

var rePlaceholder = regexp.MustCompile(`<[a-z][a-z -]*>`)

func TestFullFactsLeaveNoPlaceholder(t *testing.T) {
	for _, id := range IDs() {
		d := Get(id, fullFacts)
		all := d.Title + "\n" + d.Cause + "\n" + strings.Join(d.Fix, "\n") + "\n" + d.Script
		for _, l := range d.Links {
			all += "\n" + l.URL
		}
		if m := rePlaceholder.FindString(all); m != "" {
			t.Errorf("Get(%q) with all Facts keeps placeholder %q", id, m)
		}
	}
}

func TestEmptyFactsUsePlaceholders(t *testing.T) {
	d := Get("exchange-service-principal-missing", Facts{})
	for _, ph := range []string{phClient, phMailbox} {
		if !strings.Contains(d.Script, ph) {
			t.Errorf("Script lacks placeholder %s:\n%s", ph, d.Script)
		}
	}
	for _, l := range d.Links {
		if strings.Contains(l.URL, "%3C") || strings.Contains(l.URL, "<") {
			t.Errorf("link %q points at a placeholder", l.URL)
		}
		if !strings.HasPrefix(l.URL, "https://entra.microsoft.com/") && !strings.HasPrefix(l.URL, "https://learn.microsoft.com/") && !strings.HasPrefix(l.URL, "https://admin.exchange.microsoft.com/") {
			t.Errorf("unexpected default host in %q", l.URL)
		}
	}
}

func TestFactsFillLinksAndScripts(t *testing.T) {
	f := fullFacts
	f.ClientID = "my app/id?&x"
	f.Cloud = "usgov"
	f.PortalHost = "https://portal.azure.us/"
	f.AuthorityHost = "login.microsoftonline.us"
	f.ExchangeResource = ""
	d := Get("mailbox-auth-rejected", f)
	var perms, consent string
	for _, l := range d.Links {
		switch {
		case strings.Contains(l.URL, "CallAnAPI"):
			perms = l.URL
		case strings.Contains(l.URL, "adminconsent"):
			consent = l.URL
		}
	}
	if want := "https://entra.microsoft.us/#view/Microsoft_AAD_RegisteredApps/ApplicationMenuBlade/~/CallAnAPI/appId/my%20app%2Fid%3F&x"; perms != want {
		t.Errorf("API permissions link = %q, want %q", perms, want)
	}
	if want := "https://login.microsoftonline.us/72f988bf-86f1-41af-91ab-2d7cd011db47/adminconsent?client_id=my+app%2Fid%3F%26x"; consent != want {
		t.Errorf("admin consent link = %q, want %q", consent, want)
	}
	if u, err := url.Parse(consent); err != nil || u.Query().Get("client_id") != f.ClientID {
		t.Errorf("admin consent client_id does not round-trip: %v %v", u, err)
	}
	if !strings.Contains(d.Script, "Add-MailboxPermission -Identity 'o''brien+support@contoso.com'") {
		t.Errorf("script does not quote the mailbox for PowerShell:\n%s", d.Script)
	}
	if !strings.Contains(d.Script, "New-ServicePrincipal -AppId 'my app/id?&x' -ObjectId $sp.Id") {
		t.Errorf("script lacks New-ServicePrincipal with the client ID:\n%s", d.Script)
	}
	if !strings.Contains(d.Script, "-ImapEnabled $true") || strings.Contains(d.Script, "-PopEnabled") {
		t.Errorf("IMAP facts should tailor Set-CASMailbox:\n%s", d.Script)
	}
	if !strings.Contains(d.Cause, "IMAP.AccessAsApp") || strings.Contains(d.Cause, "POP.AccessAsApp") {
		t.Errorf("IMAP facts should name IMAP.AccessAsApp only: %s", d.Cause)
	}
}

func TestProtocolTailoring(t *testing.T) {
	for proto, want := range map[string]string{"imap": "IMAP.AccessAsApp", "pop": "POP.AccessAsApp", "smtp": "SMTP.SendAsApp"} {
		d := Get("token-permission-missing", Facts{Protocol: proto})
		if !strings.Contains(d.Cause, want) {
			t.Errorf("protocol %s: cause lacks %s: %s", proto, want, d.Cause)
		}
	}
	d := Recognize("-ERR Authentication failure: unknown user name or bad password.", Facts{})
	if !strings.Contains(d.Script, "-PopEnabled $true") || strings.Contains(d.Script, "-ImapEnabled") {
		t.Errorf("a POP reply should tailor the script to POP:\n%s", d.Script)
	}
}

func TestGetUnknownID(t *testing.T) {
	d := Get("no-such-id", Facts{})
	if d.ID != Unknown || !strings.Contains(d.Cause, "no-such-id") {
		t.Errorf("Get(no-such-id) = %q, cause %q; want unknown noting the id", d.ID, d.Cause)
	}
	if Known("no-such-id") {
		t.Error("Known(no-such-id) = true")
	}
}

func TestRecognizeUnknown(t *testing.T) {
	for _, text := range []string{"", "   ", "something odd happened", "panic: runtime error: index out of range [3] with length 3"} {
		if d := Recognize(text, Facts{}); d.ID != Unknown || len(d.Codes) != 0 {
			t.Errorf("Recognize(%q) = %q %v, want unknown without codes", text, d.ID, d.Codes)
		}
	}
}

// TestRecognizeUnknownAADSTS: a code in no vocabulary still gets its
// family (from the OAuth error class), its code and a lookup link; only a
// code with nothing else to go by is unknown.
func TestRecognizeUnknownAADSTS(t *testing.T) {
	// The body is shaped like Entra's; 9999991 is a code no vocabulary has.
	text := `{"error":"interaction_required","error_description":"AADSTS9999991: Something new happened.","error_codes":[9999991]}`
	d := Recognize(text, Facts{AuthorityHost: "login.microsoftonline.us"})
	if d.ID != "interaction-required" {
		t.Fatalf("ID = %q, want the family of interaction_required", d.ID)
	}
	if !strings.Contains(d.Title, "AADSTS9999991") || !strings.Contains(d.Cause, "interaction_required") {
		t.Errorf("family diagnosis does not name the code and its class: %q / %q", d.Title, d.Cause)
	}
	if len(d.Links) == 0 || d.Links[0].URL != "https://login.microsoftonline.us/error?code=9999991" {
		t.Errorf("first link = %+v, want the AADSTS9999991 lookup", d.Links)
	}
	if !slices.Equal(d.Codes, []string{"AADSTS9999991"}) {
		t.Errorf("Codes = %v", d.Codes)
	}
	bare := Recognize("AADSTS9999991: Something new happened.", Facts{})
	if bare.ID != Unknown || !strings.Contains(bare.Title, "AADSTS9999991") || bare.Links[0].URL != "https://login.microsoftonline.com/error?code=9999991" {
		t.Errorf("code without class = %q %q %v, want unknown naming the code with its lookup link", bare.ID, bare.Title, bare.Links)
	}
}

func TestPrecedence(t *testing.T) {
	tests := []struct {
		name, text, want string
		codes            []string
	}{
		// Source: https://github.com/davidjrh/dnn.azureadprovider/issues/17 (error_codes [70002,54005]).
		{"generic code first in array", `{"error":"invalid_grant","error_description":"AADSTS70002: Error validating credentials. AADSTS54005: OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.","error_codes":[70002,54005]}`, "grant-invalid", []string{"AADSTS70002", "AADSTS54005"}},
		{"AADSTS beats network words", msalGo("400", `{"error":"invalid_client","error_description":"AADSTS7000222: The provided client secret keys are expired. Visit the Azure Portal to create new keys for your app.","error_codes":[7000222]}`) + "\nretrying after i/o timeout: connection reset by peer", "client-secret-expired", []string{"AADSTS7000222"}},
		{"SMTP auth disabled beats 5.7.57", "5.7.57 Client not authenticated to send mail. Error: 535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant.", "smtp-auth-disabled", []string{"535 5.7.139"}},
		{"x509 inside dial error", "dial tcp 1.2.3.4:993: tls: failed to verify certificate: x509: certificate signed by unknown authority", "tls-interception", nil},
		{"OData access policy over access denied", `{"error":{"code":"ErrorAccessDenied","message":"Access to OData is disabled: [RAOP] : Blocked by tenant configured AppOnly AccessPolicy settings."}}`, "graph-access-policy", []string{"ErrorAccessDenied"}},
		{"plain access denied", `{"error":{"code":"ErrorAccessDenied","message":"Access is denied. Check credentials and try again."}}`, "graph-permission-denied", []string{"ErrorAccessDenied"}},
		{"only OAuth error field", `{"error":"invalid_scope"}`, "scope-invalid", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Recognize(tt.text, Facts{})
			if d.ID != tt.want {
				t.Errorf("ID = %q, want %q", d.ID, tt.want)
			}
			if tt.codes != nil && !slices.Equal(d.Codes, tt.codes) {
				t.Errorf("Codes = %v, want %v", d.Codes, tt.codes)
			}
		})
	}
}

func TestAADSTSCodes(t *testing.T) {
	tests := []struct {
		text string
		want []int
	}{
		{"", nil},
		{"AADSTS7000215: Invalid client secret", []int{7000215}},
		{`{"error_description":"AADSTS70002: x. AADSTS54005: y","error_codes":[70002,54005]}`, []int{70002, 54005}},
		{"u'error_codes': [9002313],", []int{9002313}},
		{"\"error_codes\": [\n    7000218\n  ],", []int{7000218}},
		{"aadsts50076 and AADSTS50076 again", []int{50076}},
		{"AADSTS12 too short", nil},
		{"ServerError: invalid_client: 7000218 - [2020-09-25]: AADSTS7000218: The request body", []int{7000218}},
	}
	for _, tt := range tests {
		if got := AADSTSCodes(tt.text); !slices.Equal(got, tt.want) {
			t.Errorf("AADSTSCodes(%q) = %v, want %v", tt.text, got, tt.want)
		}
	}
}

func TestEvidenceCapped(t *testing.T) {
	text := "  AADSTS7000215: " + strings.Repeat("é", 5000) + "  "
	d := Recognize(text, Facts{})
	if len(d.Evidence) > maxEvidence+32 || !strings.HasPrefix(d.Evidence, "AADSTS7000215") {
		t.Errorf("Evidence len %d, prefix %q", len(d.Evidence), d.Evidence[:20])
	}
	if !strings.HasSuffix(d.Evidence, "[truncated]") {
		t.Error("long evidence is not marked truncated")
	}
}

func TestRecognizeLargeInputIsFast(t *testing.T) {
	inputs := map[string]string{
		"aadsts prefixes":  strings.Repeat("AADSTSAADSTS1", 1<<20/13),
		"error_codes open": strings.Repeat(`"error_codes":[1,`, 1<<20/17),
		"digits":           strings.Repeat("535 5.7.", 1<<20/8),
		"tenant":           "AADSTS90002: " + strings.Repeat("tenant ", 1<<20/7),
		"random-ish":       strings.Repeat("x509 timed out \x01 ", 1<<20/18),
	}
	for name, in := range inputs {
		// The best of three runs: a busy machine (other packages' tests
		// run at the same time) must not fail a test about complexity.
		best := time.Hour
		for range 3 {
			start := time.Now()
			Recognize(in, fullFacts)
			best = min(best, time.Since(start))
		}
		if best > 100*time.Millisecond*raceSlowdown {
			t.Errorf("%s: Recognize on %d bytes took %v", name, len(in), best)
		}
	}
}

func TestRecognizeReadsTailOfLongLogs(t *testing.T) {
	log := strings.Repeat("* OK noise line\r\n", 10000) + "A01 NO AUTHENTICATE failed.\r\n"
	if d := Recognize(log, Facts{}); d.ID != "mailbox-auth-rejected" {
		t.Errorf("ID = %q, want mailbox-auth-rejected from the last line", d.ID)
	}
}

func FuzzRecognize(f *testing.F) {
	for _, e := range loadCorpus(f) {
		f.Add(e.text)
	}
	f.Add(`"error_codes":[`)
	f.Add("AADSTS")
	f.Fuzz(func(t *testing.T, text string) {
		if len(text) > 64<<10 {
			text = text[:64<<10]
		}
		start := time.Now()
		d := Recognize(text, Facts{Protocol: "smtp"})
		if el := time.Since(start); el > time.Second {
			t.Errorf("Recognize took %v on %d bytes", el, len(text))
		}
		if !Known(d.ID) {
			t.Fatalf("Recognize returned unknown ID %q", d.ID)
		}
		if d.Title == "" || len(d.Fix) == 0 || len(d.Evidence) > maxEvidence+32 {
			t.Fatalf("incomplete diagnosis: %+v", d)
		}
		for _, l := range d.Links {
			if u, err := url.Parse(l.URL); err != nil || u.Scheme != "https" {
				t.Fatalf("bad link %q", l.URL)
			}
		}
	})
}

func BenchmarkRecognize(b *testing.B) {
	texts := loadCorpus(b)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		Recognize(texts[i%len(texts)].text, fullFacts)
	}
}

// TestDeviceCodeDeclined: RFC 8628's authorization_declined wins over the
// generic AADSTS70000 that comes with it.
func TestDeviceCodeDeclined(t *testing.T) {
	body := `{"error":"authorization_declined","error_description":"AADSTS70000: The request was denied because one or more scopes requested are unauthorized or expired.","error_codes":[70000]}`
	if d := Recognize(body, Facts{}); d.ID != "consent-declined" {
		t.Errorf("Recognize(authorization_declined) = %s, want consent-declined", d.ID)
	}
	if d := Recognize(`{"error":"invalid_grant","error_description":"AADSTS70000: Provided grant is invalid or malformed.","error_codes":[70000]}`, Facts{}); d.ID != "grant-invalid" {
		t.Errorf("plain 70000 = %s, want grant-invalid", d.ID)
	}
}

// TestMissingSecretParameter: "must contain client_secret or client_assertion"
// means no secret was sent, under either code.
func TestMissingSecretParameter(t *testing.T) {
	for _, code := range []string{"90014", "900144"} {
		text := "AADSTS" + code + ": The request body must contain the following parameter: 'client_secret or client_assertion'."
		if d := Recognize(text, Facts{}); d.ID != "client-secret-missing" {
			t.Errorf("AADSTS%s = %s, want client-secret-missing", code, d.ID)
		}
	}
	if d := Recognize("AADSTS90014: The required field 'client_id' is missing from the credential.", Facts{}); d.ID != "request-malformed" {
		t.Errorf("90014 client_id = %s, want request-malformed", d.ID)
	}
}

// TestIDConstantsAreGenerated: ids.go is what the generator makes of
// docs/diagnoses.md today, and its constants are the catalogue's IDs in
// order (run `go generate` in core/diagnose after editing the list).
func TestIDConstantsAreGenerated(t *testing.T) {
	f, err := os.Open("../../docs/diagnoses.md")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	entries, err := idlist.Parse(f)
	if err != nil {
		t.Fatal(err)
	}
	want, err := idlist.Source(entries)
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("ids.go")
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(want) {
		t.Error("ids.go is out of date with docs/diagnoses.md: run go generate in core/diagnose")
	}
	if !slices.Equal(allIDs, IDs()) {
		t.Errorf("the constants %v are not the catalogue's IDs %v", allIDs, IDs())
	}
}
