package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// The window's smallest size: half of a 1366 px screen, so it can be
// snapped beside the portal. The content's minimum never depends on what
// it shows, so the window never changes its own size.
const (
	minWidth  = 640
	minHeight = 440
	// wideWidth is the width from which the form and the results sit side
	// by side; below it they are tabs.
	wideWidth = 900
)

// windowLayout arranges the window's panes side by side (wide) or as tabs
// (narrow). Each pane lives in exactly one slot at a time; switching
// moves the panes between the slots of the two arrangements.
type windowLayout struct {
	u    *UI
	root *fyne.Container
	wide bool

	// Panes, shared by both arrangements.
	formPane, topPane, resultPane, logPane, statusPane fyne.CanvasObject

	// Slots of the wide arrangement, then of the narrow one.
	wideTree, narrowTree                              fyne.CanvasObject
	wForm, wTop, wResult, wLog, wStatus               *fyne.Container
	nForm, nTop, nResult, nLog, nStatus               *fyne.Container
	wideTabs, narrowTabs                              *container.AppTabs
	wideResultTab, narrowSettingsTab, narrowResultTab *container.TabItem
	split                                             *container.Split
	wRight, nResult2                                  *fyne.Container // the Borders around the top pane
	steps                                             *fyne.Container // the checklist and the requirement rows
}

func newWindowLayout(u *UI) *windowLayout {
	l := &windowLayout{u: u, wide: true}
	l.buildPanes()
	slot := func() *fyne.Container { return container.NewStack() }
	l.wForm, l.wTop, l.wResult, l.wLog, l.wStatus = slot(), slot(), slot(), slot(), slot()
	l.nForm, l.nTop, l.nResult, l.nLog, l.nStatus = slot(), slot(), slot(), slot(), slot()

	l.wideResultTab = container.NewTabItem("Result", l.wResult)
	l.wideTabs = container.NewAppTabs(l.wideResultTab, container.NewTabItem("Log", l.wLog))
	l.wRight = container.NewBorder(l.wTop, l.wStatus, nil, nil, l.wideTabs)
	l.split = container.NewHSplit(l.wForm, container.NewPadded(l.wRight))
	l.split.Offset = 0.34
	l.wideTree = l.split

	l.narrowSettingsTab = container.NewTabItem("Settings", l.nForm)
	l.nResult2 = container.NewBorder(l.nTop, l.nStatus, nil, nil, l.nResult)
	l.narrowResultTab = container.NewTabItem("Result", l.nResult2)
	l.narrowTabs = container.NewAppTabs(l.narrowSettingsTab, l.narrowResultTab, container.NewTabItem("Log", l.nLog))
	l.narrowTree = l.narrowTabs

	l.root = container.New(l, l.wideTree, l.narrowTree)
	l.arrange(true)
	return l
}

// buildPanes puts the widgets together into the panes.
func (l *windowLayout) buildPanes() {
	u := l.u
	run := container.NewVBox(
		widget.NewSeparator(),
		u.fixButton,
		u.badge,
		u.runButton,
		u.shortcutTip,
	)
	l.formPane = container.NewBorder(nil, container.NewPadded(run), nil, nil, u.form.content)

	toolbar := container.NewBorder(nil, nil,
		container.NewHBox(u.copyButton, u.saveButton, u.shotButton, u.copyShot), u.hideIDs)
	l.topPane = container.NewVBox(toolbar, u.banner, u.prompts.content)

	l.steps = container.New(&stepsLayout{checks: u.checks, needs: u.needs}, u.checks.content, u.needs.content)
	l.resultPane = container.New(&resultLayout{checks: u.checks}, l.steps, widget.NewSeparator(), u.details.content)
	l.logPane = u.log.content
	l.statusPane = container.NewBorder(nil, nil, nil, u.statusOpen, u.status)
}

// arrange moves the panes into the slots of one arrangement.
func (l *windowLayout) arrange(wide bool) {
	l.wide = wide
	put := func(on, off *fyne.Container, pane fyne.CanvasObject) {
		off.Objects = nil
		on.Objects = []fyne.CanvasObject{pane}
		off.Refresh()
		on.Refresh()
	}
	if wide {
		put(l.wForm, l.nForm, l.formPane)
		put(l.wTop, l.nTop, l.topPane)
		put(l.wResult, l.nResult, l.resultPane)
		put(l.wLog, l.nLog, l.logPane)
		put(l.wStatus, l.nStatus, l.statusPane)
		l.narrowTree.Hide()
		l.wideTree.Show()
	} else {
		put(l.nForm, l.wForm, l.formPane)
		put(l.nTop, l.wTop, l.topPane)
		put(l.nResult, l.wResult, l.resultPane)
		put(l.nLog, l.wLog, l.logPane)
		put(l.nStatus, l.wStatus, l.statusPane)
		l.wideTree.Hide()
		l.narrowTree.Show()
	}
}

