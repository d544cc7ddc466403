package ui

import (
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/mailoauth/mailoauth-tester/core/cloud"
	"github.com/mailoauth/mailoauth-tester/core/profile"
	"github.com/mailoauth/mailoauth-tester/core/report"
)

// form collects a profile. It knows nothing about running: it reports
// changes through onChange and shows the problems it is given. Every
// field comes from fieldDefs.
type form struct {
	win fyne.Window

	inputs   map[string]*input
	order    []*input // fieldDefs order: the Tab order
	advanced *widget.Accordion
	scroll   *container.Scroll
	box      *fyne.Container // the scroll's content

	touched   map[string]bool
	attempted bool // Test now was pressed: empty required fields are errors now
	extra     profile.Problems

	hidden   bool // Hide IDs: identity entries show a mask while they are not focused
	disabled bool
	quiet    bool // programmatic change: no onChange, no touch
	flowNow  flowSpec

	// parts are what the window adds to the form's table (see formParts).
	parts formParts
	// notes are placeholders and hints that replace or extend a field's
	// own (a product preset's redirect URI pattern), by field name.
	notes map[string]fieldNote

	onChange func()
	onField  func(name string) // after the user changed the field name
	content  fyne.CanvasObject
}

// formParts are the window's own rows and widgets inside the form.
type formParts struct {
	// head are label/cell pairs put first in the form's grid (the profile
	// and preset pickers), so their labels line up with the fields'.
	head []fyne.CanvasObject
	// asides are widgets put under a field's input, by field name (the
	// remembered-secret indicator under "Remember secret").
	asides map[string]fyne.CanvasObject
	// off names fields this window cannot offer (no keyring: no "Remember
	// secret"); they are never shown.
	off map[string]bool
}

// fieldNote is a placeholder and a hint added to a field's own.
type fieldNote struct {
	placeholder string // replaces the field's placeholder when set
	hint        string // follows the field's hint
}

func newForm(win fyne.Window, parts formParts) *form {
	f := &form{win: win, inputs: map[string]*input{}, touched: map[string]bool{}, flowNow: flows[0], parts: parts}
	f.buildUI()
	return f
}

func (f *form) buildUI() {
	main := append([]fyne.CanvasObject(nil), f.parts.head...)
	var adv []fyne.CanvasObject
	for i := range fieldDefs {
		in := newInput(f, &fieldDefs[i])
		f.inputs[in.def.name] = in
		f.order = append(f.order, in)
		if in.def.advanced {
			adv = append(adv, in.label, in.cell)
		} else {
			main = append(main, in.label, in.cell)
		}
	}
	f.advanced = widget.NewAccordion(widget.NewAccordionItem("Advanced", container.New(layout.NewFormLayout(), adv...)))
	f.box = container.NewVBox(container.New(layout.NewFormLayout(), main...), f.advanced)
	f.scroll = container.NewVScroll(f.box)
	f.content = f.scroll
	f.applyFlow()
}

// in returns the input of a field.
func (f *form) in(name string) *input { return f.inputs[name] }

// entry returns the entry of a text, secret or file field.
func (f *form) entry(name string) *formEntry { return f.inputs[name].entry }

// raw returns a field's raw value (the real one while masked).
func (f *form) raw(name string) string { return f.inputs[name].raw() }

// setRaw sets a field's raw value without counting it as an edit.
func (f *form) setRaw(name, v string) {
	quiet := f.quiet
	f.quiet = true
	f.inputs[name].setRaw(v)
	f.quiet = quiet
}

// credentialNow is the credential the flow uses ("" when it uses none).
func (f *form) credentialNow() credential {
	spec := f.flowNow
	if len(spec.Credentials) == 0 {
		return ""
	}
	if c := credential(f.raw(fieldCredential)); spec.accepts(c) {
		return c
	}
	return spec.Credentials[0]
}

// shown reports whether the field is in use for the flow and credential.
func (f *form) shown(in *input) bool {
	if f.parts.off[in.def.name] {
		return false
	}
	return in.def.shown == nil || in.def.shown(f.flowNow, f.credentialNow())
}

// typed reports whether the user changed the field since the form was
// last filled (by a profile, the demo or the last session).
func (f *form) typed(name string) bool { return f.touched[name] }

