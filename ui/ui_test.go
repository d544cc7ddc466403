package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/mailoauth/mailoauth-tester/core/engine"
	"github.com/mailoauth/mailoauth-tester/core/profile"
	"github.com/mailoauth/mailoauth-tester/core/version"
)

func TestTestNowFillsChecklistLogAndBanner(t *testing.T) {
	h := newHarness(t, scripted(failingJob()))
	h.fillIDs()
	test.Tap(h.u.runButton)
	h.wait(h.finished, "the run to finish")

	want := map[string]engine.Status{"token": engine.OK, "claims": engine.OK, "imap": engine.OK, "smtp": engine.Fail}
	if len(h.u.checks.rows) != len(want) {
		t.Fatalf("checklist has %d rows, want %d", len(h.u.checks.rows), len(want))
	}
	for _, r := range h.u.checks.rows {
		if r.status != want[r.name] {
			t.Errorf("checklist %s = %s, want %s", r.name, r.status, want[r.name])
		}
	}
	if got := h.u.checks.byName["token"].dur; got != "312 ms" {
		t.Errorf("token duration = %q, want 312 ms", got)
	}
	if h.u.banner.kind != bannerError || !strings.HasPrefix(h.u.banner.text, "1 of 4 checks failed — SMTP") {
		t.Errorf("banner = %d %q, want the error verdict", h.u.banner.kind, h.u.banner.text)
	}
	if got := h.win.Title(); got != AppTitle+" — 1 of 4 checks failed — SMTP: SMTP AUTH is disabled" {
		t.Errorf("title = %q", got)
	}
	log := h.u.log.text()
	for _, w := range []string{"▶ Testing", "SMTP     ✗ failed after 380 ms — 535 5.7.139", "Token    ✓ passed in 312 ms", "■ 1 of 4 checks failed"} {
		if !strings.Contains(log, w) {
			t.Errorf("log lacks %q:\n%s", w, log)
		}
	}
	// The transcript line sits under its step, indented.
	lines := strings.Split(log, "\n")
	for i, l := range lines {
		if strings.Contains(l, "AUTHENTICATE") {
			if !strings.Contains(l, "IMAP         C: a1") || !strings.Contains(lines[i-1], "IMAP") {
				t.Errorf("transcript line %q is not folded under IMAP (after %q)", l, lines[i-1])
			}
		}
	}
	if n := len(h.u.details.findings); n != 1 {
		t.Fatalf("%d diagnosis cards, want 1", n)
	}
	if h.u.copyButton.Disabled() || h.u.runButton.Text != "Test now" {
		t.Errorf("after the run: copy disabled=%v, button %q", h.u.copyButton.Disabled(), h.u.runButton.Text)
	}
	if h.u.form.entry(profile.FieldTenant).Disabled() {
		t.Error("form still disabled after the run")
	}
}

func TestDiagnosisCardButtons(t *testing.T) {
	h := newHarness(t, scripted(failingJob()))
	h.fillIDs()
	test.Tap(h.u.runButton)
	h.wait(h.finished, "the run to finish")

	open := findButton(t, h.u.details.box, "Open in portal")
	test.Tap(open)
	if len(h.opened) != 1 || !strings.Contains(h.opened[0], "portal.azure.com") || !strings.Contains(h.opened[0], tClient) {
		t.Errorf("opened %v, want the portal link with the client ID", h.opened)
	}
	test.Tap(findButton(t, h.u.details.box, "Copy PowerShell"))
	if got := h.app.Clipboard().Content(); !strings.HasPrefix(got, "Set-CASMailbox -Identity '"+tMbox) {
		t.Errorf("clipboard = %q, want the script", got)
	}
}

func TestCancelStopsTheRun(t *testing.T) {
	job := failingJob()
	job.events, job.block = nil, true
	h := newHarness(t, scripted(job))
	h.fillIDs()
	test.Tap(h.u.runButton)
	h.wait(h.batches, "the run to start")
	if h.u.runButton.Text != "Cancel (Esc)" || !h.u.form.entry(profile.FieldTenant).Disabled() || !h.u.form.entry(profile.FieldSecret).Disabled() {
		t.Fatalf("while running: button %q, tenant disabled %v", h.u.runButton.Text, h.u.form.entry(profile.FieldTenant).Disabled())
	}
	test.Tap(h.u.runButton)
	h.wait(h.finished, "the cancelled run to end")
	if h.u.runButton.Text != "Test now" || h.u.runButton.Disabled() {
		t.Errorf("after cancel: button %q disabled=%v", h.u.runButton.Text, h.u.runButton.Disabled())
	}
	if h.u.form.entry(profile.FieldTenant).Disabled() || h.u.form.entry(profile.FieldSecret).Disabled() {
		t.Error("form still disabled after cancel")
	}
	if h.u.banner.kind != bannerWarning || !strings.HasPrefix(h.u.banner.text, "Cancelled") {
		t.Errorf("banner = %d %q, want the cancelled warning", h.u.banner.kind, h.u.banner.text)
	}
	for _, r := range h.u.checks.rows {
		if r.status != engine.Skipped {
			t.Errorf("step %s = %s, want skipped", r.name, r.status)
		}
	}
}

