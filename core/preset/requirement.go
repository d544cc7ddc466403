package preset

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"sync"

	"github.com/mailoauth/mailoauth-tester/core/profile"
)

// Requirement is one thing a product needs from the tenant, tied to the
// engine steps that prove it and the diagnosis IDs that disprove it.
//
// Match strings in FailsOn and Suspects are either a diagnosis ID (it
// counts on any step) or "step:diagnosis-id" (only on that step).
type Requirement struct {
	ID   string `json:"id"`
	Text string `json:"text"` // may hold {mailbox} and {user}
	// Protocol limits the requirement to runs that test it ("" = always).
	Protocol profile.Protocol `json:"protocol,omitempty"`
	// ProvenBy lists the steps whose success proves the requirement (any
	// one is enough, as long as nothing disproves it).
	ProvenBy []string `json:"proven_by"`
	// FailsOn lists the diagnoses that disprove it.
	FailsOn []string `json:"fails_on"`
	// Suspects lists diagnoses that leave it unproven but likely at fault
	// (e.g. IMAP refused without a reason).
	Suspects []string `json:"suspects,omitempty"`
	// NeedsTestSend: only a sent test message proves it (Send As, Mail.Send).
	NeedsTestSend bool `json:"needs_test_send,omitempty"`
	// Untestable explains why this tool cannot test it (e.g. EWS).
	Untestable string `json:"untestable,omitempty"`
	// Fix names the setup-script pieces that create or repair it.
	Fix []string `json:"fix,omitempty"`
}

// KnownSteps are the engine's step names (core/engine Plan), mirrored here
// because this package must not import the engine; a test keeps them in
// step.
var KnownSteps = []string{"input", "tenant", "token", "claims", "graph-token", "imap", "pop", "smtp", "graph", "refresh"}

var (
	libOnce sync.Once
	libReqs map[string]Requirement
	libErr  error
)

// requirementLibrary returns the shared requirements of presets/requirements.json.
func requirementLibrary() (map[string]Requirement, error) {
	libOnce.Do(func() { libReqs, libErr = parseLibrary(files) })
	return libReqs, libErr
}

func parseLibrary(fsys fs.FS) (map[string]Requirement, error) {
	data, err := fs.ReadFile(fsys, "presets/"+requirementsFile)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var list []Requirement
	if err := dec.Decode(&list); err != nil {
		return nil, fmt.Errorf("%s: %w", requirementsFile, err)
	}
	out := make(map[string]Requirement, len(list))
	var errs []error
	for _, r := range list {
		if _, dup := out[r.ID]; dup {
			errs = append(errs, fmt.Errorf("%s: requirement %q is listed twice", requirementsFile, r.ID))
		}
		if err := r.validate(); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", requirementsFile, err))
		}
		out[r.ID] = r
	}
	return out, errors.Join(errs...)
}

// RequirementsOf returns the preset's requirements in its order.
func RequirementsOf(p Preset) []Requirement {
	lib, err := requirementLibrary()
	if err != nil {
		panic("preset: embedded requirement library is broken: " + err.Error())
	}
	out := make([]Requirement, 0, len(p.Requirements))
	for _, id := range p.Requirements {
		if r, ok := lib[id]; ok {
			out = append(out, r)
		}
	}
	return out
}

// Status is how a step of a run ended, as the engine reports it.
type Status string

// Step statuses. NotRun covers steps the run never planned.
const (
	StatusOK      Status = "ok"
	StatusWarn    Status = "warn"
	StatusFail    Status = "fail"
	StatusSkipped Status = "skipped"
	StatusNotRun  Status = "not-run"
)

// StepOutcome is one step of a finished run.
type StepOutcome struct {
	Step      string // engine step name, e.g. "imap"
	Status    Status
	Diagnosis string // diagnosis ID of a warned or failed step, "" if none
}

// Outcome is a plain description of a finished run: what Evaluate needs
// and nothing more (the engine's Result maps onto it in the faces).
type Outcome struct {
	Steps        []StepOutcome
	Protocols    []profile.Protocol // protocols the run tested; nil = the preset's
	Mailbox      string             // fills {mailbox}
	SignInUser   string             // fills {user}
	SentTestMail bool               // a test message was sent (proves Send As / Mail.Send)
}

func (o Outcome) step(name string) (StepOutcome, bool) {
	for _, s := range o.Steps {
		if s.Step == name {
			return s, true
		}
	}
	return StepOutcome{Step: name, Status: StatusNotRun}, false
}

// State is a requirement row's verdict.
type State string

// States.
const (
	Met       State = "met"        // ✓ proven by a passing step
	Unmet     State = "unmet"      // ✗ disproved by a diagnosis
	NotTested State = "not-tested" // not proven either way
)

