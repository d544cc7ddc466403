package engine

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mailoauth/mailoauth-tester/core/profile"
	"github.com/mailoauth/mailoauth-tester/core/simulate"
)

// protocolSets are the protocol selections every flow is planned and run
// with: each protocol alone, and all of them.
var protocolSets = [][]profile.Protocol{{profile.IMAP}, {profile.POP}, {profile.SMTP}, {profile.Graph}, profile.AllProtocols}

// TestPlanInputs builds the plan of every flow × protocol combination and
// checks its graph: every step it needs, explains with or dials after is
// in the plan and comes before it; then runs it against the simulated
// tenant and checks what each step really read: every input it declares
// as needed was read, and it read nothing it did not declare.
func TestPlanInputs(t *testing.T) {
	for _, flow := range profile.AllFlows {
		for _, protos := range protocolSets {
			if flow == profile.AppPassword && slices.Contains(protos, profile.Graph) {
				continue // Graph has no password login: validation refuses it
			}
			name := fmt.Sprintf("%s/%v", flow, protos)
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				scenario := ""
				if flow == profile.AppPassword {
					scenario = "app-password"
				}
				sim := startSim(t, simulate.Options{Scenario: scenario})
				p := delegatedProfile(sim, flow)
				if flow == profile.ClientCredentials {
					p = simProfile(sim)
				}
				p.Protocols = protos
				who := newPerson(t, sim)
				j, problems := Prepare(p, who.options())
				if len(problems) > 0 {
					t.Fatal(problems)
				}
				checkGraph(t, j.plan())
				var seen *run
				j.inspect = func(r *run) { seen = r }
				ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				defer cancel()
				res := j.Run(ctx, who.emit)
				if !res.OK {
					t.Fatalf("%s\n%s", res.Verdict, describe(res))
				}
				checkReads(t, seen)
			})
		}
	}
	// Failures read what explains them: the claims for a refused login,
	// the realm for a refused password sign-in, Graph's token for Graph.
	for _, tt := range []struct {
		flow     profile.Flow
		scenario string
	}{
		{profile.ClientCredentials, "exchange-sp-missing"}, {profile.ClientCredentials, "graph-access-policy"},
		{profile.ClientCredentials, "no-admin-consent"}, {profile.Password, "federated-domain"}, {profile.Password, "shared-mailbox-no-access"},
	} {
		t.Run(string(tt.flow)+"/"+tt.scenario, func(t *testing.T) {
			t.Parallel()
			sim := startSim(t, simulate.Options{Scenario: tt.scenario})
			p := simProfile(sim)
			if tt.flow != profile.ClientCredentials {
				p = delegatedProfile(sim, tt.flow)
				p.User, p.Password, p.Mailbox = sim.DelegateUser, sim.DelegatePassword, sim.SharedMailbox
			}
			j := prepare(t, p)
			var seen *run
			j.inspect = func(r *run) { seen = r }
			if res := j.Run(context.Background(), nil); res.OK {
				t.Fatalf("the %s scenario passed: %s", tt.scenario, res.Verdict)
			}
			checkReads(t, seen)
		})
	}
}

// checkReads checks what each step of a finished run read against what it
// declares.
func checkReads(t *testing.T, seen *run) {
	t.Helper()
	for _, d := range seen.defs {
		st := seen.steps[d.name]
		if len(st.undeclared) > 0 {
			t.Errorf("step %s read %v without declaring it", d.name, st.undeclared)
		}
		for _, n := range d.needs {
			if st.ran && !st.reads[n] {
				t.Errorf("step %s declares it needs %s but never read it", d.name, n)
			}
		}
		for n := range st.reads {
			if !slices.Contains(d.needs, n) && !slices.Contains(d.explain, n) {
				t.Errorf("step %s read %s, which it does not declare", d.name, n)
			}
		}
	}
}

// checkGraph checks that every step a step refers to is in the plan and
// comes before it, so the plan is a graph without cycles.
func checkGraph(t *testing.T, defs []*stepDef) {
	t.Helper()
	pos := map[StepName]int{}
	for i, d := range defs {
		if _, dup := pos[d.name]; dup {
			t.Errorf("step %s is planned twice", d.name)
		}
		pos[d.name] = i
	}
	for i, d := range defs {
		for _, refs := range [][]StepName{d.needs, d.explain, d.dialAfter} {
			for _, n := range refs {
				at, ok := pos[n]
				switch {
				case !ok:
					t.Errorf("step %s refers to %s, which is not in the plan", d.name, n)
				case at >= i:
					t.Errorf("step %s refers to %s, which comes after it", d.name, n)
				}
			}
		}
		if d.run == nil || d.title == "" {
			t.Errorf("step %s has no run function or no title", d.name)
		}
		if len(d.needs) > 0 && d.unmet == "" {
			t.Errorf("step %s has needs but no reason to give when they are unmet", d.name)
		}
	}
}

// TestPlanMatchesRun: the plan a face shows before the run (Plan) is the
// graph the run reports (RunStart's steps and the result's steps, in
// order).
func TestPlanMatchesRun(t *testing.T) {
	sim := startSim(t, simulate.Options{})
	j := prepare(t, simProfile(sim))
	var started []StepInfo
	res := j.Run(context.Background(), func(e Event) {
		if e.Kind == RunStart {
			started = e.Steps
		}
	})
	plan := j.Plan()
	if fmt.Sprint(plan) != fmt.Sprint(started) {
		t.Errorf("Plan() = %v, RunStart steps = %v", plan, started)
	}
	var names []string
	for _, s := range plan {
		names = append(names, s.Name)
	}
	if got := stepNames(res); got != strings.Join(names, ",") {
		t.Errorf("result steps %s, plan %v", got, names)
	}
	if tok := plan[1]; tok.Name != StepToken || len(tok.Needs) != 0 {
		t.Errorf("app-only token step = %+v, want it to need nothing", tok)
	}
}

// TestConnectionsOpenWhileTheTokenIsFetched: for an unattended flow every
// protocol's connection and the tenant lookup begin before the token has
// come (nothing waits for the tenant step), and each protocol step waits
// for the token only after connecting. The emulated latency makes the
// token take several round trips, so the order does not depend on the
// machine's speed.
func TestConnectionsOpenWhileTheTokenIsFetched(t *testing.T) {
	sim := startSim(t, simulate.Options{Latency: 20 * time.Millisecond})
	res := prepare(t, simProfile(sim)).Run(context.Background(), nil)
	if !res.OK {
		t.Fatalf("%s\n%s", res.Verdict, describe(res))
	}
	tok := res.Step(StepToken)
	tokenEnd := tok.Start + tok.Duration
	for _, name := range []StepName{StepTenant, "imap", "pop", "smtp", "graph", StepGraphToken} {
		s := res.Step(name)
		if s.Start >= tokenEnd {
			t.Errorf("step %s began at %s, after the token came at %s", name, s.Start, tokenEnd)
		}
	}
	for _, name := range []StepName{"imap", "pop", "smtp"} {
		s := res.Step(name)
		if s.Waited <= 0 || len(s.Timings) == 0 || s.Timings[0].Start < s.Start {
			t.Errorf("step %s: waited %s, timings %+v: want its connection first, then the wait for the token", name, s.Waited, s.Timings)
		}
	}
}