func TestValidationAsYouType(t *testing.T) {
	tests := []struct {
		field, input, want string
	}{
		{profile.FieldTenant, "common", "not a specific tenant"},
		{profile.FieldTenant, "https://login.microsoftonline.com/" + tTenant, "paste only the tenant ID"},
		{profile.FieldClientID, "my-app", "is not a GUID"},
		{profile.FieldSecret, "0f1e2d3c-4b5a-6978-8695-a4b3c2d1e0f9", "THIS LOOKS LIKE THE SECRET ID, NOT THE SECRET VALUE"},
		{profile.FieldMailbox, "support", "not an e-mail address"},
		{profile.FieldIMAPHost, "imaps://outlook.office365.com", "is a URL, not host:port"},
		{profile.FieldTimeout, "soon", "is not a duration"},
	}
	for _, tt := range tests {
		t.Run(tt.field+"/"+tt.input, func(t *testing.T) {
			h := newHarness(t, nil)
			f := h.u.form
			entries := map[string]interface{ SetText(string) }{
				profile.FieldTenant: f.entry(profile.FieldTenant), profile.FieldClientID: f.entry(profile.FieldClientID), profile.FieldSecret: f.entry(profile.FieldSecret),
				profile.FieldMailbox: f.entry(profile.FieldMailbox), profile.FieldIMAPHost: f.entry(profile.FieldIMAPHost), profile.FieldTimeout: f.entry(profile.FieldTimeout),
			}
			before := f.in(tt.field).message()
			entries[tt.field].SetText(tt.input)
			got := f.in(tt.field).message()
			if !strings.Contains(got, tt.want) {
				t.Errorf("message under %s = %q, want it to contain %q", tt.field, got, tt.want)
			}
			if before == got {
				t.Errorf("message under %s did not change from the hint", tt.field)
			}
			if strings.Contains(got, tt.input) && tt.field == profile.FieldSecret {
				t.Error("the message repeats the secret")
			}
		})
	}
}

func TestPrepareProblemsStayInTheForm(t *testing.T) {
	h := newHarness(t, func(_ *harness, p profile.Profile) (Job, profile.Problems) {
		j, ps := Engine(engine.Options{})(p)
		if j != nil {
			t.Error("Prepare accepted a profile without a client ID")
		}
		return j, ps
	})
	test.Type(h.u.form.entry(profile.FieldTenant), "contoso.onmicrosoft.com")
	test.Tap(h.u.runButton)
	if h.u.running {
		t.Fatal("a run started with missing fields")
	}
	for _, fld := range []string{profile.FieldClientID, profile.FieldSecret, profile.FieldMailbox} {
		if got := h.u.form.in(fld).message(); !strings.Contains(got, "empty") {
			t.Errorf("message under %s = %q, want the engine's 'is empty'", fld, got)
		}
	}
	if h.u.banner.kind != bannerError || !strings.Contains(h.u.banner.text, "nothing was sent") {
		t.Errorf("banner = %q", h.u.banner.text)
	}
}

func TestEmptyFormRunsTheEnvironmentCheck(t *testing.T) {
	var environment bool
	h := newHarness(t, func(_ *harness, p profile.Profile) (Job, profile.Problems) {
		j, ps := engine.Prepare(p, engine.Options{})
		if j == nil {
			t.Fatalf("Prepare(empty form) = %v", ps)
		}
		environment = j.Environment()
		// The real environment check would need the internet; replay
		// its plan instead.
		res := &engine.Result{OK: true, Mode: "environment", Verdict: "All 5 checks passed in 1.0 s"}
		var evs []engine.Event
		for _, s := range j.Plan() {
			res.Steps = append(res.Steps, engine.StepResult{Name: s.Name, Title: s.Title, Status: engine.OK})
			evs = append(evs, engine.Event{Kind: engine.StepEnd, Step: s.Name, Status: engine.OK, Level: engine.Good})
		}
		return &scriptedJob{plan: j.Plan(), events: evs, result: res, scrub: j.Scrubber()}, nil
	})
	test.Tap(h.u.runButton)
	h.wait(h.finished, "the environment check")
	if !environment {
		t.Error("the empty form did not prepare the environment check")
	}
	var names []string
	for _, r := range h.u.checks.rows {
		names = append(names, r.name)
	}
	if got := strings.Join(names, ","); !strings.HasPrefix(got, "signin,clock,imap,pop,smtp") {
		t.Errorf("checklist = %s, want the environment steps", got)
	}
	if h.u.banner.kind != bannerSuccess {
		t.Errorf("banner kind = %d, want success", h.u.banner.kind)
	}
}

