package ui

import (
	"context"

	"github.com/mailoauth/mailoauth-tester/core/engine"
	"github.com/mailoauth/mailoauth-tester/core/profile"
	"github.com/mailoauth/mailoauth-tester/core/secret"
)

// Job is what the window needs of a prepared run; *engine.Job has it.
// Tests supply scripted jobs that emit canned events.
type Job interface {
	// Plan lists the steps the run will report on.
	Plan() []engine.StepInfo
	// Run executes the job, calling emit for each event (never
	// concurrently), and returns the result also carried by RunEnd.
	Run(ctx context.Context, emit func(engine.Event)) *engine.Result
	// Scrubber knows the run's secrets.
	Scrubber() *secret.Scrubber
}

// PrepareFunc validates a profile and returns a runnable Job, or nil and
// the problems that stop it (each naming its profile.Field…). Warnings may
// come back together with a Job.
type PrepareFunc func(profile.Profile) (Job, profile.Problems)

// Engine returns the real engine as a PrepareFunc.
func Engine(opts engine.Options) PrepareFunc {
	return func(p profile.Profile) (Job, profile.Problems) {
		j, ps := engine.Prepare(p, opts)
		if j == nil {
			return nil, ps
		}
		return j, j.Warnings()
	}
}
