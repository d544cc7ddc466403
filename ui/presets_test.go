package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/mailoauth/mailoauth-tester/core/preset"
	"github.com/mailoauth/mailoauth-tester/core/profile"
)

// pickPreset chooses a preset in "Set up for…" as a user does.
func (h *harness) pickPreset(id string) {
	h.t.Helper()
	p, err := preset.Find(id)
	if err != nil {
		h.t.Fatal(err)
	}
	h.u.presets.sel.SetSelected(presetTitle(p))
}

// TestPresetFillsWithoutOverwriting: choosing a product fills the flow
// and protocols the user has not chosen, never a typed value (IDs, the
// secret, a redirect URI, a flow or protocols chosen by hand), shows the
// redirect URI pattern in the empty redirect field, and None leaves the
// form alone.
func TestPresetFillsWithoutOverwriting(t *testing.T) {
	t.Run("untouched form", func(t *testing.T) {
		h := newHarness(t, nil)
		h.fillIDs()
		h.pickPreset("cisco-ece")
		p := h.u.form.profile()
		if p.Flow != profile.AuthCode || protocolsRaw(p.Protocols) != "pop,smtp" {
			t.Errorf("after Cisco ECE: flow %s, protocols %v", p.Flow, p.Protocols)
		}
		if p.Tenant != tTenant || p.ClientID != tClient || p.ClientSecret != tSecret || p.Mailbox != tMbox {
			t.Errorf("typed values changed: %+v", p)
		}
		redirect := h.u.form.entry(profile.FieldRedirectURI)
		if redirect.Text != "" || !strings.Contains(redirect.PlaceHolder, "showauthcode.jsp") {
			t.Errorf("redirect field: text %q, placeholder %q", redirect.Text, redirect.PlaceHolder)
		}
		if !strings.Contains(h.u.status.Text, "Set up for Cisco ECE") || !strings.Contains(h.u.status.Text, "redirect URI") {
			t.Errorf("status = %q", h.u.status.Text)
		}
		if h.u.presets.info.Disabled() {
			t.Error("ⓘ is disabled with a preset chosen")
		}
		h.u.presets.sel.SetSelected(noPreset)
		if got := h.u.form.profile(); got.Flow != profile.AuthCode || !h.u.presets.info.Disabled() {
			t.Errorf("None changed the form (flow %s) or left ⓘ on", got.Flow)
		}
		if ph := h.u.form.entry(profile.FieldRedirectURI).PlaceHolder; strings.Contains(ph, "showauthcode") {
			t.Errorf("None kept the preset's placeholder %q", ph)
		}
	})
	t.Run("typed flow, protocols and redirect", func(t *testing.T) {
		h := newHarness(t, nil)
		h.fillIDs()
		h.u.form.in(profile.FieldFlow).sel.SetSelected(profile.AuthCode.Title())
		redirect := h.u.form.entry(profile.FieldRedirectURI)
		test.Type(redirect, "https://ece.contoso.com/web/view/mail/admin/account/showauthcode.jsp")
		h.u.form.in(profile.FieldProtocols).checks[profile.Graph].SetChecked(false)
		h.pickPreset("cisco-ece")
		p := h.u.form.profile()
		if p.RedirectURI != "https://ece.contoso.com/web/view/mail/admin/account/showauthcode.jsp" {
			t.Errorf("typed redirect became %q", p.RedirectURI)
		}
		if protocolsRaw(p.Protocols) != "imap,pop,smtp" {
			t.Errorf("protocols chosen by hand became %v", p.Protocols)
		}

		h.u.form.in(profile.FieldFlow).sel.SetSelected(profile.ClientCredentials.Title())
		h.pickPreset("xcally-motion")
		if got := h.u.form.profile().Flow; got != profile.ClientCredentials {
			t.Errorf("flow chosen by hand became %s", got)
		}
		if !strings.Contains(h.u.status.Text, "Flow kept as you chose") {
			t.Errorf("status = %q", h.u.status.Text)
		}
	})
}

