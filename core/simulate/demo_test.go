package simulate

import (
	"testing"

	"github.com/mailoauth/mailoauth-tester/core/profile"
)

func TestTenantProfileValidates(t *testing.T) {
	tn, err := Start(Options{})
	if err != nil {
		t.Fatalf("Start() = %v", err)
	}
	defer tn.Close()
	p := profile.Normalize(tn.Profile())
	if ps := profile.Validate(p); len(ps) > 0 {
		t.Errorf("Validate(Profile()) = %v, want no problems", ps)
	}
	if p.ClientSecret != tn.ClientSecret || p.CAFile != tn.CAFile || p.AuthorityHost != tn.AuthorityURL {
		t.Errorf("Profile() = %+v, want the tenant's secret, CA file and authority", p)
	}
}

func TestScenarioTitle(t *testing.T) {
	if got := ScenarioTitle("smtp-auth-disabled"); got != "SMTP AUTH disabled for the tenant" {
		t.Errorf("ScenarioTitle(smtp-auth-disabled) = %q", got)
	}
	if got := ScenarioTitle("nope"); got != "" {
		t.Errorf("ScenarioTitle(nope) = %q, want empty", got)
	}
}
