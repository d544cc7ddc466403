package ui

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/mailoauth/mailoauth-tester/core/cloud"
	"github.com/mailoauth/mailoauth-tester/core/engine"
	"github.com/mailoauth/mailoauth-tester/core/profile"
	"github.com/mailoauth/mailoauth-tester/core/secret"
	"github.com/mailoauth/mailoauth-tester/core/simulate"
)

func TestFlowsMatchTheEngine(t *testing.T) {
	if len(flows) != len(profile.AllFlows) {
		t.Fatalf("the form lists %d flows, the engine %d", len(flows), len(profile.AllFlows))
	}
	for i, f := range profile.AllFlows {
		if flows[i].ID != f {
			t.Errorf("flow %d = %s, want %s", i, flows[i].ID, f)
		}
	}
}

func TestFlowShowsExactlyItsFields(t *testing.T) {
	all := []string{profile.FieldTenant, profile.FieldClientID, profile.FieldSecret, profile.FieldCert, profile.FieldCertPassword,
		profile.FieldRedirectURI, profile.FieldMailbox, profile.FieldUser, profile.FieldPassword, profile.FieldProvider, fieldLoopback, profile.FieldCloud}
	tests := []struct {
		flow  profile.Flow
		cert  bool
		shown []string
	}{
		{profile.ClientCredentials, false, []string{profile.FieldTenant, profile.FieldClientID, profile.FieldSecret, profile.FieldMailbox, profile.FieldCloud}},
		{profile.ClientCredentials, true, []string{profile.FieldTenant, profile.FieldClientID, profile.FieldCert, profile.FieldCertPassword, profile.FieldMailbox, profile.FieldCloud}},
		{profile.Interactive, false, []string{profile.FieldTenant, profile.FieldClientID, profile.FieldMailbox, profile.FieldUser, fieldLoopback, profile.FieldCloud}},
		{profile.DeviceCode, false, []string{profile.FieldTenant, profile.FieldClientID, profile.FieldMailbox, profile.FieldUser, profile.FieldCloud}},
		{profile.AuthCode, false, []string{profile.FieldTenant, profile.FieldClientID, profile.FieldSecret, profile.FieldRedirectURI, profile.FieldMailbox, profile.FieldUser, profile.FieldCloud}},
		{profile.AuthCode, true, []string{profile.FieldTenant, profile.FieldClientID, profile.FieldCert, profile.FieldCertPassword, profile.FieldRedirectURI, profile.FieldMailbox, profile.FieldUser, profile.FieldCloud}},
		{profile.Password, false, []string{profile.FieldTenant, profile.FieldClientID, profile.FieldMailbox, profile.FieldUser, profile.FieldPassword, profile.FieldCloud}},
		{profile.AppPassword, false, []string{profile.FieldProvider, profile.FieldMailbox, profile.FieldPassword}},
	}
	for _, tt := range tests {
		name := string(tt.flow)
		if tt.cert {
			name += "/certificate"
		}
		t.Run(name, func(t *testing.T) {
			h := newHarness(t, nil)
			f := h.u.form
			f.in(profile.FieldFlow).sel.SetSelected(tt.flow.Title())
			if tt.cert {
				f.in(fieldCredential).radio.SetSelected(string(credCert))
			}
			want := map[string]bool{}
			for _, n := range tt.shown {
				want[n] = true
			}
			for _, n := range all {
				if got := f.in(n).label.Visible(); got != want[n] {
					t.Errorf("%s visible = %v, want %v", n, got, want[n])
				}
			}
			if got := f.in(profile.FieldFlow).message(); got != "" {
				t.Errorf("flow message before ⓘ = %q, want none (help is not a permanent paragraph)", got)
			}
			f.in(profile.FieldFlow).toggleHint()
			if got := f.in(profile.FieldFlow).message(); !strings.HasPrefix(got, tt.flow.Explain()) {
				t.Errorf("flow help = %q, want the flow's explanation first", got)
			}
			if got := f.in(fieldCredential).label.Visible(); got != (tt.flow == profile.ClientCredentials || tt.flow == profile.AuthCode) {
				t.Errorf("credential choice visible = %v", got)
			}
			graph := f.in(profile.FieldProtocols).checks[profile.Graph]
			if got := graph.Disabled(); got != (tt.flow == profile.AppPassword) {
				t.Errorf("Graph disabled = %v", got)
			}
			if tt.flow == profile.AppPassword {
				f.in(profile.FieldProtocols).toggleHint()
				if !strings.Contains(f.in(profile.FieldProtocols).message(), "Graph is not tested") {
					t.Errorf("protocols hint = %q, want why Graph is off", f.in(profile.FieldProtocols).message())
				}
				if p := f.profile(); p.Has(profile.Graph) || p.Tenant != "" {
					t.Errorf("app-password profile = %+v, want no Graph and no tenant", p)
				}
			}
		})
	}
}

