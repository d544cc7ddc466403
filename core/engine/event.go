// Package engine turns a profile into a plan of steps, runs them and
// streams events. The faces (the window and the CLI) only draw events and
// collect input; everything that decides anything lives here or below.
package engine

import (
	"time"

	"github.com/mailoauth/mailoauth-tester/core/diagnose"
	"github.com/mailoauth/mailoauth-tester/core/probe"
)

// Status is a step's state.
type Status string

// Statuses.
const (
	Waiting Status = "waiting"
	Running Status = "running"
	OK      Status = "ok"
	Warn    Status = "warn"
	Fail    Status = "fail"
	Skipped Status = "skipped"
)

// Kind says what an Event reports.
type Kind string

// Kinds.
const (
	RunStart    Kind = "run-start"  // Steps holds the plan
	StepStart   Kind = "step-start" // a step began
	Log         Kind = "log"        // a line about a step (timing, detail, warning)
	Transcript  Kind = "transcript" // a masked protocol line (only when the profile asks for transcripts)
	PromptEvent Kind = "prompt"     // Prompt: the user must act (browser, device code, paste)
	StepEnd     Kind = "step-end"   // Status, Duration, Diagnosis
	RunEnd      Kind = "run-end"    // Result holds the whole run
)

// Level colours a line.
type Level string

// Levels.
const (
	Info  Level = "info"
	Good  Level = "ok"
	Warns Level = "warn"
	Error Level = "error"
	Debug Level = "debug"
)

// Event is one thing that happened. Events are plain values; every text in
// them has already been scrubbed of secrets.
type Event struct {
	Time      time.Time
	Kind      Kind
	Step      StepName // "" for run-level events
	Level     Level
	Text      string
	Detail    string
	Status    Status
	Duration  time.Duration
	Diagnosis *diagnose.Diagnosis
	Steps     []StepInfo // RunStart only
	Result    *Result    // RunEnd only
	Prompt    *Prompt    // PromptEvent only

	safe bool // the texts are scrubbed and made safe to show already
}

// StepInfo names a planned step and the steps whose results it reads.
type StepInfo struct {
	Name  StepName   `json:"name"`
	Title string     `json:"title"`
	Needs []StepName `json:"needs,omitempty"`
}

// StepResult is how a step ended. Start is when it began, Waited how
// long it then waited for the steps it needs (a connection opened early
// waits for the token), both counted from the run's start, so a report
// can draw which step waited for what.
type StepResult struct {
	Name       StepName
	Title      string
	Status     Status
	Start      time.Duration // offset from the run's start; 0 for a step that never began
	Waited     time.Duration // time between its start and its end spent waiting for its inputs
	Duration   time.Duration // its own time, the wait not counted
	Detail     string
	Diagnosis  *diagnose.Diagnosis
	Timings    []Timing
	Transcript []probe.Line
	Messages   []string // further findings (e.g. every claims mismatch)
}

// Timing is one timed stage of a step (DNS, TCP, TLS, a command, an HTTP
// request) with its start as an offset from the run's start.
type Timing struct {
	Name     string
	Start    time.Duration
	Duration time.Duration
	Detail   string
}

// Result is a finished run.
type Result struct {
	OK        bool
	Mode      string // "check" or "environment"
	Cancelled bool
	Started   time.Time
	Duration  time.Duration
	Steps     []StepResult
	Verdict   string // one line for a banner, e.g. "All 5 checks passed in 1.2 s"
	Input     Input
}

// Input is the non-secret part of the profile, as run.
type Input struct {
	Tenant        string   `json:"tenant,omitempty"`
	ClientID      string   `json:"client_id,omitempty"`
	Mailbox       string   `json:"mailbox,omitempty"`
	Flow          string   `json:"flow,omitempty"`
	Credential    string   `json:"credential,omitempty"` // "secret abc…(40 chars)" or "certificate <thumbprint>"
	User          string   `json:"user,omitempty"`       // signed-in user (delegated flows)
	Provider      string   `json:"provider,omitempty"`   // app-password flow
	RedirectURI   string   `json:"redirect_uri,omitempty"`
	Protocols     []string `json:"protocols,omitempty"`
	Mechanism     string   `json:"mechanism,omitempty"`
	Cloud         string   `json:"cloud"`
	AuthorityHost string   `json:"authority_host"`
	IMAPHost      string   `json:"imap_host,omitempty"`
	POPHost       string   `json:"pop_host,omitempty"`
	SMTPHost      string   `json:"smtp_host,omitempty"`
	GraphURL      string   `json:"graph_url,omitempty"`
	SendTestMail  bool     `json:"send_test_mail,omitempty"`
	GraphSendOnly bool     `json:"graph_send_only,omitempty"` // Graph checked for sending only
	Preset        string   `json:"preset,omitempty"`          // the product preset's ID (core/preset)
}

// Step returns the named step's result, or nil.
func (r *Result) Step(name StepName) *StepResult {
	for i := range r.Steps {
		if r.Steps[i].Name == name {
			return &r.Steps[i]
		}
	}
	return nil
}
