package engine

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/mailoauth/mailoauth-tester/core/auth"
	"github.com/mailoauth/mailoauth-tester/core/diagnose"
	"github.com/mailoauth/mailoauth-tester/core/probe"
	"github.com/mailoauth/mailoauth-tester/core/protocol"
	"github.com/mailoauth/mailoauth-tester/core/visible"
)

// run is one execution of a Job. emit is serialised: faces never see two
// events at once, and events of one step arrive in order.
type run struct {
	j     *Job
	mu    sync.Mutex
	emitf func(Event)
	start time.Time
	defs  []*stepDef
	steps map[StepName]*stepState
	facts diagnose.Facts
	// serverDate is the Date header of Entra's last answer and localDate
	// this computer's clock when it arrived.
	serverDate, localDate time.Time
	// tlsFindings are interception findings per step.
	tlsFindings map[StepName]string
	// closed is set when RunEnd is delivered. Background goroutines of the
	// libraries (a reader reading a last BYE, an HTTP dial that lost the
	// race) may still report afterwards; those reports are dropped.
	closed bool
	// finished is set when Run starts writing the result: from then on a
	// step that is still running (after the time limit) changes nothing.
	finished bool
	// flow is the sign-in flow, made once before the steps start (it makes
	// no connection); flowErr is why it could not be made.
	flow    auth.Flow
	flowErr error
	// transports are shared by the run's requests to one kind of host, so
	// a later request reuses an earlier one's connection.
	transports map[string]*http.Transport
	// calls are the face's callbacks the run is inside (Paste): Run waits
	// for them, so no face is called by a run that has ended.
	calls calls
}

// calls counts callbacks in progress.
type calls struct {
	mu   sync.Mutex
	n    int
	zero chan struct{} // closed when n drops to 0
}

func (c *calls) enter() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n == 0 {
		c.zero = make(chan struct{})
	}
	c.n++
}

func (c *calls) leave() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n--; c.n == 0 {
		close(c.zero)
	}
}

// idle is closed once no callback is in progress.
func (c *calls) idle() <-chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n == 0 {
		done := make(chan struct{})
		close(done)
		return done
	}
	return c.zero
}

// stepState is one step while the run goes on.
type stepState struct {
	def    *stepDef
	res    StepResult
	done   chan struct{} // closed once the step has ended or will never run
	value  any           // what the step handed on (read after done)
	began  time.Time
	waited time.Duration
	tr     *probe.Transcript
	// reads are the steps whose results the step read; undeclared those
	// it tried to read without declaring them (a plan bug, see
	// TestPlanInputs).
	reads      map[StepName]bool
	undeclared []StepName
	ran        bool // its run function was called
}

// Run executes the job and returns its result. emit (may be nil) receives
// every event, never concurrently. Cancelling ctx ends the run promptly:
// open connections are closed and unfinished steps end as skipped.
func (j *Job) Run(ctx context.Context, emit func(Event)) *Result {
	r := &run{j: j, emitf: emit, start: j.opts.now(), steps: map[StepName]*stepState{}, defs: j.plan()}
	r.facts = diagnose.Facts{
		Tenant: j.p.Tenant, ClientID: j.p.ClientID, Mailbox: j.p.Mailbox, User: j.p.User, Cloud: j.cloud.Name,
		PortalHost: j.cloud.PortalHost, AuthorityHost: j.cloud.AuthorityHostName(), ExchangeResource: j.cloud.ExchangeResource,
	}
	defer r.closeTransports()
	plan := make([]StepInfo, len(r.defs))
	for i, d := range r.defs {
		r.steps[d.name] = &stepState{def: d, res: StepResult{Name: d.name, Title: d.title, Status: Waiting}, done: make(chan struct{}), reads: map[StepName]bool{}}
		plan[i] = StepInfo{Name: d.name, Title: d.title, Needs: append([]StepName(nil), d.needs...)}
	}
	r.emit(Event{Kind: RunStart, Level: Info, Text: r.startText(), Steps: plan})

	limit := j.p.Timeout
	if j.flow.PersonWaits {
		limit += userWaitTimeout // the run's own time plus the person's
	}
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	if j.flow.OAuth && !j.Environment() {
		r.flow, r.flowErr = r.newFlow()
	}
	r.steer(ctx)
	// A callback whose sign-in has ended returns at once (its context is
	// done); wait for it, as long as the run's hard limit allows.
	grace := time.NewTimer(stepGrace)
	select {
	case <-r.calls.idle():
	case <-grace.C:
	}
	grace.Stop()
	res := r.finish(ctx)
	if j.inspect != nil {
		j.inspect(r)
	}
	return res
}

