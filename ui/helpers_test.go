package ui

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	gokeyring "github.com/zalando/go-keyring"

	"github.com/mailoauth/mailoauth-tester/core/demo"
	"github.com/mailoauth/mailoauth-tester/core/diagnose"
	"github.com/mailoauth/mailoauth-tester/core/engine"
	"github.com/mailoauth/mailoauth-tester/core/keyring"
	"github.com/mailoauth/mailoauth-tester/core/profile"
	"github.com/mailoauth/mailoauth-tester/core/secret"
	"github.com/mailoauth/mailoauth-tester/core/simulate"
	"github.com/mailoauth/mailoauth-tester/core/store"
)

const (
	tTenant = "8f2d3c4b-1a2b-4c3d-9e8f-0a1b2c3d4e5f"
	tClient = "11112222-3333-4444-5555-666677778888"
	tMbox   = "support@contoso.com"
	tSecret = "Abc8Q~verySecretValue.1234567890abcdefXYZ"
)

var t0 = time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)

// scriptedJob emits canned events. With block it waits for cancellation
// before it ends, like a run stuck on a slow server.
type scriptedJob struct {
	plan   []engine.StepInfo
	events []engine.Event
	block  bool
	scrub  *secret.Scrubber
	result *engine.Result
}

func (j *scriptedJob) Plan() []engine.StepInfo    { return j.plan }
func (j *scriptedJob) Scrubber() *secret.Scrubber { return j.scrub }

func (j *scriptedJob) Run(ctx context.Context, emit func(engine.Event)) *engine.Result {
	emit(engine.Event{Time: t0, Kind: engine.RunStart, Level: engine.Info, Text: "Testing " + tMbox + " with app " + tClient + " in tenant " + tTenant, Steps: j.plan})
	for _, e := range j.events {
		emit(e)
	}
	res := j.result
	if j.block {
		<-ctx.Done()
		res = &engine.Result{Cancelled: true, Mode: "check", Verdict: "Cancelled after 1 ms — 0 of 2 checks finished"}
		for _, s := range j.plan {
			res.Steps = append(res.Steps, engine.StepResult{Name: s.Name, Title: s.Title, Status: engine.Skipped, Detail: "not finished: cancelled"})
		}
	}
	emit(engine.Event{Time: t0.Add(time.Second), Kind: engine.RunEnd, Level: levelFor(res.OK), Text: res.Verdict, Result: res})
	return res
}

func levelFor(ok bool) engine.Level {
	if ok {
		return engine.Good
	}
	return engine.Error
}

