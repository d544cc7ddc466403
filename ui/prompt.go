package ui

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/mailoauth/mailoauth-tester/core/engine"
)

// countdownInterval is how often the device code's countdown is redrawn:
// it shows seconds.
const countdownInterval = time.Second

// signInStep is the engine's step that waits for the user; its prompts
// (and Paste requests) belong to it.
const signInStep = "token"

// pasteRequest is one call of engine.Options.Paste waiting for the user.
// answer is buffered so that the Fyne goroutine never blocks on it.
type pasteRequest struct {
	prompt engine.Prompt
	answer chan string
}

// prompts shows what the user must do while a sign-in waits: the device
// code with its countdown, the "browser opened" card, and the card that
// asks for the address the browser shows after sign-in. Every method runs
// on the Fyne goroutine. Pasted text is handed to the engine and cleared
// from the entry at once; it is never logged or shown anywhere else (it
// carries the authorization code).
type prompts struct {
	open  func(string)                                  // opens a sign-in URL (the run's opener)
	copy  func(string)                                  // puts the device code on the clipboard
	now   func() time.Time                              // clock of the countdown
	every func(d time.Duration, f func()) (stop func()) // runs f on the Fyne goroutine every d

	step string // the step the prompts belong to ("token"); its end hides them

	device     *widget.Card
	deviceURL  *widget.Hyperlink
	code       *widget.Label
	countdown  *widget.Label
	expires    time.Time
	stopTicker func()
	prompt     engine.Prompt // the device-code or browser prompt shown

	browser      *widget.Card
	browserMsg   *widget.Label
	browserURL   *widget.Label
	browserPaste *fyne.Container
	errorEntry   *widget.Entry

	paste      *widget.Card
	pasteMsg   *widget.Label
	pasteURL   *widget.Label
	pasteEntry *widget.Entry
	cont       *widget.Button

	pasteMode bool          // the run pastes the redirected address (auth-code, web redirect)
	pending   *pasteRequest // the engine waits for this answer
	early     string        // an answer (demo browser) that came before the request

	content  *fyne.Container
	onChange func() // after cards were shown or hidden (tests)
}

func newPrompts(open, copyText func(string), every func(time.Duration, func()) func()) *prompts {
	p := &prompts{open: open, copy: copyText, now: time.Now, every: every}
	p.buildUI()
	return p
}

func (p *prompts) buildUI() {
	p.code = &widget.Label{TextStyle: fyne.TextStyle{Monospace: true}, SizeName: theme.SizeNameSubHeadingText, Selectable: true}
	p.deviceURL = &widget.Hyperlink{}
	p.countdown = &widget.Label{}
	copyCode := &widget.Button{Text: "Copy code", Icon: theme.ContentCopyIcon(), OnTapped: func() { p.copy(p.prompt.Code) }}
	openBrowser := &widget.Button{Text: "Open browser", Icon: theme.ComputerIcon(), Importance: widget.HighImportance, OnTapped: func() { p.open(p.prompt.URL) }}
	p.deviceURL.OnTapped = func() { p.open(p.prompt.URL) }
	p.device = widget.NewCard("", "", container.NewVBox(
		container.NewBorder(nil, nil, &widget.Label{Text: "Sign in with this code:", TextStyle: fyne.TextStyle{Bold: true}}, container.NewHBox(copyCode, openBrowser), p.code),
		container.NewHBox(widget.NewLabel("Open"), p.deviceURL, widget.NewLabel("on any device and enter it."), p.countdown),
	))

	p.browserMsg = &widget.Label{Wrapping: fyne.TextWrapWord}
	p.browserURL = &widget.Label{Truncation: fyne.TextTruncateEllipsis, Importance: widget.LowImportance}
	p.errorEntry = &widget.Entry{PlaceHolder: "Paste the error the browser shows"}
	p.errorEntry.ExtendBaseWidget(p.errorEntry)
	sendErr := &widget.Button{Text: "Send error", OnTapped: func() { p.submit(p.errorEntry) }}
	p.errorEntry.OnSubmitted = func(string) { p.submit(p.errorEntry) }
	p.browserPaste = container.NewBorder(nil, nil, nil, sendErr, p.errorEntry)
	againB := &widget.Button{Text: "Open again", Icon: theme.ComputerIcon(), OnTapped: func() { p.open(p.prompt.URL) }}
	p.browser = widget.NewCard("", "", container.NewVBox(
		&widget.Label{Text: "Sign in in the browser window that just opened", TextStyle: fyne.TextStyle{Bold: true}},
		p.browserMsg, container.NewBorder(nil, nil, nil, againB, p.browserURL), p.browserPaste,
	))

	p.pasteMsg = &widget.Label{Wrapping: fyne.TextWrapWord}
	p.pasteURL = &widget.Label{Truncation: fyne.TextTruncateEllipsis, Importance: widget.LowImportance}
	againP := &widget.Button{Text: "Open again", Icon: theme.ComputerIcon(), OnTapped: func() { p.open(p.pasteURLValue()) }}
	p.pasteEntry = &widget.Entry{PlaceHolder: "https://…/callback?code=…"}
	p.pasteEntry.ExtendBaseWidget(p.pasteEntry)
	p.pasteEntry.OnSubmitted = func(string) { p.submit(p.pasteEntry) }
	p.cont = &widget.Button{Text: "Continue", Icon: theme.NavigateNextIcon(), Importance: widget.HighImportance, OnTapped: func() { p.submit(p.pasteEntry) }}
	p.paste = widget.NewCard("", "", container.NewVBox(
		&widget.Label{Text: "Finish the sign-in", TextStyle: fyne.TextStyle{Bold: true}},
		p.pasteMsg,
		container.NewBorder(nil, nil, nil, againP, p.pasteURL),
		&widget.Label{Text: "Paste the address the browser shows after sign-in (or just the code, or the error text)", Wrapping: fyne.TextWrapWord},
		container.NewBorder(nil, nil, nil, p.cont, p.pasteEntry),
	))

	p.content = container.NewVBox(p.device, p.browser, p.paste)
	p.hideAll()
	p.content.Hide()
}