// stepGrace is how long the run waits, once its time is up or it is
// cancelled, for the steps to end themselves with their own diagnosis
// (they all watch the context, so they normally end within milliseconds).
// After it the run ends anyway, so --timeout is a hard wall whatever a
// library or a server does.
const stepGrace = 300 * time.Millisecond

// steer starts every step and returns when all have ended, or stepGrace
// after ctx ends, whichever comes first. Steps still running then go on in
// the background until their own context ends; what they report after
// RunEnd is dropped.
func (r *run) steer(ctx context.Context) {
	var wg sync.WaitGroup
	for _, d := range r.defs {
		st := r.steps[d.name]
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer close(st.done)
			r.do(ctx, st)
		}()
	}
	done := make(chan struct{})
	go func() {
		wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		return
	case <-ctx.Done():
	}
	grace := time.NewTimer(stepGrace)
	defer grace.Stop()
	select {
	case <-done:
	case <-grace.C:
	}
}

// do runs one step: its connection as soon as allowed, then, once the
// steps it needs have ended, the step itself. Every step goes through
// here, so begin, time limits, cancel, end and events are the same for
// all.
func (r *run) do(ctx context.Context, st *stepState) {
	d, s := st.def, &stepRun{r: r, st: st}
	if d.close != nil {
		defer d.close()
	}
	if d.dial != nil {
		if !r.wait(ctx, d.dialAfter) {
			return // ended as not finished by finish
		}
		if r.unmet(d.dialAfter) {
			r.end(ctx, st, skipped(d.unmet))
			return
		}
		r.begin(st)
		dctx, cancel := context.WithTimeout(ctx, connectTimeout)
		err := d.dial(dctx, s)
		cancel()
		if err != nil {
			r.end(ctx, st, d.fail(ctx, s, err))
			return
		}
	}
	waitStart := r.j.opts.now()
	if !r.wait(ctx, d.needs) {
		return
	}
	if r.unmet(d.needs) {
		r.end(ctx, st, skipped(d.unmet))
		return
	}
	if d.dial == nil {
		r.begin(st)
	} else {
		st.waited = r.j.opts.now().Sub(waitStart) // the wait for the token is not this step's time
	}
	rctx, cancel := ctx, context.CancelFunc(func() {})
	if d.timeout > 0 {
		rctx, cancel = context.WithTimeout(ctx, d.timeout)
	}
	defer cancel()
	st.ran = true
	r.end(ctx, st, d.run(rctx, s))
}

// wait waits until the named steps have ended; false when ctx ended first.
func (r *run) wait(ctx context.Context, names []StepName) bool {
	for _, n := range names {
		st := r.steps[n]
		if st == nil {
			continue // not in this plan: unmet reports it
		}
		select {
		case <-st.done:
		case <-ctx.Done():
			return false
		}
	}
	return true
}

// unmet reports whether one of the named (ended) steps did not succeed.
func (r *run) unmet(names []StepName) bool {
	for _, n := range names {
		st := r.steps[n]
		if st == nil {
			return true
		}
		r.mu.Lock()
		status := st.res.Status
		r.mu.Unlock()
		if status != OK && status != Warn {
			return true
		}
	}
	return false
}

// begin marks a step running.
func (r *run) begin(st *stepState) {
	now := r.j.opts.now()
	text := ""
	if st.def.begin != nil {
		text = st.def.begin()
	}
	r.mu.Lock()
	if r.finished {
		r.mu.Unlock()
		return
	}
	st.began, st.res.Status, st.res.Start = now, Running, now.Sub(r.start)
	r.mu.Unlock()
	r.emit(Event{Kind: StepStart, Step: st.def.name, Level: Info, Text: text, Status: Running})
}

// end finishes a step with its outcome. A failure while the run is being
// cancelled is the cancel's doing: the step ends as skipped.
func (r *run) end(ctx context.Context, st *stepState, out outcome) {
	if out.status == Fail && ctx.Err() == context.Canceled {
		out = skipped("cancelled")
	}
	now := r.j.opts.now()
	d := r.safeDiagnosis(out.diagnosis)
	detail := r.safeLine(out.detail)
	if st.tr != nil {
		st.tr.Flush()
	}
	r.mu.Lock()
	if r.finished {
		r.mu.Unlock()
		return // too late: the run has ended without this step
	}
	if st.began.IsZero() {
		st.began, st.res.Start = now, now.Sub(r.start) // skipped without starting
	}
	dur := now.Sub(st.began) - st.waited
	st.res.Status, st.res.Duration, st.res.Waited, st.res.Detail, st.res.Diagnosis = out.status, dur, st.waited, detail, d
	if st.tr != nil {
		st.res.Transcript = st.tr.Lines()
	}
	st.value = out.value
	r.mu.Unlock()
	lvl := map[Status]Level{OK: Good, Warn: Warns, Fail: Error, Skipped: Info}[out.status]
	r.emit(Event{Kind: StepEnd, Step: st.def.name, Level: lvl, Status: out.status, Duration: dur, Text: detail, Diagnosis: d, safe: true})
}