// failingJob is a check run whose SMTP step fails with a diagnosis. Its
// texts carry the IDs (and one carries the secret the engine would have
// scrubbed, to prove the window scrubs again).
func failingJob() *scriptedJob {
	sc := &secret.Scrubber{}
	sc.Add(tSecret)
	plan := []engine.StepInfo{{Name: "token", Title: "Token"}, {Name: "claims", Title: "Claims"}, {Name: "imap", Title: "IMAP"}, {Name: "smtp", Title: "SMTP"}}
	d := &diagnose.Diagnosis{ID: "smtp-auth-disabled", Title: "SMTP AUTH is disabled",
		Cause:  "Exchange Online refused SMTP AUTH for **" + tMbox + "**.",
		Fix:    []string{"Run `Set-CASMailbox -Identity '" + tMbox + "' -SmtpClientAuthenticationDisabled $false`.", "Wait 15 minutes and test again."},
		Links:  []diagnose.Link{{Title: "App registration → Overview", URL: "https://portal.azure.com/#view/Microsoft_AAD_RegisteredApps/ApplicationMenuBlade/~/Overview/appId/" + tClient}},
		Script: "Set-CASMailbox -Identity '" + tMbox + "' -SmtpClientAuthenticationDisabled $false"}
	at := func(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }
	res := &engine.Result{Mode: "check", Started: t0, Duration: 1200 * time.Millisecond,
		Verdict: "1 of 4 checks failed — SMTP: SMTP AUTH is disabled",
		Input:   engine.Input{Tenant: tTenant, ClientID: tClient, Mailbox: tMbox, Flow: "client-credentials", Credential: "secret " + secret.Mask(tSecret), Protocols: []string{"imap", "smtp"}, Cloud: "global"},
		Steps: []engine.StepResult{
			{Name: "token", Title: "Token", Status: engine.OK, Duration: 312 * time.Millisecond, Detail: "token for app " + tClient},
			{Name: "claims", Title: "Claims", Status: engine.OK, Duration: time.Millisecond, Detail: "roles IMAP.AccessAsApp, SMTP.SendAsApp"},
			{Name: "imap", Title: "IMAP", Status: engine.OK, Duration: 420 * time.Millisecond, Detail: "logged in as " + tMbox + ", INBOX has 3 messages"},
			{Name: "smtp", Title: "SMTP", Status: engine.Fail, Duration: 380 * time.Millisecond, Detail: "535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant.", Diagnosis: d},
		}}
	return &scriptedJob{plan: plan, scrub: sc, result: res, events: []engine.Event{
		{Time: at(1), Kind: engine.StepStart, Step: "token", Level: engine.Info, Text: "requesting a token from login.microsoftonline.com", Status: engine.Running},
		{Time: at(313), Kind: engine.StepEnd, Step: "token", Level: engine.Good, Status: engine.OK, Duration: 312 * time.Millisecond, Text: "token for app " + tClient},
		{Time: at(314), Kind: engine.StepStart, Step: "claims", Level: engine.Info, Text: "checking the token's claims", Status: engine.Running},
		{Time: at(315), Kind: engine.StepEnd, Step: "claims", Level: engine.Good, Status: engine.OK, Duration: time.Millisecond, Text: "roles IMAP.AccessAsApp, SMTP.SendAsApp"},
		{Time: at(316), Kind: engine.StepStart, Step: "imap", Level: engine.Info, Text: "connecting to outlook.office365.com:993", Status: engine.Running},
		{Time: at(317), Kind: engine.StepStart, Step: "smtp", Level: engine.Info, Text: "connecting to smtp.office365.com:587", Status: engine.Running},
		{Time: at(318), Kind: engine.Log, Step: "smtp", Level: engine.Debug, Text: "client_secret=" + tSecret},
		{Time: at(500), Kind: engine.Transcript, Step: "imap", Level: engine.Debug, Text: "C: a1 AUTHENTICATE XOAUTH2 ****"},
		{Time: at(697), Kind: engine.StepEnd, Step: "smtp", Level: engine.Error, Status: engine.Fail, Duration: 380 * time.Millisecond, Text: "535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant.", Diagnosis: d},
		{Time: at(736), Kind: engine.StepEnd, Step: "imap", Level: engine.Good, Status: engine.OK, Duration: 420 * time.Millisecond, Text: "logged in as " + tMbox + ", INBOX has 3 messages"},
	}}
}

// harness is a window with the UI and channels fed from inside the
// fyne.Do callbacks (the test driver runs them on the calling goroutine:
// reading widgets from the test goroutine is safe only after a signal).
type harness struct {
	t        testing.TB
	app      fyne.App
	win      fyne.Window
	u        *UI
	finished chan struct{}
	batches  chan struct{}
	demo     chan error
	prompted chan struct{} // the sign-in prompts changed
	async    chan struct{} // a background task (the keyring) came back
	// profiles is the window's profile folder; a second window on the
	// same folder is the next start.
	profiles *store.Store
	// browse, when set, is the user's browser: the sign-in opener calls
	// it with every URL it opens (set it before the run starts).
	browse func(string)

	mu       sync.Mutex
	opened   []string
	prepared []profile.Profile
	// sim is the simulated tenant of the last demo StartDemo started.
	sim *simulate.Tenant
	// demoFlow is the flow the next demo is shown with ("": its own).
	demoFlow profile.Flow
}

func newHarness(t testing.TB, prepare func(h *harness, p profile.Profile) (Job, profile.Problems)) *harness {
	t.Helper()
	return newHarnessWith(t, prepare, Options{})
}

