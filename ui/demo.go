package ui

import (
	"context"
	"fmt"
	"slices"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"

	"github.com/mailoauth/mailoauth-tester/core/profile"
)

// demoBrowseTimeout bounds one simulated browser visit; the simulated
// tenant answers in milliseconds.
const demoBrowseTimeout = 30 * time.Second

// demoNote heads what a demo run produces (the reports, the clipboard).
const demoNote = "SIMULATED — this run tested the built-in simulated tenant (demo mode), not a real Microsoft 365 tenant. Every ID, host and result in it is fake."

// StartDemo starts a simulated tenant with the named scenario ("" means
// "ok") through Options.StartDemo and fills the form with what a user
// would paste for it. The previous demo, if any, is stopped. Starting
// takes a moment (it generates keys), so it happens off the Fyne
// goroutine; errors are shown in a dialog.
func (u *UI) StartDemo(scenario string) {
	if u.opts.StartDemo == nil {
		return
	}
	if u.running && u.cancel != nil {
		u.cancel()
	}
	u.stopDemo()
	title := scenario
	for _, s := range u.opts.Demos {
		if s.Name == scenario {
			title = s.Title
		}
	}
	u.banner.set(bannerInfo, "Starting the simulated tenant…")
	start := u.opts.StartDemo
	go func() {
		d, err := start(scenario)
		fyne.Do(func() { u.demoStarted(scenario, title, d, err) })
	}()
}

func (u *UI) demoStarted(name, title string, d Demo, err error) {
	if err != nil {
		u.banner.set(bannerError, "The simulated tenant did not start")
		dialog.ShowError(fmt.Errorf("demo: %w", err), u.win)
	} else {
		u.stopDemo() // a second start may have raced this one
		u.demo, u.demoTitle = d, title
		p := d.Profile()
		u.profiles.detach()
		u.form.fill(p)
		u.demoPreset(p)
		u.result = nil
		how := ""
		if p.Flow != profile.ClientCredentials {
			how = " with " + p.Flow.Title()
		}
		u.banner.set(bannerInfo, fmt.Sprintf("Demo: simulated tenant “%s”%s — press Test now. Everything in it is fake.", title, how))
		u.win.SetTitle(AppTitle + " — demo: " + name)
		u.updateBadge()
	}
	u.layout.relayout()
	if u.onDemo != nil {
		u.onDemo(err)
	}
}

// demoPreset tests the chosen product's protocols in a demo: the demo's
// flow and values stay as they are (they fit the simulated tenant).
func (u *UI) demoPreset(p profile.Profile) {
	if u.preset == nil {
		return
	}
	got, filled := u.preset.Apply(profile.Profile{Flow: p.Flow, RedirectURI: p.RedirectURI})
	if slices.Contains(filled, profile.FieldProtocols) {
		u.form.setValues(map[string]string{profile.FieldProtocols: protocolsRaw(got.Protocols)})
	}
}

// demoRun is what a demo run's helper goroutines need: the demo, who
// signs in, and the run's context, which ends when the window showed the
// run's end (finish cancels it).
type demoRun struct {
	demo Demo
	ctx  context.Context
	user string
}

// demoBrowse plays the user's browser in a demo. When the page shows an
// error, or lands on a web site instead of this computer, it hands what a
// user would copy to the waiting Paste call. It runs on its own
// goroutine, which nobody waits for: once the run ended it leaves the
// window alone.
func (u *UI) demoBrowse(run *demoRun, authorizeURL string) {
	ctx, cancel := context.WithTimeout(run.ctx, demoBrowseTimeout)
	defer cancel()
	if text := run.demo.Browse(ctx, authorizeURL); text != "" {
		u.stream.do(func() {
			if run.ctx.Err() == nil {
				u.prompts.answer(text)
			}
		})
	}
}

// stopDemo stops the simulated tenant, if one runs.
func (u *UI) stopDemo() {
	if u.demo != nil {
		_ = u.demo.Close()
		u.demo = nil
		u.updateBadge()
		u.profiles.setEnabled(!u.running)
	}
}

// demoMenu lists every scenario: the app-only ones first, then those
// shown with a delegated flow or an app password.
func (u *UI) demoMenu() *fyne.Menu {
	var appOnly, others []*fyne.MenuItem
	for _, s := range u.opts.Demos {
		name := s.Name
		if s.Flow == profile.ClientCredentials || s.Flow == "" {
			appOnly = append(appOnly, fyne.NewMenuItem(s.Title, func() { u.StartDemo(name) }))
		} else {
			others = append(others, fyne.NewMenuItem(s.Title+" — "+s.Flow.Title(), func() { u.StartDemo(name) }))
		}
	}
	items := append(appOnly, fyne.NewMenuItemSeparator())
	items = append(items, others...)
	items = append(items, fyne.NewMenuItemSeparator(), fyne.NewMenuItem("Stop the simulated tenant", func() {
		u.stopDemo()
		u.banner.set(bannerNone, "")
	}))
	return fyne.NewMenu("Demo", items...)
}
