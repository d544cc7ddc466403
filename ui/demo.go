package ui

import (
	"context"
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"

	"github.com/mailoauth/mailoauth-tester/core/profile"
	"github.com/mailoauth/mailoauth-tester/core/simulate"
)

// demoBrowseTimeout bounds one simulated browser visit; the simulated
// tenant answers in milliseconds.
const demoBrowseTimeout = 30 * time.Second

// StartDemo starts a simulated tenant in this process with the named
// scenario ("" means "ok") and fills the form with what a user would paste
// for it, in the first flow the scenario is about. The previous simulated
// tenant, if any, is stopped. Starting takes a moment (it generates keys),
// so it happens off the Fyne goroutine; errors are shown in a dialog.
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
		p := demoProfile(t)
		u.form.fill(p)
		u.result = nil
		how := ""
		if p.Flow != profile.ClientCredentials {
			how = " with " + p.Flow.Title()
		}
		u.banner.set(bannerInfo, fmt.Sprintf("Demo: simulated tenant “%s”%s — press Test now. Everything in it is fake.", u.simTitle, how))
		u.win.SetTitle(AppTitle + " — demo: " + t.Scenario())
	}
	if u.onDemo != nil {
		u.onDemo(err)
	}
}

// demoFlow is the flow a scenario is shown with: client credentials when
// it applies to every flow, else the first flow it is about (a refresh
// scenario with browser sign-in).
func demoFlow(name string) profile.Flow {
	for _, s := range simulate.Scenarios() {
		if s.Name != name || len(s.Flows) == 0 {
			continue
		}
		switch f := s.Flows[0]; f {
		case simulate.FlowRefresh:
			return profile.Interactive
		default:
			return profile.Flow(f)
		}
	}
	return profile.ClientCredentials
}

// demoProfile is what a user would type for the tenant's scenario. It
// holds the simulated tenant's secrets (client secret, passwords).
func demoProfile(t *simulate.Tenant) profile.Profile {
	p := t.Profile()
	flow := demoFlow(t.Scenario())
	if flow == profile.ClientCredentials {
		return p
	}
	p.Flow, p.ClientSecret, p.User = flow, "", t.User
	switch flow {
	case profile.Password:
		p.Password = t.UserPassword
	case profile.AuthCode:
		p.ClientSecret, p.RedirectURI = t.ClientSecret, demoRedirect
	case profile.AppPassword:
		p.User, p.Password, p.Provider = "", t.AppPassword, "custom"
		p.Protocols = profile.MailProtocols
	}
	if t.Scenario() == "shared-mailbox-no-access" {
		p.User, p.Mailbox = t.DelegateUser, t.SharedMailbox
		if flow == profile.Password {
			p.Password = t.DelegatePassword
		}
	}
	return p
}

// demoRedirect is the web redirect URI the simulated app registers.
const demoRedirect = "https://app.contoso-sim.test/oauth/callback"

// demoRun is what a demo run's helper goroutines need: the simulated
// tenant, who signs in, and the run's context, which ends when the
// window showed the run's end (finish cancels it).
type demoRun struct {
	sim  *simulate.Tenant
	ctx  context.Context
	user string
}

// demoBrowse plays the user's browser in a demo: it signs in on the
// simulated tenant's page. When the page shows an error, or lands on a
// web site instead of this computer, it hands what a user would copy to
// the waiting Paste call. It runs on its own goroutine, which nobody
// waits for: once the run ended it leaves the window alone.
func (u *UI) demoBrowse(run *demoRun, authorizeURL string) {
	ctx, cancel := context.WithTimeout(run.ctx, demoBrowseTimeout)
	defer cancel()
	res, err := simulate.Browse(ctx, run.sim.HTTPClient(), authorizeURL)
	var text string
	switch {
	case err != nil:
		text = "browser error: " + err.Error()
	case res.ErrorText != "":
		text = res.ErrorText
	case !res.Delivered && res.FinalURL != "":
		text = res.FinalURL // carries the code: handed over, never shown
	}
	if text != "" {
		u.stream.do(func() {
			if run.ctx.Err() == nil {
				u.prompts.answer(text)
			}
		})
	}
}

// stopDemo stops the simulated tenant, if one runs.
func (u *UI) stopDemo() {
	if u.sim != nil {
		_ = u.sim.Close()
		u.sim = nil
	}
}

// demoMenu lists every scenario of the simulated tenant: the app-only
// ones first, then those shown with a delegated flow or an app password.
func (u *UI) demoMenu() *fyne.Menu {
	var appOnly, others []*fyne.MenuItem
	for _, s := range simulate.Scenarios() {
		name := s.Name
		flow := demoFlow(name)
		if flow == profile.ClientCredentials {
			appOnly = append(appOnly, fyne.NewMenuItem(s.Title, func() { u.StartDemo(name) }))
		} else {
			others = append(others, fyne.NewMenuItem(s.Title+" — "+flow.Title(), func() { u.StartDemo(name) }))
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
