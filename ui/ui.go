// Package ui is the desktop window of Mail OAuth Tester: a form that
// collects a profile, a checklist, a verdict banner, one diagnosis card per
// cause, a log, and the sharing actions. It holds no OAuth or protocol
// logic: it hands a profile.Profile to the engine and draws the events that
// come back. It builds and tests without cgo (fyne's test driver); only
// cmd/mailoauth-tester imports fyne.io/fyne/v2/app.
package ui

import (
	"context"
	"net/url"
	"strconv"
	"sync/atomic"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/mailoauth/mailoauth-tester/core/engine"
	"github.com/mailoauth/mailoauth-tester/core/keyring"
	"github.com/mailoauth/mailoauth-tester/core/preset"
	"github.com/mailoauth/mailoauth-tester/core/profile"
	"github.com/mailoauth/mailoauth-tester/core/report"
	"github.com/mailoauth/mailoauth-tester/core/secret"
	"github.com/mailoauth/mailoauth-tester/core/store"
)

// AppTitle is the window title; after a run the verdict follows it, as in
// "Mail OAuth Tester — All 5 checks passed in 1.2 s".
const AppTitle = "Mail OAuth Tester"

// Options are the window's dependencies. The zero value uses the real
// engine and the app's URL opener, and has no demo.
type Options struct {
	// Prepare validates a profile and returns a runnable job; nil means
	// Engine(engine.Options{}) (with a demo's options during a demo).
	Prepare PrepareFunc
	// OpenURL opens a link, and the sign-in pages of the delegated flows,
	// in the system browser; nil means the app's OpenURL.
	OpenURL func(*url.URL) error
	// Engine are the real engine's options when Prepare is nil. Its
	// OpenURL and Paste are the window's unless set.
	Engine engine.Options
	// Demos are the scenarios the Demo menu lists, and StartDemo starts
	// one (cmd/mailoauth-tester uses package core/demo). Without
	// StartDemo the window has no Demo menu.
	Demos     []DemoScenario
	StartDemo func(name string) (Demo, error)
	// OnRunEnd, when set, is called on the Fyne goroutine after a run
	// ended and the window shows its result (scripts take screenshots).
	OnRunEnd func()
	// CrashLogs are crash logs of earlier starts not shown yet; the window
	// offers to open the newest once and then calls CrashLogsSeen.
	CrashLogs     []CrashLog
	CrashLogsSeen func()
	// Profiles is the folder of saved profiles the profile picker reads
	// and writes, shared with the CLI (store.Open(store.DefaultDir()));
	// nil: no picker.
	Profiles *store.Store
	// Keyring keeps the secrets of the profiles that opted in
	// (keyring.System()); nil: no "Remember secret".
	Keyring *keyring.Keyring
	// Preset is the product preset "Set up for…" starts with (a
	// core/preset ID), applied to the form as a user's choice would be;
	// "" keeps the last session's.
	Preset string

	// async, in tests, is called after each background task came back
	// (set before New starts the first one).
	async func()
}

// DemoScenario is one entry of the Demo menu.
type DemoScenario struct {
	Name, Title string
	Flow        profile.Flow // the flow it is shown with
}

// Demo is a running simulated tenant the window tests against.
type Demo interface {
	// Profile is what a user would type; it holds the demo's secrets.
	Profile() profile.Profile
	// Engine are the engine options that reach the simulated tenant.
	Engine() engine.Options
	// Browse plays the person at the browser for a sign-in page and
	// returns what they would paste back, or "".
	Browse(ctx context.Context, authorizeURL string) string
	// ApproveDevice plays the person who enters a device code.
	ApproveDevice(code, user string) error
	Close() error
}