// finish writes the result once the steps have ended (or the run's time is
// up) and delivers RunEnd.
func (r *run) finish(ctx context.Context) *Result {
	j := r.j
	res := &Result{Mode: "check", Started: r.start, Duration: j.opts.now().Sub(r.start), Input: j.Input()}
	if j.Environment() {
		res.Mode = "environment"
	}
	res.Cancelled = ctx.Err() == context.Canceled
	var ended []*StepResult
	r.mu.Lock()
	r.finished = true
	for _, d := range r.defs {
		s := &r.steps[d.name].res
		switch {
		case s.Status == Running && ctx.Err() == context.DeadlineExceeded:
			// A step that did not end itself by the deadline: the run
			// does not wait for it.
			s.Status, s.Detail = Fail, "did not finish within the run's time limit ("+j.p.Timeout.String()+")"
			s.Diagnosis = r.diagLocked(diagnose.NetworkUnreachable, d.protocol)
			ended = append(ended, s)
		case s.Status == Waiting || s.Status == Running:
			s.Status, s.Detail = Skipped, "not finished: "+reasonText(ctx)
		}
		res.Steps = append(res.Steps, deepCopy(*s))
	}
	r.mu.Unlock()
	for _, s := range ended {
		r.emit(Event{Kind: StepEnd, Step: s.Name, Level: Error, Status: Fail, Text: s.Detail, Diagnosis: s.Diagnosis})
	}
	consolidate(res, r.defs) // causal order: root cause first, one card per cause (consolidate.go)
	res.OK, res.Verdict = verdict(res)
	r.emit(Event{Kind: RunEnd, Level: levelOf(res.OK), Text: res.Verdict, Duration: res.Duration, Result: res})
	return res
}

// deepCopy detaches a step result from the run's own slices, which late
// reports could otherwise still append to.
func deepCopy(s StepResult) StepResult {
	s.Timings = append([]Timing(nil), s.Timings...)
	s.Transcript = append([]probe.Line(nil), s.Transcript...)
	s.Messages = append([]string(nil), s.Messages...)
	return s
}

func reasonText(ctx context.Context) string {
	switch ctx.Err() {
	case context.Canceled:
		return "cancelled"
	case context.DeadlineExceeded:
		return "the run's time limit was reached"
	}
	return "an earlier step failed"
}

func levelOf(ok bool) Level {
	if ok {
		return Good
	}
	return Error
}

// emit stamps, scrubs and delivers an event. Every text in it is scrubbed
// of secrets and made safe to show (a server's escape sequences written
// out), so no face can show a secret or be steered by a server.
func (r *run) emit(e Event) {
	if e.Time.IsZero() {
		e.Time = r.j.opts.now()
	}
	if r.emitf == nil {
		// No face listens: nothing to make safe (the result's texts are
		// made safe where they are kept).
		r.mu.Lock()
		r.closed = r.closed || e.Kind == RunEnd
		r.mu.Unlock()
		return
	}
	if !e.safe {
		e.Text = r.safeLine(e.Text)
		e.Detail = r.safeLine(e.Detail)
		e.Diagnosis = r.safeDiagnosis(e.Diagnosis)
	}
	if e.Prompt != nil {
		// The URL is the sign-in address the browser opens: only made
		// visible (scrubbing could change it); the code and the message
		// come from the server.
		pr := *e.Prompt
		pr.URL, pr.Code, pr.Message = visible.Line(pr.URL), r.safeLine(pr.Code), r.safeLine(pr.Message)
		e.Prompt = &pr
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return
	}
	if e.Kind == RunEnd {
		r.closed = true
	}
	if r.emitf != nil {
		r.emitf(e)
	}
}

// safeLine scrubs one line of text and makes it safe to show.
func (r *run) safeLine(s string) string { return visible.Line(r.j.scrub.Scrub(s)) }

// safeDiagnosis returns a copy of d with every text scrubbed and safe to
// show; the evidence (a server's full answer) and the script keep their
// line breaks.
func (r *run) safeDiagnosis(d *diagnose.Diagnosis) *diagnose.Diagnosis {
	if d == nil {
		return nil
	}
	dd := d.Map(r.safeLine, func(s string) string { return visible.Text(r.j.scrub.Scrub(s)) })
	return &dd
}

// log adds a line under a step.
func (r *run) log(step StepName, lvl Level, text, detail string) {
	r.emit(Event{Kind: Log, Step: step, Level: lvl, Text: text, Detail: detail})
}

