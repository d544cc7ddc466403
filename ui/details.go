package ui

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// details is the pane beside the checklist. With no step selected it
// shows one card per cause, the root cause first — or, when nothing
// failed, every step's full detail. With a step selected it shows that
// step's full detail and its card.
type details struct {
	redact   func(string) string
	act      cardActions
	row      func(step string) *checkRow // the checklist's rows
	rows     func() []*checkRow
	onAll    func() // "All findings" was pressed
	findings []finding
	selected string

	box     *fyne.Container
	scroll  *container.Scroll
	content fyne.CanvasObject
}

func newDetails(redact func(string) string, open func(string), copyText, copyReal func(string)) *details {
	d := &details{redact: redact, act: cardActions{open: open, copy: copyText, copyReal: copyReal}}
	d.box = container.NewVBox()
	d.scroll = container.NewVScroll(d.box)
	d.content = d.scroll
	return d
}

// clear forgets the findings for a new run.
func (d *details) clear() {
	d.findings, d.selected = nil, ""
	d.refresh()
}

// setFindings replaces the findings (as they come, then the run's own).
func (d *details) setFindings(fs []finding) {
	d.findings = fs
	d.refresh()
}

// show selects a step ("" for the overview).
func (d *details) show(step string) {
	d.selected = step
	d.refresh()
	d.scroll.ScrollToTop()
}

// refresh redraws the pane (also after Hide IDs changes).
func (d *details) refresh() {
	var objs []fyne.CanvasObject
	if d.selected != "" && d.row != nil && d.row(d.selected) != nil {
		objs = d.stepView(d.row(d.selected))
	} else {
		objs = d.overview()
	}
	d.box.Objects = objs
	d.box.Refresh()
}

// overview is every card, root cause first; or every step's detail.
func (d *details) overview() []fyne.CanvasObject {
	var objs []fyne.CanvasObject
	if len(d.findings) > 1 {
		objs = append(objs, &widget.Label{Text: fmt.Sprintf("%d causes — fix the first one first: the others may follow from it", len(d.findings)),
			TextStyle: fyne.TextStyle{Bold: true}, Wrapping: fyne.TextWrapWord})
	}
	for _, f := range d.findings {
		objs = append(objs, card(f, d.redact, d.act))
	}
	if len(objs) > 0 || d.rows == nil {
		return objs
	}
	for _, r := range d.rows() {
		if r.detail == "" {
			continue
		}
		objs = append(objs, &widget.Label{Text: r.title, TextStyle: fyne.TextStyle{Bold: true}},
			&widget.Label{Text: d.redact(r.detail), Wrapping: fyne.TextWrapWord, Selectable: true})
	}
	return objs
}

// stepView is one step: its title, state, full detail and card.
func (d *details) stepView(r *checkRow) []fyne.CanvasObject {
	all := &widget.Button{Text: "All findings", Icon: theme.NavigateBackIcon(), Importance: widget.LowImportance, OnTapped: func() {
		if d.onAll != nil {
			d.onAll()
		}
	}}
	state := statusWord(r.status)
	if r.dur != "" {
		state += " " + r.dur
	}
	objs := []fyne.CanvasObject{
		container.NewBorder(nil, nil, nil, all, &widget.Label{Text: r.title + " — " + strings.TrimSpace(state), TextStyle: fyne.TextStyle{Bold: true}, Wrapping: fyne.TextWrapWord}),
	}
	if r.detail != "" {
		objs = append(objs, &widget.Label{Text: d.redact(r.detail), Wrapping: fyne.TextWrapWord, Selectable: true})
	}
	for _, f := range d.findings {
		if f.has(r.name) {
			objs = append(objs, card(f, d.redact, d.act))
		}
	}
	return objs
}

// text returns the cards' text, for tests and the clipboard.
func (d *details) text() string {
	var b strings.Builder
	for _, f := range d.findings {
		b.WriteString(d.redact(f.text()))
	}
	return b.String()
}
