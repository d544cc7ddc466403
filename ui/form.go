package ui

import (
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/mailoauth/mailoauth-tester/core/cloud"
	"github.com/mailoauth/mailoauth-tester/core/profile"
	"github.com/mailoauth/mailoauth-tester/core/report"
)

// mechanisms maps the mechanism choices to profile values.
var mechanisms = []struct {
	title string
	mech  profile.Mechanism
}{{"XOAUTH2", profile.XOAUTH2}, {"OAUTHBEARER", profile.OAUTHBEARER}}

// form collects a profile. It knows nothing about running: it reports
// changes through onChange and shows the problems it is given.
type form struct {
	win fyne.Window

	flow       *widget.Select
	explain    *widget.Label
	cred       *widget.RadioGroup
	provider   *widget.Select
	tenant     *widget.Entry
	clientID   *widget.Entry
	secret     *widget.Entry
	certFile   *widget.Entry
	certBrowse *widget.Button
	certPass   *widget.Entry
	mailbox    *widget.Entry
	user       *widget.Entry
	password   *widget.Entry
	redirect   *widget.Entry
	loopback   *widget.Entry
	protocols  map[profile.Protocol]*widget.Check
	cloud      *widget.Select
	authority  *widget.Entry
	imapHost   *widget.Entry
	popHost    *widget.Entry
	smtpHost   *widget.Entry
	graphURL   *widget.Entry
	sendMail   *widget.Check
	caFile     *widget.Entry
	caBrowse   *widget.Button
	mech       *widget.Select
	timeout    *widget.Entry
	transcript *widget.Check
	advanced   *widget.Accordion

	fields    map[string]*field
	labels    map[string]string // each field's default title
	touched   map[string]bool
	attempted bool // Test now was pressed: empty required fields are errors now
	extra     profile.Problems

	// hidden masks the tenant, client ID, mailbox and user entries; real
	// holds what they contain meanwhile.
	hidden bool
	real   map[*widget.Entry]string

	disabled bool
	quiet    bool // programmatic change: no onChange, no touch
	flowNow  flowSpec

	onChange func()
	content  fyne.CanvasObject
}

func newForm(win fyne.Window) *form {
	f := &form{win: win, fields: map[string]*field{}, labels: map[string]string{}, touched: map[string]bool{}, real: map[*widget.Entry]string{}, flowNow: flows[0]}
	f.buildUI()
	return f
}

