package ui

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"

	"github.com/mailoauth/mailoauth-tester/core/simulate"
)

// StartDemo starts a simulated tenant in this process with the named
// scenario ("" means "ok") and fills the form with what a user would paste
// for it. The previous simulated tenant, if any, is stopped. Starting
// takes a moment (it generates keys), so it happens off the Fyne
// goroutine; errors are shown in a dialog.
func (u *UI) StartDemo(scenario string) {
	if u.running && u.cancel != nil {
		u.cancel()
	}
	u.stopDemo()
	u.banner.set(bannerInfo, "Starting the simulated tenant…")
	go func() {
		t, err := simulate.Start(simulate.Options{Scenario: scenario})
		fyne.Do(func() { u.demoStarted(t, err) })
	}()
}

func (u *UI) demoStarted(t *simulate.Tenant, err error) {
	if err != nil {
		u.banner.set(bannerError, "The simulated tenant did not start")
		dialog.ShowError(fmt.Errorf("demo: %w", err), u.win)
	} else {
		u.stopDemo() // a second start may have raced this one
		u.sim, u.simTitle = t, simulate.ScenarioTitle(t.Scenario())
		u.form.fill(t.Profile())
		u.result = nil
		u.banner.set(bannerInfo, fmt.Sprintf("Demo: simulated tenant “%s” — press Test now. Everything in it is fake.", u.simTitle))
		u.win.SetTitle(AppTitle + " — demo: " + t.Scenario())
	}
	if u.onDemo != nil {
		u.onDemo(err)
	}
}

// stopDemo stops the simulated tenant, if one runs.
func (u *UI) stopDemo() {
	if u.sim != nil {
		_ = u.sim.Close()
		u.sim = nil
	}
}

// demoMenu lists every scenario of the simulated tenant.
func (u *UI) demoMenu() *fyne.Menu {
	var items []*fyne.MenuItem
	for _, s := range simulate.Scenarios() {
		name := s.Name
		items = append(items, fyne.NewMenuItem(s.Title, func() { u.StartDemo(name) }))
	}
	items = append(items, fyne.NewMenuItemSeparator(), fyne.NewMenuItem("Stop the simulated tenant", func() {
		u.stopDemo()
		u.banner.set(bannerNone, "")
	}))
	return fyne.NewMenu("Demo", items...)
}
