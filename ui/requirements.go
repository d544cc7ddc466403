package ui

import (
	"fmt"
	"image/color"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/mailoauth/mailoauth-tester/core/engine"
	"github.com/mailoauth/mailoauth-tester/core/preset"
	"github.com/mailoauth/mailoauth-tester/core/report"
)

// requirements shows, after a run with a product preset, one row per
// thing the product needs from the tenant: met, missing or not tested by
// this run. Missing ones come first, then the likely causes, then what
// the run proved, then what it could not test — so the screenshot shows
// what to fix. A row with a step selects that step's details and card.
type requirements struct {
	redact   func(string) string
	onSelect func(step string)
	step     func(name string) *checkRow // a step's row in the checklist, or nil

	p    *preset.Preset
	rows []preset.Row

	heading *widget.Label
	summary *widget.Label
	box     *fyne.Container
	scroll  *container.Scroll
	content *fyne.Container
	pool    []*needRow
}

func newRequirements(redact func(string) string, onSelect func(string), step func(string) *checkRow) *requirements {
	r := &requirements{redact: redact, onSelect: onSelect, step: step}
	r.heading = &widget.Label{TextStyle: fyne.TextStyle{Bold: true}, Wrapping: fyne.TextWrapWord}
	r.summary = &widget.Label{SizeName: theme.SizeNameCaptionText, Wrapping: fyne.TextWrapWord}
	r.box = container.New(layout.NewCustomPaddedVBoxLayout(0))
	r.scroll = container.NewVScroll(r.box)
	top := container.New(layout.NewCustomPaddedVBoxLayout(-theme.InnerPadding()), widget.NewSeparator(), r.heading, r.summary)
	r.content = container.NewBorder(top, nil, nil, nil, r.scroll)
	r.content.Hide()
	return r
}

// clear hides the rows (a new run, or a run without a preset).
func (r *requirements) clear() {
	r.p, r.rows = nil, nil
	r.content.Hide()
}

// show evaluates the preset on a finished run and shows its rows. An
// environment check tests no app: it shows none.
func (r *requirements) show(p *preset.Preset, res *engine.Result) {
	if p == nil || res == nil || res.Mode != "check" {
		r.clear()
		return
	}
	r.p, r.rows = p, report.ByState(preset.Evaluate(*p, res.PresetOutcome()))
	r.refresh()
	r.scroll.ScrollToTop()
	r.content.Show()
}

// counts returns how many rows are missing, likely missing, met and not
// tested.
func (r *requirements) counts() (missing, likely, met, untested int) {
	for _, x := range r.rows {
		switch {
		case x.State == preset.Unmet:
			missing++
		case x.Suspect:
			likely++
		case x.State == preset.Met:
			met++
		default:
			untested++
		}
	}
	return
}

// countText counts the rows in words: "1 missing · 9 in place · 3 not
// tested by this run" (likely ones only when there are).
func (r *requirements) countText() string {
	missing, likely, met, untested := r.counts()
	s := fmt.Sprintf("%d missing", missing)
	if likely > 0 {
		s += fmt.Sprintf(" · %d likely missing", likely)
	}
	return s + fmt.Sprintf(" · %d in place · %d not tested by this run", met, untested)
}

// summaryText is the line under the heading.
func (r *requirements) summaryText() string { return "In your tenant: " + r.countText() }

// refresh redraws the rows (after Hide IDs changes).
func (r *requirements) refresh() {
	if r.p == nil {
		return
	}
	r.heading.SetText(presetHeading(*r.p))
	r.summary.SetText(r.summaryText())
	objs := make([]fyne.CanvasObject, 0, len(r.rows))
	for i, x := range r.rows {
		objs = append(objs, r.row(i).set(x, r.redact(x.Text), r.redact(r.detail(x))))
	}
	r.box.Objects = objs
	r.box.Refresh()
}

// detail is a row's second line: where the run proved or disproved it.
func (r *requirements) detail(x preset.Row) string {
	step, verb := x.Step, "failed"
	if row := r.step(x.Step); row != nil {
		step = row.title
		if row.status == engine.Warn {
			verb = "warned"
		}
	}
	switch {
	case x.State == preset.Unmet:
		return "Missing — " + step + " " + verb + " with " + x.Diagnosis
	case x.Suspect:
		return "Likely missing — " + step + " " + verb + " with " + x.Diagnosis
	case x.State == preset.Met:
		return "In place — proved by " + step
	}
	return "Not tested — " + x.Detail
}

// lines are the rows as text, for tests and the clipboard.
func (r *requirements) lines() []string {
	var out []string
	for _, x := range r.rows {
		out = append(out, x.State.Mark()+" "+r.redact(x.Text)+" — "+r.redact(r.detail(x)))
	}
	return out
}

