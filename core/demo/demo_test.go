package demo

import (
	"testing"

	"github.com/mailoauth/mailoauth-tester/core/engine"
	"github.com/mailoauth/mailoauth-tester/core/profile"
)

func TestScenarioFlows(t *testing.T) {
	tests := map[string]profile.Flow{
		"ok":                     profile.ClientCredentials,
		"smtp-auth-disabled":     profile.ClientCredentials,
		"refresh-revoked":        profile.Interactive,
		"admin-consent-required": profile.Interactive,
		"app-password":           profile.AppPassword,
	}
	for name, want := range tests {
		sc, ok := Lookup(name)
		if !ok {
			t.Errorf("Lookup(%s) found nothing", name)
			continue
		}
		if sc.Flow != want || sc.Title == "" {
			t.Errorf("%s: flow %q title %q, want flow %q", name, sc.Flow, sc.Title, want)
		}
	}
	if _, ok := Lookup("nope"); ok {
		t.Error("Lookup(nope) found a scenario")
	}
}

// TestDemoRunsAgainstTheSimulatedTenant: the profile and engine options a
// demo hands to the window make a real run that ends as the scenario says,
// in the scenario's flow and in another one.
func TestDemoRunsAgainstTheSimulatedTenant(t *testing.T) {
	tests := []struct {
		scenario string
		flow     profile.Flow
		ok       bool
	}{
		{"ok", "", true},
		{"smtp-auth-disabled", "", false},
		{"ok", profile.Password, true},
	}
	for _, tt := range tests {
		t.Run(tt.scenario+"/"+string(tt.flow), func(t *testing.T) {
			d, err := Start(tt.scenario, tt.flow)
			if err != nil {
				t.Fatal(err)
			}
			defer d.Close()
			p := d.Profile()
			if tt.flow != "" && p.Flow != tt.flow {
				t.Fatalf("profile flow = %s, want %s", p.Flow, tt.flow)
			}
			job, ps := engine.Prepare(p, d.Engine())
			if job == nil {
				t.Fatalf("Prepare = %v", ps)
			}
			res := job.Run(t.Context(), func(engine.Event) {})
			if res.OK != tt.ok {
				t.Errorf("verdict = %q, want ok=%v", res.Verdict, tt.ok)
			}
		})
	}
}

func TestStartRefusesUnknownNames(t *testing.T) {
	if _, err := Start("nope", ""); err == nil {
		t.Error("Start(nope) started")
	}
	if _, err := Start("ok", "carrier-pigeon"); err == nil {
		t.Error("Start(ok, carrier-pigeon) started")
	}
}
