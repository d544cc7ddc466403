package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/mailoauth/mailoauth-tester/core/engine"
	"github.com/mailoauth/mailoauth-tester/core/report"
)

// checkRow is one planned step in the checklist.
type checkRow struct {
	name, title string
	status      engine.Status
	dur         string
	detail      string
}

// checklist shows each planned step going from waiting to running to
// passed, failed or warned, with its duration and the first line of its
// detail. Selecting a row shows that step's details and card; the full
// detail is there, selectable.
type checklist struct {
	redact   func(string) string
	onSelect func(step string) // "" when the selection is cleared

	rows     []*checkRow
	byName   map[string]*checkRow
	selected string
	dirty    bool // rows changed since the last commit
	narrow   bool // the rows leave out the detail

	rowHeight float32 // of one row, measured once

	list     *widget.List
	empty    *widget.Label
	emptyBox fyne.CanvasObject
	content  *fyne.Container
}

func newChecklist(redact func(string) string, onSelect func(string)) *checklist {
	c := &checklist{redact: redact, onSelect: onSelect, byName: map[string]*checkRow{}}
	c.empty = &widget.Label{Text: "Press Test now (Ctrl+Enter) to run the checks. With every field empty it checks this computer's connection to Microsoft 365.", Wrapping: fyne.TextWrapWord}
	c.list = widget.NewList(
		func() int { return len(c.rows) },
		func() fyne.CanvasObject {
			icon := widget.NewIcon(theme.RadioButtonIcon())
			title := &widget.Label{Text: "Step", TextStyle: fyne.TextStyle{Bold: true}, Truncation: fyne.TextTruncateEllipsis}
			dur := &widget.Label{Text: "000 ms", TextStyle: fyne.TextStyle{Monospace: true}}
			detail := &widget.Label{Text: "detail", Truncation: fyne.TextTruncateEllipsis}
			left := container.NewHBox(icon, container.New(fixedWidth(titleWidth), title))
			return container.NewBorder(nil, nil, left, dur, detail)
		},
		func(id widget.ListItemID, o fyne.CanvasObject) {
			if id >= len(c.rows) {
				return
			}
			c.draw(c.rows[id], o.(*fyne.Container))
		},
	)
	c.list.OnSelected = func(id widget.ListItemID) {
		if id < len(c.rows) {
			c.selected = c.rows[id].name
			c.onSelect(c.selected)
		}
	}
	c.list.OnUnselected = func(widget.ListItemID) {}
	c.emptyBox = container.NewPadded(c.empty)
	c.content = container.NewStack(c.emptyBox)
	return c
}

// titleWidth is the checklist's title column: the longest step title
// ("Graph token", "Sign-in") fits.
const titleWidth = 128

// narrowList is the checklist width below which rows leave out the detail.
const narrowList = 330

// draw fills a row template.
func (c *checklist) draw(r *checkRow, row *fyne.Container) {
	// Border puts the centre object first: detail, then left and right.
	detail, left, dur := row.Objects[0].(*widget.Label), row.Objects[1].(*fyne.Container), row.Objects[2].(*widget.Label)
	icon := left.Objects[0].(*widget.Icon)
	title := left.Objects[1].(*fyne.Container).Objects[0].(*widget.Label)
	icon.SetResource(statusIcon(r.status))
	title.SetText(r.title)
	dur.SetText(r.dur)
	detail.Text, detail.Importance = c.detailText(r), statusImportance(r.status)
	// A narrow checklist shows the titles only; the details pane beside
	// it has the details.
	detail.Hidden = c.narrow
	detail.Refresh()
	// Lay the row out for its new texts here: only the desktop canvas does
	// it by itself, the software painter of the screenshot does not.
	row.Refresh()
}

// fixedWidth lays its object out at a fixed width.
type fixedWidth float32

func (w fixedWidth) MinSize(objs []fyne.CanvasObject) fyne.Size {
	return fyne.NewSize(float32(w), objs[0].MinSize().Height)
}

func (w fixedWidth) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	objs[0].Move(fyne.NewPos(0, 0))
	objs[0].Resize(size)
}

