package ui

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/mailoauth/mailoauth-tester/core/preset"
	"github.com/mailoauth/mailoauth-tester/core/profile"
)

// noPreset is the picker's entry for no product.
const noPreset = "None"

// prefPreset remembers the chosen preset for the next start.
const prefPreset = "preset"

// presetPicker is "Set up for…": a drop-down of the product presets of
// core/preset and an ⓘ with the chosen one's notes, limits and setup
// script.
type presetPicker struct {
	all   []preset.Preset
	sel   *widget.Select
	info  *widget.Button
	label *widget.Label
	cell  fyne.CanvasObject
	quiet bool
}

func newPresetPicker(onPick func(*preset.Preset), onInfo func()) *presetPicker {
	pp := &presetPicker{all: preset.All()}
	opts := []string{noPreset}
	for _, p := range pp.all {
		opts = append(opts, presetTitle(p))
	}
	pp.sel = widget.NewSelect(opts, func(title string) {
		if !pp.quiet {
			onPick(pp.byTitle(title))
		}
	})
	pp.sel.Selected = noPreset
	pp.info = &widget.Button{Icon: theme.InfoIcon(), Importance: widget.LowImportance, OnTapped: onInfo}
	pp.info.Disable()
	pp.label = &widget.Label{Text: "Set up for", TextStyle: fyne.TextStyle{Bold: true}}
	pp.cell = container.NewBorder(nil, nil, nil, pp.info, pp.sel)
	return pp
}

// presetTitle is a preset's name in the picker: the vendor's product
// ("Cisco ECE", "OPEXUS eCASE") or what a generic one is.
func presetTitle(p preset.Preset) string {
	switch {
	case p.Generic || p.Vendor == "":
		return p.Product
	case strings.HasPrefix(p.Short, p.Vendor):
		return p.Short
	}
	return p.Vendor + " " + p.Short
}

// presetHeading is the title of the requirement rows in the window, whose
// font has no "↔": "What Cisco ECE needs".
func presetHeading(p preset.Preset) string { return p.NeedsTitle() }

// byTitle returns the preset with that picker title, or nil.
func (pp *presetPicker) byTitle(title string) *preset.Preset {
	for i := range pp.all {
		if presetTitle(pp.all[i]) == title {
			p := pp.all[i]
			return &p
		}
	}
	return nil
}

// show selects p (nil: None) without reporting it.
func (pp *presetPicker) show(p *preset.Preset) {
	pp.quiet = true
	defer func() { pp.quiet = false }()
	if p == nil {
		pp.sel.SetSelected(noPreset)
		pp.info.Disable()
		return
	}
	pp.sel.SetSelected(presetTitle(*p))
	pp.info.Enable()
}

func (pp *presetPicker) setEnabled(on bool) { setDisabled(pp.sel, !on) }

// presetID is the chosen preset's ID, or "".
func (u *UI) presetID() string {
	if u.preset == nil {
		return ""
	}
	return u.preset.ID
}

// onPresetPicked is the user choosing a product in "Set up for…": the
// form is filled for it where the user has not chosen otherwise.
func (u *UI) onPresetPicked(p *preset.Preset) {
	u.setPreset(p)
	if p == nil {
		u.setStatus("No product preset: the run checks the form's settings only", "")
		return
	}
	u.setStatus(u.applyPreset(*p), "")
}

// choosePreset selects a preset by ID ("" for none) as the program does
// (last session, a profile, --preset); apply fills the form as a user's
// choice would. An unknown ID selects none.
func (u *UI) choosePreset(id string, apply bool) {
	var p *preset.Preset
	if id != "" {
		if found, err := preset.Find(id); err == nil {
			p = &found
		}
	}
	u.setPreset(p)
	if p != nil && apply {
		u.setStatus(u.applyPreset(*p), "")
	}
}

// setPreset makes p the chosen preset: the picker, the fields' notes (the
// redirect URI pattern as the redirect field's placeholder) and the
// preference.
func (u *UI) setPreset(p *preset.Preset) {
	u.preset = p
	u.presets.show(p)
	u.form.setNotes(presetNotes(p))
	if u.demo == nil {
		u.app.Preferences().SetString(prefPreset, u.presetID())
	}
}

