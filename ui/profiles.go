package ui

import (
	"bytes"
	"errors"
	"io"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/mailoauth/mailoauth-tester/core/keyring"
	"github.com/mailoauth/mailoauth-tester/core/profile"
	"github.com/mailoauth/mailoauth-tester/core/store"
)

// noProfile is the picker's entry for a form that is no saved profile.
const noProfile = "No profile"

// Preference keys of the profile picker: the profile selected at the last
// close, and the preset a profile was saved with before store.Profile had
// a field for it (read once for such a profile, removed when it is saved).
const (
	prefProfile        = "profile"
	prefPresetOfPrefix = "profile-preset/"
)

// maxImportSize bounds a file read for import; the store refuses anything
// over its own limit with a clear message.
const maxImportSize = 1 << 20

// profiles is the profile picker at the top of the form: named sets of
// the form's non-secret fields kept by core/store (shared with the CLI),
// with Save, Save as…, Delete…, Import… and Export…; and, only for a
// profile that opted in with "Remember secret", its secrets in the
// operating system's keyring, shown by an indicator with Forget. Nothing
// secret is ever written by this file: the store refuses secret-shaped
// values and the keyring holds the secrets.
type profiles struct {
	u     *UI
	store *store.Store
	ring  *keyring.Keyring // nil: no "Remember secret"

	sel   *widget.Select
	save  *widget.Button
	more  *widget.Button
	label *widget.Label
	cell  fyne.CanvasObject

	// The keyring indicator under "Remember secret".
	aside     *fyne.Container
	indicator *widget.Label
	forget    *widget.Button

	cur    *store.Profile // the selected profile as saved; nil: none
	quiet  bool           // the selection is being set, not picked
	hidden bool           // Hide IDs: the picker does not show the name (often the customer's)

	// Keyring state of cur, as far as this window knows. The secrets are
	// kept in memory only, to tell whether the form uses them.
	stored  bool
	loaded  map[keyring.Kind]string
	reading bool // a keyring read runs
	// gen counts selections, so that a keyring answer that comes back
	// after another profile was chosen is dropped.
	gen int
}

func newProfiles(u *UI, s *store.Store, ring *keyring.Keyring) *profiles {
	p := &profiles{u: u, store: s, ring: ring}
	p.sel = widget.NewSelect(nil, p.onPicked)
	p.sel.PlaceHolder = noProfile
	p.save = &widget.Button{Text: "Save", Icon: theme.DocumentSaveIcon(), OnTapped: p.onSave}
	p.more = &widget.Button{Icon: theme.MoreVerticalIcon(), Importance: widget.LowImportance, OnTapped: p.onMore}
	p.label = &widget.Label{Text: "Profile", TextStyle: fyne.TextStyle{Bold: true}}
	p.cell = container.NewBorder(nil, nil, nil, container.NewHBox(p.save, p.more), p.sel)

	p.indicator = &widget.Label{SizeName: theme.SizeNameCaptionText, Wrapping: fyne.TextWrapWord}
	p.forget = &widget.Button{Text: "Forget", Icon: theme.DeleteIcon(), Importance: widget.LowImportance, OnTapped: p.onForget}
	p.aside = container.NewBorder(nil, nil, nil, p.forget, p.indicator)
	p.aside.Hide()
	return p
}

// available reports whether the window has a profile folder.
func (p *profiles) available() bool { return p != nil && p.store != nil }

// refresh lists the saved profiles in the picker. Files that cannot be
// read are named in the status line; the others are listed.
func (p *profiles) refresh() {
	list, err := p.store.List()
	opts := []string{noProfile}
	for _, sp := range list {
		opts = append(opts, sp.Name)
	}
	p.sel.Options = opts
	if p.cur != nil && !containsFold(opts[1:], p.cur.Name) {
		p.cur = nil
		p.resetKeyring()
	}
	p.show()
	if err != nil {
		p.u.setStatus("Some saved profiles cannot be read: "+err.Error(), "")
	}
}