// Mark is the row's symbol.
func (s State) Mark() string {
	switch s {
	case Met:
		return "✓"
	case Unmet:
		return "✗"
	}
	return "–"
}

// Row is one line of "What the product needs ↔ what your tenant has".
type Row struct {
	Requirement string // requirement ID
	Text        string // what the product needs, placeholders filled
	State       State
	Step        string // the step that proved or disproved it ("" when not tested)
	Diagnosis   string // the disproving (or suspected) diagnosis ID
	Suspect     bool   // NotTested, but Diagnosis makes this requirement a likely cause
	Detail      string // why, in a few words
	Fix         []string
}

// Evaluate turns a run's outcome into the preset's requirement rows. It is
// pure: the same outcome always gives the same rows.
func Evaluate(p Preset, o Outcome) []Row {
	protos := o.Protocols
	if len(protos) == 0 {
		protos = p.Protocols
	}
	var rows []Row
	for _, r := range RequirementsOf(p) {
		if r.Protocol != "" && !overlaps([]profile.Protocol{r.Protocol}, protos) {
			continue
		}
		row := r.evaluate(o)
		row.Text = fill(r.Text, o)
		rows = append(rows, row)
	}
	return rows
}

func (r Requirement) evaluate(o Outcome) Row {
	row := Row{Requirement: r.ID, State: NotTested, Fix: r.Fix}
	if s, ok := firstMatch(o, r.FailsOn); ok {
		row.State, row.Step, row.Diagnosis = Unmet, s.Step, s.Diagnosis
		row.Detail = fmt.Sprintf("step %s %s with %s", s.Step, verb(s.Status), s.Diagnosis)
		return row
	}
	if r.Untestable != "" {
		row.Detail = r.Untestable
		return row
	}
	var ran []string
	for _, name := range r.ProvenBy {
		s, _ := o.step(name)
		if s.Status != StatusOK {
			if s.Status != StatusNotRun {
				ran = append(ran, name+" "+verb(s.Status))
			}
			continue
		}
		if r.NeedsTestSend && !o.SentTestMail {
			ran = append(ran, name+" passed without sending a test message")
			continue
		}
		row.State, row.Step = Met, name
		row.Detail = "step " + name + " passed"
		return row
	}
	if s, ok := firstMatch(o, r.Suspects); ok {
		row.Step, row.Diagnosis, row.Suspect = s.Step, s.Diagnosis, true
		row.Detail = fmt.Sprintf("likely: step %s %s with %s", s.Step, verb(s.Status), s.Diagnosis)
		return row
	}
	switch {
	case r.NeedsTestSend && !o.SentTestMail:
		row.Detail = "needs a test message: run again with sending turned on"
	case len(ran) > 0:
		row.Detail = "not proven: " + strings.Join(ran, ", ")
	default:
		row.Detail = "not tested by this run (" + strings.Join(r.ProvenBy, ", ") + " did not run)"
	}
	return row
}

// firstMatch returns the first warned or failed step whose diagnosis
// matches one of the match strings, in run order.
func firstMatch(o Outcome, matches []string) (StepOutcome, bool) {
	for _, s := range o.Steps {
		if s.Diagnosis == "" || (s.Status != StatusFail && s.Status != StatusWarn) {
			continue
		}
		for _, m := range matches {
			step, id := splitMatch(m)
			if id == s.Diagnosis && (step == "" || step == s.Step) {
				return s, true
			}
		}
	}
	return StepOutcome{}, false
}

// splitMatch splits "step:diagnosis" (or a bare "diagnosis").
func splitMatch(m string) (step, id string) {
	if i := strings.IndexByte(m, ':'); i >= 0 {
		return m[:i], m[i+1:]
	}
	return "", m
}

func verb(s Status) string {
	switch s {
	case StatusFail:
		return "failed"
	case StatusWarn:
		return "warned"
	case StatusSkipped:
		return "was skipped"
	case StatusOK:
		return "passed"
	}
	return "did not run"
}

func fill(text string, o Outcome) string {
	mailbox, user := o.Mailbox, o.SignInUser
	if mailbox == "" {
		mailbox = "the mailbox"
	}
	if user == "" {
		user = "the account that signs in"
	}
	out := strings.NewReplacer("{mailbox}", mailbox, "{user}", user).Replace(text)
	if strings.HasPrefix(text, "{") && (o.Mailbox == "" && strings.HasPrefix(text, "{mailbox}") || o.SignInUser == "" && strings.HasPrefix(text, "{user}")) {
		// "the account that signs in can sign in…" begins a sentence.
		out = strings.ToUpper(out[:1]) + out[1:]
	}
	return out
}
