package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/mailoauth/mailoauth-tester/core/engine"
	"github.com/mailoauth/mailoauth-tester/core/profile"
)

// TestDemoWithTheRealEngine drives the real engine against the simulated
// tenant in this process, through the Demo menu's code path.
func TestDemoWithTheRealEngine(t *testing.T) {
	tests := []struct {
		scenario string
		ok       bool
		verdict  string
		diag     string
	}{
		{"ok", true, "All ", ""},
		{"smtp-auth-disabled", false, "", "smtp-auth-disabled"},
	}
	for _, tt := range tests {
		t.Run(tt.scenario, func(t *testing.T) {
			h := newHarness(t, nil)
			h.u.StartDemo(tt.scenario)
			select {
			case err := <-h.demo:
				if err != nil {
					t.Fatalf("StartDemo(%s) = %v", tt.scenario, err)
				}
			case <-time.After(30 * time.Second):
				t.Fatal("the simulated tenant did not start")
			}
			secret := h.sim.ClientSecret
			if got := h.u.form.entry(profile.FieldSecret).Text; got != secret || !h.u.form.entry(profile.FieldSecret).Password {
				t.Fatal("the demo did not put its secret in the password entry")
			}
			h.u.form.in(fieldTranscript).check.SetChecked(true)
			test.Tap(h.u.runButton)
			h.wait(h.finished, "the run against the simulated tenant")

			res := h.u.result
			if res.OK != tt.ok || !strings.HasPrefix(res.Verdict, tt.verdict) {
				t.Fatalf("verdict = %v %q, want %v %q", res.OK, res.Verdict, tt.ok, tt.verdict)
			}
			if !strings.HasPrefix(h.win.Title(), AppTitle+" — "+tt.verdict) {
				t.Errorf("title = %q", h.win.Title())
			}
			if tt.diag != "" {
				var ids []string
				for _, f := range h.u.details.findings {
					ids = append(ids, f.d.ID)
				}
				if len(ids) == 0 || !strings.Contains(strings.Join(ids, " "), tt.diag) {
					t.Errorf("diagnosis cards = %v, want %s among them", ids, tt.diag)
				}
				if !strings.Contains(res.Verdict, "failed") {
					t.Errorf("verdict %q does not say what failed", res.Verdict)
				}
			}
			log := h.u.log.text()
			if !strings.Contains(log, "AUTHENTICATE") && !strings.Contains(log, "AUTH XOAUTH2") {
				t.Errorf("the log has no transcript:\n%s", log)
			}
			test.Tap(h.u.copyButton)
			h.u.savePrefs()
			for where, text := range h.everything() {
				if strings.Contains(text, secret) {
					t.Errorf("%s contains the simulated secret", where)
				}
				for _, tok := range h.sim.IssuedTokens() {
					if strings.Contains(text, tok) {
						t.Errorf("%s contains an access token", where)
					}
				}
			}
			if got := h.app.Preferences().String("authority-host"); got != "" {
				t.Errorf("the demo's authority %q was remembered", got)
			}
			for _, r := range h.u.checks.rows {
				if r.status == engine.Waiting || r.status == engine.Running {
					t.Errorf("step %s still %s", r.name, r.status)
				}
			}
		})
	}
}

// TestDemoReportsSaySimulated: a demo run's HTML report, its Markdown on
// the clipboard and the status line say prominently that the tenant was
// simulated; a real run's do not.
func TestDemoReportsSaySimulated(t *testing.T) {
	h := newHarness(t, nil)
	h.u.StartDemo("smtp-auth-disabled")
	if err := <-h.demo; err != nil {
		t.Fatal(err)
	}
	test.Tap(h.u.runButton)
	h.wait(h.finished, "the demo run")
	var html strings.Builder
	if err := h.u.writeReport(&html, "r.html"); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(h.u.status.Text, "simulated tenant") {
		t.Errorf("status = %q", h.u.status.Text)
	}
	_, body, _ := strings.Cut(html.String(), "<body")
	if at := strings.Index(body, "SIMULATED"); at < 0 || at > strings.Index(body, "SMTP AUTH") {
		t.Errorf("the HTML report's body does not say first that it was simulated (at %d)", at)
	}
	test.Tap(h.u.copyButton)
	if got := h.app.Clipboard().Content(); !strings.HasPrefix(got, "SIMULATED") {
		t.Errorf("the copied report starts %q", got[:min(60, len(got))])
	}

	real := newHarness(t, scripted(failingJob()))
	real.fillIDs()
	test.Tap(real.u.runButton)
	real.wait(real.finished, "the scripted run")
	html.Reset()
	if err := real.u.writeReport(&html, "r.html"); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(html.String(), "SIMULATED") || strings.Contains(real.u.markdown(), "SIMULATED") {
		t.Error("a real run's report says it was simulated")
	}
}
