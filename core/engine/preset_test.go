package engine

import (
	"context"
	"reflect"
	"testing"

	"github.com/mailoauth/mailoauth-tester/core/diagnose"
	"github.com/mailoauth/mailoauth-tester/core/preset"
	"github.com/mailoauth/mailoauth-tester/core/profile"
	"github.com/mailoauth/mailoauth-tester/core/simulate"
)

func TestPresetOutcome(t *testing.T) {
	diag := func(id string) *diagnose.Diagnosis { return &diagnose.Diagnosis{ID: id} }
	tests := []struct {
		name string
		res  Result
		want preset.Outcome
	}{
		{
			name: "statuses and diagnoses",
			res: Result{Input: Input{Mailbox: "a@contoso.com", User: "svc@contoso.com", Protocols: []string{"pop", "smtp"}},
				Steps: []StepResult{
					{Name: "token", Status: OK},
					{Name: "claims", Status: Warn, Diagnosis: diag("token-permission-missing")},
					{Name: "pop", Status: Fail, Diagnosis: diag("mailbox-auth-rejected")},
					{Name: "smtp", Status: Skipped, Diagnosis: diag("not-shown")}, // a skipped step proves and disproves nothing
					{Name: "refresh", Status: Running},
					{Name: "graph", Status: Waiting},
				}},
			want: preset.Outcome{Mailbox: "a@contoso.com", SignInUser: "svc@contoso.com", Protocols: []profile.Protocol{profile.POP, profile.SMTP},
				Steps: []preset.StepOutcome{
					{Step: "token", Status: preset.StatusOK},
					{Step: "claims", Status: preset.StatusWarn, Diagnosis: "token-permission-missing"},
					{Step: "pop", Status: preset.StatusFail, Diagnosis: "mailbox-auth-rejected"},
					{Step: "smtp", Status: preset.StatusSkipped},
					{Step: "refresh", Status: preset.StatusNotRun},
					{Step: "graph", Status: preset.StatusNotRun},
				}},
		},
		{
			name: "a test message went out over SMTP",
			res:  Result{Input: Input{SendTestMail: true}, Steps: []StepResult{{Name: "imap", Status: OK}, {Name: "smtp", Status: OK}}},
			want: preset.Outcome{SentTestMail: true, Steps: []preset.StepOutcome{{Step: "imap", Status: preset.StatusOK}, {Step: "smtp", Status: preset.StatusOK}}},
		},
		{
			name: "asked for a test message but no sending step passed",
			res:  Result{Input: Input{SendTestMail: true}, Steps: []StepResult{{Name: "imap", Status: OK}, {Name: "smtp", Status: Fail, Diagnosis: diag("send-as-denied")}}},
			want: preset.Outcome{Steps: []preset.StepOutcome{{Step: "imap", Status: preset.StatusOK}, {Step: "smtp", Status: preset.StatusFail, Diagnosis: "send-as-denied"}}},
		},
		{
			name: "a passing sending step without the test message proves no sending",
			res:  Result{Steps: []StepResult{{Name: "graph", Status: OK}}},
			want: preset.Outcome{Steps: []preset.StepOutcome{{Step: "graph", Status: preset.StatusOK}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.res.PresetOutcome(); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("PresetOutcome() =\n%+v\nwant\n%+v", got, tt.want)
			}
		})
	}
}

// TestPresetRowsFromARealRun runs the engine against the simulated tenant
// and evaluates a preset on the outcome: a passing run meets every
// requirement it tests, and SMTP AUTH turned off disproves exactly the
// SMTP AUTH requirement, on the SMTP step.
func TestPresetRowsFromARealRun(t *testing.T) {
	p, err := preset.Find("generic-smtp-app-sender")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		scenario string
		unmet    map[string]string // requirement → step
	}{
		{"ok", nil},
		{"smtp-auth-disabled", map[string]string{"smtp-auth": "smtp"}},
	} {
		t.Run(tt.scenario, func(t *testing.T) {
			sim, err := simulate.Start(simulate.Options{Scenario: tt.scenario})
			if err != nil {
				t.Fatalf("simulate.Start() = %v", err)
			}
			defer sim.Close()
			prof, _ := p.Apply(profile.Profile{Tenant: sim.TenantID, ClientID: sim.ClientID, ClientSecret: sim.ClientSecret, Mailbox: sim.Mailbox,
				AuthorityHost: sim.AuthorityURL, IMAPHost: sim.IMAPAddr, POPHost: sim.POPAddr, SMTPHost: sim.SMTPAddr, GraphURL: sim.GraphURL, CAFile: sim.CAFile})
			job, problems := Prepare(prof, Options{})
			if job == nil {
				t.Fatalf("Prepare() problems: %v", problems)
			}
			res := job.Run(context.Background(), func(Event) {})
			met := 0
			for _, row := range preset.Evaluate(p, res.PresetOutcome()) {
				switch {
				case row.State == preset.Unmet && tt.unmet[row.Requirement] != row.Step:
					t.Errorf("row %s unmet on step %q (%s), want it not disproved", row.Requirement, row.Step, row.Detail)
				case row.State != preset.Unmet && tt.unmet[row.Requirement] != "":
					t.Errorf("row %s is %s (%s), want it unmet on step %s", row.Requirement, row.State, row.Detail, tt.unmet[row.Requirement])
				case row.State == preset.Met:
					met++
				}
			}
			if tt.unmet == nil && met == 0 {
				t.Errorf("a passing run met no requirement: %q", res.Verdict)
			}
		})
	}
}
