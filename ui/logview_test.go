package ui

import (
	"fmt"
	"testing"
	"time"

	"github.com/mailoauth/mailoauth-tester/core/engine"
)

func logEvent(i int) engine.Event {
	return engine.Event{Time: t0.Add(time.Duration(i) * time.Millisecond), Kind: engine.Log, Step: "imap", Level: engine.Debug, Text: fmt.Sprintf("line %d", i)}
}

// TestTenThousandLinesFewRefreshes proves the coalescing by counting, not
// timing: 10,000 events pushed at once schedule one flush, and that flush
// refreshes the list once.
func TestTenThousandLinesFewRefreshes(t *testing.T) {
	h := newHarness(t, nil)
	var flushes []func()
	h.u.stream.after = func(_ time.Duration, f func()) { flushes = append(flushes, f) }
	before := h.u.log.refreshes
	for i := range 10000 {
		h.u.stream.push(logEvent(i))
	}
	if len(flushes) != 1 {
		t.Fatalf("10,000 pushes scheduled %d flushes, want 1", len(flushes))
	}
	flushes[0]()
	if got := len(h.u.log.lines); got != 10000 {
		t.Fatalf("log has %d lines, want 10000", got)
	}
	if got := h.u.log.refreshes - before; got != 1 {
		t.Errorf("10,000 lines cost %d list refreshes, want 1", got)
	}
	h.u.stream.push(logEvent(10000))
	if len(flushes) != 2 {
		t.Errorf("a push after a flush scheduled %d flushes in all, want 2", len(flushes))
	}
}

// TestTenThousandLinesFromAGoroutine uses the real timer: a worker pushes
// 10,000 lines while flushes run every flushInterval. The refresh count
// must stay far below one per line whatever the machine's speed.
func TestTenThousandLinesFromAGoroutine(t *testing.T) {
	h := newHarness(t, nil)
	all := make(chan int, 1)
	h.u.onDelivered = func() {
		if n := len(h.u.log.lines); n == 10000 {
			all <- h.u.log.refreshes
		}
	}
	go func() {
		for i := range 10000 {
			h.u.stream.push(logEvent(i))
		}
	}()
	select {
	case n := <-all:
		if n > 100 {
			t.Errorf("10,000 lines cost %d list refreshes, want at most 100", n)
		}
		t.Logf("10,000 lines, %d refreshes", n)
	case <-time.After(30 * time.Second):
		t.Fatal("the lines were not all delivered")
	}
}

func BenchmarkLogAppend(b *testing.B) {
	h := newHarness(b, nil)
	h.u.stream.after = func(_ time.Duration, f func()) {}
	evs := make([]engine.Event, 10000)
	for i := range evs {
		evs[i] = logEvent(i)
	}
	b.ResetTimer()
	for range b.N {
		h.u.log.clear()
		h.u.deliver(evs)
	}
	b.ReportMetric(float64(h.u.log.refreshes)/float64(b.N), "refreshes/10k-lines")
}