// presetNotes are the preset's additions to the fields' placeholders and
// hints.
func presetNotes(p *preset.Preset) map[string]fieldNote {
	if p == nil {
		return nil
	}
	notes := map[string]fieldNote{}
	if r := p.Redirect; r != nil {
		notes[profile.FieldRedirectURI] = fieldNote{placeholder: r.Pattern, hint: p.Short + ": " + strings.TrimSpace(r.Pattern+". "+r.Note)}
	}
	if p.SignIn != "" {
		notes[profile.FieldUser] = fieldNote{hint: p.Short + " signs in with " + p.SignIn + "."}
	}
	if rights := rightsText(*p); rights != "" {
		notes[profile.FieldMailbox] = fieldNote{hint: p.Short + ": " + rights}
	}
	if p.SMTPAuth {
		notes[profile.FieldProtocols] = fieldNote{hint: p.Short + " needs SMTP AUTH enabled on the sending mailbox."}
	}
	return notes
}

// rightsText says which mailbox rights the product needs, in words.
func rightsText(p preset.Preset) string {
	var out []string
	for _, r := range p.MailboxRights {
		who := "the account that signs in"
		if r.Grantee == preset.GranteeApp {
			who = "the app"
		}
		var rights []string
		for _, x := range r.Rights {
			rights = append(rights, map[string]string{preset.FullAccess: "Full Access", preset.SendAs: "Send As"}[x])
		}
		out = append(out, fmt.Sprintf("%s needs %s on %s.", who, strings.Join(rights, " and "), r.On))
	}
	return strings.Join(out, " ")
}

// applyPreset fills the form for p through preset.Apply, as a user's
// choice: the flow and protocols unless the user changed them since the
// form was filled, the redirect URI only when empty; typed values are
// never overwritten and nothing secret is set. It returns what it did, in
// words, for the status line.
func (u *UI) applyPreset(p preset.Preset) string {
	f := u.form
	now := f.profile()
	typed := profile.Profile{RedirectURI: f.raw(profile.FieldRedirectURI)}
	if f.typed(profile.FieldFlow) {
		typed.Flow = now.Flow
	}
	if f.typed(profile.FieldProtocols) {
		typed.Protocols = now.Protocols
	}
	got, filled := p.Apply(typed)
	vals := map[string]string{}
	var did []string
	for _, name := range filled {
		switch name {
		case profile.FieldFlow:
			if got.Flow != now.Flow {
				vals[name] = flowByID(got.Flow).Title()
				did = append(did, "Flow: "+flowByID(got.Flow).Title())
			}
		case profile.FieldProtocols:
			if protocolsRaw(got.Protocols) != protocolsRaw(now.Protocols) {
				vals[name] = protocolsRaw(got.Protocols)
				did = append(did, "Protocols: "+protocolTitles(got.Protocols))
			}
		case profile.FieldRedirectURI:
			vals[name] = got.RedirectURI
			did = append(did, "Redirect URI")
		}
	}
	if c := presetCredential(p); c != "" && !f.typed(fieldCredential) && credential(f.raw(fieldCredential)) != c {
		vals[fieldCredential] = string(c)
		did = append(did, "Credential: "+string(c))
	}
	if len(vals) > 0 {
		f.setValues(vals)
	}
	msg := "Set up for " + p.Short + ": "
	if len(did) == 0 {
		msg += "the form already fits"
	} else {
		msg += strings.Join(did, ", ")
	}
	if f.typed(profile.FieldFlow) && now.Flow != p.Flow {
		msg += fmt.Sprintf(" — Flow kept as you chose (%s uses %s)", p.Short, p.Flow.Title())
	}
	if r := p.Redirect; r != nil && r.Placeholder() && f.flowNow.needs(profile.FieldRedirectURI) && profile.Clean(f.raw(profile.FieldRedirectURI)) == "" {
		msg += " — type " + p.Short + "'s redirect URI (the field shows its pattern)"
	}
	return msg
}

// presetCredential is the form's credential for a preset's, or "".
func presetCredential(p preset.Preset) credential {
	switch p.Credential {
	case preset.Secret:
		return credSecret
	case preset.Certificate:
		return credCert
	}
	return ""
}

func protocolsRaw(ps []profile.Protocol) string {
	var out []string
	for _, pr := range ps {
		out = append(out, string(pr))
	}
	return strings.Join(out, ",")
}

