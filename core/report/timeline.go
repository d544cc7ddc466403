package report

import (
	"time"

	"github.com/mailoauth/mailoauth-tester/core/engine"
)

// span is one step on the time axis, offsets from the run's start.
type span struct {
	Start, Duration time.Duration
	Known           bool // the step began (a step that never ran has no place on the axis)
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

// spans places every step of res on the time axis, from the start
// offsets the engine records for every step and stage.
func spans(res *engine.Result) []span {
	out := make([]span, len(res.Steps))
	for i, s := range res.Steps {
		known := s.Start > 0 || s.Duration > 0 || len(s.Timings) > 0
		out[i] = span{Start: s.Start, Duration: s.Waited + s.Duration, Known: known}
		for _, t := range s.Timings {
			out[i].Stages = append(out[i].Stages, stageSpan{Name: t.Name, Detail: t.Detail, Start: max(s.Start, t.Start), Duration: t.Duration, WaitedFor: -1})
		}
	}
	for i := range out {
		for k := range out[i].Stages {
			markWait(out, i, k)
		}
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
