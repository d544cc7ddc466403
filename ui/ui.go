// Package ui is the desktop window of Mail OAuth Tester: a form that
// collects a profile, a checklist, a verdict banner, a live log with a
// diagnosis card per failure, and the sharing actions. It holds no OAuth or
// protocol logic: it hands a profile.Profile to the engine and draws the
// events that come back. It builds and tests without cgo (fyne's test
// driver); only cmd/mailoauth-tester imports fyne.io/fyne/v2/app.
package ui

import (
	"context"
	"net/url"
	"sync/atomic"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/mailoauth/mailoauth-tester/core/engine"
	"github.com/mailoauth/mailoauth-tester/core/report"
	"github.com/mailoauth/mailoauth-tester/core/secret"
	"github.com/mailoauth/mailoauth-tester/core/simulate"
)

// AppTitle is the window title; after a run the verdict follows it, as in
// "Mail OAuth Tester — All 5 checks passed in 1.2 s".
const AppTitle = "Mail OAuth Tester"

// Options are the window's dependencies. The zero value uses the real
// engine and the app's URL opener.
type Options struct {
	// Prepare validates a profile and returns a runnable job; nil means
	// Engine(engine.Options{}).
	Prepare PrepareFunc
	// OpenURL opens a link, and the sign-in pages of the delegated flows,
	// in the system browser; nil means the app's OpenURL.
	OpenURL func(*url.URL) error
	// Engine are the real engine's options when Prepare is nil. Its
	// OpenURL and Paste are the window's unless set.
	Engine engine.Options
}

// UI is the main window's content and behaviour.
type UI struct {
	app  fyne.App
	win  fyne.Window
	opts Options

	form    *form
	checks  *checklist
	banner  *banner
	log     *logView
	diags   *diagnoses
	stream  *stream
	prompts *prompts

	runButton   *widget.Button
	copyButton  *widget.Button
	saveButton  *widget.Button
	hideIDs     *widget.Check
	status      *widget.Label
	results     *fyne.Container
	right       *fyne.Container // the result column; re-laid out when wrapped details grow
	rightTop    *fyne.Container // its top: toolbar, banner, prompts, checklist
	resultSplit *container.Split

	// Run state; touched only on the Fyne goroutine.
	running bool
	cancel  context.CancelFunc
	scrub   *secret.Scrubber
	ids     []string
	result  *engine.Result

	// demoRun is set during a demo run: its sign-in pages open in the
	// simulated browser, its device codes are approved by themselves.
	// The engine's goroutines read it, hence atomic.
	demoRun atomic.Pointer[demoRun]

	sim      *simulate.Tenant
	simTitle string

	// hooks for tests; called on the Fyne goroutine, last thing in the
	// update they report.
	onDelivered func()             // after each batch of events is drawn
	onFinished  func()             // after a run ended and the window shows it
	onDemo      func(err error)    // after a demo tenant started (or failed to)
	onPrompt    func()             // after the sign-in prompts were shown or hidden
	capture     func() fyne.Canvas // the canvas to capture for screenshots
}

// New builds the window's content into win, restores the preferences and
// registers the Ctrl+Enter (Cmd+Enter) shortcut.
func New(a fyne.App, win fyne.Window, opts Options) *UI {
	if opts.OpenURL == nil {
		opts.OpenURL = a.OpenURL
	}
	u := &UI{app: a, win: win, opts: opts}
	if opts.Prepare == nil {
		eo := opts.Engine
		if eo.OpenURL == nil {
			eo.OpenURL = u.openSignIn
		}
		if eo.Paste == nil {
			eo.Paste = u.paste
		}
		u.opts.Prepare = Engine(eo)
	}
	u.buildUI()
	u.loadPrefs()
	win.SetContent(u.content())
	win.SetMainMenu(u.mainMenu())
	win.Canvas().AddShortcut(testNowShortcut, func(fyne.Shortcut) { u.onTestNow() })
	return u
}

// testNowShortcut is Ctrl+Enter, or Cmd+Enter on macOS.
var testNowShortcut = &desktop.CustomShortcut{KeyName: fyne.KeyReturn, Modifier: fyne.KeyModifierShortcutDefault}

