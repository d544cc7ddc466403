package report

import (
	"strings"
	"sync"
	"time"

	"github.com/mailoauth/mailoauth-tester/core/engine"
)

// Timeline records when each step began and when each of its timed stages
// ended, from a run's events, so that a report can place every step and
// stage on one time axis (the waterfall). Pass every event of the run to
// Observe and the Timeline in Options.
//
// It bridges a gap: engine.Result carries each step's and stage's
// duration but not its start. Once the result carries the offsets, only
// stepStart and stageStarts below change.
type Timeline struct {
	mu     sync.Mutex
	starts map[string]time.Time   // step → its StepStart event
	logs   map[string][]timedLine // step → its debug lines (timings), in order
}

type timedLine struct {
	at   time.Time
	text string
}

// NewTimeline returns an empty Timeline.
func NewTimeline() *Timeline {
	return &Timeline{starts: map[string]time.Time{}, logs: map[string][]timedLine{}}
}

// Observe records one event. It is safe for concurrent use; a nil
// Timeline ignores the event.
func (tl *Timeline) Observe(e engine.Event) {
	if tl == nil {
		return
	}
	tl.mu.Lock()
	defer tl.mu.Unlock()
	switch {
	case e.Kind == engine.StepStart:
		if _, seen := tl.starts[e.Step]; !seen {
			tl.starts[e.Step] = e.Time
		}
	case e.Kind == engine.Log && e.Level == engine.Debug:
		tl.logs[e.Step] = append(tl.logs[e.Step], timedLine{e.Time, e.Text})
	}
}

// span is one step on the time axis, offsets from the run's start.
type span struct {
	Start, Duration time.Duration
	Known           bool // Start was observed, not assumed
	Stages          []stageSpan
}

// stageSpan is one timed stage of a step.
type stageSpan struct {
	Name            string
	Detail          string
	Start, Duration time.Duration
	// Wait is the idle time before the stage since the step's previous
	// stage ended (e.g. a mail connection waiting for the token), and
	// WaitedFor the index of the step that ended just before the stage
	// began (-1: none did).
	Wait      time.Duration
	WaitedFor int
}

// End is where the span ends.
func (s span) End() time.Duration { return s.Start + s.Duration }

// spans places every step of res on the time axis.
func spans(res *engine.Result, tl *Timeline) []span {
	out := make([]span, len(res.Steps))
	for i, s := range res.Steps {
		start, known := stepStart(res, s, tl)
		d := s.Duration
		if d == 0 && known && s.Status == engine.Fail {
			d = max(0, res.Duration-start) // ended by the run's time limit
		}
		out[i] = span{Start: start, Duration: d, Known: known}
		out[i].Stages = stageStarts(res, s, out[i].Start, tl)
	}
	for i := range out {
		for k := range out[i].Stages {
			markWait(out, i, k)
		}
	}
	return out
}

// stepStart is the step's start as an offset from the run's start: as
// observed in its StepStart event, else 0 (not known).
func stepStart(res *engine.Result, s engine.StepResult, tl *Timeline) (time.Duration, bool) {
	if tl == nil {
		return 0, false
	}
	tl.mu.Lock()
	at, ok := tl.starts[s.Name]
	tl.mu.Unlock()
	if !ok || at.IsZero() {
		return 0, false
	}
	return max(0, at.Sub(res.Started)), true
}

// stageStarts places the step's timed stages: each ends when the engine
// logged it (the debug line that starts with its name), so a stage that
// waited (for the token, say) starts late; a stage without such a line
// follows the one before it.
func stageStarts(res *engine.Result, s engine.StepResult, stepStart time.Duration, tl *Timeline) []stageSpan {
	var lines []timedLine
	if tl != nil {
		tl.mu.Lock()
		lines = append(lines, tl.logs[s.Name]...)
		tl.mu.Unlock()
	}
	out := make([]stageSpan, 0, len(s.Timings))
	next, j := stepStart, 0
	for _, t := range s.Timings {
		st := stageSpan{Name: t.Name, Detail: t.Detail, Start: next, Duration: t.Duration, WaitedFor: -1}
		for ; j < len(lines); j++ {
			if l := lines[j]; strings.HasPrefix(l.text, t.Name+" ") || l.text == t.Name {
				st.Start = max(stepStart, l.at.Sub(res.Started)-t.Duration)
				j++
				break
			}
		}
		out = append(out, st)
		next = st.Start + st.Duration
	}
	return out
}

// minWait is the shortest idle time between two stages worth showing.
const minWait = 2 * time.Millisecond

// markWait notes the idle time before stage k of step i and which other
// step ended last before the stage began (what it most likely waited for).
func markWait(all []span, i, k int) {
	st := &all[i].Stages[k]
	prevEnd := all[i].Start
	if k > 0 {
		p := all[i].Stages[k-1]
		prevEnd = p.Start + p.Duration
	}
	if st.Wait = st.Start - prevEnd; st.Wait < minWait {
		st.Wait = 0
		return
	}
	const slack = time.Millisecond // events are stamped a moment apart
	best := time.Duration(-1)
	for j, o := range all {
		end := o.End()
		if j == i || !o.Known || o.Duration == 0 || end <= prevEnd || end > st.Start+slack {
			continue
		}
		if end > best {
			best, st.WaitedFor = end, j
		}
	}
}
