package ui

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	gokeyring "github.com/zalando/go-keyring"

	"github.com/mailoauth/mailoauth-tester/core/keyring"
	"github.com/mailoauth/mailoauth-tester/core/preset"
	"github.com/mailoauth/mailoauth-tester/core/profile"
	"github.com/mailoauth/mailoauth-tester/core/store"
)

// findEntry returns the first entry under o.
func findEntry(t *testing.T, o fyne.CanvasObject) *widget.Entry {
	t.Helper()
	var found *widget.Entry
	var walk func(fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if found != nil {
			return
		}
		switch x := o.(type) {
		case *widget.Entry:
			found = x
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
	if found == nil {
		t.Fatal("no entry")
	}
	return found
}

// overlay returns the dialog on top of the window.
func (h *harness) overlay() fyne.CanvasObject {
	h.t.Helper()
	top := h.win.Canvas().Overlays().Top()
	if top == nil {
		h.t.Fatal("no dialog is shown")
	}
	return top
}

// saveProfileAs saves the form as a new profile through Save (no profile
// selected), the name dialog and its Save button.
func (h *harness) saveProfileAs(t *testing.T, name string) {
	t.Helper()
	test.Tap(h.u.profiles.save)
	d := h.overlay()
	e := findEntry(t, d)
	e.SetText(name)
	test.Tap(findButton(t, d, "Save"))
}

// filesText returns the content of every file under dir.
func filesText(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		b.Write(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestProfileSavedRestartedLoaded: a profile saved from the form holds the
// non-secret fields and no secret; after a restart (a new window on the
// same profile folder, a fresh preference store) choosing it fills the
// form; with the same preferences it is selected at start.
func TestProfileSavedRestartedLoaded(t *testing.T) {
	h := newHarness(t, nil)
	h.fillIDs()
	h.u.form.in(profile.FieldProtocols).checks[profile.POP].SetChecked(false)
	h.u.choosePreset("generic-imap-pop-reader", false)
	h.saveProfileAs(t, "Contoso support")

	if !strings.Contains(h.u.status.Text, "Contoso support") || !strings.Contains(h.u.status.Text, "no secret") {
		t.Errorf("status after Save = %q", h.u.status.Text)
	}
	files := filesText(t, h.profiles.Dir())
	if !strings.Contains(files, tTenant) || !strings.Contains(files, tMbox) {
		t.Fatalf("the profile file lacks the IDs:\n%s", files)
	}
	if strings.Contains(files, tSecret) || strings.Contains(files, "secret\"") {
		t.Fatalf("the profile file holds the secret:\n%s", files)
	}
	if got := h.u.profiles.sel.Selected; got != "Contoso support" {
		t.Errorf("picker shows %q after Save as", got)
	}
	h.u.Close()
	if strings.Contains(h.everything()["preferences"], tSecret) {
		t.Error("the preferences hold the secret")
	}

	// A new start with fresh preferences: nothing selected, the form
	// empty; choosing the profile fills it.
	h2 := newHarnessWith(t, nil, Options{Profiles: h.profiles, Keyring: h.u.opts.Keyring})
	if got := h2.u.form.profile(); got.Tenant != "" || h2.u.profiles.cur != nil {
		t.Fatalf("fresh start: tenant %q, profile %v", got.Tenant, h2.u.profiles.cur)
	}
	h2.u.profiles.sel.SetSelected("Contoso support")
	p := h2.u.form.profile()
	if p.Tenant != tTenant || p.ClientID != tClient || p.Mailbox != tMbox || p.Flow != profile.ClientCredentials {
		t.Errorf("loaded profile = %+v", p)
	}
	if p.Has(profile.POP) || !p.Has(profile.IMAP) || !p.Has(profile.SMTP) {
		t.Errorf("loaded protocols = %v, want all but POP3", p.Protocols)
	}
	if p.ClientSecret != "" {
		t.Error("a secret came with the profile")
	}
	if !strings.Contains(h2.u.status.Text, "loaded") {
		t.Errorf("status = %q", h2.u.status.Text)
	}

	// A restart with the same preferences selects it again.
	u3 := New(h.app, test.NewTempWindow(t, nil), Options{Profiles: h.profiles, Keyring: h.u.opts.Keyring})
	if u3.profiles.cur == nil || u3.profiles.sel.Selected != "Contoso support" {
		t.Errorf("next start selects %q", u3.profiles.sel.Selected)
	}
	// The profile brings back the preset it was saved with: the file holds
	// it, so the command line's --profile gets it too.
	u3.profiles.sel.SetSelected(noProfile)
	u3.presets.sel.SetSelected(presetTitle(mustPreset(t, "cisco-ece")))
	u3.profiles.sel.SetSelected("Contoso support")
	if u3.presetID() != "generic-imap-pop-reader" {
		t.Errorf("loaded profile's preset = %q, want the one it was saved with", u3.presetID())
	}
	if sp, err := h.profiles.Get("Contoso support"); err != nil || sp.Preset != "generic-imap-pop-reader" {
		t.Errorf("stored profile's preset = %q (%v), want it in the file", sp.Preset, err)
	}
	if v := h.app.Preferences().String(prefPresetOfPrefix + "contoso support"); v != "" {
		t.Errorf("the preferences still keep the preset (%q)", v)
	}
}

// TestProfileWithoutPresetField: a profile saved before profiles had a
// preset field gets the preset the window kept for it in its
// preferences; a profile from the command line without one selects none.
func TestProfileWithoutPresetField(t *testing.T) {
	h := newHarness(t, nil)
	for _, sp := range []store.Profile{{Name: "Old", Tenant: "contoso.com"}, {Name: "Cli", Tenant: "fabrikam.com"}} {
		if err := h.profiles.Save(sp); err != nil {
			t.Fatal(err)
		}
	}
	h.app.Preferences().SetString(prefPresetOfPrefix+"old", "sytel-softdial")
	h.u.profiles.refresh()
	h.u.profiles.sel.SetSelected("Old")
	if h.u.presetID() != "sytel-softdial" {
		t.Errorf("old profile's preset = %q, want the one the preferences kept", h.u.presetID())
	}
	h.u.profiles.sel.SetSelected("Cli")
	if h.u.presetID() != "" {
		t.Errorf("a profile without a preset selected %q", h.u.presetID())
	}
}

// TestProfileSaveRefusesSecretShapedValue: a secret pasted into a
// non-secret field is not saved; the field shows why and a message says
// so, without the value.
func TestProfileSaveRefusesSecretShapedValue(t *testing.T) {
	h := newHarness(t, nil)
	h.fillIDs()
	h.u.form.entry(profile.FieldMailbox).SetText(tSecret)
	h.saveProfileAs(t, "Oops")

	if list, _ := h.profiles.List(); len(list) != 0 {
		t.Fatalf("a profile was saved: %+v", list)
	}
	in := h.u.form.in(profile.FieldMailbox)
	if in.problem == nil || !strings.Contains(in.msg.Text, "shaped like a secret") || !in.msg.Visible() {
		t.Errorf("mailbox field message = %q (visible %v)", in.msg.Text, in.msg.Visible())
	}
	shown := labelsText(h.overlay()) + h.u.status.Text
	if !strings.Contains(shown, "Profile not saved") || !strings.Contains(shown, "mailbox") {
		t.Errorf("message = %q", shown)
	}
	if strings.Contains(shown+in.msg.Text, tSecret) {
		t.Error("the message repeats the secret")
	}
}

// TestProfileImportExport: a file with a secret key, or a secret-shaped
// value, is refused with a visible message; a good one is imported and
// loaded, exported unchanged, replaced only when confirmed; Delete asks
// first.
func TestProfileImportExport(t *testing.T) {
	h := newHarness(t, nil)
	doc := func(inner string) []byte {
		return []byte(`{"format":"mailoauth-profile","version":1,"profile":{"name":"Fabrikam",` + inner + `}}`)
	}
	for _, tt := range []struct {
		name string
		data []byte
		want string
	}{
		{"secret key", doc(`"tenant":"fabrikam.com","client-secret":"` + tSecret + `"`), "profiles never hold secrets"},
		{"secret-shaped value", doc(`"tenant":"fabrikam.com","user":"` + tSecret + `"`), "shaped like a secret"},
		{"not a profile", []byte(`{"hello":1}`), "not a Mail OAuth Tester profile"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h.u.profiles.importFrom("colleague.json", tt.data)
			shown := labelsText(h.overlay())
			if !strings.Contains(shown, "Profile not imported from colleague.json") || !strings.Contains(shown, tt.want) {
				t.Errorf("dialog says:\n%s\nwant %q", shown, tt.want)
			}
			if !strings.Contains(h.u.status.Text, tt.want) {
				t.Errorf("status = %q", h.u.status.Text)
			}
			if strings.Contains(shown+h.u.status.Text, tSecret) {
				t.Error("the message repeats the secret")
			}
			if list, _ := h.profiles.List(); len(list) != 0 {
				t.Errorf("a refused file was stored: %+v", list)
			}
			h.win.Canvas().Overlays().Top().Hide()
			h.win.Canvas().Overlays().Remove(h.win.Canvas().Overlays().Top())
		})
	}

	good := doc(`"flow":"client-credentials","tenant":"fabrikam.com","client-id":"` + tClient + `","mailbox":"help@fabrikam.com","protocols":["imap"],"remember-secrets":true`)
	h.u.profiles.importFrom("fabrikam.json", good)
	if p := h.u.form.profile(); p.Tenant != "fabrikam.com" || p.Mailbox != "help@fabrikam.com" || h.u.profiles.sel.Selected != "Fabrikam" {
		t.Fatalf("after import the form holds %+v (picker %q)", p, h.u.profiles.sel.Selected)
	}
	if sp, _ := h.profiles.Get("Fabrikam"); sp.RememberSecrets || h.u.form.in(fieldRemember).check.Checked {
		t.Error("an imported profile opts this computer in to keeping secrets")
	}

	// Hide IDs hides the profile's name (often the customer's).
	test.Tap(h.u.hideIDs)
	if h.u.profiles.sel.Selected != "" || strings.Contains(test.RenderToMarkup(h.win.Canvas())+h.u.status.Text, "Fabrikam") {
		t.Errorf("with Hide IDs on the picker shows %q", h.u.profiles.sel.Selected)
	}
	test.Tap(h.u.hideIDs)
	if h.u.profiles.sel.Selected != "Fabrikam" || h.u.profiles.cur == nil {
		t.Errorf("after Hide IDs off the picker shows %q", h.u.profiles.sel.Selected)
	}
	var out strings.Builder
	if err := h.u.profiles.exportTo("Fabrikam", &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), `"help@fabrikam.com"`) || !strings.Contains(out.String(), `"format": "mailoauth-profile"`) {
		t.Errorf("export = %s", out.String())
	}

	// The same name again: replaced only after Yes.
	changed := doc(`"tenant":"fabrikam.onmicrosoft.com","mailbox":"sales@fabrikam.com"`)
	h.u.profiles.importFrom("newer.json", changed)
	test.Tap(findButton(t, h.overlay(), "No"))
	if sp, _ := h.profiles.Get("Fabrikam"); sp.Mailbox != "help@fabrikam.com" {
		t.Fatalf("No replaced the profile: %+v", sp)
	}
	h.u.profiles.importFrom("newer.json", changed)
	test.Tap(findButton(t, h.overlay(), "Yes"))
	h.wait(h.async, "the old profile's secrets to be forgotten")
	if sp, _ := h.profiles.Get("Fabrikam"); sp.Mailbox != "sales@fabrikam.com" || h.u.form.profile().Mailbox != "sales@fabrikam.com" {
		t.Errorf("after Yes: stored %q, form %q", sp.Mailbox, h.u.form.profile().Mailbox)
	}

	// Delete asks, then removes the file and keeps the form.
	h.u.profiles.onDelete()
	test.Tap(findButton(t, h.overlay(), "Yes"))
	h.wait(h.async, "the deleted profile's secrets to be forgotten")
	var nf *store.NotFoundError
	if _, err := h.profiles.Get("Fabrikam"); !errors.As(err, &nf) {
		t.Errorf("after Delete: Get = %v", err)
	}
	if h.u.profiles.cur != nil || h.u.profiles.sel.Selected != noProfile || h.u.form.profile().Mailbox != "sales@fabrikam.com" {
		t.Errorf("after Delete: picker %q, form mailbox %q", h.u.profiles.sel.Selected, h.u.form.profile().Mailbox)
	}
}

// TestRememberSecret: "Remember secret" is off by default and then nothing
// reaches the keyring (go-keyring's mock); ticked, Save stores the secret
// there (never in the file), a later start fills the secret field from it
// with the indicator, a run uses it, typing another one turns the
// indicator off, and Forget removes it. A profile that did not opt in
// never reads an entry of its name.
func TestRememberSecret(t *testing.T) {
	h := newHarness(t, func(_ *harness, p profile.Profile) (Job, profile.Problems) { return failingJob(), nil })
	remember := h.u.form.in(fieldRemember)
	if !h.u.form.shown(remember) || remember.check.Checked || remember.check.Text != "Remember secret in "+keyringTitle {
		t.Fatalf("Remember box: shown %v, checked %v, text %q", h.u.form.shown(remember), remember.check.Checked, remember.check.Text)
	}
	h.fillIDs()
	h.saveProfileAs(t, "Northwind")
	for _, kind := range keyring.Kinds {
		if _, err := gokeyring.Get(keyring.Service, "northwind/"+string(kind)); !errors.Is(err, gokeyring.ErrNotFound) {
			t.Fatalf("without the opt-in the keyring holds %s (%v)", kind, err)
		}
	}

	test.Tap(remember.check)
	if !strings.Contains(h.u.status.Text, "Press Save") {
		t.Errorf("status after ticking = %q", h.u.status.Text)
	}
	test.Tap(h.u.profiles.save)
	h.wait(h.async, "the secret to be stored")
	if got, err := gokeyring.Get(keyring.Service, "northwind/client-secret"); got != tSecret || err != nil {
		t.Fatalf("keyring after Save = %q, %v", got, err)
	}
	files := filesText(t, h.profiles.Dir())
	if strings.Contains(files, tSecret) || !strings.Contains(files, `"remember-secrets": true`) {
		t.Fatalf("profile file:\n%s", files)
	}
	if !h.u.profiles.aside.Visible() || h.u.profiles.indicator.Text != "Secret from "+keyringShort {
		t.Errorf("indicator after Save = %q (visible %v)", h.u.profiles.indicator.Text, h.u.profiles.aside.Visible())
	}
	h.u.Close()

	// The next start: same preferences and profile folder.
	async := make(chan struct{}, 8)
	w2 := test.NewTempWindow(t, nil)
	w2.Resize(fyne.NewSize(900, 650))
	var prepared []profile.Profile
	u2 := New(h.app, w2, Options{Profiles: h.profiles, Keyring: h.u.opts.Keyring, async: func() { async <- struct{}{} },
		Prepare: func(p profile.Profile) (Job, profile.Problems) {
			prepared = append(prepared, p)
			return failingJob(), nil
		}})
	t.Cleanup(u2.Close)
	h.wait(async, "the remembered secret to be read")
	secretEntry := u2.form.entry(profile.FieldSecret)
	if secretEntry.Text != tSecret || !secretEntry.Password {
		t.Fatalf("secret field after the restart: %d characters, password %v", len(secretEntry.Text), secretEntry.Password)
	}
	if !u2.profiles.aside.Visible() || u2.profiles.indicator.Text != "Secret from "+keyringShort {
		t.Errorf("indicator after the restart = %q (visible %v)", u2.profiles.indicator.Text, u2.profiles.aside.Visible())
	}
	finished := make(chan struct{}, 1)
	u2.onFinished = func() { finished <- struct{}{} }
	test.Tap(u2.runButton)
	h.wait(finished, "the run with the remembered secret")
	if len(prepared) != 1 || prepared[0].ClientSecret != tSecret {
		t.Errorf("the run did not get the remembered secret")
	}

	// Typing another secret: the remembered one is not used.
	secretEntry.SetText("")
	test.Type(secretEntry, "another-secret-value")
	if !strings.Contains(u2.profiles.indicator.Text, "not used") {
		t.Errorf("indicator with another secret typed = %q", u2.profiles.indicator.Text)
	}

	// Forget removes it from the keyring and the profile stops opting in.
	test.Tap(u2.profiles.forget)
	h.wait(async, "the secret to be forgotten")
	if _, err := gokeyring.Get(keyring.Service, "northwind/client-secret"); !errors.Is(err, gokeyring.ErrNotFound) {
		t.Errorf("after Forget the keyring still answers: %v", err)
	}
	if sp, _ := h.profiles.Get("Northwind"); sp.RememberSecrets {
		t.Error("after Forget the profile still opts in")
	}
	if u2.profiles.aside.Visible() || u2.form.in(fieldRemember).check.Checked {
		t.Errorf("after Forget: indicator %q visible, box checked %v", u2.profiles.indicator.Text, u2.form.in(fieldRemember).check.Checked)
	}

	// An entry of the same name is never read for a profile that does not
	// opt in.
	if err := gokeyring.Set(keyring.Service, "northwind/client-secret", tSecret); err != nil {
		t.Fatal(err)
	}
	u2.profiles.sel.SetSelected(noProfile)
	u2.profiles.sel.SetSelected("Northwind")
	if got := u2.form.entry(profile.FieldSecret).Text; got != "" || u2.profiles.aside.Visible() {
		t.Errorf("a profile without the opt-in got a secret from the keyring (%d characters)", len(got))
	}
}

// TestRememberSecretKeyringFailure: a keyring that fails is reported and
// nothing is claimed as remembered.
func TestRememberSecretKeyringFailure(t *testing.T) {
	h := newHarness(t, nil)
	gokeyring.MockInitWithError(errors.New("org.freedesktop.secrets was not provided by any .service files"))
	h.fillIDs()
	test.Tap(h.u.form.in(fieldRemember).check)
	h.saveProfileAs(t, "Litware")
	h.wait(h.async, "the keyring to fail")
	shown := labelsText(h.overlay())
	if !strings.Contains(shown, "Secret not remembered") || !strings.Contains(shown, "Secret Service") || strings.Contains(shown, tSecret) {
		t.Errorf("dialog says:\n%s", shown)
	}
	if strings.Count(shown, "keyring: cannot") != 1 {
		t.Errorf("the dialog repeats the failure per secret kind:\n%s", shown)
	}
	if h.u.profiles.aside.Visible() && strings.Contains(h.u.profiles.indicator.Text, "Secret from") {
		t.Error("the indicator claims a remembered secret")
	}
	if sp, err := h.profiles.Get("Litware"); err != nil || sp.RememberSecrets || h.u.form.in(fieldRemember).check.Checked {
		t.Errorf("after the failure the profile still opts in (%v, %v)", sp.RememberSecrets, err)
	}
	if files := filesText(t, h.profiles.Dir()); strings.Contains(files, tSecret) {
		t.Error("the secret reached the profile file")
	}
}

// TestDemoDetachesTheProfile: a demo never saves over the selected profile
// nor remembers its secret: the picker leaves it and is locked.
func TestDemoDetachesTheProfile(t *testing.T) {
	h := newHarness(t, nil)
	h.fillIDs()
	h.saveProfileAs(t, "Real customer")
	h.u.StartDemo("ok")
	if err := <-h.demo; err != nil {
		t.Fatal(err)
	}
	if h.u.profiles.cur != nil || !h.u.profiles.save.Disabled() || !h.u.profiles.sel.Disabled() {
		t.Errorf("during the demo: profile %v, Save disabled %v", h.u.profiles.cur, h.u.profiles.save.Disabled())
	}
	if sp, _ := h.profiles.Get("Real customer"); sp.Tenant != tTenant {
		t.Errorf("the demo changed the saved profile: %+v", sp)
	}
}

func mustPreset(t *testing.T, id string) preset.Preset {
	t.Helper()
	p, err := preset.Find(id)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// The box and the indicator name the keyring as each system calls it.
func TestKeyringNames(t *testing.T) {
	for goos, want := range map[string][2]string{
		"windows": {"Windows Credential Manager", "Credential Manager"},
		"darwin":  {"the macOS Keychain", "Keychain"},
		"linux":   {"the Secret Service keyring", "Secret Service"},
	} {
		if title, short := keyringNames(goos); title != want[0] || short != want[1] {
			t.Errorf("keyringNames(%s) = %q, %q, want %q", goos, title, short, want)
		}
	}
}
