package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/mailoauth/mailoauth-tester/core/cloud"
	"github.com/mailoauth/mailoauth-tester/core/engine"
	"github.com/mailoauth/mailoauth-tester/core/profile"
)

// shortcut types a shortcut on the window, as the desktop driver does when
// no focused widget takes it.
func (h *harness) shortcut(s fyne.Shortcut) {
	h.win.Canvas().(fyne.Shortcutable).TypedShortcut(s)
}

// key types a key no widget has taken (the window's own handler).
func (h *harness) key(k fyne.KeyName) {
	h.win.Canvas().(interface{ OnTypedKey() func(*fyne.KeyEvent) }).OnTypedKey()(&fyne.KeyEvent{Name: k})
}

func TestKeyboardRunsCancelsAndShares(t *testing.T) {
	job := failingJob()
	job.events, job.block = nil, true
	h := newHarness(t, scripted(job))
	h.fillIDs()
	h.shortcut(testNowShortcut)
	h.wait(h.batches, "Ctrl+Enter to start the run")
	if !h.u.running {
		t.Fatal("Ctrl+Enter did not start a run")
	}
	h.onUI(func() { h.key(fyne.KeyEscape) })
	h.wait(h.finished, "Esc to end the run")
	if !h.u.result.Cancelled || h.u.running || h.u.runButton.Text != "Test now" {
		t.Errorf("after Esc: cancelled %v, running %v, button %q", h.u.result.Cancelled, h.u.running, h.u.runButton.Text)
	}
	h.shortcut(copyReportShortcut)
	if got := h.app.Clipboard().Content(); !strings.Contains(got, "Cancelled") {
		t.Errorf("Ctrl+Shift+C put %q on the clipboard, want the report", got)
	}
}

func TestEscWithoutARunDoesNothing(t *testing.T) {
	h := newHarness(t, nil)
	h.key(fyne.KeyEscape)
	if h.u.running || h.u.result != nil {
		t.Error("Esc without a run changed the state")
	}
}

func TestOverridesBadge(t *testing.T) {
	h := newHarness(t, scripted(failingJob()))
	f := h.u.form
	if h.u.badge.Visible() {
		t.Fatal("the badge shows with every endpoint at its default")
	}
	// The cloud's own value is not a custom endpoint.
	f.entry(profile.FieldIMAPHost).SetText(cloud.Global.IMAPHost)
	if h.u.badge.Visible() {
		t.Errorf("the badge counts the default IMAP host: %q", h.u.badge.Text)
	}
	f.entry(profile.FieldSMTPHost).SetText("smtp.contoso-proxy.example:587")
	f.entry(profile.FieldCAFile).SetText("/etc/ssl/proxy-ca.pem")
	if !h.u.badge.Visible() || h.u.badge.Text != "Custom endpoints (2) — reset" {
		t.Fatalf("badge = %v %q, want Custom endpoints (2) — reset", h.u.badge.Visible(), h.u.badge.Text)
	}
	// Next to Test now, in the form's pane.
	if !contains(h.u.layout.formPane, h.u.badge) {
		t.Error("the badge is not next to Test now")
	}
	// The run's report lists them.
	h.fillIDs()
	test.Tap(h.u.runButton)
	h.wait(h.finished, "the run")
	var html strings.Builder
	if err := h.u.writeReport(&html, "r.html"); err != nil {
		t.Fatal(err)
	}
	for _, r := range []string{h.u.markdown(), html.String()} {
		if !strings.Contains(r, "SMTP host:port = smtp.contoso-proxy.example:587") || !strings.Contains(r, "CA file = /etc/ssl/proxy-ca.pem") {
			t.Errorf("the report does not list the custom endpoints:\n%.300s", r)
		}
	}
	h.u.savePrefs()
	u2 := New(h.app, test.NewTempWindow(t, nil), Options{})
	if !u2.badge.Visible() {
		t.Error("remembered overrides come back without the badge")
	}
	test.Tap(h.u.badge)
	if h.u.badge.Visible() || f.raw(profile.FieldSMTPHost) != "" || f.raw(profile.FieldCAFile) != "" {
		t.Errorf("after reset: badge %v, SMTP %q, CA %q", h.u.badge.Visible(), f.raw(profile.FieldSMTPHost), f.raw(profile.FieldCAFile))
	}
	if p := f.profile(); p.SMTPHost != "" || p.CAFile != "" {
		t.Errorf("after reset the profile still has %q %q", p.SMTPHost, p.CAFile)
	}
}

