package ui

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/mailoauth/mailoauth-tester/core/engine"
	"github.com/mailoauth/mailoauth-tester/core/profile"
	"github.com/mailoauth/mailoauth-tester/core/report"
)

// onRunButton is Test now, or Cancel while a run is on.
func (u *UI) onRunButton() {
	if u.running {
		u.onCancel()
		return
	}
	u.onTestNow()
}

// onTestNow validates the form with the engine and starts a run. With
// every field empty the engine runs the environment check.
func (u *UI) onTestNow() {
	if u.running {
		return
	}
	if local := u.form.localProblems(); len(local) > 0 {
		u.refuse(u.form.attempt(nil), 1)
		return
	}
	p := u.form.profile()
	if u.preset != nil {
		p = u.preset.Mark(p) // the run, and so its reports, carry the preset
	}
	job, problems := u.prepare(p)
	first := u.form.attempt(problems)
	if job == nil {
		u.refuse(first, len(problems.Errors()))
		return
	}
	u.fixButton.Hide()
	u.start(job, p)
}

// refuse says that n fields must be fixed before a run, and offers to go
// to the first one (which it also scrolls to and focuses).
func (u *UI) refuse(first *input, n int) {
	n = max(n, 1)
	u.banner.set(bannerError, fmt.Sprintf("Fix %d highlighted %s before testing — nothing was sent", n, plural(n, "field", "fields")))
	u.firstProbl = first
	u.layout.relayout()
	if first == nil {
		u.fixButton.Hide()
		return
	}
	u.fixButton.SetText("Go to " + first.label.Text)
	u.fixButton.Show()
	u.goToFirstProblem()
}

// goToFirstProblem brings the first field with an error into view and
// gives it the focus.
func (u *UI) goToFirstProblem() {
	in := u.firstProbl
	if in == nil {
		return
	}
	u.layout.showForm()
	u.form.scrollTo(in.cell)
	if in.entry != nil && !in.entry.Disabled() {
		u.win.Canvas().Focus(in.entry)
	}
}

// start runs job on a goroutine; its events come back through the stream.
func (u *UI) start(job Job, p profile.Profile) {
	ctx, cancel := context.WithCancel(context.Background())
	u.running, u.cancel, u.result = true, cancel, nil
	u.scrub = job.Scrubber()
	np := profile.Normalize(p)
	u.ids = []string{p.Tenant, p.ClientID, p.Mailbox, p.User, np.SignInUser()}
	u.runDemo = u.demo != nil
	u.runEndpoints = u.form.customEndpointValues()
	u.runPreset = u.preset
	u.needs.clear()
	u.layout.relayoutSteps()
	u.scriptButton.Hide()
	if u.demo != nil {
		u.demoRun.Store(&demoRun{demo: u.demo, ctx: ctx, user: np.SignInUser()})
	}
	u.win.Canvas().Unfocus() // Esc reaches the window, and a masked ID shows masked
	u.prompts.reset(pastesAddress(p))
	u.checks.setPlan(job.Plan())
	u.log.clear()
	u.log.commit()
	u.details.clear()
	u.banner.set(bannerInfo, "Testing…")
	u.win.SetTitle(AppTitle + " — testing…")
	u.setStatus("", "")
	u.setRunning(true)
	u.layout.showResults()
	u.layout.relayout()
	u.savePrefs()
	emit := u.stream.push
	go func() {
		job.Run(ctx, emit)
		u.stream.flush() // deliver the end at once rather than after the interval
	}()
}

// onCancel cancels the run; the engine ends it promptly and its RunEnd
// restores the form.
func (u *UI) onCancel() {
	if !u.running {
		return
	}
	cancel := u.cancel
	u.runButton.Disable()
	u.runButton.SetText("Cancelling…")
	// Last: once cancelled, the run may end and redraw at once (in the
	// test driver, on the run's goroutine).
	if cancel != nil {
		cancel()
	}
}

// setRunning swaps Test now and Cancel and locks the form.
func (u *UI) setRunning(on bool) {
	u.form.setEnabled(!on)
	u.profiles.setEnabled(!on && u.demo == nil)
	u.presets.setEnabled(!on)
	u.runButton.Enable()
	if on {
		u.runButton.SetText("Cancel (Esc)")
		u.runButton.SetIcon(theme.CancelIcon())
		u.runButton.Importance = widget.MediumImportance
		u.copyButton.Disable()
		u.saveButton.Disable()
	} else {
		u.runButton.SetText("Test now")
		u.runButton.SetIcon(theme.MediaPlayIcon())
		u.runButton.Importance = widget.HighImportance
	}
	u.runButton.Refresh()
}