func TestHideIDs(t *testing.T) {
	h := newHarness(t, scripted(failingJob()))
	h.fillIDs()
	test.Tap(h.u.runButton)
	h.wait(h.finished, "the run to finish")
	if !strings.Contains(h.u.log.text(), tTenant) {
		t.Fatal("the log does not show the tenant before Hide IDs")
	}
	test.Tap(h.u.hideIDs)
	for where, text := range h.everything() {
		if where == "preferences" {
			continue // the form's IDs are remembered; Hide IDs is about what is shown
		}
		for _, id := range []string{tTenant, tClient, "support@"} {
			if strings.Contains(text, id) {
				t.Errorf("%s shows %q with Hide IDs on", where, id)
			}
		}
	}
	tenant := h.u.form.entry(profile.FieldTenant)
	if got := tenant.Text; got != "8f2d••••-••••-••••-••••-••••••••••••" || tenant.Disabled() {
		t.Errorf("tenant entry = %q (disabled %v), want it masked and editable", got, tenant.Disabled())
	}
	if p := h.u.form.profile(); p.Tenant != tTenant || p.Mailbox != tMbox {
		t.Errorf("profile() = %q %q, want the real IDs while masked", p.Tenant, p.Mailbox)
	}
	test.Tap(h.u.hideIDs)
	if got := tenant.Text; got != tTenant {
		t.Errorf("tenant entry after Hide IDs off = %q", got)
	}
}

// TestHideIDsNeverReadOnlyNorRemembered: a masked entry shows its real
// text and takes typing when focused, and the next start has Hide IDs
// off with the real IDs in plain view.
func TestHideIDsNeverReadOnlyNorRemembered(t *testing.T) {
	h := newHarness(t, nil)
	h.fillIDs()
	test.Tap(h.u.hideIDs)
	mbox := h.u.form.entry(profile.FieldMailbox)
	if mbox.Text == tMbox || mbox.Disabled() {
		t.Fatalf("mailbox with Hide IDs on = %q (disabled %v)", mbox.Text, mbox.Disabled())
	}
	h.win.Canvas().Focus(mbox)
	if mbox.Text != tMbox {
		t.Errorf("focused masked entry shows %q, want the real text to edit", mbox.Text)
	}
	mbox.SetText("")
	test.Type(mbox, "helpdesk@contoso.com")
	h.win.Canvas().Unfocus()
	if mbox.Text == "helpdesk@contoso.com" || h.u.form.profile().Mailbox != "helpdesk@contoso.com" {
		t.Errorf("after typing under Hide IDs: shown %q, profile %q", mbox.Text, h.u.form.profile().Mailbox)
	}
	h.u.Close() // saves the preferences, as closing the window does

	u2 := New(h.app, test.NewTempWindow(t, nil), Options{})
	if u2.hideIDs.Checked {
		t.Error("Hide IDs is on at the next start")
	}
	if got := u2.form.entry(profile.FieldMailbox).Text; got != "helpdesk@contoso.com" {
		t.Errorf("next start shows mailbox %q, want it plain", got)
	}
	if got := u2.form.entry(profile.FieldTenant).Text; got != tTenant || u2.form.entry(profile.FieldTenant).Disabled() {
		t.Errorf("next start: tenant %q (disabled %v)", got, u2.form.entry(profile.FieldTenant).Disabled())
	}
	all := h.everything()["preferences"]
	if strings.Contains(all, "hide") {
		t.Errorf("preferences remember Hide IDs: %s", all)
	}
}

