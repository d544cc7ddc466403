package ui

import (
	"io"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/mailoauth/mailoauth-tester/core/cloud"
	"github.com/mailoauth/mailoauth-tester/core/engine"
	"github.com/mailoauth/mailoauth-tester/core/preset"
	"github.com/mailoauth/mailoauth-tester/core/profile"
	"github.com/mailoauth/mailoauth-tester/core/secret"
	"github.com/mailoauth/mailoauth-tester/core/setupscript"
	"github.com/mailoauth/mailoauth-tester/core/version"
)

// script is one generated PowerShell script, or why there is none.
type script struct {
	title string // tab title
	about string // what it does, above it
	file  string // suggested file name
	text  string // the script with the real IDs; "" when err is set
	err   error
}

// repairIDs are the diagnosis IDs of a finished run's failed and warned
// steps that a fix script can repair, in the run's causal order.
func repairIDs(res *engine.Result) []string { return res.RepairIDs() }

// generator names this program in a script's header.
func generator() string { return "Mail OAuth Tester " + version.Get().Version }

// fixScript writes the fix script of a failed run: only the steps that
// repair its findings, with the run's real IDs and cloud (never masked,
// whatever Hide IDs says: the script must run) and no secret.
func (u *UI) fixScript(res *engine.Result) script {
	ids, text, err := res.FixScript(generator())
	return script{title: "Fix script", file: "fix-" + strings.Join(ids, "+") + "-" + res.Started.Format("20060102-150405") + ".ps1",
		about: "Repairs what this run found (" + strings.Join(ids, ", ") + ") and nothing else.", text: text, err: err}
}

// setupScript writes the full setup script of a preset for what the form
// holds: the cloud, tenant, app (or a new one), mailbox and sign-in user.
func (u *UI) setupScript(p preset.Preset) script {
	f := u.form.profile()
	s := script{title: "Setup script — " + p.Short, file: "setup-" + p.ID + ".ps1",
		about: "Creates or repairs everything " + p.Short + " needs in the tenant: the app registration, its permissions and consent, and the mailbox settings."}
	o := setupscript.Options{Tenant: f.Tenant, ClientID: f.ClientID, Mailboxes: nonEmpty(f.Mailbox), SignInUser: f.User, Generator: generator()}
	if c, err := cloud.Lookup(cloudName(u.form.raw(profile.FieldCloud))); err == nil {
		o.Cloud = c
	}
	if f.Flow == p.Flow {
		o.Protocols = f.Protocols
		if f.Flow == profile.AuthCode && !strings.ContainsAny(f.RedirectURI, "<>") {
			o.RedirectURI = f.RedirectURI
		}
		if u.form.credentialNow() == credCert && (p.Credential == preset.Secret || p.Credential == preset.Certificate) {
			o.Credential = preset.Certificate
		}
	}
	s.text, s.err = setupscript.Setup(p, o)
	return s
}

func nonEmpty(s string) []string {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	return []string{s}
}

// onFixScript shows the fix script of the run (and, with a preset, its
// full setup script).
func (u *UI) onFixScript() {
	if u.result == nil || u.running {
		return
	}
	u.showScripts(u.result, u.runPreset)
}

// showScripts shows the fix script of res (nil: none) and the setup
// script of p (nil: none) in a dialog, each with Copy and Save as .ps1.
func (u *UI) showScripts(res *engine.Result, p *preset.Preset) {
	var scripts []script
	if len(repairIDs(res)) > 0 {
		scripts = append(scripts, u.fixScript(res))
	}
	if p != nil {
		scripts = append(scripts, u.setupScript(*p))
	}
	if len(scripts) == 0 {
		return
	}
	var body fyne.CanvasObject
	if len(scripts) == 1 {
		body = u.scriptView(scripts[0])
	} else {
		tabs := container.NewAppTabs()
		for _, s := range scripts {
			tabs.Append(container.NewTabItem(s.title, u.scriptView(s)))
		}
		body = tabs
	}
	title := scripts[0].title
	if len(scripts) > 1 {
		title = "PowerShell scripts"
	}
	d := dialog.NewCustom(title, "Close", body, u.win)
	d.Resize(dialogSize(u.win, 980))
	u.scriptsShown = scripts
	d.Show()
}

// scriptView is one script: what it does, the text (IDs masked on screen
// under Hide IDs), Copy and Save as .ps1.
func (u *UI) scriptView(s script) fyne.CanvasObject {
	if s.err != nil {
		msg := "No script: " + u.redact(s.err.Error())
		return container.NewVBox(&widget.Label{Text: msg, Wrapping: fyne.TextWrapWord, Selectable: true, Importance: widget.DangerImportance})
	}
	about := s.about + " Review it, then run it in PowerShell as an Entra and Exchange administrator (with -WhatIf first). " +
		"It holds the real IDs and no secret. Mail OAuth Tester never runs it."
	if u.hideIDs.Checked {
		about += " IDs are hidden on screen; Copy and Save use the real ones."
	}
	text := &widget.Label{Text: u.redact(s.text), TextStyle: fyne.TextStyle{Monospace: true}, Selectable: true}
	copyBtn := &widget.Button{Text: "Copy", Icon: theme.ContentCopyIcon(), OnTapped: func() { u.copyScript(s) }}
	saveBtn := &widget.Button{Text: "Save as .ps1…", Icon: theme.DocumentSaveIcon(), Importance: widget.HighImportance, OnTapped: func() { u.saveScript(s) }}
	return container.NewBorder(
		&widget.Label{Text: about, Wrapping: fyne.TextWrapWord},
		container.NewHBox(saveBtn, copyBtn),
		nil, nil,
		container.NewScroll(text))
}

// realScript is a script as it leaves the window: the real IDs, and any
// secret of the run or the form scrubbed (a script never holds one; this
// is the second line of defence).
func (u *UI) realScript(s script) string {
	sc := &secret.Scrubber{}
	p := u.form.profile()
	sc.Add(p.ClientSecret, p.CertPassword, p.Password)
	return u.scrub.Scrub(sc.Scrub(s.text))
}

// copyScript puts a script on the clipboard with the real IDs.
func (u *UI) copyScript(s script) {
	u.app.Clipboard().SetContent(u.realScript(s))
	u.setStatus(s.title+" copied with the real IDs — review it, then paste it into an admin PowerShell session", "")
}

// saveScript asks where to save a script as .ps1.
func (u *UI) saveScript(s script) {
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		defer w.Close()
		if err := writeScript(w, u.realScript(s)); err != nil {
			dialog.ShowError(err, u.win)
			return
		}
		u.setStatus(s.title+" saved: "+w.URI().Path()+" — review it before you run it", w.URI().Path())
	}, u.win)
	d.SetFileName(s.file)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".ps1"}))
	d.Show()
}

// writeScript writes a .ps1 file (setupscript.Write: with a byte-order
// mark when it holds more than ASCII).
func writeScript(w io.Writer, text string) error { return setupscript.Write(w, text) }
