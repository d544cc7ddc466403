package report

import (
	"strings"
	"testing"
	"time"

	"github.com/mailoauth/mailoauth-tester/core/diagnose"
	"github.com/mailoauth/mailoauth-tester/core/engine"
	"github.com/mailoauth/mailoauth-tester/core/secret"
)

const (
	testTenant = "8f2d3c4b-1a2b-4c3d-9e8f-0a1b2c3d4e5f"
	testClient = "11112222-3333-4444-5555-666677778888"
	testMbox   = "support@contoso.com"
	testSecret = "Abc8Q~verySecretValue.1234567890abcdefXYZ"
)

func htmlResult() *engine.Result {
	return &engine.Result{
		OK: false, Mode: "check", Started: time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC), Duration: 1200 * time.Millisecond,
		Verdict: "1 of 3 checks failed — SMTP: SMTP AUTH is disabled",
		Input: engine.Input{Tenant: testTenant, ClientID: testClient, Mailbox: testMbox, Flow: "client-credentials",
			Credential: "secret Abc…(41 chars)", Protocols: []string{"smtp"}, Mechanism: "xoauth2", Cloud: "global", AuthorityHost: "https://login.microsoftonline.com"},
		Steps: []engine.StepResult{
			{Name: "token", Title: "Token", Status: engine.OK, Duration: 300 * time.Millisecond, Detail: "token for app " + testClient},
			{Name: "claims", Title: "Claims", Status: engine.OK, Duration: time.Millisecond, Detail: "roles SMTP.SendAsApp"},
			{Name: "smtp", Title: "SMTP", Status: engine.Fail, Duration: 800 * time.Millisecond, Detail: "535 5.7.139 for " + testMbox + " with " + testSecret,
				Diagnosis: &diagnose.Diagnosis{ID: "smtp-auth-disabled", Title: "SMTP AUTH is disabled",
					Cause:  "SMTP AUTH is off <script>alert(1)</script> for **" + testMbox + "**.",
					Fix:    []string{"Run `Set-CASMailbox -Identity '" + testMbox + "'`", "Wait **15 minutes**"},
					Links:  []diagnose.Link{{Title: "Portal", URL: "https://portal.azure.com/#view/x/appId/" + testClient}},
					Script: "Set-CASMailbox -Identity '" + testMbox + "' -SmtpClientAuthenticationDisabled $false"}},
		},
	}
}

func TestHTML(t *testing.T) {
	sc := &secret.Scrubber{}
	sc.Add(testSecret)
	tests := []struct {
		name    string
		opts    Options
		want    []string
		notWant []string
	}{
		{"plain", Options{Scrubber: sc},
			[]string{"<!doctype html>", "<style>", "1 of 3 checks failed", "<strong>" + testMbox + "</strong>", "<code>Set-CASMailbox", "<ol><li>", "&lt;script&gt;", testTenant, "Wait <strong>15 minutes</strong>"},
			[]string{testSecret, "<script>", "<link", "src="}},
		{"hide IDs", Options{Scrubber: sc, HideIDs: true, IDs: []string{testTenant, testClient, testMbox}},
			[]string{"•••@contoso.com", "8f2d••••", "1111••••"},
			[]string{testSecret, testTenant, testClient, "support@"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := HTML(htmlResult(), tt.opts)
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("HTML() lacks %q", w)
				}
			}
			for _, nw := range tt.notWant {
				if strings.Contains(got, nw) {
					t.Errorf("HTML() contains %q", nw)
				}
			}
		})
	}
}

func TestInlineMarkdown(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", "plain"},
		{"**Value** column", "<strong>Value</strong> column"},
		{"run `Get-X -Id 'a'`", "run <code>Get-X -Id &#39;a&#39;</code>"},
		{"<b>x</b> & y", "&lt;b&gt;x&lt;/b&gt; &amp; y"},
	}
	for _, tt := range tests {
		if got := string(inlineMarkdown(tt.in)); got != tt.want {
			t.Errorf("inlineMarkdown(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