// UI is the main window's content and behaviour.
type UI struct {
	app  fyne.App
	win  fyne.Window
	opts Options

	form     *form
	profiles *profiles
	presets  *presetPicker
	needs    *requirements // the preset's requirement rows after a run
	checks   *checklist
	details  *details
	banner   *banner
	log      *logView
	stream   *stream
	prompts  *prompts
	layout   *windowLayout

	runButton    *widget.Button
	scriptButton *widget.Button // "Fix script…" beside the verdict
	copyButton   *widget.Button
	saveButton   *widget.Button
	shotButton   *widget.Button
	copyShot     *widget.Button
	hideIDs      *widget.Check
	badge        *widget.Button // "Custom endpoints (N) — reset"
	status       *widget.Label
	statusOpen   *widget.Button // opens the folder of the file just saved
	statusPath   string
	fixButton    *widget.Button // "Go to the first highlighted field"
	firstProbl   *input
	shortcutTip  *widget.Label

	// Run state; touched only on the Fyne goroutine.
	running bool
	cancel  context.CancelFunc
	scrub   *secret.Scrubber
	ids     []string
	result  *engine.Result
	runDemo bool // the run went to a simulated tenant
	// runEndpoints are the run's custom endpoints, for its reports.
	runEndpoints []endpoint
	// preset is the product chosen in "Set up for…" (nil: none);
	// runPreset the one the last run was started with.
	preset, runPreset *preset.Preset
	// scriptsShown are the scripts of the last scripts dialog (tests).
	scriptsShown []script

	// demoRun is set during a demo run: its sign-in pages open in the
	// simulated browser, its device codes are approved by themselves.
	// The engine's goroutines read it, hence atomic.
	demoRun atomic.Pointer[demoRun]

	demo      Demo
	demoTitle string

	// hooks for tests; called on the Fyne goroutine, last thing in the
	// update they report.
	onDelivered func()          // after each batch of events is drawn
	onFinished  func()          // after a run ended and the window shows it
	onDemo      func(err error) // after a demo tenant started (or failed to)
	onPrompt    func()          // after the sign-in prompts were shown or hidden
	onAsync     func()          // after a background task (the keyring) came back
}

// New builds the window's content into win and restores the preferences.
func New(a fyne.App, win fyne.Window, opts Options) *UI {
	if opts.OpenURL == nil {
		opts.OpenURL = a.OpenURL
	}
	u := &UI{app: a, win: win, opts: opts, onAsync: opts.async}
	if u.opts.Prepare == nil {
		u.opts.Prepare = u.enginePrepare
	}
	u.buildUI()
	u.loadPrefs()
	readSecrets := u.profiles.available() && u.profiles.restore()
	if opts.Preset != "" {
		u.choosePreset(opts.Preset, true)
	} else {
		u.choosePreset(a.Preferences().String(prefPreset), false)
	}
	win.SetContent(u.layout.root)
	win.SetMainMenu(u.mainMenu())
	u.addShortcuts()
	u.updateBadge()
	u.offerCrashLog()
	if readSecrets {
		u.profiles.readSecrets() // last: it comes back on its own
	}
	return u
}

// prepare validates a profile with Options.Prepare.
func (u *UI) prepare(p profile.Profile) (Job, profile.Problems) { return u.opts.Prepare(p) }

// enginePrepare is the real engine with the window's options, or the
// demo's during a demo; the sign-in pages and paste requests are the
// window's.
func (u *UI) enginePrepare(p profile.Profile) (Job, profile.Problems) {
	eo := u.opts.Engine
	if u.demo != nil {
		eo = u.demo.Engine()
	}
	if eo.OpenURL == nil {
		eo.OpenURL = u.openSignIn
	}
	if eo.Paste == nil {
		eo.Paste = u.paste
	}
	return Engine(eo)(p)
}

