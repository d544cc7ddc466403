package ui

import (
	"runtime"
	"strings"

	"fyne.io/fyne/v2/widget"

	"github.com/mailoauth/mailoauth-tester/core/keyring"
	"github.com/mailoauth/mailoauth-tester/core/profile"
	"github.com/mailoauth/mailoauth-tester/core/store"
)

// The profile picker's keyring side: a profile's secrets in the operating
// system's keyring, only when the profile opted in ("Remember secret").
// Every keyring call runs off the Fyne goroutine: a keyring may ask the
// person to unlock it and wait.

// keyringTitle and keyringShort name the operating system's keyring as
// its users know it: "Remember secret in Windows Credential Manager",
// "Secret from Credential Manager".
var keyringTitle, keyringShort = keyringNames(runtime.GOOS)

func keyringNames(goos string) (title, short string) {
	switch goos {
	case "windows":
		return "Windows Credential Manager", "Credential Manager"
	case "darwin":
		return "the macOS Keychain", "Keychain"
	}
	return "the Secret Service keyring", "Secret Service"
}

// secretFields pairs each secret field of the form with its keyring kind.
var secretFields = []struct {
	field string
	kind  keyring.Kind
}{
	{profile.FieldSecret, keyring.ClientSecret},
	{profile.FieldCertPassword, keyring.CertPassword},
	{profile.FieldPassword, keyring.Password},
}

// resetKeyring forgets what the window knows of the keyring.
func (p *profiles) resetKeyring() {
	p.stored, p.loaded, p.reading = false, nil, false
}

// readSecrets reads cur's remembered secrets off the Fyne goroutine (a
// keyring may ask the person to unlock it) and puts each into its field
// when that is empty: what the user typed wins.
func (p *profiles) readSecrets() {
	if p.ring == nil || p.cur == nil {
		return
	}
	sp, gen := *p.cur, p.gen
	p.reading = true
	p.showKeyring()
	type found struct {
		field, secret string
		kind          keyring.Kind
	}
	var got []found
	var err error
	p.u.background(func() {
		for _, sf := range secretFields {
			var s string
			var ok bool
			if s, ok, err = p.ring.Load(sp, sf.kind); err != nil {
				return // the first failure says it; the others would repeat it
			}
			if ok {
				got = append(got, found{sf.field, s, sf.kind})
			}
		}
	}, func() {
		if gen != p.gen {
			return // another profile was chosen meanwhile
		}
		p.reading = false
		p.loaded = map[keyring.Kind]string{}
		fill := map[string]string{}
		for _, f := range got {
			p.loaded[f.kind] = f.secret
			if p.u.form.raw(f.field) == "" {
				fill[f.field] = f.secret
			}
		}
		p.stored = len(got) > 0
		if len(fill) > 0 {
			p.u.form.setValues(fill)
		}
		p.showKeyring()
		if err != nil {
			p.fail("Remembered secret not read", err)
		}
	})
}

// writeSecrets stores the form's secrets for sp (a secret field the flow
// does not use, or an empty one, forgets its kind), off the Fyne
// goroutine; msg is the status to show when done. When the keyring
// refuses, the profile is saved again without the opt-in, so it does not
// claim a secret it has not got.
func (p *profiles) writeSecrets(sp store.Profile, msg string) {
	vals := map[keyring.Kind]string{}
	for _, sf := range secretFields {
		if in := p.u.form.in(sf.field); p.u.form.shown(in) {
			vals[sf.kind] = in.raw()
		} else {
			vals[sf.kind] = ""
		}
	}
	gen := p.gen
	var err error
	p.u.background(func() {
		for _, sf := range secretFields {
			if err = p.ring.Store(sp, sf.kind, vals[sf.kind]); err != nil {
				return // the first failure says it; the others would repeat it
			}
		}
	}, func() {
		if gen != p.gen {
			return
		}
		if err != nil {
			sp.RememberSecrets = false
			if p.store.Save(sp) == nil {
				p.cur = &sp
				p.u.form.setRaw(fieldRemember, "")
			}
			p.resetKeyring()
			p.showKeyring()
			p.fail("Secret not remembered (the profile is saved without it)", err)
			return
		}
		p.loaded, p.stored = map[keyring.Kind]string{}, false
		for k, v := range vals {
			if v != "" {
				p.loaded[k], p.stored = v, true
			}
		}
		p.showKeyring()
		if p.stored {
			msg += "; its secret is in " + keyringTitle
		}
		p.u.setStatus(msg, "")
	})
}

// forgetSecrets removes every secret remembered for the profile name, off
// the Fyne goroutine; msg is the status to show when done.
func (p *profiles) forgetSecrets(name, msg string) {
	if p.ring == nil {
		p.u.setStatus(msg, "")
		return
	}
	var err error
	p.u.background(func() { err = p.ring.Forget(name) }, func() {
		if p.cur == nil || strings.EqualFold(p.cur.Name, name) {
			p.resetKeyring()
			p.showKeyring()
		}
		if err != nil {
			p.fail("Remembered secret not removed", err)
			return
		}
		p.u.setStatus(msg, "")
	})
}

// onForget removes the selected profile's remembered secrets at once and
// saves the profile as no longer remembering them. The secret stays in
// the form (in memory) for this session.
func (p *profiles) onForget() {
	if p.cur == nil {
		return
	}
	sp := *p.cur
	sp.RememberSecrets = false
	if err := p.store.Save(sp); err != nil {
		p.fail("Profile not saved", err)
		return
	}
	p.cur = &sp
	p.u.form.setRaw(fieldRemember, "")
	p.forgetSecrets(sp.Name, "Secrets of profile “"+sp.Name+"” removed from "+keyringTitle+"; the profile no longer remembers them")
}

// onRememberToggled says what ticking or unticking the box will do.
func (p *profiles) onRememberToggled() {
	on := p.u.form.raw(fieldRemember) == "true"
	switch {
	case on && p.cur == nil:
		p.u.setStatus("Save the form as a profile to keep its secret in "+keyringTitle+" (nothing else is written)", "")
	case on:
		p.u.setStatus("Press Save: the secret goes to "+keyringTitle+", never into the profile file", "")
	case p.stored:
		p.u.setStatus("Press Save (or Forget) to remove the remembered secret from "+keyringTitle, "")
	}
}

// inUse reports whether a secret field holds the remembered secret.
func (p *profiles) inUse() bool {
	for _, sf := range secretFields {
		in := p.u.form.in(sf.field)
		if s := p.loaded[sf.kind]; s != "" && p.u.form.shown(in) && in.raw() == s {
			return true
		}
	}
	return false
}

// showKeyring shows under "Remember secret" whether a stored secret is
// used, with Forget.
func (p *profiles) showKeyring() {
	if p.aside == nil {
		return
	}
	text, imp := "", widget.MediumImportance
	switch {
	case p.cur == nil || p.ring == nil:
	case p.reading:
		text = "Reading " + keyringShort + "…"
	case p.stored && p.inUse():
		text, imp = "Secret from "+keyringShort, widget.SuccessImportance
	case p.stored:
		text = "A remembered secret is in " + keyringShort + " (not used: the field holds another)"
	}
	if text == "" {
		p.aside.Hide()
		return
	}
	if p.indicator.Text != text || p.indicator.Importance != imp {
		p.indicator.Text, p.indicator.Importance = text, imp
		p.indicator.Refresh()
	}
	p.forget.Hidden = p.reading
	p.aside.Show()
	p.aside.Refresh()
}
