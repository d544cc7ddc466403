package ui

import (
	"context"
	"errors"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/mailoauth/mailoauth-tester/core/engine"
)

// TestLatePasteLeavesTheWindowAlone is the data race seen in CI: the
// sign-in's Paste goroutine is not waited for, so on a busy machine it can
// ask for the paste card after the run ended — and, in the test driver,
// draw on its own goroutine while the test reads the window. A Paste call
// whose sign-in already ended must return without touching the window.
func TestLatePasteLeavesTheWindowAlone(t *testing.T) {
	h := newHarness(t, scripted(failingJob()))
	h.fillIDs()
	test.Tap(h.u.runButton)
	h.wait(h.finished, "the run to finish")

	for len(h.prompted) > 0 {
		<-h.prompted
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	done := make(chan error, 1)
	go func() {
		_, err := h.u.paste(ctx, engine.Prompt{Kind: engine.PromptPaste, URL: "https://login.example/authorize"})
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("paste = %v, want context.Canceled", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("a paste whose sign-in ended did not return")
	}
	if n := len(h.prompted); n > 0 {
		t.Errorf("a paste whose sign-in ended changed the prompts %d times", n)
	}
	pr := h.u.prompts
	if pr.content.Visible() || pr.paste.Visible() || pr.pending != nil {
		t.Errorf("after a late paste: panel %v, card %v, pending %v", pr.content.Visible(), pr.paste.Visible(), pr.pending != nil)
	}
}

// TestStepEndForgetsThePasteRequest: the sign-in step's end hides the
// cards and forgets the request, so nothing answers a dead Paste call.
func TestStepEndForgetsThePasteRequest(t *testing.T) {
	h := newHarness(t, nil)
	pr := h.u.prompts
	pr.reset(true)
	pr.ask(&pasteRequest{prompt: engine.Prompt{Kind: engine.PromptPaste}, answer: make(chan string, 1)})
	if !pr.paste.Visible() || pr.pending == nil {
		t.Fatal("ask did not show the paste card")
	}
	pr.stepEnded(signInStep)
	if pr.paste.Visible() || pr.content.Visible() || pr.pending != nil {
		t.Errorf("after the sign-in ended: card %v, panel %v, pending %v", pr.paste.Visible(), pr.content.Visible(), pr.pending != nil)
	}
}

// TestTickAfterStopDoesNothing: a countdown tick already on its way when
// the countdown stops must not redraw.
func TestTickAfterStopDoesNothing(t *testing.T) {
	release := make(chan struct{})
	ran := make(chan func(), 1)
	do := func(f func()) {
		select {
		case ran <- f:
		default:
		}
	}
	stop := tickerEvery(do)(time.Millisecond, func() { close(release) })
	var f func()
	select {
	case f = <-ran:
	case <-time.After(30 * time.Second):
		t.Fatal("the ticker did not tick")
	}
	stop()
	f() // the tick that was on its way
	select {
	case <-release:
		t.Error("a tick after stop ran the countdown")
	default:
	}
}