// show puts the selection and the buttons in step with cur. Under Hide
// IDs a selected profile's name is not shown: it is often the customer's.
func (p *profiles) show() {
	p.quiet = true
	switch {
	case p.cur == nil:
		p.sel.PlaceHolder = noProfile
		p.sel.SetSelected(noProfile)
	case p.hidden:
		p.sel.PlaceHolder = "Saved profile (name hidden)"
		p.sel.ClearSelected()
	default:
		p.sel.SetSelected(p.cur.Name)
	}
	p.quiet = false
	p.sel.Refresh()
	p.showKeyring()
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

// restore selects the profile of the last session. The form already holds
// the last session's values. It reports whether the profile's remembered
// secrets should be read (readSecrets, once the window is built): only
// while the form is still that profile's app (same flow, tenant and
// client ID), so a secret never goes with another app's IDs.
func (p *profiles) restore() (read bool) {
	p.refresh()
	name := p.u.app.Preferences().String(prefProfile)
	if name == "" {
		return false
	}
	sp, err := p.store.Get(name)
	if err != nil {
		return false // deleted or renamed by the CLI since: no profile
	}
	p.cur = &sp
	p.gen++
	p.u.form.setRaw(fieldRemember, boolRaw(sp.RememberSecrets))
	p.show()
	return sp.RememberSecrets && p.ring != nil && p.sameApp(sp)
}

// sameApp reports whether the form holds sp's app: flow, tenant and
// client ID.
func (p *profiles) sameApp(sp store.Profile) bool {
	f := p.u.form.profile()
	saved := sp.ToProfile()
	return flowByID(saved.Flow).ID == f.Flow &&
		strings.EqualFold(profile.Clean(saved.Tenant), profile.Clean(f.Tenant)) &&
		strings.EqualFold(profile.Clean(saved.ClientID), profile.Clean(f.ClientID))
}

// setHidden hides or shows the selected profile's name (Hide IDs).
func (p *profiles) setHidden(on bool) {
	if p.hidden == on {
		return
	}
	p.hidden = on
	if !p.available() {
		return
	}
	p.show()
	if on && p.cur != nil && strings.Contains(p.u.status.Text, p.cur.Name) {
		p.u.setStatus("", "") // "Profile “Contoso support” loaded" names it too
	}
}

// detach leaves the selected profile for a demo: the demo's values must
// never be saved over it, nor its secret remembered. The picker stays
// locked until the simulated tenant is stopped.
func (p *profiles) detach() {
	if !p.available() {
		return
	}
	p.cur = nil
	p.gen++
	p.resetKeyring()
	p.show()
	p.setEnabled(false)
}

// setEnabled locks the picker during a run and a demo.
func (p *profiles) setEnabled(on bool) {
	for _, w := range []fyne.Disableable{p.sel, p.save, p.more, p.forget} {
		setDisabled(w, !on)
	}
}

// onPicked loads the profile the user chose; "No profile" detaches the
// form from it and keeps the values.
func (p *profiles) onPicked(name string) {
	if p.quiet || name == "" && p.hidden {
		return
	}
	if name == noProfile || name == "" {
		p.cur = nil
		p.gen++
		p.resetKeyring()
		p.u.form.setRaw(fieldRemember, "")
		p.showKeyring()
		p.u.setStatus("No profile: the form keeps its values; Save stores them as a new profile", "")
		return
	}
	sp, err := p.store.Get(name)
	if err != nil {
		p.refresh()
		p.fail("Profile not loaded", err)
		return
	}
	p.load(sp)
}

// load fills the form with a saved profile: its values replace the form's
// (secrets included, which are emptied), its preset is chosen again, and
// its remembered secrets are read when it opted in. The view settings
// (transcript, test message) stay as they are.
func (p *profiles) load(sp store.Profile) {
	u := p.u
	pp := sp.ToProfile()
	now := u.form.profile()
	pp.Transcript, pp.SendTestMail = now.Transcript, now.SendTestMail
	u.form.fill(pp)
	u.form.setRaw(fieldRemember, boolRaw(sp.RememberSecrets))
	p.cur = &sp
	p.gen++
	p.resetKeyring()
	p.show()
	u.choosePreset(p.presetOf(sp), false)
	msg := "Profile “" + sp.Name + "” loaded"
	if unused := unusedFields(sp); unused != "" {
		msg += " — its " + unused + " is kept in the file for the command line; the window does not use it yet"
	}
	u.setStatus(msg, "")
	u.onFormChanged()
	if sp.RememberSecrets {
		p.readSecrets()
	}
}

// unusedFields names the saved values the window has no field for.
func unusedFields(sp store.Profile) string {
	var out []string
	if sp.CertThumbprint != "" {
		out = append(out, "certificate thumbprint")
	}
	if sp.Proxy != "" {
		out = append(out, "proxy")
	}
	if sp.MailProxy != "" {
		out = append(out, "mail proxy")
	}
	return strings.Join(out, " and ")
}

// presetOf returns the preset a profile is set up for ("" for none): its
// preset field, or for a profile saved before the field existed, what
// the window then kept in its preferences.
func (p *profiles) presetOf(sp store.Profile) string {
	if sp.Preset != "" {
		return sp.Preset
	}
	return p.u.app.Preferences().String(prefPresetOfPrefix + strings.ToLower(sp.Name))
}

// onSave saves the form as the selected profile, or asks for a name.
func (p *profiles) onSave() {
	if p.cur == nil {
		p.onSaveAs()
		return
	}
	p.saveAs(p.cur.Name)
}

// onSaveAs asks for a name; the store's own rules check it as it is
// typed, and an existing profile is replaced only when confirmed.
func (p *profiles) onSaveAs() {
	name := widget.NewEntry()
	name.SetPlaceHolder("e.g. Contoso support")
	name.SetText(p.suggestName())
	name.Validator = func(s string) error {
		_, err := p.store.Get(s)
		var fe *store.FieldError
		if errors.As(err, &fe) {
			return errors.New(fe.Message + " — " + fe.Fix)
		}
		return nil
	}
	items := []*widget.FormItem{{Text: "Name", Widget: name, HintText: "Letters, digits, spaces and . _ - ( ). No secret is saved."}}
	d := dialog.NewForm("Save profile as", "Save", "Cancel", items, func(ok bool) {
		if !ok {
			return
		}
		n := strings.TrimSpace(name.Text)
		if _, err := p.store.Get(n); err == nil && (p.cur == nil || !strings.EqualFold(p.cur.Name, n)) {
			dialog.ShowConfirm("Replace profile?", "A profile named “"+n+"” exists. Replace it with the form's values?", func(yes bool) {
				if yes {
					p.saveAs(n)
				}
			}, p.u.win)
			return
		}
		p.saveAs(n)
	}, p.u.win)
	d.Resize(fyne.NewSize(420, d.MinSize().Height))
	d.Show()
	p.u.win.Canvas().Focus(name)
}

// suggestName proposes a name: the mailbox's domain, else the tenant's
// domain ("" for a tenant ID).
func (p *profiles) suggestName() string {
	f := p.u.form.profile()
	if _, domain, ok := strings.Cut(profile.Clean(f.Mailbox), "@"); ok && domain != "" {
		return domain
	}
	if t := profile.Clean(f.Tenant); strings.Contains(t, ".") {
		return t
	}
	return ""
}

// saveAs writes the form's non-secret fields as the profile name. Values
// the window has no field for (a certificate thumbprint, proxies) are
// kept from the profile it replaces. A value the store refuses (one
// shaped like a secret) is shown under its field. With "Remember secret"
// ticked the form's secrets go to the keyring; unticked, any it held are
// forgotten.
func (p *profiles) saveAs(name string) {
	u := p.u
	run := profile.Normalize(u.form.profile())
	if run.Timeout == profile.DefaultTimeout && profile.Clean(u.form.raw(profile.FieldTimeout)) == "" {
		run.Timeout = 0
	}
	run.Preset = u.presetID()
	sp := store.FromProfile(name, run)
	remember := u.form.raw(fieldRemember) == "true" && p.ring != nil
	sp.RememberSecrets = remember
	var before *store.Profile
	if old, err := p.store.Get(name); err == nil {
		before = &old
		sp.CertThumbprint, sp.Proxy, sp.MailProxy = old.CertThumbprint, old.Proxy, old.MailProxy
		sp.Name = old.Name // keep its spelling: names differing in case are one profile
	}
	if err := p.store.Save(sp); err != nil {
		p.refused("Profile not saved", err)
		return
	}
	u.form.showProblems(nil)
	u.app.Preferences().RemoveValue(prefPresetOfPrefix + strings.ToLower(sp.Name)) // the file holds it now
	switched := p.cur == nil || !strings.EqualFold(p.cur.Name, sp.Name)
	p.cur = &sp
	if switched {
		p.gen++
		p.resetKeyring()
	}
	p.refresh()
	u.app.Preferences().SetString(prefProfile, sp.Name)
	msg := "Profile “" + sp.Name + "” saved in " + p.store.Dir() + " — no secret is in it"
	switch {
	case remember:
		p.writeSecrets(sp, msg)
		return
	case before != nil && before.RememberSecrets || p.stored:
		p.forgetSecrets(sp.Name, msg+"; its remembered secrets are removed from "+keyringTitle)
		return
	}
	u.setStatus(msg, "")
}

// refused shows why the store refused a profile: a field's problem under
// that field and in a message, anything else in a message.
func (p *profiles) refused(title string, err error) {
	var fe *store.FieldError
	if errors.As(err, &fe) {
		first := p.u.form.showProblems(profile.Problems{{Field: fe.Field, Severity: profile.Error, Message: fe.Message, Fix: fe.Fix}})
		if first != nil {
			p.u.layout.showForm()
			p.u.form.scrollTo(first.cell)
		}
	}
	p.fail(title, err)
}

// fail shows an error in a message box and the status line. Of errors
// joined together (one per secret kind) the first is shown: they say the
// same. Store and keyring errors never hold a secret (the store names the
// field, not the value).
func (p *profiles) fail(title string, err error) {
	var joined interface{ Unwrap() []error }
	if errors.As(err, &joined) && len(joined.Unwrap()) > 0 {
		err = joined.Unwrap()[0]
	}
	msg := p.u.redact(err.Error())
	p.u.setStatus(title+": "+strings.Join(strings.Fields(msg), " "), "")
	d := dialog.NewCustom(title, "Close", &widget.Label{Text: msg, Wrapping: fyne.TextWrapWord, Selectable: true}, p.u.win)
	d.Resize(fyne.NewSize(480, 0))
	d.Show()
}

// onMore opens the menu of the other profile actions.
func (p *profiles) onMore() {
	none := p.cur == nil
	del := fyne.NewMenuItem("Delete…", p.onDelete)
	del.Disabled = none
	exp := fyne.NewMenuItem("Export…", p.onExport)
	exp.Disabled = none
	menu := fyne.NewMenu("",
		fyne.NewMenuItem("Save as…", p.onSaveAs),
		del,
		fyne.NewMenuItemSeparator(),
		fyne.NewMenuItem("Import…", p.onImport),
		exp,
	)
	d := fyne.CurrentApp().Driver()
	pos := d.AbsolutePositionForObject(p.more).Add(fyne.NewPos(0, p.more.Size().Height))
	widget.ShowPopUpMenuAtPosition(menu, p.u.win.Canvas(), pos)
}

// onDelete asks, then deletes the selected profile and forgets its
// secrets; the form keeps its values.
func (p *profiles) onDelete() {
	if p.cur == nil {
		return
	}
	name := p.cur.Name
	msg := "The profile file is deleted"
	if p.ring != nil {
		msg += " and any secret remembered for it in " + keyringTitle + " is removed"
	}
	dialog.ShowConfirm("Delete profile “"+name+"”?", msg+". The form keeps its values.", func(yes bool) {
		if yes {
			p.delete(name)
		}
	}, p.u.win)
}

func (p *profiles) delete(name string) {
	if err := p.store.Delete(name); err != nil {
		p.fail("Profile not deleted", err)
		return
	}
	p.u.app.Preferences().RemoveValue(prefPresetOfPrefix + strings.ToLower(name))
	p.cur = nil
	p.gen++
	p.u.form.setRaw(fieldRemember, "")
	p.refresh()
	msg := "Profile “" + name + "” deleted; the form keeps its values"
	if p.ring != nil {
		p.forgetSecrets(name, msg)
		return
	}
	p.u.setStatus(msg, "")
}

// onExport asks where to write the selected profile's file.
func (p *profiles) onExport() {
	if p.cur == nil {
		return
	}
	name := p.cur.Name
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		defer w.Close()
		if err := p.exportTo(name, w); err != nil {
			p.fail("Profile not exported", err)
			return
		}
		p.u.setStatus("Profile “"+name+"” exported as saved (no secret is in the file): "+w.URI().Path(), w.URI().Path())
	}, p.u.win)
	d.SetFileName(name + ".json")
	d.SetFilter(storage.NewExtensionFileFilter([]string{".json"}))
	d.Show()
}