func TestFlowFieldsValidateAsYouType(t *testing.T) {
	h := newHarness(t, nil)
	f := h.u.form
	f.in(profile.FieldFlow).sel.SetSelected(profile.AuthCode.Title())
	f.entry(profile.FieldTenant).SetText(tTenant) // an empty form is the environment check: only its fields are checked
	f.entry(profile.FieldRedirectURI).SetText("http://ece.contoso.com/callback")
	if got := f.in(profile.FieldRedirectURI).message(); !strings.Contains(got, "uses http on another host") {
		t.Errorf("redirect message = %q", got)
	}
	f.entry(profile.FieldUser).SetText("agent")
	if got := f.in(profile.FieldUser).message(); !strings.Contains(got, "not an e-mail address") {
		t.Errorf("user message = %q", got)
	}
	f.in(profile.FieldFlow).sel.SetSelected(profile.Password.Title())
	if got := f.in(profile.FieldFlow).message(); !strings.Contains(got, "Microsoft discourages") {
		t.Errorf("flow message for ROPC = %q, want the warning", got)
	}
	f.in(profile.FieldFlow).sel.SetSelected(profile.Interactive.Title())
	f.entry(fieldLoopback).SetText("https://localhost")
	if got := f.in(fieldLoopback).message(); !strings.Contains(got, "use http://localhost") {
		t.Errorf("loopback message = %q", got)
	}
	f.in(profile.FieldFlow).sel.SetSelected(profile.AppPassword.Title())
	f.entry(profile.FieldMailbox).SetText(tMbox)
	f.in(profile.FieldProvider).sel.SetSelected(providerTitle("custom"))
	if got := f.in(profile.FieldProvider).message(); !strings.Contains(got, "needs its hosts") {
		t.Errorf("provider message = %q", got)
	}
	if f.advanced.Items[0].Open != true {
		t.Error("choosing a custom server did not open Advanced")
	}
}

// providerTitle returns the title of a mail provider.
func providerTitle(name string) string {
	pv, _ := cloud.LookupProvider(name)
	return pv.Title
}

func TestDelegatedPreferences(t *testing.T) {
	h := newHarness(t, nil)
	f := h.u.form
	f.in(profile.FieldFlow).sel.SetSelected(profile.AuthCode.Title())
	test.Type(f.entry(profile.FieldTenant), tTenant)
	test.Type(f.entry(profile.FieldClientID), tClient)
	test.Type(f.entry(profile.FieldMailbox), tMbox)
	test.Type(f.entry(profile.FieldUser), "agent@contoso.com")
	test.Type(f.entry(profile.FieldRedirectURI), "https://ece.contoso.com/oauth/callback")
	test.Type(f.entry(profile.FieldSecret), tSecret)
	f.entry(profile.FieldPassword).SetText("pw-not-used-here")
	h.u.savePrefs()

	u2 := New(h.app, test.NewTempWindow(t, nil), Options{})
	p := u2.form.profile()
	if p.Flow != profile.AuthCode || p.User != "agent@contoso.com" || p.RedirectURI != "https://ece.contoso.com/oauth/callback" {
		t.Errorf("restored profile = %+v", p)
	}
	if p.ClientSecret != "" || u2.form.entry(profile.FieldPassword).Text != "" {
		t.Error("a secret came back from the preferences")
	}
	u2.form.in(profile.FieldFlow).sel.SetSelected(profile.AppPassword.Title())
	u2.form.in(profile.FieldProvider).sel.SetSelected(providerTitle("custom"))
	u2.savePrefs()
	u3 := New(h.app, test.NewTempWindow(t, nil), Options{})
	if p := u3.form.profile(); p.Flow != profile.AppPassword || p.Provider != "custom" {
		t.Errorf("restored app-password profile = %+v", p)
	}
}

