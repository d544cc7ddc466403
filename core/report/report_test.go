package report

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/mailoauth/mailoauth-tester/core/diagnose"
	"github.com/mailoauth/mailoauth-tester/core/engine"
	"github.com/mailoauth/mailoauth-tester/core/probe"
	"github.com/mailoauth/mailoauth-tester/core/secret"
)

const (
	tenant  = "72f988bf-86f1-41af-91ab-2d7cd011db47"
	client  = "396c2760-2fa5-4948-b9d5-9839a7440836"
	mailbox = "support@contoso.com"
	sec     = "Xy8Q~abcdefghijklmnopqrstuvwxyz012345678"
	tok     = "eyJ0eXAiOiJKV1QifQ.eyJhdWQiOiJodHRwczovL291dGxvb2sifQ.c2lnbmF0dXJlc2lnbmF0dXJl"
)

func sample() *engine.Result {
	d := diagnose.Get("exchange-service-principal-missing", diagnose.Facts{Tenant: tenant, ClientID: client, Mailbox: mailbox, Protocol: "imap"})
	d.Evidence = "NO AUTHENTICATE failed. token " + tok
	return &engine.Result{
		Mode: "check", Started: time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC), Duration: 1234 * time.Millisecond,
		Verdict: "1 of 3 checks failed — IMAP: " + d.Title,
		Input:   engine.Input{Tenant: tenant, ClientID: client, Mailbox: mailbox, Flow: "client-credentials", Credential: "secret " + secret.Mask(sec), Protocols: []string{"imap"}, Cloud: "global"},
		Steps: []engine.StepResult{
			{Name: "token", Title: "Token", Status: engine.OK, Duration: 120 * time.Millisecond, Detail: "access token " + secret.Mask(tok)},
			{Name: "claims", Title: "Claims", Status: engine.OK, Detail: "aud https://outlook.office365.com | tid " + tenant},
			{Name: "imap", Title: "IMAP", Status: engine.Fail, Duration: 45 * time.Millisecond, Detail: "rejected for " + mailbox + " by app " + client,
				Diagnosis: &d, Transcript: []probe.Line{{Dir: 'C', Text: "A1 AUTHENTICATE XOAUTH2 " + tok + " secret " + sec}}},
		},
	}
}

func scrubber() *secret.Scrubber {
	var s secret.Scrubber
	s.Add(sec, tok)
	return &s
}

func renderings(t *testing.T, o Options) map[string]string {
	t.Helper()
	res := sample()
	b, err := JSON(res, o)
	if err != nil {
		t.Fatal(err)
	}
	return map[string]string{"json": string(b), "text": Text(res, o), "markdown": Markdown(res, o)}
}

func TestSecretsNeverRendered(t *testing.T) {
	for _, hide := range []bool{false, true} {
		for name, out := range renderings(t, Options{Scrubber: scrubber(), Transcripts: true, HideIDs: hide, IDs: []string{tenant, client, mailbox}}) {
			for _, s := range []string{sec, tok, "c2lnbmF0dXJl"} {
				if strings.Contains(out, s) {
					t.Errorf("%s (hide=%v) contains a secret %q", name, hide, s[:8])
				}
			}
		}
	}
	// Even without the scrubber knowing them, token shapes are masked.
	for name, out := range renderings(t, Options{Transcripts: true}) {
		if strings.Contains(out, tok) {
			t.Errorf("%s without scrubber contains the token", name)
		}
	}
}

func TestHideIDs(t *testing.T) {
	for name, out := range renderings(t, Options{Scrubber: scrubber(), Transcripts: true, HideIDs: true, IDs: []string{tenant, client, mailbox}}) {
		for _, id := range []string{tenant, client, "support@", "2d7cd011db47"} {
			if strings.Contains(out, id) {
				t.Errorf("%s with HideIDs still contains %q", name, id)
			}
		}
		if !strings.Contains(out, "@contoso.com") {
			t.Errorf("%s with HideIDs lost the mailbox domain", name)
		}
	}
	for name, out := range renderings(t, Options{Scrubber: scrubber()}) {
		if !strings.Contains(out, tenant) || !strings.Contains(out, mailbox) {
			t.Errorf("%s without HideIDs lost the IDs", name)
		}
	}
}

func TestJSONFields(t *testing.T) {
	b, _ := JSON(sample(), Options{Scrubber: scrubber()})
	var m struct {
		OK    bool `json:"ok"`
		Steps []struct {
			Name      string  `json:"name"`
			Status    string  `json:"status"`
			MS        float64 `json:"ms"`
			Detail    string  `json:"detail"`
			Diagnosis *struct {
				ID    string   `json:"id"`
				Title string   `json:"title"`
				Fix   []string `json:"fix"`
			} `json:"diagnosis"`
		} `json:"steps"`
	}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	if len(m.Steps) != 3 || m.Steps[2].Status != "fail" || m.Steps[2].MS != 45 || m.Steps[2].Diagnosis == nil ||
		m.Steps[2].Diagnosis.ID != "exchange-service-principal-missing" || len(m.Steps[2].Diagnosis.Fix) == 0 || m.Steps[0].Diagnosis != nil {
		t.Errorf("JSON = %s", b)
	}
}

func TestMarkdownEscapesTableCells(t *testing.T) {
	md := Markdown(sample(), Options{})
	if !strings.Contains(md, `aud https:\/\/outlook.office365.com \| tid`) {
		t.Errorf("a | in a detail breaks the table:\n%s", md)
	}
}

func TestHideID(t *testing.T) {
	for in, want := range map[string]string{tenant: "72f9••••-••••-••••-••••-••••••••••••", mailbox: "•••@contoso.com", "contoso.onmicrosoft.com": "c••••••••"} {
		if got := HideID(in); got != want {
			t.Errorf("HideID(%q) = %q, want %q", in, got, want)
		}
	}
}