// exportTo writes a saved profile's file: the same document the store
// keeps, with no secret in it.
func (p *profiles) exportTo(name string, w io.Writer) error { return p.store.Export(name, w) }

// onImport asks for a profile file and imports it.
func (p *profiles) onImport() {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		defer r.Close()
		data, err := io.ReadAll(io.LimitReader(r, maxImportSize))
		if err != nil {
			p.fail("Profile not imported", err)
			return
		}
		p.importFrom(r.URI().Name(), data)
	}, p.u.win)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".json"}))
	d.Show()
}

// importFrom imports a profile file a colleague handed over: the store
// refuses a file with a secret (or a secret-shaped value), an unknown key
// or a newer format, and the reason is shown. A profile of the same name
// is replaced only when confirmed; its remembered secrets belonged to the
// old profile and are forgotten. The imported profile is then loaded.
func (p *profiles) importFrom(file string, data []byte) {
	sp, err := p.store.Import(bytes.NewReader(data), "", false)
	var exists *store.ExistsError
	switch {
	case errors.As(err, &exists):
		dialog.ShowConfirm("Replace profile?", "A profile named “"+exists.Name+"” exists. Replace it with the one in "+file+"?", func(yes bool) {
			if !yes {
				return
			}
			sp, err := p.store.Import(bytes.NewReader(data), "", true)
			if err != nil {
				p.fail("Profile not imported from "+file, err)
				return
			}
			p.imported(sp, file, true)
		}, p.u.win)
		return
	case err != nil:
		p.fail("Profile not imported from "+file, err)
		return
	}
	p.imported(sp, file, false)
}

func (p *profiles) imported(sp store.Profile, file string, replaced bool) {
	p.u.app.Preferences().RemoveValue(prefPresetOfPrefix + strings.ToLower(sp.Name))
	if sp.RememberSecrets {
		// Whether secrets are kept on this computer is this user's choice,
		// not the sender's: an imported profile starts without it.
		sp.RememberSecrets = false
		if err := p.store.Save(sp); err != nil {
			p.fail("Profile not imported from "+file, err)
			return
		}
	}
	p.refresh()
	p.load(sp)
	msg := "Profile “" + sp.Name + "” imported from " + file
	if replaced && p.ring != nil {
		p.forgetSecrets(sp.Name, msg+"; the secrets remembered for the old one are removed")
		return
	}
	p.u.setStatus(msg, "")
}
