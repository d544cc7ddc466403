package preset_test

// This external test checks the preset data against the real engine plan.
// The package itself never imports core/engine; only this test does.

import (
	"slices"
	"testing"

	"github.com/mailoauth/mailoauth-tester/core/engine"
	"github.com/mailoauth/mailoauth-tester/core/preset"
	"github.com/mailoauth/mailoauth-tester/core/profile"
)

// jobFor prepares an engine job for the preset with harmless sample values
// (nothing is run).
func jobFor(t *testing.T, p preset.Preset, protocols []profile.Protocol) *engine.Job {
	t.Helper()
	prof := profile.Profile{Tenant: "contoso.onmicrosoft.com", ClientID: "6f1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
		Mailbox: "support@contoso.com", Protocols: protocols}
	prof, _ = p.Apply(prof)
	switch p.Flow {
	case profile.ClientCredentials, profile.AuthCode:
		prof.ClientSecret = "sample-secret-value-for-planning"
	}
	if p.Flow == profile.AuthCode {
		prof.RedirectURI = "https://product.contoso.com/callback"
		prof.User = "svc@contoso.com"
	}
	job, problems := engine.Prepare(prof, engine.Options{})
	if errs := problems.Errors(); len(errs) > 0 {
		t.Fatalf("%s: Prepare: %v", p.ID, errs)
	}
	return job
}

func planNames(job *engine.Job) []string {
	var names []string
	for _, s := range job.Plan() {
		names = append(names, s.Name)
	}
	return names
}

// TestKnownStepsMatchTheEngine: every step the engine plans for any flow
// and protocol is in preset.KnownSteps, so requirement data can name it.
func TestKnownStepsMatchTheEngine(t *testing.T) {
	base := preset.Preset{Flow: profile.ClientCredentials}
	for _, flow := range []profile.Flow{profile.ClientCredentials, profile.AuthCode} {
		base.Flow = flow
		job := jobFor(t, base, profile.AllProtocols)
		for _, name := range planNames(job) {
			if !slices.Contains(preset.KnownSteps, name) {
				t.Errorf("engine step %q (flow %s) is missing from preset.KnownSteps", name, flow)
			}
		}
	}
}

// TestRequirementsAreProvableByThePlan: for every preset and protocol set
// it supports, each requirement shown has a proving step the engine
// actually plans (or says why it is untestable).
func TestRequirementsAreProvableByThePlan(t *testing.T) {
	for _, p := range preset.All() {
		sets := [][]profile.Protocol{p.Protocols}
		for _, a := range p.Alternatives {
			if a.Flow == p.Flow && len(a.Protocols) > 0 {
				sets = append(sets, a.Protocols)
			}
		}
		for _, protos := range sets {
			plan := planNames(jobFor(t, p, protos))
			for _, r := range preset.RequirementsOf(p) {
				if r.Protocol != "" && !slices.Contains(protos, r.Protocol) {
					continue
				}
				if r.Untestable != "" {
					continue
				}
				if !slices.ContainsFunc(r.ProvenBy, func(s string) bool { return slices.Contains(plan, s) }) {
					t.Errorf("%s %v: requirement %s is proven by %v, none of which the engine plans (%v)", p.ID, protos, r.ID, r.ProvenBy, plan)
				}
			}
		}
	}
}