func protocolTitles(ps []profile.Protocol) string {
	var out []string
	for _, pr := range ps {
		out = append(out, pr.Title())
	}
	return strings.Join(out, ", ")
}

// onPresetInfo shows the chosen preset's notes, limits, permissions and
// links, with its setup script.
func (u *UI) onPresetInfo() {
	if u.preset == nil {
		return
	}
	p := *u.preset
	var objs []fyne.CanvasObject
	text := func(s string) {
		objs = append(objs, &widget.Label{Text: s, Wrapping: fyne.TextWrapWord, Selectable: true})
	}
	head := func(s string) { objs = append(objs, &widget.Label{Text: s, TextStyle: fyne.TextStyle{Bold: true}}) }
	objs = append(objs, &widget.Label{Text: p.Product, TextStyle: fyne.TextStyle{Bold: true}, SizeName: theme.SizeNameSubHeadingText, Wrapping: fyne.TextWrapWord})
	text(p.Summary)
	how := fmt.Sprintf("Flow: %s · Protocols: %s", p.Flow.Title(), protocolTitles(p.Protocols))
	if c := presetCredential(p); c != "" {
		how += " · Credential: " + strings.ToLower(string(c))
		if p.SecretMaxMonths > 0 && p.Credential == preset.Secret {
			how += fmt.Sprintf(" (at most %d months)", p.SecretMaxMonths)
		}
	}
	text(how)
	head("API permissions")
	var perms []string
	for _, perm := range p.PermissionsFor(nil, true) {
		line := fmt.Sprintf("• %s — %s, %s", perm.Value, perm.API.Title(), perm.Kind)
		if perm.Optional {
			line += ", optional"
		}
		if perm.Why != "" {
			line += ": " + perm.Why
		}
		perms = append(perms, line)
	}
	text(strings.Join(perms, "\n"))
	if r := p.Redirect; r != nil {
		head("Redirect URI")
		text(strings.TrimSpace(r.Pattern + "\n" + r.Note))
	}
	if p.SignIn != "" || len(p.MailboxRights) > 0 || p.SMTPAuth || p.RBAC != nil {
		head("Mailboxes")
		if p.SignIn != "" {
			text("Signs in: " + p.SignIn + ".")
		}
		if r := rightsText(p); r != "" {
			text(r)
		}
		if p.SMTPAuth {
			text("SMTP AUTH must be enabled on the sending mailbox.")
		}
		if p.RBAC != nil {
			text("RBAC for Applications: " + strings.TrimSpace(p.RBAC.Role+". "+p.RBAC.Note))
		}
	}
	notes := func(title string, ns []preset.Note) {
		if len(ns) == 0 {
			return
		}
		head(title)
		for _, n := range ns {
			text(n.Title + ": " + n.Text)
		}
	}
	notes("Notes", p.Notes)
	notes("Limits", p.Limits)
	if len(p.Alternatives) > 0 {
		head("Other ways to set it up")
		for _, a := range p.Alternatives {
			text(a.Title + ": " + a.Note)
		}
	}
	if len(p.Docs) > 0 || p.DocsNote != "" || p.Unverified != "" {
		head("Vendor documentation")
		for _, l := range p.Docs {
			link := l.URL
			h := &widget.Hyperlink{Text: l.Title, OnTapped: func() { u.openLink(link) }}
			h.ExtendBaseWidget(h)
			h.Wrapping = fyne.TextWrapWord
			objs = append(objs, h)
		}
		if p.DocsNote != "" {
			text(p.DocsNote)
		}
		if p.Unverified != "" {
			text("Not confirmed with the vendor: " + p.Unverified)
		}
	}
	setup := &widget.Button{Text: "Setup script…", Icon: theme.DocumentIcon(), OnTapped: func() { u.showScripts(nil, &p) }}
	body := container.NewBorder(nil, container.NewHBox(setup), nil, nil, container.NewVScroll(container.NewVBox(objs...)))
	d := dialog.NewCustom("Set up for "+presetTitle(p), "Close", body, u.win)
	d.Resize(dialogSize(u.win, 720))
	d.Show()
}

// dialogSize is a large dialog's size: up to maxWidth wide, most of the
// window high.
func dialogSize(w fyne.Window, maxWidth float32) fyne.Size {
	s := w.Canvas().Size()
	return fyne.NewSize(min(maxWidth, s.Width-40), max(300, s.Height-80))
}