// TestPresetInfoAndSetupScript: ⓘ shows the product's notes and limits
// and offers its setup script, written for the form's tenant and mailbox.
func TestPresetInfoAndSetupScript(t *testing.T) {
	h := newHarness(t, nil)
	h.win.Resize(fyne.NewSize(1366, 740))
	h.fillIDs()
	h.pickPreset("cisco-ece")
	test.Tap(h.u.presets.info)
	shown := labelsText(h.overlay())
	for _, want := range []string{"Cisco Enterprise Chat and Email (ECE)", "Limits", "Sending limits of one account", "POP.AccessAsUser.All", "showauthcode.jsp", "Full Access and Send As"} {
		if !strings.Contains(shown, want) {
			t.Errorf("ⓘ lacks %q:\n%s", want, shown)
		}
	}
	test.Tap(findButton(t, h.overlay(), "Setup script…"))
	if len(h.u.scriptsShown) != 1 || h.u.scriptsShown[0].err != nil {
		t.Fatalf("scripts = %+v", h.u.scriptsShown)
	}
	s := h.u.scriptsShown[0].text
	if !strings.Contains(s, tTenant) || !strings.Contains(s, tMbox) || strings.Contains(s, tSecret) {
		t.Errorf("setup script lacks the form's IDs or holds the secret:\n%.600s", s)
	}
}

// TestFixScriptHasTheRealIDs: after a failing run, "Fix script…" beside
// the verdict writes the repair for the failed diagnoses with the run's
// real IDs even with Hide IDs on (the screen shows them masked), and no
// secret; Copy and Save give the same text.
func TestFixScriptHasTheRealIDs(t *testing.T) {
	h := newHarness(t, scripted(failingJob()))
	h.win.Resize(fyne.NewSize(1366, 740))
	if h.u.scriptButton.Visible() {
		t.Fatal("Fix script shows before a run")
	}
	h.fillIDs()
	test.Tap(h.u.runButton)
	h.wait(h.finished, "the run")
	if !h.u.scriptButton.Visible() {
		t.Fatal("no Fix script after a failed run")
	}
	test.Tap(h.u.hideIDs)
	test.Tap(h.u.scriptButton)
	if len(h.u.scriptsShown) != 1 {
		t.Fatalf("%d scripts shown, want the fix script only (no preset)", len(h.u.scriptsShown))
	}
	fix := h.u.scriptsShown[0]
	if fix.err != nil {
		t.Fatal(fix.err)
	}
	for _, id := range []string{tTenant, tClient, tMbox} {
		if !strings.Contains(fix.text, id) {
			t.Errorf("the fix script lacks the real %s", id)
		}
	}
	if !strings.Contains(fix.text, "SmtpClientAuthenticationDisabled") {
		t.Errorf("the fix script does not repair SMTP AUTH:\n%.800s", fix.text)
	}
	d := h.overlay()
	if shown := labelsText(d); strings.Contains(shown, tMbox) || strings.Contains(shown, tTenant) || !strings.Contains(shown, "IDs are hidden on screen") {
		t.Errorf("with Hide IDs on the dialog shows the IDs:\n%.600s", shown)
	}
	test.Tap(findButton(t, d, "Copy"))
	clip := h.app.Clipboard().Content()
	if !strings.Contains(clip, tMbox) || !strings.Contains(clip, tClient) || strings.Contains(clip, tSecret) {
		t.Errorf("copied fix script: IDs %v, secret %v", strings.Contains(clip, tMbox), strings.Contains(clip, tSecret))
	}
	var saved strings.Builder
	if err := writeScript(&saved, h.u.realScript(fix)); err != nil {
		t.Fatal(err)
	}
	if saved.String() != clip {
		t.Error("the saved script differs from the copied one")
	}

	// A passing run has nothing to repair.
	h2 := newHarness(t, scripted(passingJob()))
	h2.fillIDs()
	test.Tap(h2.u.runButton)
	h2.wait(h2.finished, "the passing run")
	if h2.u.scriptButton.Visible() {
		t.Error("Fix script shows after a passing run")
	}
}