// setValues sets raw values as a fill does (not as edits), then
// re-validates and reports the change.
func (f *form) setValues(vals map[string]string) {
	quiet := f.quiet
	f.quiet = true
	// The flow first: it decides which fields the others are.
	if v, ok := vals[profile.FieldFlow]; ok {
		f.inputs[profile.FieldFlow].setRaw(v)
	}
	for name, v := range vals {
		if name != profile.FieldFlow {
			f.inputs[name].setRaw(v)
		}
	}
	f.quiet = quiet
	f.applyFlow()
	f.validate()
	if f.onChange != nil {
		f.onChange()
	}
}

// setNotes replaces the notes added to the fields' placeholders and hints.
func (f *form) setNotes(notes map[string]fieldNote) {
	f.notes = notes
	f.applyFlow()
}

// showProblems shows ps under their fields as if the engine had found
// them (a profile that cannot be saved), without marking the form as
// submitted. It returns the first field that shows one, or nil.
func (f *form) showProblems(ps profile.Problems) *input {
	f.extra = ps
	f.validate()
	for _, in := range f.order {
		if in.problem != nil && in.problem.Severity == profile.Error && f.shown(in) {
			if in.def.advanced {
				f.advanced.Open(0)
			}
			return in
		}
	}
	return nil
}

// changed records that the user edited a field and re-validates.
func (f *form) changed(name string) {
	switch name {
	case profile.FieldFlow:
		f.flowNow = flowByTitle(f.raw(profile.FieldFlow))
		f.applyFlow()
	case fieldCredential, profile.FieldCloud:
		f.applyFlow()
	case profile.FieldProvider:
		f.applyFlow()
		if providerByTitle(f.raw(profile.FieldProvider)).Name == "custom" && !f.quiet {
			f.advanced.Open(0)
		}
	}
	if f.quiet {
		return
	}
	f.touched[name] = true
	f.extra = nil
	f.validate()
	if f.onChange != nil {
		f.onChange()
	}
	if f.onField != nil {
		f.onField(name)
	}
}

// applyFlow shows exactly the fields the flow and credential need, with
// the flow's titles and hints.
func (f *form) applyFlow() {
	spec := f.flowNow
	for _, in := range f.order {
		in.setShown(f.shown(in))
		in.setLabel(spec.label(in.def.name, in.def.label))
		in.hint = spec.hint(in.def.name)
		note := f.notes[in.def.name]
		if note.hint != "" {
			in.hint = strings.TrimSpace(in.hint + " " + note.hint)
		}
		if in.entry != nil && in.def.kind != secretInput {
			ph := in.def.placeholder
			if note.placeholder != "" {
				ph = note.placeholder
			}
			in.entry.setPlaceHolder(ph)
		}
	}
	f.applyHosts()
	f.setEnabled(!f.disabled)
	for _, in := range f.order {
		in.showMessage()
	}
}

// applyHosts shows, in the host fields' placeholders and hints, the hosts
// an empty field stands for: the provider's in the app-password flow.
func (f *form) applyHosts() {
	c, err := cloud.Lookup(cloudName(f.raw(profile.FieldCloud)))
	if err != nil {
		c = cloud.Global
	}
	imap, pop, smtp := c.IMAPHost, c.POPHost, c.SMTPHost
	if f.flowNow.ID == profile.AppPassword {
		pv := providerByTitle(f.raw(profile.FieldProvider))
		imap, pop, smtp = pv.IMAPHost, pv.POPHost, pv.SMTPHost
		note := pv.Note
		if pv.BasicAuthOff {
			note += " Expect this test to fail."
		}
		f.in(profile.FieldProvider).hint = note
	}
	f.entry(profile.FieldAuthority).setPlaceHolder(c.AuthorityHost)
	for _, h := range []struct{ name, host, how string }{
		{profile.FieldIMAPHost, imap, "implicit TLS"},
		{profile.FieldPOPHost, pop, "implicit TLS"},
		{profile.FieldSMTPHost, smtp, "STARTTLS"},
	} {
		in := f.in(h.name)
		if h.host == "" {
			in.entry.setPlaceHolder("host:port")
			in.hint = "host:port with " + h.how + ". Required for another server."
		} else {
			in.entry.setPlaceHolder(h.host)
			in.hint = "host:port with " + h.how + ". Empty: " + h.host + "."
		}
	}
}

