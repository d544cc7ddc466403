package engine

import (
	"strings"

	"github.com/mailoauth/mailoauth-tester/core/preset"
	"github.com/mailoauth/mailoauth-tester/core/profile"
)

// PresetOutcome describes the finished run the way package preset's
// evaluator reads it: each step's status and diagnosis ID, the protocols
// the run tested, the mailbox and the account that signed in, and whether
// a test message really went out (asked for, and a sending step passed).
// Steps that never ended (a cancelled run) count as not run. The outcome
// holds IDs the faces must redact before they show it.
func (r *Result) PresetOutcome() preset.Outcome {
	o := preset.Outcome{Mailbox: r.Input.Mailbox, SignInUser: r.Input.User}
	for _, pr := range r.Input.Protocols {
		o.Protocols = append(o.Protocols, profile.Protocol(pr))
	}
	for _, s := range r.Steps {
		so := preset.StepOutcome{Step: s.Name, Status: presetStatus(s.Status)}
		if s.Diagnosis != nil && (s.Status == Fail || s.Status == Warn) {
			so.Diagnosis = s.Diagnosis.ID
		}
		o.Steps = append(o.Steps, so)
		if r.Input.SendTestMail && s.Status == OK && (s.Name == "smtp" || s.Name == "graph") {
			o.SentTestMail = true
		}
	}
	return o
}

// presetStatus maps a step's status onto the evaluator's.
func presetStatus(s Status) preset.Status {
	switch s {
	case OK:
		return preset.StatusOK
	case Warn:
		return preset.StatusWarn
	case Fail:
		return preset.StatusFail
	case Skipped:
		return preset.StatusSkipped
	}
	return preset.StatusNotRun
}

// presetProblems checks the profile's preset fields: a known preset ID,
// and Graph among the protocols when Graph is to be checked for sending
// only. Each problem names its field.
func presetProblems(p profile.Profile) profile.Problems {
	var out profile.Problems
	if p.Preset != "" {
		if _, err := preset.Find(p.Preset); err != nil {
			out = append(out, profile.Problem{Field: profile.FieldPreset, Message: strings.TrimPrefix(err.Error(), "preset: "),
				Fix: "use one of the listed presets (mailoauth presets lists them)"})
		}
	}
	if p.GraphSendOnly && p.HasCredentials() && !p.Has(profile.Graph) {
		out = append(out, profile.Problem{Field: profile.FieldGraphSend, Message: "Graph is not among the protocols to test",
			Fix: "add graph to the protocols, or leave send-only out"})
	}
	return out
}
