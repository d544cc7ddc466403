package ui

import (
	"net/url"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
)

// docsURL explains the app registration the tester checks.
const docsURL = "https://learn.microsoft.com/exchange/client-developer/legacy-protocols/how-to-authenticate-an-imap-pop-smtp-application-by-using-oauth"

// mainMenu is File, Run, Demo and Help. Test now is also a menu item so
// its shortcut works while an entry has the focus.
func (u *UI) mainMenu() *fyne.MainMenu {
	test := fyne.NewMenuItem("Test now", u.onTestNow)
	test.Shortcut = testNowShortcut
	file := fyne.NewMenu("File",
		fyne.NewMenuItem("Copy report", u.onCopyReport),
		fyne.NewMenuItem("Save report…", u.onSaveReport),
		fyne.NewMenuItem("Save screenshot…", u.onSaveScreenshot),
	)
	run := fyne.NewMenu("Run", test, fyne.NewMenuItem("Cancel", u.onCancel))
	help := fyne.NewMenu("Help",
		fyne.NewMenuItem("Microsoft: OAuth for IMAP, POP and SMTP", func() {
			if l, err := url.Parse(docsURL); err == nil {
				_ = u.opts.OpenURL(l)
			}
		}),
		fyne.NewMenuItem("About", func() {
			dialog.ShowInformation("About "+AppTitle, "Proves whether a Microsoft 365 mailbox works with an Entra ID app registration over IMAP, POP3 and SMTP, and explains every failure.\n\nSecrets are never saved or shown.", u.win)
		}),
	)
	return fyne.NewMainMenu(file, run, u.demoMenu(), help)
}