// TestWriteScriptBOM: a script with characters beyond ASCII starts with a
// byte-order mark so that Windows PowerShell 5.1 reads it as UTF-8.
func TestWriteScriptBOM(t *testing.T) {
	for _, tt := range []struct {
		in  string
		bom bool
	}{{"Write-Host 'ok'\n", false}, {"# Zoë\n", true}} {
		var b strings.Builder
		if err := writeScript(&b, tt.in); err != nil {
			t.Fatal(err)
		}
		if got := strings.HasPrefix(b.String(), "\ufeff"); got != tt.bom || !strings.HasSuffix(b.String(), tt.in) {
			t.Errorf("writeScript(%q) = %q", tt.in, b.String())
		}
	}
}

// passingJob is the failing job with every step passing.
func passingJob() *scriptedJob {
	j := failingJob()
	res := *j.result
	res.OK, res.Verdict = true, "All 4 checks passed in 1.2 s"
	res.Steps = append(res.Steps[:0:0], res.Steps...)
	res.Steps[3].Status, res.Steps[3].Diagnosis, res.Steps[3].Detail = "ok", nil, "authenticated as "+tMbox
	j.result = &res
	var evs = j.events[:0:0]
	for _, e := range j.events {
		if e.Diagnosis != nil {
			e.Status, e.Diagnosis, e.Level, e.Text = "ok", nil, "ok", "authenticated as "+tMbox
		}
		evs = append(evs, e)
	}
	j.events = evs
	return j
}

// startDemoWith starts a demo scenario shown with flow and waits for it.
func (h *harness) startDemoWith(scenario string, flow profile.Flow) {
	h.t.Helper()
	h.demoFlow = flow
	h.u.StartDemo(scenario)
	select {
	case err := <-h.demo:
		if err != nil {
			h.t.Fatalf("StartDemo(%s) = %v", scenario, err)
		}
	case <-time.After(30 * time.Second):
		h.t.Fatal("the simulated tenant did not start")
	}
}

