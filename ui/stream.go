package ui

import (
	"sync"
	"time"

	"fyne.io/fyne/v2"

	"github.com/mailoauth/mailoauth-tester/core/engine"
)

// flushInterval bounds how often the window redraws during a run: 20
// redraws a second look live, while 10,000 log lines cost a few redraws
// instead of 10,000.
const flushInterval = 50 * time.Millisecond

// stream carries events from the engine's goroutine to the window. push
// only buffers; at most one flush per interval hands the whole buffer to
// deliver inside a single fyne.Do.
type stream struct {
	interval time.Duration
	after    func(time.Duration, func()) // time.AfterFunc; tests fire flushes by hand
	deliver  func([]engine.Event)        // runs on the Fyne goroutine

	mu        sync.Mutex
	pending   []engine.Event
	scheduled bool

	// flushMu keeps flushes in order and, in the test driver where
	// fyne.Do runs on the calling goroutine, one at a time.
	flushMu sync.Mutex
}

func newStream(deliver func([]engine.Event)) *stream {
	return &stream{
		interval: flushInterval,
		after:    func(d time.Duration, f func()) { time.AfterFunc(d, f) },
		deliver:  deliver,
	}
}

// push buffers e and makes sure a flush is scheduled. It is safe to call
// from any goroutine and never touches a widget.
func (s *stream) push(e engine.Event) {
	s.mu.Lock()
	s.pending = append(s.pending, e)
	schedule := !s.scheduled
	s.scheduled = true
	s.mu.Unlock()
	if schedule {
		s.after(s.interval, s.flush)
	}
}

// flush delivers everything buffered so far with one fyne.Do.
func (s *stream) flush() {
	s.flushMu.Lock()
	defer s.flushMu.Unlock()
	s.mu.Lock()
	evs := s.pending
	s.pending, s.scheduled = nil, false
	s.mu.Unlock()
	if len(evs) == 0 {
		return
	}
	fyne.Do(func() { s.deliver(evs) })
}

// do runs f on the Fyne goroutine after delivering what was pushed so
// far, so f sees the window in order with the events. Code on other
// goroutines (the engine's Paste, the countdown ticker) uses it instead of
// a bare fyne.Do: in the test driver fyne.Do runs f on the calling
// goroutine, and flushMu keeps it from racing a delivery.
func (s *stream) do(f func()) {
	s.flushMu.Lock()
	defer s.flushMu.Unlock()
	s.mu.Lock()
	evs := s.pending
	s.pending = nil // a scheduled flush finds nothing and resets scheduled
	s.mu.Unlock()
	fyne.Do(func() {
		if len(evs) > 0 {
			s.deliver(evs)
		}
		f()
	})
}