func (f *form) buildUI() {
	entry := func(name, placeholder string) *widget.Entry {
		e := &widget.Entry{PlaceHolder: placeholder}
		e.ExtendBaseWidget(e)
		e.OnChanged = func(string) { f.changed(name) }
		return e
	}
	password := func(name, placeholder string) *widget.Entry {
		e := entry(name, placeholder)
		e.Password = true
		return e
	}
	f.tenant = entry(profile.FieldTenant, "00000000-0000-… or contoso.onmicrosoft.com")
	f.clientID = entry(profile.FieldClientID, "00000000-0000-0000-0000-000000000000")
	f.secret = password(profile.FieldSecret, "secret Value, about 40 characters")
	f.certFile = entry(profile.FieldCert, "path of a .pem or .pfx file")
	f.certPass = password(profile.FieldCertPassword, "PFX password")
	f.mailbox = entry(profile.FieldMailbox, "support@contoso.com")
	f.user = entry(profile.FieldUser, "empty: the mailbox signs in")
	f.password = password(profile.FieldPassword, "never saved")
	f.redirect = entry(profile.FieldRedirectURI, "https://ece.contoso.com/oauth/callback")
	f.loopback = entry(fieldLoopback, "http://localhost")
	f.authority = entry(profile.FieldAuthority, cloud.Global.AuthorityHost)
	f.imapHost = entry(profile.FieldIMAPHost, cloud.Global.IMAPHost)
	f.popHost = entry(profile.FieldPOPHost, cloud.Global.POPHost)
	f.smtpHost = entry(profile.FieldSMTPHost, cloud.Global.SMTPHost)
	f.graphURL = entry(profile.FieldGraphURL, "https://graph.microsoft.com")
	f.caFile = entry(profile.FieldCAFile, "path of a PEM file")
	f.timeout = entry(profile.FieldTimeout, profile.DefaultTimeout.String())
	f.certBrowse = &widget.Button{Icon: theme.FolderOpenIcon(), OnTapped: func() { f.pickFile(f.certFile, ".pem", ".pfx", ".p12", ".crt", ".cer", ".key") }}
	f.caBrowse = &widget.Button{Icon: theme.FolderOpenIcon(), OnTapped: func() { f.pickFile(f.caFile, ".pem", ".crt", ".cer") }}

	f.flow = widget.NewSelect(flowTitles(), f.onFlow)
	f.flow.Selected = flows[0].Title()
	f.explain = &widget.Label{Wrapping: fyne.TextWrapWord, TextStyle: fyne.TextStyle{Italic: true}, SizeName: theme.SizeNameCaptionText}
	f.provider = widget.NewSelect(providerTitles(), f.onProvider)
	f.provider.Selected = cloud.Providers[0].Title
	f.cred = widget.NewRadioGroup([]string{string(credSecret), string(credCert)}, func(string) { f.applyFlow(); f.changed(profile.FieldSecret) })
	f.cred.Horizontal, f.cred.Required, f.cred.Selected = true, true, string(credSecret)

	f.protocols = map[profile.Protocol]*widget.Check{}
	var protoBox []fyne.CanvasObject
	for _, pr := range profile.AllProtocols {
		c := widget.NewCheck(pr.Title(), func(bool) { f.changed(profile.FieldProtocols) })
		c.Checked = true
		f.protocols[pr] = c
		protoBox = append(protoBox, c)
	}
	f.cloud = widget.NewSelect(cloudTitles(), func(string) { f.applyHosts(); f.changed(profile.FieldCloud) })
	f.cloud.Selected = cloud.Global.Title
	var mechTitles []string
	for _, m := range mechanisms {
		mechTitles = append(mechTitles, m.title)
	}
	f.mech = widget.NewSelect(mechTitles, func(string) { f.changed(profile.FieldMechanism) })
	f.mech.Selected = mechanisms[0].title
	f.sendMail = widget.NewCheck("Send a test message to the mailbox itself", func(bool) { f.changed(fieldSendMail) })
	f.transcript = widget.NewCheck("Show the protocol transcript in the log", func(bool) { f.changed(fieldTranscript) })

	add := func(name, label string, input fyne.CanvasObject) *fyne.Container {
		fl := newField(name, label, input)
		f.fields[name] = fl
		f.labels[name] = label
		return fl.box
	}
	withButton := func(e *widget.Entry, b *widget.Button) fyne.CanvasObject {
		return container.NewBorder(nil, nil, nil, b, e)
	}
	adv := container.NewVBox(
		add(fieldLoopback, "Fixed redirect (browser sign-in)", f.loopback),
		add(profile.FieldAuthority, "Authority host", f.authority),
		add(profile.FieldIMAPHost, "IMAP host:port", f.imapHost),
		add(profile.FieldPOPHost, "POP3 host:port", f.popHost),
		add(profile.FieldSMTPHost, "SMTP host:port", f.smtpHost),
		add(profile.FieldGraphURL, "Graph URL", f.graphURL),
		add(profile.FieldCAFile, "CA file", withButton(f.caFile, f.caBrowse)),
		add(profile.FieldMechanism, "SASL mechanism", f.mech),
		add(profile.FieldTimeout, "Timeout", f.timeout),
		add(fieldSendMail, "Test message", f.sendMail),
		add(fieldTranscript, "Transcript", f.transcript),
	)
	f.advanced = widget.NewAccordion(widget.NewAccordionItem("Advanced", adv))

	f.content = container.NewVBox(
		add(profile.FieldFlow, "Flow", container.NewVBox(f.flow, f.explain, f.cred)),
		add(profile.FieldProvider, "Provider", f.provider),
		add(profile.FieldTenant, "Tenant", f.tenant),
		add(profile.FieldClientID, "Client ID", f.clientID),
		add(profile.FieldSecret, "Client secret", f.secret),
		add(profile.FieldCert, "Certificate", withButton(f.certFile, f.certBrowse)),
		add(profile.FieldCertPassword, "Certificate password", f.certPass),
		add(profile.FieldRedirectURI, "Redirect URI", f.redirect),
		add(profile.FieldMailbox, "Mailbox", f.mailbox),
		add(profile.FieldUser, "Sign in as", f.user),
		add(profile.FieldPassword, "Password", f.password),
		add(profile.FieldProtocols, "Protocols", container.NewHBox(protoBox...)),
		add(profile.FieldCloud, "Cloud", f.cloud),
		f.advanced,
	)
	f.applyFlow()
}