// timing logs a probe timing and keeps it, placed on the run's time line,
// in the step's result.
func (r *run) timing(step StepName, t probe.Timing) {
	began := t.Began
	if began.IsZero() {
		began = time.Now().Add(-t.Duration)
	}
	tm := Timing{Name: t.Name, Start: began.Sub(r.start), Duration: t.Duration, Detail: r.safeLine(t.Detail)}
	r.mu.Lock()
	if st := r.steps[step]; st != nil && !r.closed && !r.finished {
		st.res.Timings = append(st.res.Timings, tm)
	}
	r.mu.Unlock()
	r.emit(Event{Kind: Log, Step: step, Level: Debug, Text: fmt.Sprintf("%-10s %s", t.Name, ms(t.Duration)), Detail: tm.Detail, safe: true})
}

// diag returns the catalog entry for id with the run's facts filled in.
func (r *run) diag(id diagnose.ID, p protocol.Name) *diagnose.Diagnosis {
	d := diagnose.Get(id, r.factsFor(p))
	return &d
}

// diagLocked is diag for a caller that holds r.mu.
func (r *run) diagLocked(id diagnose.ID, p protocol.Name) *diagnose.Diagnosis {
	f := r.facts
	f.Protocol = string(p)
	d := diagnose.Get(id, f)
	return &d
}

// factsFor is a copy of the run's facts (which the tenant, token and claims
// steps complete as they go) for one protocol.
func (r *run) factsFor(p protocol.Name) diagnose.Facts {
	r.mu.Lock()
	f := r.facts
	r.mu.Unlock()
	f.Protocol = string(p)
	return f
}

// setFacts changes the run's facts.
func (r *run) setFacts(edit func(f *diagnose.Facts)) {
	r.mu.Lock()
	edit(&r.facts)
	r.mu.Unlock()
}

func ms(d time.Duration) string {
	switch {
	case d < 10*time.Millisecond:
		return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000)
	case d < 10*time.Second:
		return fmt.Sprintf("%d ms", d.Milliseconds())
	}
	return fmt.Sprintf("%.1f s", d.Seconds())
}

// stepRun is what a step's functions get: its inputs, and the run's
// services under the step's name (log, timings, transcript, diagnoses).
type stepRun struct {
	r  *run
	st *stepState
}

// name is the step's name.
func (s *stepRun) name() StepName { return s.st.def.name }

// input returns what step n handed on. The step must declare n among its
// needs (then n has ended) or its explain steps (then input waits for n,
// as long as ctx allows); an undeclared read returns nil and is recorded.
func (s *stepRun) input(ctx context.Context, n StepName) any {
	d := s.st.def
	switch {
	case contains(d.needs, n):
	case contains(d.explain, n):
		if !s.r.wait(ctx, []StepName{n}) {
			return nil
		}
	default:
		s.st.undeclared = append(s.st.undeclared, n)
		return nil
	}
	src := s.r.steps[n]
	if src == nil {
		return nil
	}
	s.st.reads[n] = true
	s.r.mu.Lock()
	defer s.r.mu.Unlock()
	return src.value
}

func contains(list []StepName, n StepName) bool {
	for _, x := range list {
		if x == n {
			return true
		}
	}
	return false
}

// log adds a line under the step.
func (s *stepRun) log(lvl Level, text, detail string) { s.r.log(s.name(), lvl, text, detail) }

// timing keeps a timing of the step.
func (s *stepRun) timing(t probe.Timing) { s.r.timing(s.name(), t) }

// message adds a further finding to the step's result.
func (s *stepRun) message(msg string) {
	msg = s.r.safeLine(msg)
	s.r.mu.Lock()
	defer s.r.mu.Unlock()
	if !s.r.finished {
		s.st.res.Messages = append(s.st.res.Messages, msg)
	}
}

// diag is the catalog entry for id, about the step's protocol.
func (s *stepRun) diag(id diagnose.ID) *diagnose.Diagnosis { return s.r.diag(id, s.st.def.protocol) }

// transcript returns the step's masking transcript, which forwards lines as
// events when the profile asks for transcripts; the runner keeps its lines
// in the step's result.
func (s *stepRun) transcript() *probe.Transcript {
	if s.st.tr == nil {
		var onLine func(probe.Line)
		if s.r.j.p.Transcript {
			step := s.name()
			onLine = func(l probe.Line) {
				s.r.emit(Event{Time: l.Time, Kind: Transcript, Step: step, Level: Debug, Text: l.String(), safe: true})
			}
		}
		s.st.tr = probe.NewTranscript(onLine, s.r.j.scrub)
	}
	return s.st.tr
}