// endpointDefault is the value an endpoint field stands for when it is
// empty; a field holding it is not a custom endpoint.
func (f *form) endpointDefault(name string) string {
	c, err := cloud.Lookup(cloudName(f.raw(profile.FieldCloud)))
	if err != nil {
		c = cloud.Global
	}
	switch name {
	case profile.FieldAuthority:
		return c.AuthorityHost
	case profile.FieldIMAPHost:
		return c.IMAPHost
	case profile.FieldPOPHost:
		return c.POPHost
	case profile.FieldSMTPHost:
		return c.SMTPHost
	case profile.FieldGraphURL:
		return c.GraphHost
	}
	return ""
}

// customEndpoints lists the advanced fields in use whose
// value differs from the cloud's default (hosts, CA file, scopes,
// authority, fixed redirect). A custom mail server in the app-password
// flow needs its hosts, so they do not count there.
func (f *form) customEndpoints() []string {
	var out []string
	for _, e := range f.customEndpointValues() {
		out = append(out, e.label)
	}
	return out
}

// endpoint is a custom endpoint: a field's label and value.
type endpoint struct{ label, value string }

// customEndpointValues are the custom endpoints with their values.
func (f *form) customEndpointValues() []endpoint {
	var out []endpoint
	for _, in := range f.order {
		if !in.def.endpoint || !f.shown(in) {
			continue
		}
		v := strings.TrimSuffix(profile.Clean(in.raw()), "/")
		if v == "" || strings.EqualFold(v, strings.TrimSuffix(f.endpointDefault(in.def.name), "/")) {
			continue
		}
		if f.flowNow.ID == profile.AppPassword && providerByTitle(f.raw(profile.FieldProvider)).Name == "custom" {
			switch in.def.name {
			case profile.FieldIMAPHost, profile.FieldPOPHost, profile.FieldSMTPHost:
				continue
			}
		}
		out = append(out, endpoint{in.label.Text, v})
	}
	return out
}

// resetEndpoints empties every custom endpoint.
func (f *form) resetEndpoints() {
	for _, in := range f.order {
		if in.def.endpoint {
			in.setRaw("")
		}
	}
	f.changed(profile.FieldAuthority)
}

func (f *form) pickFile(target *formEntry, exts []string) {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		_ = r.Close()
		target.SetText(r.URI().Path())
	}, f.win)
	d.SetFilter(storage.NewExtensionFileFilter(exts))
	d.Show()
}

// timeoutValue parses the timeout entry; empty means the default.
func (f *form) timeoutValue() (time.Duration, *profile.Problem) {
	s := profile.Clean(f.raw(profile.FieldTimeout))
	if s == "" {
		return 0, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, &profile.Problem{Field: profile.FieldTimeout, Message: fmt.Sprintf("timeout %q is not a duration", s), Fix: "use a duration such as 20s or 1m"}
	}
	if d <= 0 {
		return 0, &profile.Problem{Field: profile.FieldTimeout, Message: fmt.Sprintf("timeout %s leaves no time for a sign-in", d), Fix: "use a positive duration such as 20s"}
	}
	return d, nil
}

// profile returns what the form holds for the selected flow: fields the
// flow does not use are left out. Secrets are included: the result goes
// to the engine and nowhere else.
func (f *form) profile() profile.Profile {
	var p profile.Profile
	// The flow first: other fields' set functions look at it.
	f.in(profile.FieldFlow).def.set(&p, f.raw(profile.FieldFlow))
	for _, in := range f.order {
		if in.def.name != profile.FieldFlow && f.shown(in) {
			in.def.set(&p, in.raw())
		}
	}
	return p
}

// localProblems are the problems the form finds itself (the timeout text).
func (f *form) localProblems() profile.Problems {
	if _, p := f.timeoutValue(); p != nil {
		return profile.Problems{*p}
	}
	return nil
}