func cloudTitles() []string {
	var out []string
	for _, n := range cloud.Names() {
		c, _ := cloud.Lookup(n)
		out = append(out, c.Title)
	}
	return out
}

func cloudName(title string) string {
	for _, n := range cloud.Names() {
		if c, _ := cloud.Lookup(n); c.Title == title {
			return n
		}
	}
	return ""
}

func providerTitles() []string {
	var out []string
	for _, p := range cloud.Providers {
		out = append(out, p.Title)
	}
	return out
}

// providerNow is the selected mail provider (app-password flow).
func (f *form) providerNow() cloud.Provider {
	for _, p := range cloud.Providers {
		if p.Title == f.provider.Selected {
			return p
		}
	}
	return cloud.Providers[0]
}

// onFlow switches the visible fields.
func (f *form) onFlow(title string) {
	f.flowNow = flowByTitle(title)
	f.applyFlow()
	f.changed(profile.FieldFlow)
}

// onProvider shows the provider's note; a custom server opens Advanced,
// where its hosts go.
func (f *form) onProvider(string) {
	f.applyFlow()
	if f.providerNow().Name == "custom" && !f.quiet {
		f.advanced.Open(0)
	}
	f.changed(profile.FieldProvider)
}

// credentialNow is the credential the flow uses ("" when it uses none).
func (f *form) credentialNow() credential {
	spec := f.flowNow
	if len(spec.Credentials) == 0 {
		return ""
	}
	if c := credential(f.cred.Selected); spec.accepts(c) {
		return c
	}
	return spec.Credentials[0]
}

// applyFlow shows exactly the fields the flow and credential need, with
// the flow's titles and hints.
func (f *form) applyFlow() {
	spec := f.flowNow
	cred := f.credentialNow()
	oauth := spec.ID.UsesOAuth()
	visible := map[string]bool{
		profile.FieldSecret:       spec.needs(profile.FieldSecret) && cred == credSecret,
		profile.FieldCert:         spec.needs(profile.FieldCert) && cred == credCert,
		profile.FieldCertPassword: spec.needs(profile.FieldCertPassword) && cred == credCert,
		profile.FieldCloud:        oauth,
		profile.FieldAuthority:    oauth,
		profile.FieldGraphURL:     oauth,
		profile.FieldMechanism:    oauth,
	}
	for _, name := range []string{profile.FieldTenant, profile.FieldClientID, profile.FieldMailbox, profile.FieldUser,
		profile.FieldPassword, profile.FieldRedirectURI, fieldLoopback, profile.FieldProvider} {
		visible[name] = spec.needs(name)
	}
	for name, v := range visible {
		if v {
			f.fields[name].box.Show()
		} else {
			f.fields[name].box.Hide()
		}
	}
	if len(spec.Credentials) > 1 {
		f.cred.Show()
	} else {
		f.cred.Hide()
	}
	f.explain.SetText(spec.ID.Explain())
	for name, fl := range f.fields {
		fl.setLabel(spec.label(name, f.labels[name]))
		fl.setHint(spec.hint(name))
	}
	f.applyHosts()
	setDisabled(f.protocols[profile.Graph], f.disabled || !oauth)
}