// deviceJob is a run that shows a device code and waits for Cancel.
func deviceJob(code string, expires time.Time) *scriptedJob {
	plan := []engine.StepInfo{{Name: "tenant", Title: "Tenant"}, {Name: "token", Title: "Sign-in"}, {Name: "imap", Title: "IMAP"}, {Name: "refresh", Title: "Refresh"}}
	msg := "To sign in, use a web browser to open the page https://microsoft.com/devicelogin and enter the code " + code + " to authenticate."
	return &scriptedJob{plan: plan, block: true, scrub: &secret.Scrubber{}, events: []engine.Event{
		{Time: t0, Kind: engine.StepStart, Step: "token", Level: engine.Info, Status: engine.Running, Text: "Device-code sign-in"},
		{Time: t0, Kind: engine.PromptEvent, Step: "token", Level: engine.Warns, Text: msg,
			Prompt: &engine.Prompt{Kind: engine.PromptDeviceCode, URL: "https://microsoft.com/devicelogin", Code: code, Message: msg, Expires: expires}},
	}}
}

func TestDeviceCodePanel(t *testing.T) {
	const code = "F7KQ2MZXA"
	now := t0
	h := newHarness(t, scripted(deviceJob(code, t0.Add(15*time.Minute))))
	var tick func()
	stopped := false
	h.u.prompts.now = func() time.Time { return now }
	h.u.prompts.every = func(d time.Duration, f func()) func() {
		tick = f
		return func() { stopped = true }
	}
	h.fillIDs()
	test.Tap(h.u.runButton)
	pr := h.u.prompts
	h.waitUntil("the device code", func() bool { return pr.device.Visible() })

	h.onUI(func() {
		if pr.code.Text != code || !pr.content.Visible() || !strings.Contains(pr.deviceURL.Text, "devicelogin") {
			t.Errorf("panel: code %q, URL %q, visible %v", pr.code.Text, pr.deviceURL.Text, pr.content.Visible())
		}
		if got := pr.countdown.Text; got != "The code expires in 15:00" {
			t.Errorf("countdown = %q", got)
		}
		test.Tap(findButton(t, pr.device, "Copy code"))
		test.Tap(findButton(t, pr.device, "Open browser"))
	})
	if got := h.app.Clipboard().Content(); got != code {
		t.Errorf("clipboard = %q, want the code", got)
	}
	h.mu.Lock()
	opened := strings.Join(h.opened, " ")
	h.mu.Unlock()
	if opened != "https://microsoft.com/devicelogin" {
		t.Errorf("opened %q, want the verification URL", opened)
	}

	now = t0.Add(9*time.Minute + 30*time.Second)
	h.onUI(tick)
	h.onUI(func() {
		if got := pr.countdown.Text; got != "The code expires in 5:30" {
			t.Errorf("countdown after 9:30 = %q", got)
		}
	})
	now = t0.Add(16 * time.Minute)
	h.onUI(tick)
	h.onUI(func() {
		if got := pr.countdown.Text; !strings.Contains(got, "expired") {
			t.Errorf("countdown after expiry = %q", got)
		}
	})

	test.Tap(h.u.runButton) // Cancel
	h.wait(h.finished, "the cancelled run")
	if pr.content.Visible() || pr.device.Visible() || !stopped {
		t.Errorf("after the run: panel visible %v, ticker stopped %v", pr.content.Visible(), stopped)
	}
}

// startSim starts a simulated tenant for a test and fills the form from it
// without demo mode: the test's own opener plays the browser.
func (h *harness) startSim(scenario string, edit func(*profile.Profile, *simulate.Tenant)) *simulate.Tenant {
	h.t.Helper()
	sim, err := simulate.Start(simulate.Options{Scenario: scenario})
	if err != nil {
		h.t.Fatalf("simulate.Start(%s) = %v", scenario, err)
	}
	h.t.Cleanup(func() { sim.Close() })
	p := sim.Profile()
	edit(&p, sim)
	h.u.form.fill(p)
	return sim
}

// browseWith plays the user's browser with simulate.Browse; every
// finished visit goes to the returned channel.
func (h *harness) browseWith(sim *simulate.Tenant) chan *simulate.BrowseResult {
	results := make(chan *simulate.BrowseResult, 4)
	h.browse = func(u string) {
		go func() {
			res, err := simulate.Browse(context.Background(), sim.HTTPClient(), u)
			if err != nil {
				h.t.Errorf("Browse = %v", err)
				res = &simulate.BrowseResult{}
			}
			results <- res
		}()
	}
	return results
}

// leaks fails when any text a user or a file could see holds one of
// secrets.
func (h *harness) leaks(secrets map[string]string) {
	h.t.Helper()
	test.Tap(h.u.copyButton)
	h.u.savePrefs()
	for where, text := range h.everything() {
		for what, s := range secrets {
			if s != "" && strings.Contains(text, s) {
				h.t.Errorf("%s contains the %s", where, what)
			}
		}
	}
}