func (u *UI) buildUI() {
	u.profiles = newProfiles(u, u.opts.Profiles, u.opts.Keyring)
	u.presets = newPresetPicker(u.onPresetPicked, u.onPresetInfo)
	var head []fyne.CanvasObject
	if u.profiles.available() {
		head = append(head, u.profiles.label, u.profiles.cell)
	}
	head = append(head, u.presets.label, u.presets.cell)
	u.form = newForm(u.win, formParts{
		head:   head,
		asides: map[string]fyne.CanvasObject{fieldRemember: u.profiles.aside},
		off:    map[string]bool{fieldRemember: !u.profiles.available() || u.opts.Keyring == nil},
	})
	u.form.onChange = u.onFormChanged
	u.form.onField = u.onFieldEdited
	u.needs = newRequirements(u.redact, u.selectStep, func(step string) *checkRow { return u.checks.byName[step] })
	u.checks = newChecklist(u.redact, u.onStepSelected)
	u.details = newDetails(u.redact, u.openLink, u.copyText, u.copyReal)
	u.details.row = func(step string) *checkRow { return u.checks.byName[step] }
	u.details.rows = func() []*checkRow { return u.checks.rows }
	u.details.onAll = u.showAllFindings
	u.details.needs = func(step string) string {
		return stepRequirementText(u.needs.p, u.needs.forStep(step), u.redact)
	}
	u.scriptButton = &widget.Button{Text: "Fix script…", Icon: theme.DocumentIcon(), Importance: widget.HighImportance, OnTapped: u.onFixScript}
	u.scriptButton.Hide()
	u.banner = newBanner()
	u.banner.action = u.scriptButton
	u.log = newLogView(u.redact, u.copyText)
	u.stream = newStream(u.deliver)
	u.prompts = newPrompts(u.openPromptURL, u.copyCode, tickerEvery(u.stream.do))
	u.prompts.onChange = func() {
		if u.layout != nil {
			u.layout.relayout()
		}
		if u.onPrompt != nil {
			u.onPrompt()
		}
	}

	u.runButton = &widget.Button{Text: "Test now", Icon: theme.MediaPlayIcon(), Importance: widget.HighImportance, OnTapped: u.onRunButton}
	u.copyButton = &widget.Button{Text: "Copy report", Icon: theme.ContentCopyIcon(), OnTapped: u.onCopyReport}
	u.saveButton = &widget.Button{Text: "Save report…", Icon: theme.DocumentSaveIcon(), OnTapped: u.onSaveReport}
	u.shotButton = &widget.Button{Text: "Screenshot…", Icon: theme.FileImageIcon(), OnTapped: u.onSaveScreenshot}
	u.copyShot = &widget.Button{Text: "Copy screenshot", Icon: theme.ContentCopyIcon(), OnTapped: u.onCopyScreenshot}
	if !canCopyImage() {
		u.copyShot.Hide()
	}
	u.copyButton.Disable()
	u.saveButton.Disable()
	u.hideIDs = widget.NewCheck("Hide IDs", u.onHideIDs)
	u.badge = &widget.Button{Icon: theme.WarningIcon(), Importance: widget.WarningImportance, OnTapped: u.onResetEndpoints}
	u.badge.Hide()
	u.fixButton = &widget.Button{Icon: theme.NavigateNextIcon(), Importance: widget.DangerImportance, OnTapped: u.goToFirstProblem}
	u.fixButton.Hide()
	u.status = &widget.Label{Truncation: fyne.TextTruncateClip, Selectable: true}
	u.statusOpen = &widget.Button{Text: "Open folder", Icon: theme.FolderOpenIcon(), Importance: widget.LowImportance, OnTapped: u.onOpenFolder}
	u.statusOpen.Hide()
	u.shortcutTip = &widget.Label{Text: "Ctrl+Enter runs · Esc cancels", SizeName: theme.SizeNameCaptionText, Alignment: fyne.TextAlignCenter, Importance: widget.LowImportance}
	u.layout = newWindowLayout(u)
}

// redact is the one redaction every shown text passes through: the run's
// secrets always, the identities when Hide IDs is on.
func (u *UI) redact(s string) string {
	return report.Redact(s, u.reportOptions())
}

func (u *UI) reportOptions() report.Options {
	ids := append(append([]string(nil), u.ids...), u.form.ids()...)
	if u.result != nil {
		ids = append(ids, u.result.Input.Tenant, u.result.Input.ClientID, u.result.Input.Mailbox, u.result.Input.User)
	}
	return report.Options{Scrubber: u.scrub, HideIDs: u.hideIDs.Checked, IDs: ids, Transcripts: true}
}

