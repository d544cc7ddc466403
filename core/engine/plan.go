package engine

import (
	"context"
	"time"

	"github.com/mailoauth/mailoauth-tester/core/diagnose"
	"github.com/mailoauth/mailoauth-tester/core/protocol"
)

// StepName is a step's stable name, as events, results and the JSON
// report carry it. A protocol's step is named after the protocol
// (protocol.IMAP's step is "imap"). It is a plain string underneath, so
// faces and reports keep using strings; code names steps by these
// constants.
type StepName = string

// The steps that are not a protocol's.
const (
	StepInput      StepName = "input"       // the input's warnings, as a step
	StepTenant     StepName = "tenant"      // tenant discovery and the user realm
	StepToken      StepName = "token"       // the access token (the sign-in, for delegated flows)
	StepClaims     StepName = "claims"      // the token's claims against what each protocol needs
	StepGraphToken StepName = "graph-token" // Microsoft Graph's own token
	StepRefresh    StepName = "refresh"     // renewal with the refresh token (delegated flows)
	StepSignIn     StepName = "signin"      // environment check: the sign-in endpoint answers
	StepClock      StepName = "clock"       // environment check: this computer's clock
)

// protocolStep is the name of a protocol's step.
func protocolStep(n protocol.Name) StepName { return StepName(n) }

// stepDef is one step of a plan: its name, what it reads, and what it
// does. The runner (runner.go) does everything else for every step alike:
// waiting for its inputs, the start and end events, its time limit, a
// cancel ending it as skipped, its transcript and its result.
type stepDef struct {
	name  StepName
	title string
	// needs are the steps whose results the step reads. It runs once they
	// have ended; when one of them did not succeed it is skipped, with
	// unmet as the reason.
	needs []StepName
	unmet string
	// explain are steps whose results the step reads only to explain its
	// own failure: it waits for them only then.
	explain []StepName
	// dial, when set, opens the step's connection before its needs have
	// ended: at once, or once dialAfter have succeeded (a flow that waits
	// for a person opens connections after the sign-in, as they would
	// time out while the person signs in). Its failure ends the step
	// through fail.
	dial      func(ctx context.Context, s *stepRun) error
	dialAfter []StepName
	// begin is the step's first line, once it starts.
	begin func() string
	// run does the step and says how it ended. It runs with timeout.
	run     func(ctx context.Context, s *stepRun) outcome
	timeout time.Duration
	// fail explains an error of dial (and is what run calls for its own).
	fail func(ctx context.Context, s *stepRun, err error) outcome
	// close, when set, releases what dial opened, however the step ended.
	close func()
	// server is the server whose answer the step reports; about, for a
	// local step, the server whose verdict it predicts (consolidate.go).
	server, about string
	// protocol is the protocol its diagnoses are about ("" for sign-in).
	protocol protocol.Name
}

// outcome is how a step ended and what it hands to the steps that need it.
type outcome struct {
	status    Status
	detail    string
	diagnosis *diagnose.Diagnosis
	value     any
}

func passed(detail string, value any) outcome {
	return outcome{status: OK, detail: detail, value: value}
}

func warn(detail string, d *diagnose.Diagnosis, value any) outcome {
	return outcome{status: Warn, detail: detail, diagnosis: d, value: value}
}

func failed(detail string, d *diagnose.Diagnosis) outcome {
	return outcome{status: Fail, detail: detail, diagnosis: d}
}

func skipped(detail string) outcome { return outcome{status: Skipped, detail: detail} }

// plan builds the job's graph of steps, in display order.
func (j *Job) plan() []*stepDef {
	if j.Environment() {
		return j.envPlan()
	}
	var s []*stepDef
	if len(j.warning) > 0 {
		s = append(s, j.inputStep())
	}
	mail, graph := j.selected(protocol.Exchange), j.selected(protocol.MicrosoftGraph)
	delegated := j.flow.Delegated
	// The token step gets the Exchange token (or, delegated, signs the
	// user in); Graph has a token of its own.
	exchangeToken := j.flow.OAuth && (len(mail) > 0 || delegated)
	graphToken := j.flow.OAuth && len(graph) > 0 && (!delegated || len(mail) > 0)
	if j.flow.OAuth {
		s = append(s, j.tenantStep())
	}
	if exchangeToken {
		s = append(s, j.tokenStep(), j.claimsStep())
	}
	if graphToken {
		s = append(s, j.graphTokenStep())
	}
	for _, p := range mail {
		s = append(s, j.protocolStep(p, j.p.Mailbox, StepToken, StepClaims))
	}
	for _, p := range graph {
		if graphToken {
			s = append(s, j.protocolStep(p, j.p.Mailbox, StepGraphToken, StepGraphToken))
		} else {
			// A delegated run of Graph alone: the sign-in's token is Graph's.
			s = append(s, j.protocolStep(p, j.p.Mailbox, StepToken, StepClaims))
		}
	}
	if delegated {
		s = append(s, j.refreshStep())
	}
	return s
}

// envPlan is the environment check's graph: the sign-in endpoint and its
// clock, and every protocol's endpoint.
func (j *Job) envPlan() []*stepDef {
	s := []*stepDef{j.signInStep(), j.clockStep()}
	for _, p := range j.table {
		s = append(s, j.reachStep(p))
	}
	return s
}