func TestAuthCodePasteWithTheRealEngine(t *testing.T) {
	const redirect = "https://app.contoso-sim.test/oauth/callback"
	h := newHarness(t, nil)
	sim := h.startSim("ok", func(p *profile.Profile, sim *simulate.Tenant) {
		p.Flow, p.RedirectURI, p.User = profile.AuthCode, redirect, sim.User
	})
	browsed := h.browseWith(sim)
	test.Tap(h.u.runButton)

	var final string
	select {
	case res := <-browsed:
		final = res.FinalURL
	case <-time.After(30 * time.Second):
		t.Fatal("the sign-in page was not opened")
	}
	l, err := url.Parse(final)
	if err != nil || l.Query().Get("code") == "" || !strings.HasPrefix(final, redirect) {
		t.Fatalf("the browser ended on %q, want the redirect with a code", final)
	}
	code := l.Query().Get("code")
	pr := h.u.prompts
	h.waitUntil("the paste card", func() bool { return pr.paste.Visible() && pr.pending != nil })
	h.onUI(func() {
		if pr.browser.Visible() {
			t.Error("the browser card shows next to the paste card")
		}
		test.Type(pr.pasteEntry, final)
		test.Tap(pr.cont)
		if pr.pasteEntry.Text != "" || pr.paste.Visible() {
			t.Errorf("after Continue: entry %q, card visible %v", pr.pasteEntry.Text, pr.paste.Visible())
		}
	})
	h.wait(h.finished, "the auth-code run")
	res := h.u.result
	if !res.OK {
		t.Fatalf("verdict = %q\n%s", res.Verdict, h.u.log.text())
	}
	if r := h.u.checks.byName["token"]; r.title != "Sign-in" || r.status != engine.OK {
		t.Errorf("token row = %q %s", r.title, r.status)
	}
	h.leaks(map[string]string{"authorization code": code, "redirected address": final, "client secret": sim.ClientSecret})
}

func TestInteractiveWithTheRealEngine(t *testing.T) {
	h := newHarness(t, nil)
	sim := h.startSim("ok", func(p *profile.Profile, sim *simulate.Tenant) {
		p.Flow, p.User, p.ClientSecret = profile.Interactive, sim.User, ""
	})
	h.browseWith(sim)
	test.Tap(h.u.runButton)
	h.wait(h.finished, "the browser sign-in run")
	res := h.u.result
	if !res.OK {
		t.Fatalf("verdict = %q\n%s", res.Verdict, h.u.log.text())
	}
	tok, ref := h.u.checks.byName["token"], h.u.checks.byName["refresh"]
	if tok == nil || tok.title != "Sign-in" || tok.status != engine.OK {
		t.Fatalf("token row = %+v", tok)
	}
	if ref == nil || ref.title != "Refresh" || ref.status != engine.OK || !strings.Contains(h.u.checks.detailText(ref), "refresh token issued and redeemed") {
		t.Fatalf("refresh row = %+v", ref)
	}
	h.onUI(func() { h.u.checks.list.Select(len(h.u.checks.rows) - 1) })
	h.onUI(func() {
		if h.u.details.selected != "refresh" || !strings.Contains(labelsText(h.u.details.box), "refresh token issued and redeemed") {
			t.Errorf("selecting the refresh row shows %q", labelsText(h.u.details.box))
		}
	})
	if h.u.prompts.content.Visible() {
		t.Error("the browser card is still shown after the run")
	}
	for _, tok := range sim.IssuedTokens() {
		if strings.Contains(h.u.log.text(), tok) {
			t.Error("the log shows a token")
		}
	}
}

func TestCancelDuringDeviceCodeWait(t *testing.T) {
	h := newHarness(t, nil)
	h.startSim("ok", func(p *profile.Profile, sim *simulate.Tenant) {
		p.Flow, p.User, p.ClientSecret = profile.DeviceCode, sim.User, ""
	})
	test.Tap(h.u.runButton)
	pr := h.u.prompts
	h.waitUntil("the device code", func() bool { return pr.device.Visible() && pr.code.Text != "" })
	start := time.Now()
	h.onUI(func() { test.Tap(h.u.runButton) })
	select {
	case <-h.finished:
	case <-time.After(time.Second):
		t.Fatal("the run did not stop within a second of Cancel")
	}
	t.Logf("cancelled in %v", time.Since(start))
	h.onUI(func() {
		if pr.content.Visible() || h.u.form.entry(profile.FieldTenant).Disabled() || h.u.runButton.Text != "Test now" {
			t.Errorf("after cancel: prompts %v, form disabled %v, button %q", pr.content.Visible(), h.u.form.entry(profile.FieldTenant).Disabled(), h.u.runButton.Text)
		}
		if !h.u.result.Cancelled {
			t.Errorf("result = %q, want cancelled", h.u.result.Verdict)
		}
	})
}