// newHarnessWith is newHarness with more options. Unless opts says
// otherwise, the window has a profile folder of its own and the keyring
// is go-keyring's in-memory mock (package-level: the tests that use it do
// not run in parallel).
func newHarnessWith(t testing.TB, prepare func(h *harness, p profile.Profile) (Job, profile.Problems), opts Options) *harness {
	t.Helper()
	h := &harness{t: t, finished: make(chan struct{}, 8), batches: make(chan struct{}, 1024), demo: make(chan error, 4), prompted: make(chan struct{}, 64),
		async: make(chan struct{}, 64)}
	if opts.Profiles == nil {
		opts.Profiles = store.Open(t.TempDir())
	}
	if opts.Keyring == nil {
		gokeyring.MockInit()
		opts.Keyring = keyring.System()
	}
	h.profiles = opts.Profiles
	h.app = test.NewTempApp(t)
	h.win = test.NewTempWindow(t, widget.NewLabel(""))
	var prep PrepareFunc
	if prepare != nil {
		prep = func(p profile.Profile) (Job, profile.Problems) {
			h.mu.Lock()
			h.prepared = append(h.prepared, p)
			h.mu.Unlock()
			return prepare(h, p)
		}
	}
	startDemo := func(name string) (Demo, error) {
		t, err := demo.Start(name, h.demoFlow)
		if err != nil {
			return nil, err
		}
		h.sim = t.Sim() // read by the test after onDemo, which follows on this goroutine
		return t, nil
	}
	opts.Prepare, opts.StartDemo = prep, startDemo
	opts.async = func() { h.async <- struct{}{} }
	opts.OpenURL = func(u *url.URL) error {
		h.mu.Lock()
		defer h.mu.Unlock()
		h.opened = append(h.opened, u.String())
		if h.browse != nil {
			h.browse(u.String())
		}
		return nil
	}
	h.u = New(h.app, h.win, opts)
	h.u.onPrompt = func() {
		select {
		case h.prompted <- struct{}{}:
		default:
		}
	}
	h.u.onFinished = func() { h.finished <- struct{}{} }
	h.u.onDelivered = func() {
		select {
		case h.batches <- struct{}{}:
		default:
		}
	}
	h.u.onDemo = func(err error) { h.demo <- err }
	h.win.Resize(fyne.NewSize(900, 650))
	t.Cleanup(h.u.Close)
	return h
}

// scripted returns a prepare func that hands out job.
func scripted(job Job) func(*harness, profile.Profile) (Job, profile.Problems) {
	return func(_ *harness, p profile.Profile) (Job, profile.Problems) {
		if sj, ok := job.(*scriptedJob); ok && sj.result != nil {
			// Like the engine, the run records the preset it was set up for.
			sj.result.Input.Preset, sj.result.Input.GraphSendOnly = p.Preset, p.GraphSendOnly
		}
		return job, nil
	}
}

// fillIDs types the app-only fields as a user would: each entry gets the
// focus, then the focus goes away.
func (h *harness) fillIDs() {
	c := h.win.Canvas()
	for name, v := range map[string]string{profile.FieldTenant: tTenant, profile.FieldClientID: tClient, profile.FieldSecret: tSecret, profile.FieldMailbox: tMbox} {
		e := h.u.form.entry(name)
		c.Focus(e)
		test.Type(e, v)
	}
	c.Unfocus()
}

// onUI runs f as the Fyne goroutine would, in order with the run's
// deliveries (a bare call from the test goroutine could race them).
func (h *harness) onUI(f func()) { h.u.stream.do(f) }

// waitUntil waits for the sign-in prompts to change until cond, read on
// the Fyne goroutine, holds.
func (h *harness) waitUntil(what string, cond func() bool) {
	h.t.Helper()
	deadline := time.After(30 * time.Second)
	for {
		ok := make(chan bool, 1)
		h.onUI(func() { ok <- cond() })
		if <-ok {
			return
		}
		select {
		case <-h.prompted:
		case <-h.finished:
			h.t.Fatalf("the run ended while waiting for %s", what)
		case <-deadline:
			h.t.Fatalf("timed out waiting for %s", what)
		}
	}
}

// wait blocks until ch signals, failing after a bound.
func (h *harness) wait(ch chan struct{}, what string) {
	h.t.Helper()
	select {
	case <-ch:
	case <-time.After(30 * time.Second):
		h.t.Fatalf("timed out waiting for %s", what)
	}
}

// everything returns every text a user or a file could see.
func (h *harness) everything() map[string]string {
	u := h.u
	out := map[string]string{
		"log":       u.log.text(),
		"diagnoses": u.details.text(),
		"banner":    u.banner.text,
		"title":     h.win.Title(),
		"clipboard": h.app.Clipboard().Content(),
		"markup":    test.RenderToMarkup(h.win.Canvas()),
	}
	if u.result != nil {
		out["markdown"] = u.markdown()
		var html, js strings.Builder
		if err := u.writeReport(&html, "r.html"); err != nil {
			h.t.Fatal(err)
		}
		if err := u.writeReport(&js, "r.json"); err != nil {
			h.t.Fatal(err)
		}
		out["html"], out["json"] = html.String(), js.String()
	}
	if rv, ok := h.app.Preferences().(interface{ ReadValues(func(map[string]any)) }); ok {
		rv.ReadValues(func(m map[string]any) { out["preferences"] = fmt.Sprint(m) })
	} else {
		h.t.Fatal("test preferences cannot be listed")
	}
	for _, r := range u.checks.rows {
		out["checklist"] += h.u.checks.detailText(r) + "\n"
	}
	return out
}