// TestCopyPowerShellHasTheRealIDs: with Hide IDs on, the card shows masked
// IDs but Copy PowerShell copies a script that runs (real IDs) and Open
// in portal opens the real app's page.
func TestCopyPowerShellHasTheRealIDs(t *testing.T) {
	h := newHarness(t, scripted(failingJob()))
	h.fillIDs()
	test.Tap(h.u.runButton)
	h.wait(h.finished, "the run to finish")
	test.Tap(h.u.hideIDs)
	if shown := labelsText(h.u.details.box); strings.Contains(shown, tMbox) {
		t.Fatalf("the card shows the mailbox with Hide IDs on:\n%s", shown)
	}
	test.Tap(findButton(t, h.u.details.box, "Copy PowerShell"))
	if got := h.app.Clipboard().Content(); !strings.Contains(got, "-Identity '"+tMbox+"'") {
		t.Errorf("Copy PowerShell with Hide IDs on = %q, want the real mailbox", got)
	}
	test.Tap(findButton(t, h.u.details.box, "Open in portal"))
	h.mu.Lock()
	opened := strings.Join(h.opened, " ")
	h.mu.Unlock()
	if !strings.Contains(opened, tClient) {
		t.Errorf("Open in portal opened %q, want the real client ID", opened)
	}
	test.Tap(findButton(t, h.u.details.box, "Copy"))
	if got := h.app.Clipboard().Content(); strings.Contains(got, tMbox) || !strings.Contains(got, "How to fix") {
		t.Errorf("Copy (the card as shown) = %q, want it masked", got)
	}
}

func TestSecretNeverLeaves(t *testing.T) {
	h := newHarness(t, scripted(failingJob()))
	h.fillIDs()
	test.Tap(h.u.runButton)
	h.wait(h.finished, "the run to finish")
	test.Tap(h.u.copyButton)
	h.u.savePrefs()
	all := h.everything()
	if !strings.Contains(all["clipboard"], "1 of 4 checks failed") {
		t.Errorf("clipboard = %q, want the Markdown report", all["clipboard"])
	}
	for where, text := range all {
		if strings.Contains(text, tSecret) {
			t.Errorf("%s contains the secret", where)
		}
	}
	if !strings.Contains(all["preferences"], tTenant) {
		t.Errorf("preferences = %s, want the non-secret fields remembered", all["preferences"])
	}
}

func TestPreferencesRestoreTheForm(t *testing.T) {
	h := newHarness(t, nil)
	h.fillIDs()
	h.u.form.in(profile.FieldProtocols).checks[profile.POP].SetChecked(false)
	h.u.form.in(fieldTranscript).check.SetChecked(true)
	h.u.savePrefs()

	w2 := test.NewTempWindow(t, nil)
	u2 := New(h.app, w2, Options{})
	p := u2.form.profile()
	if p.Tenant != tTenant || p.ClientID != tClient || p.Mailbox != tMbox || !p.Transcript {
		t.Errorf("restored profile = %+v", p)
	}
	if p.ClientSecret != "" {
		t.Error("the secret came back from the preferences")
	}
	if p.Has(profile.POP) || !p.Has(profile.IMAP) || !p.Has(profile.SMTP) {
		t.Errorf("restored protocols = %v, want all but pop", p.Protocols)
	}
}

func TestCertificateShowsItsFields(t *testing.T) {
	h := newHarness(t, nil)
	f := h.u.form
	if !f.in(profile.FieldSecret).label.Visible() || f.in(profile.FieldCert).label.Visible() {
		t.Fatal("secret mode should show the secret and hide the certificate")
	}
	f.in(fieldCredential).radio.SetSelected(string(credCert))
	if f.in(profile.FieldSecret).label.Visible() || !f.in(profile.FieldCert).label.Visible() || !f.in(profile.FieldCertPassword).label.Visible() {
		t.Error("certificate mode should show the certificate and its password only")
	}
	f.in(profile.FieldFlow).sel.SetSelected(profile.Interactive.Title())
	if f.in(profile.FieldFlow).sel.Selected != profile.Interactive.Title() || f.in(profile.FieldSecret).label.Visible() || f.in(profile.FieldCert).label.Visible() {
		t.Errorf("browser sign-in: selected %q, secret or certificate still shown", f.in(profile.FieldFlow).sel.Selected)
	}
}

func TestAboutShowsTheBuild(t *testing.T) {
	got := aboutText(version.Info{Version: "1.4.0", Commit: "3f2a9c1d0b7e55aa", Date: "2026-11-25T12:00:00Z", GoVersion: "go1.27.3"})
	for _, w := range []string{"Version 1.4.0", "Commit 3f2a9c1d0b7e", "Built 2026-11-25T12:00:00Z with go1.27.3"} {
		if !strings.Contains(got, w) {
			t.Errorf("About lacks %q:\n%s", w, got)
		}
	}
	if got := aboutText(version.Info{Version: "dev", GoVersion: "go1.27.3"}); !strings.Contains(got, "Commit not recorded") {
		t.Errorf("About without a commit:\n%s", got)
	}
}
