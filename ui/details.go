package ui

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
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
	onAll    func()                   // "All findings" was pressed
	needs    func(step string) string // the preset's requirements a step proved or disproved
	findings []finding
	selected string

	// Built once and reused, so that runs do not pile up widgets: the
	// cards (rebuilt when the findings change or invalidate is called)
	// and the labels of the step overview.
	cards    []fyne.CanvasObject
	cardsFor string
	pool     []*stepPair

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
	d.invalidate()
}

// invalidate rebuilds the cards (after Hide IDs changes).
func (d *details) invalidate() {
	d.cardsFor = "-"
	d.refresh()
}

// findingsKey says what the cards show.
func (d *details) findingsKey() string {
	var b strings.Builder
	for _, f := range d.findings {
		fmt.Fprintf(&b, "%s:%s:%s;", f.d.ID, strings.Join(f.steps, ","), f.status)
	}
	return b.String()
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
	if len(d.findings) > 0 {
		if key := d.findingsKey(); key != d.cardsFor {
			d.cardsFor, d.cards = key, nil
			if len(d.findings) > 1 {
				d.cards = append(d.cards, &widget.Label{Text: fmt.Sprintf("%d causes — fix the first one first: the others may follow from it", len(d.findings)),
					TextStyle: fyne.TextStyle{Bold: true}, Wrapping: fyne.TextWrapWord})
			}
			for _, f := range d.findings {
				d.cards = append(d.cards, card(f, d.redact, d.act))
			}
		}
		return d.cards
	}
	if d.rows == nil {
		return nil
	}
	var objs []fyne.CanvasObject
	for _, r := range d.rows() {
		if r.detail == "" {
			continue
		}
		objs = append(objs, d.pair(len(objs)).set(r.title, d.redact(r.detail)))
	}
	return objs
}

// stepPair is a step's title with its full detail right under it.
type stepPair struct {
	title, detail *widget.Label
	box           *fyne.Container
}

// pair returns the i-th pair of the pool.
func (d *details) pair(i int) *stepPair {
	for len(d.pool) <= i {
		p := &stepPair{
			title:  &widget.Label{TextStyle: fyne.TextStyle{Bold: true}},
			detail: &widget.Label{Wrapping: fyne.TextWrapWord, Selectable: true},
		}
		// The labels' own padding would leave a blank line between them.
		p.box = container.New(layout.NewCustomPaddedVBoxLayout(-2*theme.InnerPadding()), p.title, p.detail)
		d.pool = append(d.pool, p)
	}
	return d.pool[i]
}

func (p *stepPair) set(title, detail string) fyne.CanvasObject {
	if p.title.Text != title {
		p.title.SetText(title)
	}
	if p.detail.Text != detail {
		p.detail.SetText(detail)
	}
	return p.box
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
	if d.needs != nil {
		if text := d.needs(r.name); text != "" {
			objs = append(objs, &widget.Label{Text: text, Wrapping: fyne.TextWrapWord, Selectable: true})
		}
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
