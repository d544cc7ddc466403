package ui

import (
	"fmt"
	"net/url"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"

	"github.com/mailoauth/mailoauth-tester/core/version"
)

// docsURL explains the app registration the tester checks.
const docsURL = "https://learn.microsoft.com/exchange/client-developer/legacy-protocols/how-to-authenticate-an-imap-pop-smtp-application-by-using-oauth"

// Keyboard shortcuts (Cmd on macOS). They are menu items too, because
// the desktop driver gives a menu's shortcuts precedence over a focused
// entry; Esc, which no menu item can carry, is handled by the window.
var (
	testNowShortcut    = &desktop.CustomShortcut{KeyName: fyne.KeyReturn, Modifier: fyne.KeyModifierShortcutDefault}
	saveReportShortcut = &desktop.CustomShortcut{KeyName: fyne.KeyS, Modifier: fyne.KeyModifierShortcutDefault}
	copyReportShortcut = &desktop.CustomShortcut{KeyName: fyne.KeyC, Modifier: fyne.KeyModifierShortcutDefault | fyne.KeyModifierShift}
)

// addShortcuts registers the shortcuts with the window's canvas and Esc.
func (u *UI) addShortcuts() {
	c := u.win.Canvas()
	c.AddShortcut(testNowShortcut, func(fyne.Shortcut) { u.onTestNow() })
	c.AddShortcut(saveReportShortcut, func(fyne.Shortcut) { u.onSaveReport() })
	c.AddShortcut(copyReportShortcut, func(fyne.Shortcut) { u.onCopyReport() })
	c.SetOnTypedKey(u.onKey)
}

// onKey handles the keys no focused widget took: Esc cancels a run.
func (u *UI) onKey(ev *fyne.KeyEvent) {
	if ev.Name == fyne.KeyEscape {
		u.onCancel()
	}
}

// mainMenu is File, Run, Demo and Help.
func (u *UI) mainMenu() *fyne.MainMenu {
	item := func(label string, sc fyne.Shortcut, f func()) *fyne.MenuItem {
		it := fyne.NewMenuItem(label, f)
		it.Shortcut = sc
		return it
	}
	file := fyne.NewMenu("File",
		item("Copy report", copyReportShortcut, u.onCopyReport),
		item("Save report…", saveReportShortcut, u.onSaveReport),
		fyne.NewMenuItem("Save screenshot…", u.onSaveScreenshot),
	)
	if canCopyImage() {
		file.Items = append(file.Items, fyne.NewMenuItem("Copy screenshot", u.onCopyScreenshot))
	}
	run := fyne.NewMenu("Run", item("Test now", testNowShortcut, u.onTestNow), fyne.NewMenuItem("Cancel (Esc)", u.onCancel))
	help := fyne.NewMenu("Help",
		fyne.NewMenuItem("Microsoft: OAuth for IMAP, POP and SMTP", func() {
			if l, err := url.Parse(docsURL); err == nil {
				_ = u.opts.OpenURL(l)
			}
		}),
		fyne.NewMenuItem("About", func() { dialog.ShowInformation("About "+AppTitle, aboutText(version.Get()), u.win) }),
	)
	menus := []*fyne.Menu{file, run}
	if u.opts.StartDemo != nil {
		menus = append(menus, u.demoMenu())
	}
	return fyne.NewMainMenu(append(menus, help)...)
}

// aboutText is the About box: what the program does and which build runs.
func aboutText(v version.Info) string {
	commit, date := v.ShortCommit(), v.Date
	if commit == "" {
		commit = "not recorded"
	} else if v.Modified {
		commit += " (modified)"
	}
	if date == "" {
		date = "not recorded"
	}
	return fmt.Sprintf("Version %s\nCommit %s\nBuilt %s with %s\n\n"+
		"Proves whether a Microsoft 365 mailbox works with an Entra ID app registration over IMAP, POP3, SMTP and Graph, and explains every failure.\n\n"+
		"Secrets are never saved or shown.", v.Version, commit, date, v.GoVersion)
}