func (u *UI) buildUI() {
	u.form = newForm(u.win)
	u.form.onChange = u.onFormChanged
	u.checks = newChecklist(u.redact)
	u.banner = newBanner()
	u.log = newLogView(u.redact)
	u.diags = newDiagnoses(u.redact, func(l *url.URL) error { return u.opts.OpenURL(l) }, u.copyText)
	u.stream = newStream(u.deliver)
	u.prompts = newPrompts(u.openPromptURL, u.copyCode, tickerEvery(u.stream.do))
	u.prompts.onChange = func() {
		if u.onPrompt != nil {
			u.onPrompt()
		}
	}

	u.runButton = &widget.Button{Text: "Test now", Icon: theme.MediaPlayIcon(), Importance: widget.HighImportance, OnTapped: u.onRunButton}
	u.copyButton = &widget.Button{Text: "Copy report", Icon: theme.ContentCopyIcon(), OnTapped: u.onCopyReport}
	u.saveButton = &widget.Button{Text: "Save report…", Icon: theme.DocumentSaveIcon(), OnTapped: u.onSaveReport}
	u.copyButton.Disable()
	u.saveButton.Disable()
	u.hideIDs = widget.NewCheck("Hide IDs", u.onHideIDs)
	u.status = &widget.Label{Importance: widget.LowImportance, Truncation: fyne.TextTruncateEllipsis}
}

func (u *UI) content() fyne.CanvasObject {
	shortcut := &widget.Label{Text: "Ctrl+Enter", Importance: widget.LowImportance, SizeName: theme.SizeNameCaptionText, Alignment: fyne.TextAlignCenter}
	left := container.NewBorder(nil, container.NewVBox(widget.NewSeparator(), u.runButton, shortcut), nil, nil,
		container.NewVScroll(container.NewPadded(u.form.content)))

	shot := &widget.Button{Text: "Save screenshot…", Icon: theme.FileImageIcon(), OnTapped: u.onSaveScreenshot}
	toolbar := container.NewBorder(nil, nil, container.NewHBox(u.copyButton, u.saveButton, shot), u.hideIDs, u.status)
	checks := widget.NewCard("", "", u.checks.content)
	logTitle := &widget.Label{Text: "Log", TextStyle: fyne.TextStyle{Bold: true}}
	logBox := container.NewBorder(logTitle, nil, nil, nil, u.log.content)
	u.resultSplit = container.NewVSplit(u.diags.content, logBox)
	u.resultSplit.Offset = 0.72
	u.results = container.NewStack(logBox)
	u.rightTop = container.NewVBox(toolbar, u.banner, u.prompts.content, checks)
	right := container.NewBorder(u.rightTop, nil, nil, nil, u.results)
	u.right = right

	split := container.NewHSplit(left, container.NewPadded(right))
	split.Offset = 0.36
	return split
}

// showDiagnoses switches the result area between the log alone and the
// diagnosis cards above the log.
func (u *UI) showDiagnoses(on bool) {
	if on {
		u.results.Objects = []fyne.CanvasObject{u.resultSplit}
	} else {
		u.results.Objects = []fyne.CanvasObject{u.resultSplit.Trailing}
	}
	u.results.Refresh()
}

// redact is the one redaction every shown text passes through: the run's
// secrets always, the IDs when Hide IDs is on.
func (u *UI) redact(s string) string {
	return report.Redact(s, u.reportOptions())
}

func (u *UI) reportOptions() report.Options {
	ids := append(append([]string(nil), u.ids...), u.form.ids()...)
	return report.Options{Scrubber: u.scrub, HideIDs: u.hideIDs.Checked, IDs: ids, Transcripts: true}
}

func (u *UI) onHideIDs(on bool) {
	u.form.setHidden(on)
	u.checks.refresh()
	u.log.refresh()
	u.diags.rebuild()
	if u.result != nil {
		u.showResult(u.result)
	}
	u.savePrefs()
}

func (u *UI) onFormChanged() {
	if !u.running && u.result == nil && u.sim == nil {
		u.banner.set(bannerNone, "")
	}
}

// openSignIn is engine.Options.OpenURL: it opens a sign-in page in the
// browser, or in a demo in the simulated browser. It runs on the engine's
// goroutine and touches no widget.
func (u *UI) openSignIn(s string) error {
	if run := u.demoRun.Load(); run != nil {
		go u.demoBrowse(run, s)
		return nil
	}
	l, err := url.Parse(s)
	if err != nil {
		return err
	}
	return u.opts.OpenURL(l)
}

// openPromptURL opens a prompt's URL again ("Open again", "Open
// browser"); it runs on the Fyne goroutine.
func (u *UI) openPromptURL(s string) {
	if s == "" {
		return
	}
	if err := u.openSignIn(s); err != nil {
		u.status.SetText("Cannot open the browser: " + u.redact(err.Error()))
	}
}

// copyCode puts a device code on the clipboard.
func (u *UI) copyCode(code string) {
	u.app.Clipboard().SetContent(code)
	u.status.SetText("Code copied to the clipboard")
}

// copyText puts text on the clipboard, redacted.
func (u *UI) copyText(text string) {
	u.app.Clipboard().SetContent(u.redact(text))
	u.status.SetText("Copied to the clipboard")
}

// Close cancels a run and stops the simulated tenant. main calls it when
// the window closes.
func (u *UI) Close() {
	if u.cancel != nil {
		u.cancel()
	}
	u.savePrefs()
	u.stopDemo()
}