// onHideIDs redraws everything that shows an identity. It is a view
// setting: nothing is stored, no field becomes read-only.
func (u *UI) onHideIDs(on bool) {
	u.form.setHidden(on)
	u.profiles.setHidden(on)
	u.checks.refresh()
	u.needs.refresh()
	u.log.refresh()
	u.details.invalidate()
	if u.result != nil {
		u.showResult(u.result)
	}
	u.layout.relayout()
}

func (u *UI) onFormChanged() {
	u.updateBadge()
	u.profiles.showKeyring()
	if !u.running && u.result == nil && u.demo == nil {
		u.banner.set(bannerNone, "")
	}
}

// onFieldEdited is called after the user changed a field.
func (u *UI) onFieldEdited(name string) {
	if name == fieldRemember {
		u.profiles.onRememberToggled()
	}
}

// background runs work off the Fyne goroutine (a keyring may wait for
// the person to unlock it) and then done on it, in order with the run's
// events.
func (u *UI) background(work, done func()) {
	go func() {
		work()
		u.stream.do(func() {
			done()
			if u.onAsync != nil {
				u.onAsync()
			}
		})
	}()
}

// selectStep shows a step's details and card, as selecting its row does.
func (u *UI) selectStep(step string) {
	u.checks.selectStep(step)
	u.details.show(step)
	u.layout.showResults()
}

// stepTitle is a step's title in the checklist, or "".
func (u *UI) stepTitle(step string) string {
	if r := u.checks.byName[step]; r != nil {
		return r.title
	}
	return ""
}

// updateBadge shows "Custom endpoints (N) — reset" next to Test now
// while any advanced endpoint differs from the cloud's default.
func (u *UI) updateBadge() {
	custom := u.form.customEndpoints()
	if len(custom) == 0 || u.demo != nil {
		u.badge.Hide()
		return
	}
	u.badge.SetText(customEndpointsText(len(custom)))
	u.badge.Show()
}

func customEndpointsText(n int) string {
	return "Custom endpoints (" + strconv.Itoa(n) + ") — reset"
}

// onResetEndpoints empties the custom endpoints.
func (u *UI) onResetEndpoints() {
	if u.running {
		return
	}
	u.form.resetEndpoints()
	u.updateBadge()
	u.setStatus("Custom endpoints reset: the cloud's own hosts are used", "")
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
		u.setStatus("Cannot open the browser: "+u.redact(err.Error()), "")
	}
}

// openLink opens a link of a card (the portal, a document).
func (u *UI) openLink(raw string) {
	l, err := url.Parse(raw)
	if err != nil {
		return
	}
	if err := u.opts.OpenURL(l); err != nil {
		u.setStatus("Cannot open the browser: "+u.redact(err.Error()), "")
	}
}

// copyCode puts a device code on the clipboard.
func (u *UI) copyCode(code string) {
	u.app.Clipboard().SetContent(code)
	u.setStatus("Code copied to the clipboard", "")
}

// copyText puts text on the clipboard as shown: redacted.
func (u *UI) copyText(text string) {
	u.app.Clipboard().SetContent(u.redact(text))
	u.setStatus("Copied to the clipboard", "")
}

// copyReal puts a script on the clipboard with the real IDs, whatever
// Hide IDs says (the script must run); secrets stay scrubbed.
func (u *UI) copyReal(text string) {
	u.app.Clipboard().SetContent(u.scrub.Scrub(text))
	u.setStatus("PowerShell copied with the real IDs — paste it into an admin PowerShell session", "")
}

// setStatus shows a message in the status line; path, when set, is a
// file whose folder the Open folder button opens.
func (u *UI) setStatus(msg, path string) {
	u.status.SetText(msg)
	u.statusPath = path
	if path != "" {
		u.statusOpen.Show()
	} else {
		u.statusOpen.Hide()
	}
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
