package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
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

	icon    *widget.Icon
	label   *widget.Label
	info    *widget.Label
	time    *widget.Label
	wrapper *fyne.Container
}

// wrapStep is the step whose detail wraps instead of being cut off: the
// refresh finding ("no refresh token was issued … offline_access …") is
// a sentence whose end matters. The others are one line; the log has them
// in full.
const wrapStep = "refresh"

// checklist shows each planned step going from waiting to running to
// passed, failed or warned, with its duration.
type checklist struct {
	redact  func(string) string
	rows    []*checkRow
	byName  map[string]*checkRow
	empty   *widget.Label
	box     *fyne.Container
	content fyne.CanvasObject
}

func newChecklist(redact func(string) string) *checklist {
	c := &checklist{redact: redact, byName: map[string]*checkRow{}}
	c.empty = &widget.Label{Text: "Press Test now (Ctrl+Enter) to run the checks. With every field empty it checks this computer's connection to Microsoft 365.", Wrapping: fyne.TextWrapWord, Importance: widget.LowImportance}
	c.box = container.New(layout.NewCustomPaddedVBoxLayout(0), c.empty)
	c.content = c.box
	return c
}

// setPlan replaces the rows with the run's steps, all waiting.
func (c *checklist) setPlan(steps []engine.StepInfo) {
	c.rows, c.byName = nil, map[string]*checkRow{}
	var objs []fyne.CanvasObject
	for _, s := range steps {
		r := &checkRow{name: s.Name, title: s.Title, status: engine.Waiting}
		r.icon = widget.NewIcon(nil)
		r.label = &widget.Label{Text: s.Title, TextStyle: fyne.TextStyle{Bold: true}}
		r.info = &widget.Label{Truncation: fyne.TextTruncateEllipsis}
		if s.Name == wrapStep {
			r.info.Truncation, r.info.Wrapping = fyne.TextTruncateOff, fyne.TextWrapWord
		}
		r.time = &widget.Label{Alignment: fyne.TextAlignTrailing, TextStyle: fyne.TextStyle{Monospace: true}}
		// A fixed-width title column keeps the details aligned.
		title := container.NewGridWrap(fyne.NewSize(150, r.label.MinSize().Height), r.label)
		var left, right fyne.CanvasObject = container.NewHBox(r.icon, title), r.time
		if s.Name == wrapStep {
			// Icon, title and time stay on the first line of a wrapped detail.
			left, right = container.NewVBox(left), container.NewVBox(right)
		}
		r.wrapper = container.NewBorder(nil, nil, left, right, r.info)
		c.rows = append(c.rows, r)
		c.byName[s.Name] = r
		objs = append(objs, r.wrapper)
		c.paint(r)
	}
	if len(objs) == 0 {
		objs = []fyne.CanvasObject{c.empty}
	}
	c.box.Objects = objs
	c.box.Refresh()
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
	c.paint(r)
}

// finish marks every step that never ended with its final state.
func (c *checklist) finish(res *engine.Result) {
	for _, s := range res.Steps {
		if r := c.byName[s.Name]; r != nil && r.status != s.Status {
			c.update(s.Name, s.Status, "", s.Detail)
		}
	}
}

// refresh repaints every row (after Hide IDs changes).
func (c *checklist) refresh() {
	for _, r := range c.rows {
		c.paint(r)
	}
}

func (c *checklist) paint(r *checkRow) {
	r.icon.SetResource(statusIcon(r.status))
	r.info.Text = c.redact(r.detail)
	r.info.Importance = statusImportance(r.status)
	if r.status == engine.Waiting {
		r.info.Text = "waiting"
	}
	r.info.Refresh()
	r.time.SetText(r.dur)
}

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
