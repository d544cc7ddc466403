package ui

import (
	"slices"
	"strings"

	"fyne.io/fyne/v2"

	"github.com/mailoauth/mailoauth-tester/core/cloud"
	"github.com/mailoauth/mailoauth-tester/core/profile"
)

// Preference keys of the window; the form's keys are in fieldDefs. Only
// non-secret values are stored: never the client secret, the certificate
// password or the user's (app) password — their fields have no key. Hide
// IDs is a view setting for one sharing session and is never stored: it
// is off at every start.
const (
	prefWidth  = "window-width"
	prefHeight = "window-height"
)

// Default window size: fits a 1366×768 screen (and 1920×1080 at 150 %)
// with the taskbar and the title bar.
const defaultWidth, defaultHeight = 1200, 660

// loadPrefs fills the form from the last session.
func (u *UI) loadPrefs() {
	pr := u.app.Preferences()
	f := u.form
	f.quiet = true
	// The flow first: it decides which fields the others fill.
	for _, in := range f.order {
		if in.def.pref != "" {
			in.setRaw(choiceTitle(in.def, pr.String(in.def.pref)))
		}
		if in.def.name == profile.FieldFlow {
			f.flowNow = flowByTitle(in.raw())
		}
	}
	f.quiet = false
	f.applyFlow()
	f.validate()
}

// savePrefs stores the form's non-secret fields, including those the
// current flow does not show. A form filled by the demo is not stored:
// its hosts die with the simulated tenant.
func (u *UI) savePrefs() {
	if u.demo != nil {
		return
	}
	pr := u.app.Preferences()
	for _, in := range u.form.order {
		if in.def.pref != "" {
			pr.SetString(in.def.pref, in.raw())
		}
	}
	if u.profiles.available() {
		name := ""
		if u.profiles.cur != nil {
			name = u.profiles.cur.Name
		}
		pr.SetString(prefProfile, name)
	}
}

// WindowSize returns the window size of the last session.
func WindowSize(a fyne.App) fyne.Size {
	pr := a.Preferences()
	return fyne.NewSize(float32(pr.FloatWithFallback(prefWidth, defaultWidth)), float32(pr.FloatWithFallback(prefHeight, defaultHeight)))
}

// SaveWindowSize remembers the window's size for the next start.
func (u *UI) SaveWindowSize() {
	s := u.win.Canvas().Size()
	if s.Width < minWidth || s.Height < minHeight {
		return
	}
	u.app.Preferences().SetFloat(prefWidth, float64(s.Width))
	u.app.Preferences().SetFloat(prefHeight, float64(s.Height))
}

// choiceTitle turns a remembered choice into its title. Earlier versions
// remembered names ("client-credentials", "global", "xoauth2") instead of
// titles; they still select the same choice.
func choiceTitle(def *fieldDef, v string) string {
	if def.kind != choiceInput || v == "" || slices.Contains(def.choices(), v) {
		return v
	}
	switch def.name {
	case profile.FieldFlow:
		return flowByID(profile.Flow(v)).Title()
	case profile.FieldCloud:
		if c, err := cloud.Lookup(v); err == nil {
			return c.Title
		}
	case profile.FieldProvider:
		if pv, err := cloud.LookupProvider(v); err == nil {
			return pv.Title
		}
	case profile.FieldMechanism:
		return strings.ToUpper(v)
	}
	return ""
}
