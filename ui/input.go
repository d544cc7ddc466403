package ui

import (
	"image/color"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/mailoauth/mailoauth-tester/core/profile"
	"github.com/mailoauth/mailoauth-tester/core/report"
)

// input is the widgets of one field: its label, the input itself, an ⓘ
// button where the input cannot take the focus, and a message line that
// shows the field's problem, or its hint while it has the focus (or ⓘ
// was pressed).
type input struct {
	def  *fieldDef
	form *form

	label  *widget.Label
	entry  *formEntry // text, secret and file fields
	sel    *widget.Select
	radio  *widget.RadioGroup
	check  *widget.Check
	checks map[profile.Protocol]*widget.Check
	browse *widget.Button
	info   *widget.Button
	msg    *widget.Label
	frame  *canvas.Rectangle // outlines the input while it shows an error after Test now
	cell   *fyne.Container

	hint     string
	problem  *profile.Problem
	outlined bool
	focused  bool
	showHint bool // ⓘ pressed
}

func newInput(f *form, def *fieldDef) *input {
	in := &input{def: def, form: f, hint: def.hint}
	in.label = &widget.Label{Text: def.label, TextStyle: fyne.TextStyle{Bold: true}}
	in.msg = &widget.Label{Wrapping: fyne.TextWrapWord, SizeName: theme.SizeNameCaptionText}
	in.msg.Hide()
	in.frame = canvas.NewRectangle(color.Transparent)
	in.frame.CornerRadius = theme.InputRadiusSize()
	changed := func() { f.changed(def.name) }

	var obj fyne.CanvasObject
	switch def.kind {
	case textInput, secretInput, fileInput:
		in.entry = newFormEntry(in, def.kind == secretInput, changed)
		in.entry.PlaceHolder = def.placeholder
		obj = container.NewStack(in.entry, newWheelForwarder(func(ev *fyne.ScrollEvent) { f.scroll.Scrolled(ev) }))
		if def.kind == fileInput {
			in.browse = &widget.Button{Icon: theme.FolderOpenIcon(), OnTapped: func() { f.pickFile(in.entry, def.exts) }}
			obj = container.NewBorder(nil, nil, nil, in.browse, obj)
		}
	case choiceInput:
		in.sel = widget.NewSelect(def.choices(), func(string) { changed() })
		in.sel.Selected = def.choices()[0]
		obj = in.sel
	case radioInput:
		in.radio = widget.NewRadioGroup(def.choices(), func(string) { changed() })
		in.radio.Horizontal, in.radio.Required, in.radio.Selected = true, true, def.choices()[0]
		obj = in.radio
	case checkInput:
		in.check = widget.NewCheck(def.placeholder, func(bool) { changed() })
		obj = in.check
	case protocolsInput:
		in.checks = map[profile.Protocol]*widget.Check{}
		var boxes []fyne.CanvasObject
		for _, pr := range profile.AllProtocols {
			c := widget.NewCheck(pr.Title(), func(bool) { changed() })
			c.Checked = true
			in.checks[pr] = c
			boxes = append(boxes, c)
		}
		obj = container.NewHBox(boxes...)
	}
	if in.entry == nil && def.hint != "" || def.name == profile.FieldFlow {
		in.info = &widget.Button{Icon: theme.InfoIcon(), Importance: widget.LowImportance, OnTapped: in.toggleHint}
		obj = container.NewBorder(nil, nil, nil, in.info, obj)
	}
	if aside := f.parts.asides[def.name]; aside != nil {
		obj = container.New(layout.NewCustomPaddedVBoxLayout(0), obj, aside)
	}
	in.cell = container.New(layout.NewCustomPaddedVBoxLayout(2), container.NewStack(in.frame, obj), in.msg)
	return in
}

// raw is the field's raw value (see fieldDef).
func (in *input) raw() string {
	switch in.def.kind {
	case choiceInput:
		return in.sel.Selected
	case radioInput:
		return in.radio.Selected
	case checkInput:
		return boolRaw(in.check.Checked)
	case protocolsInput:
		var out []string
		for _, pr := range profile.AllProtocols {
			if in.checks[pr].Checked {
				out = append(out, string(pr))
			}
		}
		return strings.Join(out, ",")
	}
	return in.entry.value()
}

// setRaw sets the widget from a raw value.
func (in *input) setRaw(v string) {
	switch in.def.kind {
	case choiceInput:
		if v == "" {
			v = in.def.choices()[0]
		}
		in.sel.SetSelected(v)
	case radioInput:
		if v == "" {
			v = in.def.choices()[0]
		}
		in.radio.SetSelected(v)
	case checkInput:
		in.check.SetChecked(v == "true")
	case protocolsInput:
		if v == "" {
			return // nothing remembered: keep every protocol
		}
		on := map[string]bool{}
		for _, s := range strings.Split(v, ",") {
			on[s] = true
		}
		for pr, c := range in.checks {
			c.SetChecked(on[string(pr)])
		}
	default:
		in.entry.setValue(v)
	}
}

// widgets are the input's enableable widgets.
func (in *input) widgets() []fyne.Disableable {
	var out []fyne.Disableable
	switch {
	case in.entry != nil:
		out = append(out, in.entry)
		if in.browse != nil {
			out = append(out, in.browse)
		}
	case in.sel != nil:
		out = append(out, in.sel)
	case in.radio != nil:
		out = append(out, in.radio)
	case in.check != nil:
		out = append(out, in.check)
	}
	for _, pr := range profile.AllProtocols {
		if c := in.checks[pr]; c != nil && pr != profile.Graph {
			out = append(out, c)
		}
	}
	return out
}