// contains reports whether o is under root.
func contains(root, o fyne.CanvasObject) bool {
	if root == o {
		return true
	}
	switch x := root.(type) {
	case *fyne.Container:
		for _, c := range x.Objects {
			if contains(c, o) {
				return true
			}
		}
	case fyne.Widget:
		for _, c := range test.WidgetRenderer(x).Objects() {
			if contains(c, o) {
				return true
			}
		}
	}
	return false
}

// TestFormKeyboardAndWheel: Tab order is top to bottom, a focused field
// is scrolled into view, and the wheel over an entry scrolls the form.
func TestFormKeyboardAndWheel(t *testing.T) {
	h := newHarness(t, nil)
	h.win.Resize(fyne.NewSize(1366, 360)) // a short window: the form scrolls
	f := h.u.form
	f.advanced.Open(0)
	h.win.Content().Refresh()

	// Tab through the window, as the focus manager does, noting the
	// form's entries in the order they get the focus.
	c := h.win.Canvas()
	c.Focus(f.entry(profile.FieldTenant))
	var order []string
	seen := map[fyne.Focusable]bool{}
	for fc := c.Focused(); fc != nil && !seen[fc]; fc = c.Focused() {
		seen[fc] = true
		if e, ok := fc.(*formEntry); ok {
			order = append(order, e.in.def.name)
		}
		c.FocusNext()
	}
	want := "tenant,client-id,secret,mailbox,authority-host,imap-host,pop-host,smtp-host,graph-url,ca-file,scope,timeout"
	if got := strings.Join(order, ","); got != want {
		t.Errorf("Tab order = %s, want %s", got, want)
	}

	f.scroll.ScrollToTop()
	last := f.entry(profile.FieldTimeout)
	h.win.Canvas().Focus(last)
	d := fyne.CurrentApp().Driver()
	top := d.AbsolutePositionForObject(last).Y
	view := d.AbsolutePositionForObject(f.scroll).Y
	if f.scroll.Offset.Y == 0 || top < view || top+last.Size().Height > view+f.scroll.Size().Height {
		t.Errorf("focused Timeout at y=%v not in the form's view [%v, %v] (offset %v)", top, view, view+f.scroll.Size().Height, f.scroll.Offset.Y)
	}

	f.scroll.ScrollToTop()
	tenant := f.entry(profile.FieldTenant)
	at := d.AbsolutePositionForObject(tenant).Add(fyne.NewPos(20, 10))
	test.Scroll(h.win.Canvas(), at, 0, -120)
	if f.scroll.Offset.Y == 0 {
		t.Error("the wheel over the Tenant entry did not scroll the form")
	}
}

// TestFixHighlightedFields: Test now with missing fields outlines them,
// scrolls to the first and gives it the focus.
func TestFixHighlightedFields(t *testing.T) {
	h := newHarness(t, func(_ *harness, p profile.Profile) (Job, profile.Problems) { return h0Engine(p) })
	h.win.Resize(fyne.NewSize(1366, 360))
	f := h.u.form
	test.Type(f.entry(profile.FieldTenant), "contoso.onmicrosoft.com")
	f.scroll.ScrollToBottom()
	test.Tap(h.u.runButton)
	if !strings.HasPrefix(h.u.banner.text, "Fix 3 highlighted fields") {
		t.Errorf("banner = %q", h.u.banner.text)
	}
	first := f.in(profile.FieldClientID)
	if !first.outlined || !f.in(profile.FieldMailbox).outlined || f.in(profile.FieldTenant).outlined {
		t.Errorf("outlined: client ID %v, mailbox %v, tenant %v", first.outlined, f.in(profile.FieldMailbox).outlined, f.in(profile.FieldTenant).outlined)
	}
	if h.win.Canvas().Focused() != first.entry {
		t.Errorf("focus is on %v, want the Client ID entry", h.win.Canvas().Focused())
	}
	if !h.u.fixButton.Visible() || h.u.fixButton.Text != "Go to Client ID" {
		t.Errorf("fix button = %v %q", h.u.fixButton.Visible(), h.u.fixButton.Text)
	}
	d := fyne.CurrentApp().Driver()
	top, view := d.AbsolutePositionForObject(first.cell).Y, d.AbsolutePositionForObject(f.scroll).Y
	if top < view || top > view+f.scroll.Size().Height {
		t.Errorf("Client ID at y=%v is not in the form's view from %v", top, view)
	}
}

// h0Engine is the real engine's validation.
func h0Engine(p profile.Profile) (Job, profile.Problems) { return Engine(engine.Options{})(p) }