// relayout lays the results out again after the banner, the prompts or
// the status line changed height. A wrapped label knows its height only
// once it was laid out at its width, so a second pass follows when the
// first changed it.
func (l *windowLayout) relayout() {
	border := l.wRight
	if !l.wide {
		border = l.nResult2
	}
	for range 2 {
		before := l.topPane.MinSize()
		// Lay out the border only: its parts re-lay themselves out when
		// their size changes, and nothing else is redrawn.
		border.Layout.Layout(border.Objects, border.Size())
		if l.topPane.MinSize() == before {
			return
		}
	}
}

// relayoutSteps lays the checklist and the requirement rows out again
// after the rows were shown or hidden.
func (l *windowLayout) relayoutSteps() {
	l.steps.Layout.Layout(l.steps.Objects, l.steps.Size())
}

// showResults brings the results into view (narrow: the Result tab).
func (l *windowLayout) showResults() {
	if l.wide {
		l.wideTabs.Select(l.wideResultTab)
	} else {
		l.narrowTabs.Select(l.narrowResultTab)
	}
}

// showForm brings the form into view (narrow: the Settings tab).
func (l *windowLayout) showForm() {
	if !l.wide {
		l.narrowTabs.Select(l.narrowSettingsTab)
	}
}

// MinSize is constant: the window never grows because of what it shows.
func (l *windowLayout) MinSize([]fyne.CanvasObject) fyne.Size {
	return fyne.NewSize(minWidth, minHeight)
}

// Layout picks the arrangement for the width and lays it out.
func (l *windowLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	if wide := size.Width >= wideWidth; wide != l.wide {
		l.arrange(wide)
	}
	for _, o := range objs {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
}

// resultLayout puts the checklist beside the step details when there is
// room, else above them. Objects: checklist, separator, details.
type resultLayout struct{ checks *checklist }

// sideBySide is the width from which the checklist and the details sit
// side by side; the checklist then takes up to 42 %, at least
// listMin, and leaves the details detailsMin.
const (
	sideBySide = 560
	listMin    = 230
	detailsMin = 440
)

func (*resultLayout) MinSize([]fyne.CanvasObject) fyne.Size { return fyne.NewSize(200, 200) }

func (rl *resultLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	list, sep, det := objs[0], objs[1], objs[2]
	const gap = 8
	if size.Width >= sideBySide {
		w := float32(int(max(listMin, min(size.Width*0.42, size.Width-detailsMin))))
		list.Move(fyne.NewPos(0, 0))
		list.Resize(fyne.NewSize(w, size.Height))
		rl.checks.fitWidth(w)
		sep.Move(fyne.NewPos(w+gap/2, 0))
		sep.Resize(fyne.NewSize(1, size.Height))
		det.Move(fyne.NewPos(w+gap, 0))
		det.Resize(fyne.NewSize(size.Width-w-gap, size.Height))
		return
	}
	h := float32(int(size.Height * 0.45))
	rl.checks.fitWidth(size.Width)
	list.Move(fyne.NewPos(0, 0))
	list.Resize(fyne.NewSize(size.Width, h))
	sep.Move(fyne.NewPos(0, h+gap/2))
	sep.Resize(fyne.NewSize(size.Width, 1))
	det.Move(fyne.NewPos(0, h+gap))
	det.Resize(fyne.NewSize(size.Width, size.Height-h-gap))
}

// stepsLayout stacks the checklist and, after a run with a product
// preset, its requirement rows below it. The checklist keeps the height of
// its rows while the requirements get at least needsShare of the column;
// both scroll on their own. Objects: checklist, requirements.
type stepsLayout struct {
	checks *checklist
	needs  *requirements
}

// needsShare is the part of the column the requirement rows get at least:
// enough for the heading and the first (missing) rows.
const needsShare = 0.4

func (*stepsLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	return fyne.NewSize(objs[0].MinSize().Width, 100)
}

func (sl *stepsLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	list, needs := objs[0], objs[1]
	list.Move(fyne.NewPos(0, 0))
	if !needs.Visible() {
		list.Resize(size)
		return
	}
	h := min(sl.checks.contentHeight(), size.Height*(1-needsShare))
	h = float32(int(h))
	list.Resize(fyne.NewSize(size.Width, h))
	needs.Move(fyne.NewPos(0, h))
	needs.Resize(fyne.NewSize(size.Width, size.Height-h))
}