// problems validates the form with the engine's rules, as Prepare would.
func (f *form) problems() profile.Problems {
	p := profile.Normalize(f.profile())
	var ps profile.Problems
	if p.HasCredentials() {
		ps = profile.Validate(p)
	} else {
		ps = profile.ValidateEnvironment(p)
	}
	return append(ps, f.localProblems()...)
}

// validate shows, under each field, the first error (or else warning)
// the engine's rules find. An empty field the user has not touched yet is
// left alone until Test now is pressed.
func (f *form) validate() {
	ps := append(append(profile.Problems(nil), f.extra...), f.problems()...) // given ones first: they say why Prepare or the store refused
	for _, in := range f.order {
		var pick *profile.Problem
		src := in.def.name
		switch src {
		case fieldLoopback:
			src = profile.FieldRedirectURI
		case fieldCredential:
			src = ""
		}
		for _, p := range ps.For(src) {
			if !f.attempted && !f.touched[in.def.name] && strings.TrimSpace(in.raw()) == "" {
				continue
			}
			if pick == nil || (pick.Severity == profile.Warning && p.Severity == profile.Error) {
				pick = &p
			}
		}
		if pick != nil && f.hidden {
			pp := *pick
			pp.Message, pp.Fix = f.maskIDs(pp.Message), f.maskIDs(pp.Fix)
			pick = &pp
		}
		in.setProblem(pick, f.attempted)
	}
}

// attempt marks the form as submitted and shows ps (from Prepare) too.
// Problems in the Advanced section open it. It returns the first field
// that shows an error, top to bottom, or nil.
func (f *form) attempt(ps profile.Problems) *input {
	f.attempted = true
	f.extra = ps
	f.validate()
	var first *input
	for _, in := range f.order {
		if in.problem == nil || in.problem.Severity != profile.Error || !f.shown(in) {
			continue
		}
		if in.def.advanced {
			f.advanced.Open(0)
		}
		if first == nil {
			first = in
		}
	}
	return first
}

// fill replaces the form's contents with p (for the demo and preferences).
func (f *form) fill(p profile.Profile) {
	f.quiet = true
	f.flowNow = flowByID(p.Flow)
	for _, in := range f.order {
		in.setRaw(in.def.get(p))
	}
	f.quiet = false
	f.applyFlow()
	f.touched, f.attempted, f.extra = map[string]bool{}, false, nil
	f.validate()
}

// maskIDs hides the form's IDs (and any GUID) inside a text.
func (f *form) maskIDs(s string) string {
	return report.Redact(s, report.Options{HideIDs: true, IDs: f.ids()})
}

// ids returns the identities the form holds, as typed.
func (f *form) ids() []string {
	var out []string
	for _, in := range f.order {
		if in.def.identity {
			out = append(out, in.raw())
		}
	}
	return out
}

// setHidden masks or unmasks the identity entries. They stay editable:
// an entry shows its real text while it has the focus.
func (f *form) setHidden(hide bool) {
	if hide == f.hidden {
		return
	}
	f.hidden = hide
	for _, in := range f.order {
		if in.def.identity {
			in.entry.setMasked(hide)
		}
	}
	f.validate()
}

// setEnabled enables or disables every input (disabled while a run is on).
func (f *form) setEnabled(on bool) {
	f.disabled = !on
	for _, in := range f.order {
		in.setEnabled(on)
	}
	// Graph has no password login.
	if c := f.in(profile.FieldProtocols).checks[profile.Graph]; c != nil {
		setDisabled(c, !on || !f.flowNow.ID.UsesOAuth())
	}
}

// scrollTo scrolls the form so that o is in view.
func (f *form) scrollTo(o fyne.CanvasObject) {
	d := fyne.CurrentApp().Driver()
	top := d.AbsolutePositionForObject(o).Y - d.AbsolutePositionForObject(f.box).Y
	bottom := top + o.Size().Height
	view := f.scroll.Size().Height
	off := f.scroll.Offset.Y
	switch {
	case top < off:
		off = top - theme.Padding()
	case bottom > off+view:
		off = bottom - view + theme.Padding()
	default:
		return
	}
	f.scroll.ScrollToOffset(fyne.NewPos(0, max(0, off)))
}

func setDisabled(w fyne.Disableable, off bool) {
	if off {
		w.Disable()
	} else {
		w.Enable()
	}
}