// applyHosts shows, in the host fields' placeholders and hints, the hosts
// an empty field stands for: the provider's in the app-password flow.
func (f *form) applyHosts() {
	imap, pop, smtp := cloud.Global.IMAPHost, cloud.Global.POPHost, cloud.Global.SMTPHost
	if c, err := cloud.Lookup(cloudName(f.cloud.Selected)); err == nil {
		imap, pop, smtp = c.IMAPHost, c.POPHost, c.SMTPHost
	}
	if f.flowNow.ID == profile.AppPassword {
		pv := f.providerNow()
		imap, pop, smtp = pv.IMAPHost, pv.POPHost, pv.SMTPHost
		note := pv.Note
		if pv.BasicAuthOff {
			note += " Expect this test to fail."
		}
		f.fields[profile.FieldProvider].setHint(note)
	}
	for _, h := range []struct {
		name, host, how string
		e               *widget.Entry
	}{
		{profile.FieldIMAPHost, imap, "implicit TLS", f.imapHost},
		{profile.FieldPOPHost, pop, "implicit TLS", f.popHost},
		{profile.FieldSMTPHost, smtp, "STARTTLS", f.smtpHost},
	} {
		if h.host == "" {
			h.e.PlaceHolder = "host:port"
			f.fields[h.name].setHint("host:port with " + h.how + ". Required for another server.")
		} else {
			h.e.PlaceHolder = h.host
			f.fields[h.name].setHint("host:port with " + h.how + ". Empty: " + h.host + ".")
		}
		h.e.Refresh()
	}
}

func (f *form) pickFile(target *widget.Entry, exts ...string) {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		_ = r.Close()
		target.SetText(r.URI().Path())
	}, f.win)
	d.SetFilter(storage.NewExtensionFileFilter(exts))
	d.Show()
}

// changed records that the user edited a field and re-validates.
func (f *form) changed(name string) {
	if f.quiet {
		return
	}
	f.touched[name] = true
	f.extra = nil
	f.validate()
	if f.onChange != nil {
		f.onChange()
	}
}

// value returns an entry's real text, even while it is masked.
func (f *form) value(e *widget.Entry) string {
	if v, ok := f.real[e]; ok && f.hidden {
		return v
	}
	return e.Text
}

// timeoutValue parses the timeout entry; empty means the default.
func (f *form) timeoutValue() (time.Duration, *profile.Problem) {
	s := profile.Clean(f.timeout.Text)
	if s == "" {
		return 0, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, &profile.Problem{Field: profile.FieldTimeout, Message: fmt.Sprintf("timeout %q is not a duration", s), Fix: "use a duration such as 20s or 1m"}
	}
	if d == 0 {
		return 0, &profile.Problem{Field: profile.FieldTimeout, Message: "timeout 0s leaves no time for a sign-in", Fix: "use a positive duration such as 20s"}
	}
	return d, nil
}

// profile returns what the form holds for the selected flow: fields the
// flow does not show are left out. Secrets are included: the result goes
// to the engine and nowhere else.
func (f *form) profile() profile.Profile {
	spec := f.flowNow
	p := profile.Profile{
		Flow: spec.ID, Cloud: cloudName(f.cloud.Selected),
		IMAPHost: f.imapHost.Text, POPHost: f.popHost.Text, SMTPHost: f.smtpHost.Text,
		CAFile: f.caFile.Text, SendTestMail: f.sendMail.Checked, Transcript: f.transcript.Checked,
	}
	if spec.ID.UsesOAuth() {
		p.AuthorityHost, p.GraphURL = f.authority.Text, f.graphURL.Text
	}
	if spec.needs(profile.FieldTenant) {
		p.Tenant = f.value(f.tenant)
	}
	if spec.needs(profile.FieldClientID) {
		p.ClientID = f.value(f.clientID)
	}
	if spec.needs(profile.FieldMailbox) {
		p.Mailbox = f.value(f.mailbox)
	}
	if spec.needs(profile.FieldUser) {
		p.User = f.value(f.user)
	}
	if spec.needs(profile.FieldPassword) {
		p.Password = f.password.Text
	}
	if spec.needs(profile.FieldRedirectURI) {
		p.RedirectURI = f.redirect.Text
	}
	if spec.needs(fieldLoopback) {
		p.RedirectURI = f.loopback.Text
	}
	if spec.needs(profile.FieldProvider) {
		p.Provider = f.providerNow().Name
	}
	switch f.credentialNow() {
	case credCert:
		p.CertFile, p.CertPassword = f.certFile.Text, f.certPass.Text
	case credSecret:
		p.ClientSecret = f.secret.Text
	}
	for _, pr := range profile.AllProtocols {
		if f.protocols[pr].Checked && (pr != profile.Graph || spec.ID.UsesOAuth()) {
			p.Protocols = append(p.Protocols, pr)
		}
	}
	for _, m := range mechanisms {
		if m.title == f.mech.Selected {
			p.Mechanism = m.mech
		}
	}
	p.Timeout, _ = f.timeoutValue()
	return p
}