// pasteURLValue is the authorize URL the paste card was asked with.
func (p *prompts) pasteURLValue() string {
	if p.pending != nil {
		return p.pending.prompt.URL
	}
	return p.prompt.URL
}

// reset prepares for a new run.
func (p *prompts) reset(pasteMode bool) {
	p.hideAll()
	p.pasteMode, p.early, p.pending, p.step = pasteMode, "", nil, ""
}

// show renders a prompt event of step.
func (p *prompts) show(step string, pr engine.Prompt) {
	p.step = step
	switch pr.Kind {
	case engine.PromptDeviceCode:
		p.prompt = pr
		p.code.SetText(pr.Code)
		p.deviceURL.SetText(pr.URL)
		p.deviceURL.SetURL(parseURL(pr.URL))
		p.expires = pr.Expires
		p.tick()
		p.startTicker()
		p.device.Show()
	case engine.PromptBrowser:
		p.prompt = pr
		if p.pasteMode {
			p.showPaste(pr) // the paste card has its own "Open again"
			break
		}
		p.browserMsg.SetText(pr.Message)
		p.browserURL.SetText(pr.URL)
		p.browserPaste.Hidden = p.pending == nil
		p.browser.Show()
		p.browser.Refresh()
	case engine.PromptPaste:
		p.showPaste(pr)
	}
	p.changed()
}

func (p *prompts) showPaste(pr engine.Prompt) {
	if pr.Message != "" {
		p.pasteMsg.SetText(pr.Message)
	}
	if pr.URL != "" {
		p.pasteURL.SetText(pr.URL)
	}
	p.cont.Enable()
	p.paste.Show()
}

// ask shows where the engine's Paste request is answered: the paste card
// when the run pastes the redirected address, else the "paste the error"
// row of the browser card. An answer that came first is sent at once.
func (p *prompts) ask(req *pasteRequest) {
	if p.early != "" {
		req.answer <- p.early
		p.early = ""
		return
	}
	p.pending = req
	if p.step == "" {
		p.step = signInStep
	}
	if p.pasteMode {
		p.showPaste(req.prompt)
	} else {
		p.browserPaste.Show()
	}
	p.changed()
}

