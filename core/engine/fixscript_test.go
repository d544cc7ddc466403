package engine

import (
	"reflect"
	"strings"
	"testing"

	"github.com/mailoauth/mailoauth-tester/core/cloud"
	"github.com/mailoauth/mailoauth-tester/core/diagnose"
	"github.com/mailoauth/mailoauth-tester/core/preset"
	"github.com/mailoauth/mailoauth-tester/core/profile"
)

func TestRepairIDs(t *testing.T) {
	d := func(id string) *diagnose.Diagnosis { return &diagnose.Diagnosis{ID: id} }
	steps := []StepResult{
		{Name: "token", Status: OK},
		{Name: "claims", Status: Warn, Diagnosis: d("token-permission-missing")},
		{Name: "imap", Status: Fail, Diagnosis: d("network-unreachable")}, // no script repairs a network
		{Name: "pop", Status: Fail, Diagnosis: d("token-permission-missing")},
		{Name: "smtp", Status: Fail, Diagnosis: d("smtp-auth-disabled")},
		{Name: "graph", Status: Skipped, Diagnosis: d("graph-permission-denied")}, // a skipped step found nothing
	}
	tests := []struct {
		name string
		res  *Result
		want []string
	}{
		{"in run order, once each", &Result{Mode: "check", Steps: steps}, []string{"token-permission-missing", "smtp-auth-disabled"}},
		{"cancelled", &Result{Mode: "check", Cancelled: true, Steps: steps}, nil},
		{"environment check", &Result{Mode: "environment", Steps: steps}, nil},
		{"no result", nil, nil},
	}
	for _, tt := range tests {
		if got := tt.res.RepairIDs(); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: RepairIDs() = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestFixFacts(t *testing.T) {
	res := &Result{Mode: "check", Input: Input{Tenant: "contoso.onmicrosoft.com", ClientID: "11111111-2222-3333-4444-555555555555",
		Mailbox: "alias@contoso.com", User: "svc@contoso.com", Flow: "auth-code", Credential: "certificate 0A1B", Cloud: "usgov",
		Protocols: []string{"pop", "smtp"}, RedirectURI: "https://ece.contoso.com/cb", Preset: "cisco-ece"},
		Steps: []StepResult{{Name: "smtp", Status: Fail, Diagnosis: &diagnose.Diagnosis{ID: "send-as-denied"}}}}
	f := res.FixFacts("Mail OAuth Tester test")
	if f.Preset == nil || f.Preset.ID != "cisco-ece" || f.Flow != profile.AuthCode || f.Cloud.Name != cloud.USGov.Name ||
		f.Tenant != res.Input.Tenant || f.ClientID != res.Input.ClientID || strings.Join(f.Mailboxes, ",") != "alias@contoso.com" ||
		f.SignInUser != "svc@contoso.com" || f.RedirectURI != "https://ece.contoso.com/cb" || f.Credential != preset.Certificate ||
		len(f.Protocols) != 2 || f.Generator != "Mail OAuth Tester test" {
		t.Errorf("FixFacts() = %+v", f)
	}
	ids, script, err := res.FixScript("Mail OAuth Tester test")
	if err != nil || strings.Join(ids, ",") != "send-as-denied" || !strings.Contains(script, "Add-RecipientPermission") ||
		!strings.Contains(script, "svc@contoso.com") || !strings.Contains(script, "alias@contoso.com") {
		t.Errorf("FixScript() = %v, %v, %v\n%.600s", ids, err, len(script), script)
	}
	// An app-only run has no redirect URI to repair, and no preset.
	res.Input.Flow, res.Input.Preset, res.Input.Credential = "client-credentials", "", "secret abc…"
	if f := res.FixFacts(""); f.RedirectURI != "" || f.Preset != nil || f.Credential != "" {
		t.Errorf("app-only FixFacts() = %+v", f)
	}
}
