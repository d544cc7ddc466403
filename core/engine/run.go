package engine

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/mailoauth/mailoauth-tester/core/diagnose"
	"github.com/mailoauth/mailoauth-tester/core/probe"
	"github.com/mailoauth/mailoauth-tester/core/profile"
	"github.com/mailoauth/mailoauth-tester/core/visible"
)

// run is one execution of a Job. emit is serialised: faces never see two
// events at once, and events of one step arrive in order.
type run struct {
	j     *Job
	mu    sync.Mutex
	emitf func(Event)
	steps map[string]*StepResult
	order []string
	facts diagnose.Facts
	// serverDate is the Date header of Entra's last answer and localDate
	// this computer's clock when it arrived.
	serverDate, localDate time.Time
	// tlsFindings are interception findings per step.
	tlsFindings map[string]string
	// realmKind is the sign-in domain's realm (Managed, Federated, Unknown).
	realmKind string
	// closed is set when RunEnd is delivered. Background goroutines of the
	// libraries (a reader reading a last BYE, an HTTP dial that lost the
	// race) may still report afterwards; those reports are dropped.
	closed bool
	// finished is set when Run starts writing the result: from then on a
	// step that is still running (after the time limit) changes nothing.
	finished bool
	// transcripts are the steps' transcripts, flushed when a step ends.
	transcripts map[string]*probe.Transcript
}