// deliver draws a batch of events: one list refresh per batch.
func (u *UI) deliver(evs []engine.Event) {
	var end *engine.Result
	for _, e := range evs {
		u.apply(e)
		if e.Kind == engine.RunEnd {
			end = e.Result
		}
	}
	u.log.commit()
	u.checks.commit()
	if end != nil {
		u.finish(end)
	}
	u.layout.relayout()
	if u.onDelivered != nil {
		u.onDelivered()
	}
	if end != nil && u.opts.OnRunEnd != nil {
		u.opts.OnRunEnd()
	}
	if end != nil && u.onFinished != nil {
		u.onFinished()
	}
}

func (u *UI) apply(e engine.Event) {
	switch e.Kind {
	case engine.RunStart:
		if len(e.Steps) > 0 {
			u.checks.setPlan(e.Steps)
		}
	case engine.StepStart:
		u.checks.update(e.Step, engine.Running, "", e.Text)
	case engine.PromptEvent:
		if e.Prompt != nil {
			u.showPrompt(e.Step, *e.Prompt)
		}
	case engine.StepEnd:
		u.prompts.stepEnded(e.Step)
		u.checks.update(e.Step, e.Status, stepDuration(e), e.Text)
		if e.Diagnosis != nil && (e.Status == engine.Fail || e.Status == engine.Warn) {
			title := e.Step
			if r := u.checks.byName[e.Step]; r != nil {
				title = r.title
			}
			u.details.setFindings(addFinding(u.details.findings, e.Step, title, e.Status, e.Text, e.Diagnosis))
		} else if u.details.selected == "" && len(u.details.findings) == 0 {
			u.details.refresh() // the overview lists each step's detail
		}
	}
	u.log.add(e)
}

// showPrompt shows what the user must do for the sign-in to go on. In a
// demo the simulated user approves a device code by themselves.
func (u *UI) showPrompt(step string, pr engine.Prompt) {
	u.prompts.show(step, pr)
	if run := u.demoRun.Load(); run != nil && pr.Kind == engine.PromptDeviceCode {
		go func() { _ = run.demo.ApproveDevice(pr.Code, run.user) }() // a failure shows as the run's own error
	}
}

// pastesAddress reports whether the run asks the user to paste the
// address the browser lands on: an authorization-code sign-in whose
// redirect URI is not on this computer.
func pastesAddress(p profile.Profile) bool {
	p = profile.Normalize(p)
	if p.Flow != profile.AuthCode {
		return false
	}
	l, err := url.Parse(p.RedirectURI)
	if err != nil || l.Scheme != "http" || l.Port() == "" {
		return true
	}
	switch strings.ToLower(l.Hostname()) {
	case "localhost", "127.0.0.1", "::1":
		return false
	}
	return true
}

// finish shows a finished run and unlocks the form.
func (u *UI) finish(res *engine.Result) {
	u.running = false
	if u.cancel != nil {
		u.cancel()
		u.cancel = nil
	}
	u.result = res
	u.prompts.hideAll()
	u.prompts.changed()
	u.demoRun.Store(nil)
	u.checks.finish(res)
	u.details.findings = findingsOf(res)
	u.checks.selectStep("")
	u.details.show("")
	u.setRunning(false)
	u.copyButton.Enable()
	u.saveButton.Enable()
	u.needs.show(u.runPreset, res)
	u.layout.relayoutSteps()
	if len(repairIDs(res)) > 0 {
		u.scriptButton.Show()
	}
	u.showResult(res)
}

// onStepSelected shows a step's details and card.
func (u *UI) onStepSelected(step string) {
	u.details.show(step)
}

// showAllFindings goes back to every card.
func (u *UI) showAllFindings() {
	u.checks.selectStep("")
	u.details.show("")
}

// showResult puts the verdict in the banner and the window title.
func (u *UI) showResult(res *engine.Result) {
	kind := bannerError
	switch {
	case res.Cancelled:
		kind = bannerWarning
	case res.OK:
		kind = bannerSuccess
		for _, s := range res.Steps {
			if s.Status == engine.Warn {
				kind = bannerWarning
			}
		}
	}
	verdict := u.redact(res.Verdict)
	u.banner.set(kind, verdict)
	if u.runDemo {
		u.setStatus("Demo: this ran against the built-in simulated tenant — every ID, host and result here is fake", "")
	}
	u.win.SetTitle(AppTitle + " — " + verdict)
}

// markdown is the report for the clipboard, redacted like the window.
func (u *UI) markdown() string {
	if u.result == nil {
		return ""
	}
	md := report.Markdown(u.result, u.reportOptions())
	if note := u.endpointsNote(); note != "" {
		md = note + "\n\n" + md
	}
	if u.runDemo {
		md = demoNote + "\n\n" + md
	}
	return md
}

// endpointsNote says which custom endpoints the run used, or "".
func (u *UI) endpointsNote() string {
	if len(u.runEndpoints) == 0 || u.runDemo {
		return ""
	}
	var parts []string
	for _, e := range u.runEndpoints {
		parts = append(parts, e.label+" = "+u.redact(e.value))
	}
	return "Custom endpoints (not the cloud's defaults): " + strings.Join(parts, "; ")
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