func (in *input) setEnabled(on bool) {
	for _, w := range in.widgets() {
		setDisabled(w, !on)
	}
}

func (in *input) setShown(on bool) {
	if on {
		in.label.Show()
		in.cell.Show()
	} else {
		in.label.Hide()
		in.cell.Hide()
	}
}

func (in *input) setLabel(s string) {
	if in.label.Text != s {
		in.label.SetText(s)
	}
}

// setProblem shows p under the field (nil: none). After Test now an error
// also outlines the input.
func (in *input) setProblem(p *profile.Problem, attempted bool) {
	in.problem = p
	in.outlined = attempted && p != nil && p.Severity == profile.Error
	if in.outlined {
		in.frame.StrokeColor, in.frame.StrokeWidth = theme.Color(theme.ColorNameError), 2
	} else {
		in.frame.StrokeColor, in.frame.StrokeWidth = color.Transparent, 0
	}
	in.frame.Refresh()
	in.showMessage()
}

// focus is called when the input's entry gains or loses the focus: the
// hint shows while it has it, and the form scrolls it into view.
func (in *input) focus(on bool) {
	in.focused = on
	in.showMessage()
	if on {
		in.form.scrollTo(in.cell)
	}
}

func (in *input) toggleHint() {
	in.showHint = !in.showHint
	in.showMessage()
}

// message is the text under the field: its problem, else its hint while
// asked for, else nothing.
func (in *input) message() string {
	switch {
	case in.problem != nil:
		return problemText(in.problem)
	case in.focused || in.showHint:
		if in.def.name == profile.FieldFlow {
			return strings.TrimSpace(in.form.flowNow.ID.Explain() + " " + in.hint)
		}
		return in.hint
	}
	return ""
}

func (in *input) showMessage() {
	text := in.message()
	imp, style := widget.MediumImportance, fyne.TextStyle{}
	if p := in.problem; p != nil {
		imp = widget.DangerImportance
		if p.Severity == profile.Warning {
			imp, style = widget.WarningImportance, fyne.TextStyle{Bold: true}
		}
	}
	if in.msg.Text == text && in.msg.Importance == imp && in.msg.Visible() == (text != "") {
		return
	}
	in.msg.Text, in.msg.Importance, in.msg.TextStyle = text, imp, style
	if text == "" {
		in.msg.Hide()
	} else {
		in.msg.Show()
	}
	in.msg.Refresh()
}

func problemText(p *profile.Problem) string {
	if p.Fix == "" {
		return p.Message
	}
	return p.Message + " — " + p.Fix
}

// formEntry is an entry of the form. It tells its input when it gains or
// loses the focus, and under Hide IDs shows a mask instead of its text
// while it does not have the focus — it never becomes read-only: focused,
// it shows the real text and takes typing.
type formEntry struct {
	widget.Entry
	in *input

	masked  bool
	focused bool
	real    string // the text while the mask shows
	quiet   bool   // the mask is being swapped: not an edit
}

func newFormEntry(in *input, password bool, changed func()) *formEntry {
	e := &formEntry{in: in}
	e.Password = password
	e.ExtendBaseWidget(e)
	e.OnChanged = func(string) {
		if !e.quiet {
			changed()
		}
	}
	return e
}

// FocusGained shows the real text and the hint.
func (e *formEntry) FocusGained() {
	if !e.focused && e.masked {
		e.display(e.real)
	}
	e.focused = true
	e.Entry.FocusGained()
	e.in.focus(true)
}

// FocusLost masks the text again under Hide IDs.
func (e *formEntry) FocusLost() {
	e.Entry.FocusLost()
	if e.focused && e.masked {
		e.real = e.Text
		e.display(maskID(e.real))
	}
	e.focused = false
	e.in.focus(false)
}

// value is the real text, masked or not.
func (e *formEntry) value() string {
	if e.masked && !e.focused {
		return e.real
	}
	return e.Text
}

// setValue sets the real text.
func (e *formEntry) setValue(v string) {
	if e.masked && !e.focused {
		e.real = v
		e.display(maskID(v))
		return
	}
	e.SetText(v)
}

// setMasked turns the mask on or off.
func (e *formEntry) setMasked(on bool) {
	if on == e.masked {
		return
	}
	v := e.value()
	e.masked = on
	e.real = v
	if !e.focused {
		if on {
			e.display(maskID(v))
		} else {
			e.display(v)
		}
	}
}

func (e *formEntry) display(s string) {
	e.quiet = true
	e.SetText(s)
	e.quiet = false
}

func (e *formEntry) setPlaceHolder(s string) {
	if e.PlaceHolder != s {
		e.SetPlaceHolder(s)
	}
}

// maskID hides one ID the way reports do.
func maskID(v string) string {
	if strings.TrimSpace(v) == "" {
		return ""
	}
	return report.HideID(strings.TrimSpace(v))
}

// wheelForwarder lies over an entry and hands the mouse wheel to the
// form's scroll: an entry's own one-line scroller would swallow it. It
// takes nothing else (taps, drags, hover and the cursor reach the entry).
type wheelForwarder struct {
	widget.BaseWidget
	to func(*fyne.ScrollEvent)
}

func newWheelForwarder(to func(*fyne.ScrollEvent)) *wheelForwarder {
	w := &wheelForwarder{to: to}
	w.ExtendBaseWidget(w)
	return w
}

// Scrolled forwards the wheel.
func (w *wheelForwarder) Scrolled(ev *fyne.ScrollEvent) { w.to(ev) }

// CreateRenderer draws nothing.
func (w *wheelForwarder) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(layout.NewSpacer())
}