// Run executes the job and returns its result. emit (may be nil) receives
// every event, never concurrently. Cancelling ctx ends the run promptly:
// open connections are closed and unfinished steps end as skipped.
func (j *Job) Run(ctx context.Context, emit func(Event)) *Result {
	r := &run{j: j, emitf: emit, steps: map[string]*StepResult{}}
	r.facts = diagnose.Facts{
		Tenant: j.p.Tenant, ClientID: j.p.ClientID, Mailbox: j.p.Mailbox, User: j.p.User,
		PortalHost: j.cloud.PortalHost, AuthorityHost: j.cloud.AuthorityHostName(), ExchangeResource: j.cloud.ExchangeResource,
	}
	start := j.opts.now()
	plan := j.Plan()
	for _, s := range plan {
		r.steps[s.Name] = &StepResult{Name: s.Name, Title: s.Title, Status: Waiting}
		r.order = append(r.order, s.Name)
	}
	r.emit(Event{Kind: RunStart, Level: Info, Text: r.startText(), Steps: plan})

	limit := j.p.Timeout
	if j.waitsForUser() {
		limit += userWaitTimeout // the run's own time plus the person's
	}
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	r.steer(ctx)

	res := &Result{Mode: "check", Started: start, Duration: j.opts.now().Sub(start), Input: j.Input()}
	if j.Environment() {
		res.Mode = "environment"
	}
	res.Cancelled = ctx.Err() == context.Canceled
	var ended []*StepResult
	r.mu.Lock()
	r.finished = true
	for _, name := range r.order {
		s := r.steps[name]
		switch {
		case s.Status == Running && ctx.Err() == context.DeadlineExceeded:
			// A step that did not end itself by the deadline: the run
			// does not wait for it.
			s.Status, s.Detail = Fail, "did not finish within the run's time limit ("+j.p.Timeout.String()+")"
			s.Diagnosis = r.diagLocked(diagnose.NetworkUnreachable, protocolOf(s.Name))
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
	consolidate(res) // causal order: root cause first, one card per cause (consolidate.go)
	res.OK, res.Verdict = verdict(res)
	r.emit(Event{Kind: RunEnd, Level: levelOf(res.OK), Text: res.Verdict, Duration: res.Duration, Result: res})
	return res
}

// stepGrace is how long the run waits, once its time is up or it is
// cancelled, for the steps to end themselves with their own diagnosis
// (they all watch the context, so they normally end within milliseconds).
// After it the run ends anyway, so --timeout is a hard wall whatever a
// library or a server does.
const stepGrace = 300 * time.Millisecond

// steer runs the check (or the environment check) and returns when it is
// done, or stepGrace after ctx ends, whichever comes first. Steps still
// running then go on in the background until their own context ends; what
// they report after RunEnd is dropped.
func (r *run) steer(ctx context.Context) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		if r.j.Environment() {
			r.environment(ctx)
		} else {
			r.check(ctx)
		}
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

// deepCopy detaches a step result from the run's own slices, which late
// reports could otherwise still append to.
func deepCopy(s StepResult) StepResult {
	s.Timings = append([]probe.Timing(nil), s.Timings...)
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

func (r *run) startText() string {
	if r.j.Environment() {
		return fmt.Sprintf("Environment check for %s (no credentials given)", r.j.cloud.Title)
	}
	if r.j.p.Flow == profile.AppPassword {
		return fmt.Sprintf("Testing %s with a password login (%s)", r.j.p.Mailbox, r.j.Input().Provider)
	}
	if r.j.p.Flow.Delegated() {
		return fmt.Sprintf("Testing %s as %s with app %s in tenant %s (%s)", r.j.p.Mailbox, r.j.p.SignInUser(), r.j.p.ClientID, r.j.p.Tenant, r.j.p.Flow.Title())
	}
	return fmt.Sprintf("Testing %s with app %s in tenant %s (%s, %s)", r.j.p.Mailbox, r.j.p.ClientID, r.j.p.Tenant, r.j.p.Flow, r.j.Input().Credential)
}

// emit stamps, scrubs and delivers an event. Every text in it is scrubbed
// of secrets and made safe to show (a server's escape sequences written
// out), so no face can show a secret or be steered by a server.
func (r *run) emit(e Event) {
	if e.Time.IsZero() {
		e.Time = r.j.opts.now()
	}
	e.Text = r.safeLine(e.Text)
	e.Detail = r.safeLine(e.Detail)
	e.Diagnosis = r.safeDiagnosis(e.Diagnosis)
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
// show; the evidence (a server's full answer) keeps its line breaks.
func (r *run) safeDiagnosis(d *diagnose.Diagnosis) *diagnose.Diagnosis {
	if d == nil {
		return nil
	}
	dd := *d
	dd.Title, dd.Cause = r.safeLine(dd.Title), r.safeLine(dd.Cause)
	dd.Evidence = visible.Text(r.j.scrub.Scrub(dd.Evidence))
	dd.Script = visible.Text(r.j.scrub.Scrub(dd.Script))
	dd.Fix = append([]string(nil), dd.Fix...)
	for i, f := range dd.Fix {
		dd.Fix[i] = r.safeLine(f)
	}
	return &dd
}

// begin marks a step running.
func (r *run) begin(step, text string) time.Time {
	now := r.j.opts.now()
	r.mu.Lock()
	if r.finished {
		r.mu.Unlock()
		return now
	}
	if s := r.steps[step]; s != nil {
		s.Status = Running
	}
	r.mu.Unlock()
	r.emit(Event{Kind: StepStart, Step: step, Level: Info, Text: text, Status: Running})
	return now
}

// log adds a line under a step.
func (r *run) log(step string, lvl Level, text, detail string) {
	r.emit(Event{Kind: Log, Step: step, Level: lvl, Text: text, Detail: detail})
}

// timing logs a probe timing and keeps it in the step's result.
func (r *run) timing(step string, t probe.Timing) {
	t.Detail = r.safeLine(t.Detail)
	r.mu.Lock()
	if s := r.steps[step]; s != nil && !r.closed && !r.finished {
		s.Timings = append(s.Timings, t)
	}
	r.mu.Unlock()
	text := fmt.Sprintf("%-10s %s", t.Name, ms(t.Duration))
	r.log(step, Debug, text, t.Detail)
}

// end finishes a step. d, when not nil, is attached with its Evidence scrubbed.
func (r *run) end(step string, started time.Time, st Status, detail string, d *diagnose.Diagnosis) {
	dur := r.j.opts.now().Sub(started)
	d = r.safeDiagnosis(d)
	detail = r.safeLine(detail)
	r.flushTranscript(step)
	r.mu.Lock()
	if r.finished {
		r.mu.Unlock()
		return // too late: the run has ended without this step
	}
	s := r.steps[step]
	if s != nil {
		s.Status, s.Duration, s.Detail, s.Diagnosis = st, dur, detail, d
	}
	r.mu.Unlock()
	if s == nil {
		return // not a step of this plan
	}
	lvl := map[Status]Level{OK: Good, Warn: Warns, Fail: Error, Skipped: Info}[st]
	r.emit(Event{Kind: StepEnd, Step: step, Level: lvl, Status: st, Duration: dur, Text: detail, Diagnosis: d})
}

func (r *run) addMessage(step, msg string) {
	msg = r.safeLine(msg)
	r.mu.Lock()
	defer r.mu.Unlock()
	if s := r.steps[step]; s != nil && !r.finished {
		s.Messages = append(s.Messages, msg)
	}
}

func (r *run) setTranscript(step string, lines []probe.Line) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if s := r.steps[step]; s != nil && !r.finished {
		s.Transcript = lines
	}
}

// flushTranscript passes on the rest of a step's transcript (the tail of a
// long one) and keeps its lines, before the step's end is reported.
func (r *run) flushTranscript(step string) {
	r.mu.Lock()
	tr := r.transcripts[step]
	r.mu.Unlock()
	if tr != nil {
		tr.Flush()
		r.setTranscript(step, tr.Lines())
	}
}

// transcript returns a masking transcript for a step that forwards lines
// as events when the profile asks for transcripts.
func (r *run) transcript(step string) *probe.Transcript {
	tr := probe.NewTranscript(func(l probe.Line) {
		if r.j.p.Transcript {
			r.emit(Event{Time: l.Time, Kind: Transcript, Step: step, Level: Debug, Text: l.String()})
		}
	}, r.j.scrub)
	r.mu.Lock()
	if r.transcripts == nil {
		r.transcripts = map[string]*probe.Transcript{}
	}
	r.transcripts[step] = tr
	r.mu.Unlock()
	return tr
}

// diag returns the catalog entry for id with the run's facts filled in.
func (r *run) diag(id string, protocol string) *diagnose.Diagnosis {
	d := diagnose.Get(id, r.factsFor(protocol))
	return &d
}

// protocolOf is the protocol a step's diagnosis is about ("" for the
// sign-in steps).
func protocolOf(step string) string {
	switch step {
	case "imap", "pop", "smtp", "graph":
		return step
	}
	return ""
}

// diagLocked is diag for a caller that holds r.mu.
func (r *run) diagLocked(id, protocol string) *diagnose.Diagnosis {
	f := r.facts
	f.Protocol = protocol
	d := diagnose.Get(id, f)
	return &d
}

// factsFor is a copy of the run's facts (which the tenant, token and claims
// steps complete as they go) for one protocol.
func (r *run) factsFor(protocol string) diagnose.Facts {
	r.mu.Lock()
	f := r.facts
	r.mu.Unlock()
	f.Protocol = protocol
	return f
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

// verdict counts the steps and writes the banner line.
func verdict(res *Result) (bool, string) {
	var ok, warn, fail, skipped int
	var firstFail, firstWarn *StepResult
	for i := range res.Steps {
		s := &res.Steps[i]
		switch s.Status {
		case OK:
			ok++
		case Warn:
			warn++
			if firstWarn == nil {
				firstWarn = s
			}
		case Fail:
			fail++
			if firstFail == nil {
				firstFail = s
			}
		case Skipped:
			skipped++
		}
	}
	n := len(res.Steps)
	took := seconds(res.Duration)
	switch {
	case res.Cancelled:
		return false, fmt.Sprintf("Cancelled after %s — %d of %d checks finished", took, ok+warn+fail, n)
	case fail > 0:
		s := fmt.Sprintf("%d of %d %s failed", fail, n, plural(n, "check", "checks"))
		if skipped > 0 {
			s += fmt.Sprintf(", %d skipped", skipped)
		}
		return false, s + " — " + reason(firstFail)
	case skipped > 0:
		return false, fmt.Sprintf("%d of %d checks did not run — %s", skipped, n, reason(firstSkipped(res)))
	case warn > 0:
		return true, fmt.Sprintf("%d of %d checks passed, %d with a warning, in %s — %s", ok+warn, n, warn, took, reason(firstWarn))
	}
	if n == 1 {
		return true, fmt.Sprintf("The check passed in %s", took)
	}
	return true, fmt.Sprintf("All %d checks passed in %s", n, took)
}

func firstSkipped(res *Result) *StepResult {
	for i := range res.Steps {
		if res.Steps[i].Status == Skipped {
			return &res.Steps[i]
		}
	}
	return nil
}

func reason(s *StepResult) string {
	if s == nil {
		return ""
	}
	if s.Diagnosis != nil && s.Diagnosis.ID != diagnose.Unknown {
		return s.Title + ": " + s.Diagnosis.Title
	}
	return s.Title + ": " + s.Detail
}

func seconds(d time.Duration) string {
	if d < time.Second {
		return fmt.Sprintf("%d ms", d.Milliseconds())
	}
	return fmt.Sprintf("%.1f s", d.Seconds())
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