// detailText is a row's detail line as shown.
func (c *checklist) detailText(r *checkRow) string {
	switch {
	case r.status == engine.Waiting:
		return "waiting"
	case r.status == engine.Running && r.detail == "":
		return "running…"
	}
	return strings.Join(strings.Fields(c.redact(r.detail)), " ") // one line; the details pane has it all
}

// contentHeight is the height the rows take without scrolling.
func (c *checklist) contentHeight() float32 {
	if len(c.rows) == 0 {
		return c.emptyBox.MinSize().Height
	}
	if c.rowHeight == 0 {
		c.rowHeight = c.list.CreateItem().MinSize().Height
	}
	gap := theme.Padding() // the list's gap between rows (a separator is drawn in it)
	return (c.rowHeight+gap)*float32(len(c.rows)) - gap
}

// setPlan replaces the rows with the run's steps, all waiting.
func (c *checklist) setPlan(steps []engine.StepInfo) {
	c.rows, c.byName, c.selected = nil, map[string]*checkRow{}, ""
	for _, s := range steps {
		r := &checkRow{name: s.Name, title: s.Title, status: engine.Waiting}
		c.rows = append(c.rows, r)
		c.byName[s.Name] = r
	}
	c.list.UnselectAll()
	show := fyne.CanvasObject(c.list)
	if len(c.rows) == 0 {
		show = c.emptyBox
	}
	if c.content.Objects[0] != show {
		c.content.Objects = []fyne.CanvasObject{show}
		c.content.Refresh()
	}
	c.list.Refresh()
}

// update sets a step's state.
func (c *checklist) update(step string, st engine.Status, dur string, detail string) {
	r := c.byName[step]
	if r == nil {
		return
	}
	r.status, r.detail = st, detail
	if dur != "" {
		r.dur = dur
	}
	c.dirty = true
}

// commit redraws the rows once if any changed since the last call.
func (c *checklist) commit() {
	if c.dirty {
		c.dirty = false
		c.list.Refresh()
	}
}

// fitWidth tells the checklist its width: narrow, it shows titles only.
func (c *checklist) fitWidth(w float32) {
	if narrow := w < narrowList; narrow != c.narrow {
		c.narrow = narrow
		c.list.Refresh()
	}
}

// finish marks every step that never ended with its final state.
func (c *checklist) finish(res *engine.Result) {
	for _, s := range res.Steps {
		if r := c.byName[s.Name]; r != nil && r.status != s.Status {
			c.update(s.Name, s.Status, "", s.Detail)
		}
	}
	c.commit()
}

// selectStep selects a row ("" clears the selection) without reporting
// it back.
func (c *checklist) selectStep(step string) {
	on := c.onSelect
	c.onSelect = func(string) {}
	defer func() { c.onSelect = on }()
	c.selected = step
	if step == "" {
		c.list.UnselectAll()
		return
	}
	for i, r := range c.rows {
		if r.name == step {
			c.list.Select(i)
			return
		}
	}
}

// refresh repaints every row (after Hide IDs changes).
func (c *checklist) refresh() { c.list.Refresh() }

// statusIcon is the theme icon of a status: ✓ success, ✗ error, ! warning.
func statusIcon(st engine.Status) fyne.Resource {
	switch st {
	case engine.OK:
		return theme.NewSuccessThemedResource(theme.ConfirmIcon())
	case engine.Fail:
		return theme.NewErrorThemedResource(theme.CancelIcon())
	case engine.Warn:
		return theme.NewWarningThemedResource(theme.WarningIcon())
	case engine.Running:
		return theme.NewPrimaryThemedResource(theme.MediaPlayIcon())
	case engine.Skipped:
		return theme.NewDisabledResource(theme.ContentRemoveIcon())
	}
	return theme.NewDisabledResource(theme.RadioButtonIcon())
}

func statusImportance(st engine.Status) widget.Importance {
	switch st {
	case engine.Fail:
		return widget.DangerImportance
	case engine.Warn:
		return widget.WarningImportance
	case engine.Waiting, engine.Skipped:
		return widget.LowImportance
	}
	return widget.MediumImportance
}

// stepDuration formats a finished step's duration like the reports do.
func stepDuration(e engine.Event) string {
	if e.Status == engine.Skipped {
		return ""
	}
	return report.Duration(e.Duration)
}