// localProblems are the problems the form finds itself (the timeout text).
func (f *form) localProblems() profile.Problems {
	if _, p := f.timeoutValue(); p != nil {
		return profile.Problems{*p}
	}
	return nil
}

// problems validates the form with the engine's rules, as Prepare would.
func (f *form) problems() profile.Problems {
	p := profile.Normalize(f.profile())
	var ps profile.Problems
	if p.HasCredentials() {
		ps = profile.Validate(p)
	} else {
		ps = profile.ValidateEnvironment(p)
	}
	return append(ps, f.localProblems()...)
}

// fieldValue is the text a field holds, for "is it still empty?".
func (f *form) fieldValue(name string) string {
	switch name {
	case profile.FieldTenant:
		return f.value(f.tenant)
	case profile.FieldClientID:
		return f.value(f.clientID)
	case profile.FieldMailbox:
		return f.value(f.mailbox)
	case profile.FieldUser:
		return f.value(f.user)
	case profile.FieldPassword:
		return f.password.Text
	case profile.FieldRedirectURI:
		return f.redirect.Text
	case fieldLoopback:
		return f.loopback.Text
	case profile.FieldSecret:
		return f.secret.Text + f.certFile.Text
	case profile.FieldCert:
		return f.certFile.Text
	}
	return "x"
}

// validate shows, under each field, the first error (or else warning)
// the engine's rules find. An empty field the user has not touched yet is
// left alone until Test now is pressed.
func (f *form) validate() {
	ps := append(f.problems(), f.extra...)
	for name, fl := range f.fields {
		var pick *profile.Problem
		src := name
		if name == fieldLoopback {
			src = profile.FieldRedirectURI
		}
		for _, p := range ps.For(src) {
			if !f.attempted && !f.touched[name] && strings.TrimSpace(f.fieldValue(name)) == "" {
				continue
			}
			if pick == nil || (pick.Severity == profile.Warning && p.Severity == profile.Error) {
				pick = &p
			}
		}
		if pick != nil && f.hidden {
			pp := *pick
			pp.Message, pp.Fix = f.maskIDs(pp.Message), f.maskIDs(pp.Fix)
			pick = &pp
		}
		fl.show(pick)
	}
}

// attempt marks the form as submitted and shows ps (from Prepare) too.
// Problems in the Advanced section open it.
func (f *form) attempt(ps profile.Problems) {
	f.attempted = true
	f.extra = ps
	f.validate()
	for _, p := range append(f.problems(), ps...) {
		switch p.Field {
		case profile.FieldRedirectURI:
			if p.Severity == profile.Error && f.flowNow.needs(fieldLoopback) {
				f.advanced.Open(0)
			}
		case profile.FieldAuthority, profile.FieldIMAPHost, profile.FieldPOPHost, profile.FieldSMTPHost, profile.FieldGraphURL, profile.FieldCAFile, profile.FieldMechanism, profile.FieldTimeout:
			if p.Severity == profile.Error {
				f.advanced.Open(0)
			}
		}
	}
}

