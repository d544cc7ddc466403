package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mailoauth/mailoauth-tester/core/preset"
	"github.com/mailoauth/mailoauth-tester/core/report"
	"github.com/mailoauth/mailoauth-tester/core/simulate"
)

// presetCase is one preset's pair of simulated tenants: the failing one
// must end on its diagnosis on step, and the preset's rows must show the
// requirement ✗ on that step — the one row the passing tenant shows ✓.
type presetCase struct {
	preset      string
	requirement string
	step        string
}

var presetCases = []presetCase{
	{"sytel-softdial", "exchange-sp", "imap"},
	{"cisco-ece", "delegate-send-as", "smtp"},
	{"xcally-motion", "offline-access", "refresh"},
	{"opexus-ecase", "graph-mail-send-app", "graph"},
	{"cisco-unity-connection", "graph-mail-read-app", "graph"},
	{"generic-imap-pop-reader", "imap-enabled", "imap"},
	{"generic-smtp-app-sender", "smtp-auth", "smtp"},
	{"generic-graph-sender", "graph-mail-send-app", "graph"},
}

// presetRun runs `check` as a preset scenario says (through the terminal
// harness, so a browser sign-in works too) with extra flags.
func presetRun(t *testing.T, s simulate.PresetScenario, extra ...string) (*simulate.Tenant, int, string, string) {
	t.Helper()
	sim := startSim(t, simulate.Options{Scenario: s.Name})
	args := append(simArgs(sim), "--secret-env", "MAILOAUTH_SECRET")
	args = append(args, presetScenarioArgs(s, sim.DelegateUser, sim.SharedMailbox)...)
	code, out, errOut := runTerminal(t, sim, map[string]string{"MAILOAUTH_SECRET": sim.ClientSecret}, append(args, extra...)...)
	return sim, code, out, errOut
}

func rowOf(rep report.JSONReport, id string) *report.JSONRequirement {
	for i := range rep.Preset.Rows {
		if rep.Preset.Rows[i].Requirement == id {
			return &rep.Preset.Rows[i]
		}
	}
	return nil
}

// TestPresetScenariosThroughTheCLI: for each preset, `check --preset`
// passes its passing tenant with every row in place or untested, and on
// its failing tenant ends on the scenario's diagnosis with exactly the
// expected requirement ✗ on the expected step — in the JSON report (which
// the schema checks) and in the text output; --fix-script writes the
// repair with the real IDs under --hide-ids, and no secret leaks.
func TestPresetScenariosThroughTheCLI(t *testing.T) {
	byPreset := map[string][]simulate.PresetScenario{}
	for _, s := range simulate.PresetScenarios() {
		byPreset[s.Preset] = append(byPreset[s.Preset], s)
	}
	if len(byPreset) != len(presetCases) || len(presetCases) != len(preset.IDs()) {
		t.Fatalf("%d presets with scenarios, %d cases, %d presets", len(byPreset), len(presetCases), len(preset.IDs()))
	}
	for _, pc := range presetCases {
		pair := byPreset[pc.preset]
		if len(pair) != 2 {
			t.Fatalf("%s: scenarios %+v", pc.preset, pair)
		}
		pass, fail := pair[0], pair[1]
		t.Run(pass.Name, func(t *testing.T) {
			sim, code, out, errOut := presetRun(t, pass, "--json")
			if code != exitOK {
				t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
			}
			rep := decodeReport(t, out)
			if rep.Preset == nil || rep.Preset.ID != pc.preset || rep.Input.Preset != pc.preset {
				t.Fatalf("preset section %+v", rep.Preset)
			}
			if c := rep.Preset.Counts; c.Missing != 0 || c.LikelyMissing != 0 || c.Met == 0 {
				t.Errorf("counts %+v, want nothing missing", c)
			}
			if r := rowOf(rep, pc.requirement); r == nil || r.State != "met" || r.Mark != "✓" {
				t.Errorf("row %s = %+v, want ✓", pc.requirement, r)
			}
			assertNoUserSecrets(t, sim, out+errOut)
		})
		t.Run(fail.Name, func(t *testing.T) {
			fix := filepath.Join(t.TempDir(), "fix.ps1")
			sim, code, out, errOut := presetRun(t, fail, "--json", "--hide-ids", "--fix-script", fix)
			if code != exitFailed {
				t.Fatalf("exit %d, want %d\n%s\n%s", code, exitFailed, out, errOut)
			}
			rep := decodeReport(t, out)
			if s := findStep(rep, pc.step); s == nil || s.Diagnosis == nil || s.Diagnosis.ID != string(fail.WantID) || (s.Status != "fail" && s.Status != "warn") {
				t.Fatalf("step %s = %+v, want it to end on %s", pc.step, s, fail.WantID)
			}
			var unmet []string
			for _, r := range rep.Preset.Rows {
				if r.State == "unmet" {
					unmet = append(unmet, r.Requirement)
				}
			}
			r := rowOf(rep, pc.requirement)
			if strings.Join(unmet, ",") != pc.requirement || r.Mark != "✗" || r.Step != pc.step || r.Diagnosis != string(fail.WantID) {
				t.Errorf("✗ rows %v; row %s = %+v; want only it ✗ on %s with %s", unmet, pc.requirement, r, pc.step, fail.WantID)
			}
			if rep.Preset.Rows[0].Requirement != pc.requirement {
				t.Errorf("the missing row is not first: %s", rep.Preset.Rows[0].Requirement)
			}
			script, err := os.ReadFile(fix)
			if err != nil {
				t.Fatalf("no fix script: %v\n%s", err, errOut)
			}
			if !strings.Contains(string(script), sim.TenantID) || !strings.Contains(string(script), sim.ClientID) ||
				!strings.Contains(errOut, "Fix script written to") || !strings.Contains(errOut, "never runs it") {
				t.Errorf("the fix script lacks the run's real IDs, or stderr does not say it was written:\n%s", errOut)
			}
			if strings.Contains(out, sim.TenantID) {
				t.Error("--hide-ids did not hide the tenant in the report")
			}
			assertNoUserSecrets(t, sim, out+errOut+string(script))

			// The run's text output shows the rows too.
			_, _, text, terr := presetRun(t, fail)
			p, _ := preset.Find(pc.preset)
			if !strings.Contains(text, p.Heading()) || !strings.Contains(text, "  ✗ ") || !strings.Contains(text, "missing — ") {
				t.Errorf("text output lacks the requirement rows:\n%s\n%s", text, terr)
			}
		})
	}
}