// TestRequirementRowsAfterDemoRuns runs the real engine against the
// simulated tenant set up for Cisco ECE (authorization code): a passing
// run shows every tested requirement met; with SMTP AUTH off the SMTP AUTH
// row is missing, comes first, selects the SMTP step's card, stays on
// screen at 1366×740 with the card's cause and first fix step, and is in
// the reports; Hide IDs masks the mailbox in the rows.
func TestRequirementRowsAfterDemoRuns(t *testing.T) {
	h := newHarness(t, nil)
	h.win.Resize(fyne.NewSize(1366, 740))
	h.pickPreset("cisco-ece")

	h.startDemoWith("ok", profile.AuthCode)
	if got := protocolsRaw(h.u.form.profile().Protocols); got != "pop,smtp" {
		t.Errorf("demo with Cisco ECE tests %s, want ECE's pop,smtp", got)
	}
	test.Tap(h.u.runButton)
	h.wait(h.finished, "the passing demo run")
	if !h.u.result.OK {
		t.Fatalf("verdict = %q", h.u.result.Verdict)
	}
	missing, _, met, _ := h.u.needs.counts()
	if !h.u.needs.content.Visible() || missing != 0 || met < 8 {
		t.Errorf("passing run: rows visible %v, %d missing, %d met:\n%s", h.u.needs.content.Visible(), missing, met, strings.Join(h.u.needs.lines(), "\n"))
	}
	if h.u.scriptButton.Visible() {
		t.Error("Fix script after a passing run")
	}

	h.startDemoWith("smtp-auth-disabled", profile.AuthCode)
	test.Tap(h.u.runButton)
	h.wait(h.finished, "the failing demo run")
	rows := h.u.needs.rows
	if len(rows) == 0 || rows[0].Requirement != "smtp-auth" || rows[0].State != preset.Unmet || rows[0].Step != "smtp" {
		t.Fatalf("first row = %+v, want smtp-auth missing on smtp:\n%s", rows[0], strings.Join(h.u.needs.lines(), "\n"))
	}
	if missing, _, _, _ := h.u.needs.counts(); missing != 1 {
		t.Errorf("%d rows missing, want 1:\n%s", missing, strings.Join(h.u.needs.lines(), "\n"))
	}
	if !strings.Contains(h.u.needs.heading.Text, "What Cisco ECE needs") || !strings.Contains(h.u.needs.summary.Text, "1 missing") {
		t.Errorf("heading %q, summary %q", h.u.needs.heading.Text, h.u.needs.summary.Text)
	}

	// On screen at 1366×740 without scrolling: the missing row, and the
	// card's cause and first fix step.
	h.win.Content().Refresh()
	bottom := func(o fyne.CanvasObject) float32 {
		return fyne.CurrentApp().Driver().AbsolutePositionForObject(o).Y + o.Size().Height
	}
	height := h.win.Canvas().Size().Height
	if b := bottom(h.u.needs.pool[0]); b > height || !h.u.needs.pool[0].Visible() {
		t.Errorf("the missing requirement ends at %v, below the window (%v)", b, height)
	}
	if fix := findLabel(h.u.details.box, "1. "); fix == nil || bottom(fix) > height {
		t.Errorf("the card's first fix step is not on screen (%v)", fix)
	}

	// The row selects its step's card.
	test.Tap(h.u.needs.pool[0])
	if h.u.checks.selected != "smtp" || h.u.details.selected != "smtp" {
		t.Errorf("tapping the row selected %q / %q, want smtp", h.u.checks.selected, h.u.details.selected)
	}
	if shown := labelsText(h.u.details.box); !strings.Contains(shown, "What Cisco ECE needs:") || !strings.Contains(shown, "— missing") {
		t.Errorf("the SMTP step's details do not name the missing requirement:\n%s", shown)
	}

	// The reports carry the rows and the preset.
	md := h.u.markdown()
	if !strings.Contains(md, "#### What Cisco ECE needs ↔ what your tenant has") || !strings.Contains(md, "| ✗ | SMTP AUTH") || !strings.Contains(md, "preset cisco-ece") {
		t.Errorf("Markdown report lacks the rows:\n%s", md)
	}
	if strings.Index(md, "What Cisco ECE needs") > strings.Index(md, "#### ✗") {
		t.Error("the rows come after the diagnosis in the Markdown report")
	}
	var doc strings.Builder
	if err := h.u.writeReport(&doc, "r.html"); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(doc.String(), "<h2>What Cisco ECE needs ↔ what your tenant has</h2>") || !strings.Contains(doc.String(), `<tr class="fail" data-requirement="smtp-auth"><td class="sym">✗</td><td>SMTP AUTH`) {
		t.Errorf("HTML report lacks the rows")
	}

	// Hide IDs masks the mailbox and user in the rows and the reports.
	mbox := h.u.result.Input.Mailbox
	if !strings.Contains(strings.Join(h.u.needs.lines(), "\n"), mbox) {
		t.Fatalf("the rows do not name the mailbox %s (nothing to hide)", mbox)
	}
	test.Tap(h.u.hideIDs)
	if rows := strings.Join(h.u.needs.lines(), "\n") + labelsText(h.u.needs.box) + h.u.markdown(); strings.Contains(rows, mbox) {
		t.Errorf("with Hide IDs on the rows show the mailbox:\n%s", rows)
	}
}

// findLabel returns the first label under o whose text starts with
// prefix, or nil.
func findLabel(o fyne.CanvasObject, prefix string) fyne.CanvasObject {
	var found fyne.CanvasObject
	var walk func(fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if found != nil {
			return
		}
		switch x := o.(type) {
		case *widget.Label:
			if strings.HasPrefix(x.Text, prefix) {
				found = x
			}
		case *fyne.Container:
			for _, c := range x.Objects {
				walk(c)
			}
		case fyne.Widget:
			for _, c := range test.WidgetRenderer(x).Objects() {
				walk(c)
			}
		}
	}
	walk(o)
	return found
}

// TestPresetRowsNotForEnvironmentCheck: an environment check tests no app,
// so it shows no requirement rows, preset or not.
func TestPresetRowsNotForEnvironmentCheck(t *testing.T) {
	h := newHarness(t, scripted(passingJob()))
	h.pickPreset("sytel-softdial")
	job := passingJob()
	job.result.Mode = "environment"
	h.u.opts.Prepare = func(profile.Profile) (Job, profile.Problems) { return job, nil }
	test.Tap(h.u.runButton)
	h.wait(h.finished, "the run")
	if h.u.needs.content.Visible() || strings.Contains(h.u.markdown(), "needs ↔") {
		t.Error("requirement rows after an environment check")
	}
}
