package report

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/mailoauth/mailoauth-tester/core/diagnose"
	"github.com/mailoauth/mailoauth-tester/core/engine"
	"github.com/mailoauth/mailoauth-tester/core/preset"
)

const (
	alias   = "support@contoso.com"
	service = "ece.service@contoso.com"
)

// eceRun is Cisco ECE's service account replying as an alias it has no
// Send As on.
func eceRun() *engine.Result {
	d := diagnose.Get("send-as-denied", diagnose.Facts{Tenant: tenant, ClientID: client, Mailbox: alias, User: service, Protocol: "smtp"})
	ok := func(name, title string) engine.StepResult {
		return engine.StepResult{Name: name, Title: title, Status: engine.OK, Detail: "fine"}
	}
	return &engine.Result{
		Mode: "check", Started: time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC), Duration: time.Second,
		Verdict: "1 of 6 checks failed — SMTP: " + d.Title,
		Input: engine.Input{Tenant: tenant, ClientID: client, Mailbox: alias, User: service, Flow: "auth-code", Protocols: []string{"pop", "smtp"},
			Cloud: "global", SendTestMail: true, Preset: "cisco-ece"},
		Steps: []engine.StepResult{ok("tenant", "Tenant"), ok("token", "Sign-in"), ok("claims", "Claims"), ok("pop", "POP3"),
			{Name: "smtp", Title: "SMTP", Status: engine.Fail, Detail: "554 5.2.252 SendAsDenied", Diagnosis: &d}, ok("refresh", "Refresh")},
	}
}

func TestPresetSectionInEveryRendering(t *testing.T) {
	out := allRenderings(t, eceRun(), Options{})
	const heading = "What Cisco ECE needs ↔ what your tenant has"
	for name, s := range out {
		if !strings.Contains(s, heading) {
			t.Errorf("%s has no preset heading", name)
		}
		if !strings.Contains(s, "1 missing · 11 in place · 1 not tested by this run") && name != "json" {
			t.Errorf("%s does not count the rows", name)
		}
	}
	text := out["text"]
	if !strings.Contains(text, "  ✗ "+service+" has Send As on "+alias) || !strings.Contains(text, "missing — SMTP failed with send-as-denied") {
		t.Errorf("text does not show the ✗ row with its step and diagnosis:\n%s", text)
	}
	if sec := text[strings.Index(text, heading):]; strings.Index(sec, "✗ "+service) > strings.Index(sec, "✓ ") {
		t.Errorf("the missing row is not first:\n%s", text)
	}
	if !strings.Contains(out["markdown"], "| ✗ | "+mdText(service+" has Send As on "+alias)) {
		t.Errorf("markdown has no ✗ row for Send As:\n%s", out["markdown"])
	}
	if !strings.Contains(out["html"], `<tr class="fail" data-requirement="delegate-send-as"><td class="sym">✗</td>`) {
		t.Errorf("html has no failed row for Send As")
	}
	md := out["markdown"]
	if steps, sec, diag := strings.Index(md, "| Step |"), strings.Index(md, heading), strings.Index(md, "#### ✗ SMTP"); !(steps < sec && sec < diag) {
		t.Errorf("markdown: the preset section is not between the step table and the diagnoses")
	}

	var rep JSONReport
	if err := json.Unmarshal([]byte(out["json"]), &rep); err != nil {
		t.Fatal(err)
	}
	p := rep.Preset
	if rep.SchemaVersion != "1.1" || rep.Input.Preset != "cisco-ece" || p == nil || p.ID != "cisco-ece" || p.Heading != heading ||
		p.Counts != (JSONPresetCounts{Missing: 1, Met: 11, NotTested: 1}) {
		t.Fatalf("json preset = %+v (schema %s)", p, rep.SchemaVersion)
	}
	first := p.Rows[0]
	if first.Requirement != "delegate-send-as" || first.State != "unmet" || first.Mark != "✗" || first.Step != "smtp" ||
		first.Diagnosis != "send-as-denied" || !strings.Contains(first.Detail, "send-as-denied") || strings.Join(first.Fix, ",") != "send-as" {
		t.Errorf("first row = %+v", first)
	}
	last := p.Rows[len(p.Rows)-1]
	if last.State != "not-tested" || last.Mark != "–" {
		t.Errorf("last row = %+v, want the untested one", last)
	}
}

func TestPresetRowsHideIDs(t *testing.T) {
	res := eceRun()
	for name, s := range allRenderings(t, res, Options{HideIDs: true}) {
		for _, id := range []string{"ece.service@", "support@", tenant, client} {
			if strings.Contains(s, id) {
				t.Errorf("%s with Hide IDs shows %q", name, id)
			}
		}
		if !strings.Contains(s, "•••@contoso.com has Send As on •••@contoso.com") && name != "markdown" {
			t.Errorf("%s: the row does not show the masked identities", name)
		}
	}
}

func TestPresetRowsNeverInterpretText(t *testing.T) {
	res := eceRun()
	res.Input.Mailbox = "x](https://evil.example/a)<img src=x>|@contoso.com"
	out := allRenderings(t, res, Options{})
	md := out["markdown"]
	md = md[strings.Index(md, "needs ↔"):strings.Index(md, "#### ✗ SMTP")] // the preset section
	md = strings.NewReplacer(`\<`, "", `\]`, "", `\(`, "").Replace(md)
	if strings.Contains(md, "](") || strings.Contains(md, "<img") || strings.Contains(md, "https://evil") {
		t.Errorf("markdown row text can become markup:\n%s", out["markdown"])
	}
	if strings.Contains(out["html"], "<img src=x>") {
		t.Errorf("html row text is not escaped")
	}
}

func TestNoPresetNoSection(t *testing.T) {
	for name, edit := range map[string]func(*engine.Result){
		"none":        func(r *engine.Result) { r.Input.Preset = "" },
		"unknown":     func(r *engine.Result) { r.Input.Preset = "no-such-product" },
		"environment": func(r *engine.Result) { r.Mode = "environment" },
	} {
		res := eceRun()
		edit(res)
		for format, s := range allRenderings(t, res, Options{}) {
			if strings.Contains(s, "needs ↔") || strings.Contains(s, `"counts"`) {
				t.Errorf("%s: %s shows a preset section", name, format)
			}
		}
		if got := UnmetRequirements(res); got != nil {
			t.Errorf("%s: UnmetRequirements() = %v", name, got)
		}
	}
	if got := UnmetRequirements(eceRun()); len(got) != 1 || got[0].Requirement != "delegate-send-as" {
		t.Errorf("UnmetRequirements() = %+v", got)
	}
}

func TestByState(t *testing.T) {
	rows := []preset.Row{{Requirement: "a", State: preset.Met}, {Requirement: "b", State: preset.NotTested},
		{Requirement: "c", State: preset.NotTested, Suspect: true}, {Requirement: "d", State: preset.Unmet}, {Requirement: "e", State: preset.Met}}
	var got []string
	for _, r := range ByState(rows) {
		got = append(got, r.Requirement)
	}
	if strings.Join(got, "") != "dcaeb" {
		t.Errorf("ByState() = %v, want d c a e b", got)
	}
}