// submit sends an entry's text to the waiting Paste call and clears the
// entry: the text may carry the authorization code.
func (p *prompts) submit(e *widget.Entry) {
	text := strings.TrimSpace(e.Text)
	if text == "" || p.pending == nil {
		return
	}
	p.pending.answer <- text
	p.pending = nil
	e.SetText("")
	p.paste.Hide()
	p.browserPaste.Hide()
	p.changed()
}

// answer sends text (from the demo's browser) to the waiting Paste call,
// or keeps it for the call to come.
func (p *prompts) answer(text string) {
	if p.pending == nil {
		p.early = text
		return
	}
	p.pending.answer <- text
	p.pending = nil
	p.paste.Hide()
	p.browserPaste.Hide()
	p.changed()
}

// stepEnded hides the prompts, and forgets the Paste request they
// answer, once their step (the sign-in) ended.
func (p *prompts) stepEnded(step string) {
	if step == p.step {
		p.hideAll()
		p.changed()
	}
}

// hideAll hides every card, stops the countdown and forgets the pending
// Paste request (its sign-in ended, or the run did).
func (p *prompts) hideAll() {
	p.pending, p.early = nil, ""
	p.stopCountdown()
	p.device.Hide()
	p.browser.Hide()
	p.paste.Hide()
	p.pasteEntry.SetText("")
	p.errorEntry.SetText("")
	p.cont.Disable()
	p.browserPaste.Hide()
}

// visible reports whether any card shows.
func (p *prompts) visible() bool {
	return p.device.Visible() || p.browser.Visible() || p.paste.Visible()
}

func (p *prompts) startTicker() {
	p.stopCountdown()
	p.stopTicker = p.every(countdownInterval, p.tick)
}

func (p *prompts) stopCountdown() {
	if p.stopTicker != nil {
		p.stopTicker()
		p.stopTicker = nil
	}
}

// tick redraws the countdown to the device code's expiry.
func (p *prompts) tick() {
	if p.expires.IsZero() {
		p.countdown.SetText("")
		return
	}
	left := p.expires.Sub(p.now()).Round(time.Second)
	if left <= 0 {
		p.countdown.Importance = widget.DangerImportance
		p.countdown.SetText("The code has expired — press Cancel and test again for a new one")
		p.stopCountdown()
		return
	}
	p.countdown.Importance = widget.LowImportance
	p.countdown.SetText(fmt.Sprintf("The code expires in %d:%02d", int(left.Minutes()), int(left.Seconds())%60))
}

// changed hides the panel (and its padding) when no card shows, and
// tells the test hook.
func (p *prompts) changed() {
	if p.visible() {
		p.content.Show()
	} else {
		p.content.Hide()
	}
	if p.onChange != nil {
		p.onChange()
	}
}

func parseURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		return nil
	}
	return u
}

// tickerEvery runs f through do every d until stop is called; do brings
// it onto the Fyne goroutine. A tick that was already on its way when
// stop was called does nothing: stop runs on the Fyne goroutine, so the
// tick's callback, which runs there after it, sees stopped.
func tickerEvery(do func(func())) func(time.Duration, func()) func() {
	return func(d time.Duration, f func()) func() {
		t := time.NewTicker(d)
		done := make(chan struct{})
		var stopped atomic.Bool
		go func() {
			defer t.Stop()
			for {
				select {
				case <-t.C:
					do(func() {
						if !stopped.Load() {
							f()
						}
					})
				case <-done:
					return
				}
			}
		}()
		var once sync.Once
		return func() {
			once.Do(func() {
				stopped.Store(true)
				close(done)
			})
		}
	}
}

// paste is engine.Options.Paste: it shows the card that asks for the
// address the browser shows after sign-in (or the error it shows) and
// waits for Continue or for ctx to end. It runs on a goroutine of the
// sign-in that nobody waits for, so it may run late, even after the run
// ended; it then must not touch the window. ctx ends before the sign-in
// step does, so a card it asks for is always shown before that step's
// end, which hides it again (prompts.stepEnded), as does the run's end.
func (u *UI) paste(ctx context.Context, pr engine.Prompt) (string, error) {
	req := &pasteRequest{prompt: pr, answer: make(chan string, 1)}
	u.stream.do(func() {
		if ctx.Err() == nil {
			u.prompts.ask(req)
		}
	})
	select {
	case s := <-req.answer:
		return s, nil
	case <-ctx.Done():
		return "", ctx.Err()
	}
}