// fill replaces the form's contents with p (for the demo and preferences).
// Secret fields are set only when p has them.
func (f *form) fill(p profile.Profile) {
	f.quiet = true
	defer func() { f.quiet = false; f.validate() }()
	f.setID(f.tenant, p.Tenant)
	f.setID(f.clientID, p.ClientID)
	f.setID(f.mailbox, p.Mailbox)
	f.setID(f.user, p.User)
	f.password.SetText(p.Password)
	switch p.Flow {
	case profile.AuthCode:
		f.redirect.SetText(p.RedirectURI)
	case profile.Interactive:
		f.loopback.SetText(p.RedirectURI)
	}
	f.provider.SetSelected(cloud.Providers[0].Title)
	if pv, err := cloud.LookupProvider(p.Provider); err == nil {
		f.provider.SetSelected(pv.Title)
	}
	f.secret.SetText(p.ClientSecret)
	f.certFile.SetText(p.CertFile)
	f.certPass.SetText(p.CertPassword)
	f.flowNow = flowByID(p.Flow)
	f.flow.SetSelected(f.flowNow.Title())
	if p.CertFile != "" && p.ClientSecret == "" {
		f.cred.SetSelected(string(credCert))
	} else {
		f.cred.SetSelected(string(credSecret))
	}
	if len(p.Protocols) > 0 {
		for _, pr := range profile.AllProtocols {
			f.protocols[pr].SetChecked(p.Has(pr))
		}
	}
	if c, err := cloud.Lookup(p.Cloud); err == nil {
		f.cloud.SetSelected(c.Title)
	}
	f.authority.SetText(p.AuthorityHost)
	f.imapHost.SetText(p.IMAPHost)
	f.popHost.SetText(p.POPHost)
	f.smtpHost.SetText(p.SMTPHost)
	f.graphURL.SetText(p.GraphURL)
	f.sendMail.SetChecked(p.SendTestMail)
	f.caFile.SetText(p.CAFile)
	for _, m := range mechanisms {
		if m.mech == p.Mechanism {
			f.mech.SetSelected(m.title)
		}
	}
	if p.Timeout > 0 && p.Timeout != profile.DefaultTimeout {
		f.timeout.SetText(p.Timeout.String())
	} else {
		f.timeout.SetText("")
	}
	f.transcript.SetChecked(p.Transcript)
	f.applyFlow()
	f.touched, f.attempted, f.extra = map[string]bool{}, false, nil
}

// setID sets an ID entry, masked when IDs are hidden.
func (f *form) setID(e *widget.Entry, v string) {
	f.real[e] = v
	if f.hidden {
		e.SetText(maskID(v))
	} else {
		e.SetText(v)
	}
}

// maskID hides one ID the way reports do.
func maskID(v string) string {
	if strings.TrimSpace(v) == "" {
		return ""
	}
	return report.HideID(strings.TrimSpace(v))
}

// maskIDs hides the form's IDs (and any GUID) inside a text.
func (f *form) maskIDs(s string) string {
	return report.Redact(s, report.Options{HideIDs: true, IDs: f.ids()})
}

// ids returns the tenant, client ID, mailbox and sign-in user as typed.
func (f *form) ids() []string {
	return []string{f.value(f.tenant), f.value(f.clientID), f.value(f.mailbox), f.value(f.user)}
}

// setHidden masks or unmasks the ID entries. Masked entries are read-only
// until IDs are shown again.
func (f *form) setHidden(hide bool) {
	if hide == f.hidden {
		return
	}
	f.quiet = true
	defer func() { f.quiet = false }()
	for _, e := range f.idEntries() {
		if hide {
			f.real[e] = e.Text
			e.SetText(maskID(e.Text))
		} else {
			e.SetText(f.real[e])
		}
	}
	f.hidden = hide
	f.setEnabled(!f.disabled)
	f.validate()
}

// setEnabled enables or disables every input (disabled while a run is on).
func (f *form) setEnabled(on bool) {
	f.disabled = !on
	ws := []fyne.Disableable{f.flow, f.cred, f.provider, f.password, f.redirect, f.loopback, f.secret, f.certFile, f.certBrowse, f.certPass, f.cloud,
		f.authority, f.imapHost, f.popHost, f.smtpHost, f.graphURL, f.sendMail, f.caFile, f.caBrowse, f.mech, f.timeout, f.transcript}
	for pr, c := range f.protocols {
		if pr != profile.Graph {
			ws = append(ws, c)
		}
	}
	setDisabled(f.protocols[profile.Graph], !on || !f.flowNow.ID.UsesOAuth())
	for _, w := range ws {
		setDisabled(w, !on)
	}
	for _, e := range f.idEntries() {
		setDisabled(e, !on || f.hidden)
	}
}

// idEntries are the entries Hide IDs masks.
func (f *form) idEntries() []*widget.Entry {
	return []*widget.Entry{f.tenant, f.clientID, f.mailbox, f.user}
}

func setDisabled(w fyne.Disableable, off bool) {
	if off {
		w.Disable()
	} else {
		w.Enable()
	}
}