func TestPasswordsNeverLeave(t *testing.T) {
	tests := []struct {
		scenario string
		flow     profile.Flow
	}{
		{"ok", profile.Password},
		{"app-password", profile.AppPassword},
	}
	for _, tt := range tests {
		t.Run(string(tt.flow), func(t *testing.T) {
			h := newHarness(t, nil)
			var pw string
			sim := h.startSim(tt.scenario, func(p *profile.Profile, sim *simulate.Tenant) {
				p.Flow, p.ClientSecret, p.User = tt.flow, "", sim.User
				pw = sim.UserPassword
				if tt.flow == profile.AppPassword {
					pw, p.User, p.Provider = sim.AppPassword, "", "custom"
				}
				p.Password = pw
			})
			if !h.u.form.entry(profile.FieldPassword).Password {
				t.Fatal("the password entry does not mask its text")
			}
			h.u.form.in(fieldTranscript).check.SetChecked(true)
			test.Tap(h.u.runButton)
			h.wait(h.finished, "the run")
			if !h.u.result.OK {
				t.Fatalf("verdict = %q\n%s", h.u.result.Verdict, h.u.log.text())
			}
			h.leaks(map[string]string{"password": pw, "user password": sim.UserPassword, "app password": sim.AppPassword})
			if got := h.app.Preferences().String(profile.FieldFlow); got != tt.flow.Title() {
				t.Errorf("remembered flow = %q", got)
			}
		})
	}
}

func TestDemoDelegatedScenarios(t *testing.T) {
	tests := []struct {
		scenario string
		flow     profile.Flow
		device   bool // switch to device code after the demo filled the form
		check    func(t *testing.T, h *harness)
	}{
		{scenario: "refresh-revoked", flow: profile.Interactive, check: func(t *testing.T, h *harness) {
			if r := h.u.checks.byName["token"]; r.status != engine.OK {
				t.Errorf("sign-in = %s, want the demo browser to sign in", r.status)
			}
			if r := h.u.checks.byName["refresh"]; r.status != engine.Fail {
				t.Errorf("refresh = %s %q, want failed", r.status, h.u.checks.detailText(r))
			}
		}},
		{scenario: "ok", flow: profile.DeviceCode, device: true, check: func(t *testing.T, h *harness) {
			if !h.u.result.OK {
				t.Errorf("verdict = %q, want the demo to approve the device code", h.u.result.Verdict)
			}
		}},
		{scenario: "app-password", flow: profile.AppPassword, check: func(t *testing.T, h *harness) {
			if !h.u.result.OK {
				t.Errorf("verdict = %q", h.u.result.Verdict)
			}
		}},
		{scenario: "shared-mailbox-no-access", flow: profile.Interactive, check: func(t *testing.T, h *harness) {
			if p := h.prepared[len(h.prepared)-1]; p.User != h.sim.DelegateUser || p.Mailbox != h.sim.SharedMailbox {
				t.Errorf("demo profile user %q mailbox %q, want the delegate and the shared mailbox", p.User, p.Mailbox)
			}
			if h.u.result.OK {
				t.Error("the run passed without FullAccess")
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.scenario+"/"+string(tt.flow), func(t *testing.T) {
			h := newHarness(t, nil)
			real := h.u.opts.Prepare
			h.u.opts.Prepare = func(p profile.Profile) (Job, profile.Problems) {
				h.mu.Lock()
				h.prepared = append(h.prepared, p)
				h.mu.Unlock()
				return real(p)
			}
			h.u.StartDemo(tt.scenario)
			if err := <-h.demo; err != nil {
				t.Fatal(err)
			}
			if tt.device {
				h.u.form.in(profile.FieldFlow).sel.SetSelected(profile.DeviceCode.Title())
			}
			if got := h.u.form.flowNow.ID; got != tt.flow {
				t.Fatalf("demo flow = %s, want %s", got, tt.flow)
			}
			test.Tap(h.u.runButton)
			h.wait(h.finished, "the demo run")
			tt.check(t, h)
			h.leaks(map[string]string{"user password": h.sim.UserPassword, "app password": h.sim.AppPassword, "delegate password": h.sim.DelegatePassword})
		})
	}
}