// row returns the i-th row of the pool.
func (r *requirements) row(i int) *needRow {
	for len(r.pool) <= i {
		r.pool = append(r.pool, newNeedRow(r.tapped))
	}
	return r.pool[i]
}

func (r *requirements) tapped(x preset.Row) {
	if x.Step != "" && r.onSelect != nil {
		r.onSelect(x.Step)
	}
}

// forStep returns the rows a step proved or disproved, as text.
func (r *requirements) forStep(step string) []preset.Row {
	var out []preset.Row
	for _, x := range r.rows {
		if x.Step == step {
			out = append(out, x)
		}
	}
	return out
}

// needRow is one requirement: a state icon, the requirement and where the
// run proved or disproved it. Tapping it selects its step.
type needRow struct {
	widget.BaseWidget
	row    preset.Row
	onTap  func(preset.Row)
	icon   *widget.Icon
	text   *widget.Label
	detail *widget.Label
	hover  *canvas.Rectangle
}

func newNeedRow(onTap func(preset.Row)) *needRow {
	n := &needRow{onTap: onTap,
		icon:   widget.NewIcon(nil),
		text:   &widget.Label{Wrapping: fyne.TextWrapWord},
		detail: &widget.Label{Wrapping: fyne.TextWrapWord, SizeName: theme.SizeNameCaptionText},
		hover:  canvas.NewRectangle(color.Transparent),
	}
	n.hover.CornerRadius = theme.InputRadiusSize()
	n.ExtendBaseWidget(n)
	return n
}

func (n *needRow) set(x preset.Row, text, detail string) fyne.CanvasObject {
	n.row = x
	n.icon.SetResource(rowIcon(x))
	if n.text.Text != text {
		n.text.SetText(text)
	}
	imp := widget.LowImportance
	switch {
	case x.State == preset.Unmet:
		imp = widget.DangerImportance
	case x.Suspect:
		imp = widget.WarningImportance
	case x.State == preset.Met:
		imp = widget.MediumImportance
	}
	if n.detail.Text != detail || n.detail.Importance != imp {
		n.detail.Text, n.detail.Importance = detail, imp
		n.detail.Refresh()
	}
	return n
}

// rowIcon is ✓ met, ✗ missing, ! likely missing, – not tested.
func rowIcon(x preset.Row) fyne.Resource {
	switch {
	case x.State == preset.Unmet:
		return theme.NewErrorThemedResource(theme.CancelIcon())
	case x.Suspect:
		return theme.NewWarningThemedResource(theme.WarningIcon())
	case x.State == preset.Met:
		return theme.NewSuccessThemedResource(theme.ConfirmIcon())
	}
	return theme.NewDisabledResource(theme.ContentRemoveIcon())
}

// Tapped selects the row's step.
func (n *needRow) Tapped(*fyne.PointEvent) { n.onTap(n.row) }

// Cursor is the pointer over a row that leads to a step.
func (n *needRow) Cursor() desktop.Cursor {
	if n.row.Step != "" {
		return desktop.PointerCursor
	}
	return desktop.DefaultCursor
}

// MouseIn highlights a row that leads to a step.
func (n *needRow) MouseIn(*desktop.MouseEvent) {
	if n.row.Step != "" {
		n.hover.FillColor = theme.Color(theme.ColorNameHover)
		n.hover.Refresh()
	}
}

// MouseMoved does nothing.
func (n *needRow) MouseMoved(*desktop.MouseEvent) {}

// MouseOut removes the highlight.
func (n *needRow) MouseOut() {
	n.hover.FillColor = color.Transparent
	n.hover.Refresh()
}

// CreateRenderer lays the icon beside the two lines; the labels' own
// padding would leave a blank line between them.
func (n *needRow) CreateRenderer() fyne.WidgetRenderer {
	lines := container.New(layout.NewCustomPaddedVBoxLayout(-2*theme.InnerPadding()), n.text, n.detail)
	icon := container.NewVBox(container.New(layout.NewCustomPaddedLayout(theme.InnerPadding()/2, 0, 0, 0), n.icon))
	return widget.NewSimpleRenderer(container.NewStack(n.hover, container.NewBorder(nil, nil, icon, nil, lines)))
}

// stepRequirementText is what a step's details say about the preset's
// requirements it proved or disproved.
func stepRequirementText(p *preset.Preset, rows []preset.Row, redact func(string) string) string {
	if p == nil || len(rows) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString(presetHeading(*p) + ":")
	for _, x := range rows {
		word := "in place"
		switch {
		case x.State == preset.Unmet:
			word = "missing"
		case x.Suspect:
			word = "likely missing"
		case x.State != preset.Met:
			word = "not tested"
		}
		b.WriteString("\n• " + redact(x.Text) + " — " + word)
	}
	return b.String()
}
