package simulate

import (
	"strings"
	"testing"

	"github.com/mailoauth/mailoauth-tester/core/diagnose"
)

// TestPresetScenarios: every preset has a passing scenario first and a
// failing one after it, names are unique across both catalogues, each
// failure names a known diagnosis, and Start accepts every name.
func TestPresetScenarios(t *testing.T) {
	names := map[string]bool{}
	for _, s := range Scenarios() {
		names[s.Name] = true
	}
	perPreset := map[string][]PresetScenario{}
	var order []string
	for _, s := range PresetScenarios() {
		if names[s.Name] {
			t.Errorf("scenario name %q is used twice", s.Name)
		}
		names[s.Name] = true
		if !strings.HasPrefix(s.Name, s.Preset+"-") || s.Title == "" || s.Description == "" {
			t.Errorf("%q: a preset scenario is named after its preset and has a title and description", s.Name)
		}
		if s.WantID != "" && !diagnose.Known(s.WantID) {
			t.Errorf("%q: unknown diagnosis %q", s.Name, s.WantID)
		}
		if s.Flow != "" && s.Flow != FlowAuthCode || (s.Flow == FlowAuthCode) != (s.RedirectURI != "") {
			t.Errorf("%q: flow %q with redirect URI %q", s.Name, s.Flow, s.RedirectURI)
		}
		if len(perPreset[s.Preset]) == 0 {
			order = append(order, s.Preset)
		}
		perPreset[s.Preset] = append(perPreset[s.Preset], s)
	}
	if len(order) != 8 {
		t.Errorf("scenarios for %d presets (%v), want 8", len(order), order)
	}
	for _, p := range order {
		got := perPreset[p]
		if len(got) != 2 || got[0].WantID != "" || got[1].WantID == "" {
			t.Errorf("preset %s: scenarios %+v, want one that passes, then one that fails", p, got)
		}
	}
	ten := startTenant(t, Options{Scenario: "cisco-ece-alias-no-send-as"})
	for _, s := range PresetScenarios() {
		if err := ten.SetScenario(s.Name); err != nil || ten.Scenario() != s.Name {
			t.Errorf("SetScenario(%q) = %v, scenario now %q", s.Name, err, ten.Scenario())
		}
	}
}

// TestPresetScenarioStates checks the directory each scenario sets up:
// only what the product needs, and the one thing its failure takes away.
func TestPresetScenarioStates(t *testing.T) {
	ten := startTenant(t, Options{})
	tests := []struct {
		name  string
		check func(s *State) string
	}{
		{"sytel-softdial-ok", func(s *State) string {
			app := s.app(ten.ClientID)
			if strings.Join(app.Roles[ResourceExchange], ",") != RoleIMAP || len(app.Roles[ResourceGraph]) > 0 || !app.ExchangeServicePrincipal ||
				!app.FullAccess[strings.ToLower(ten.Mailbox)] {
				return "want IMAP.AccessAsApp alone, the Exchange service principal and Full Access"
			}
			return ""
		}},
		{"sytel-softdial-exchange-sp-missing", func(s *State) string {
			if app := s.app(ten.ClientID); app.ExchangeServicePrincipal || len(app.Roles[ResourceExchange]) != 1 {
				return "want the role but no Exchange service principal"
			}
			return ""
		}},
		{"cisco-ece-ok", func(s *State) string {
			app, u := s.app(ten.ClientID), s.user(ten.DelegateUser)
			shared := strings.ToLower(ten.SharedMailbox)
			if len(app.Roles) > 0 || strings.Join(app.Web, " ") != eceRedirect || !u.FullAccess[shared] || !u.SendAs[shared] {
				return "want no application role, ECE's redirect URI and the service account's Full Access and Send As on the alias"
			}
			return ""
		}},
		{"cisco-ece-alias-no-send-as", func(s *State) string {
			u := s.user(ten.DelegateUser)
			if shared := strings.ToLower(ten.SharedMailbox); !u.FullAccess[shared] || u.SendAs[shared] {
				return "want Full Access without Send As"
			}
			return ""
		}},
		{"xcally-motion-no-offline-access", func(s *State) string {
			app := s.app(ten.ClientID)
			if offlineGranted(app, s.Directory) || strings.Contains(strings.Join(app.DelegatedScopes[ResourceGraph], " "), "offline_access") {
				return "want offline_access neither registered nor grantable"
			}
			return ""
		}},
		{"xcally-motion-ok", func(s *State) string {
			if !offlineGranted(s.app(ten.ClientID), s.Directory) {
				return "want offline_access granted"
			}
			return ""
		}},
		{"opexus-ecase-ok", func(s *State) string {
			app := s.app(ten.ClientID)
			if len(app.Roles) > 0 || len(app.RBAC) != 1 || !app.RBAC[0].grants(PermMailSend, ten.Mailbox) || app.RBAC[0].grants(PermMailRead, ten.Mailbox) {
				return "want no role and an RBAC grant of Mail.Send alone on the mailbox"
			}
			return ""
		}},
		{"opexus-ecase-mail-send-delegated", func(s *State) string {
			app := s.app(ten.ClientID)
			if len(app.Roles) > 0 || len(app.RBAC) > 0 || strings.Join(app.DelegatedScopes[ResourceGraph], ",") != PermMailSend {
				return "want Mail.Send as a delegated permission only"
			}
			return ""
		}},
		{"generic-graph-sender-ok", func(s *State) string {
			if app := s.app(ten.ClientID); strings.Join(app.Roles[ResourceGraph], ",") != PermMailSend || len(app.Roles[ResourceExchange]) > 0 {
				return "want the Mail.Send role alone"
			}
			return ""
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := ten.SetScenario(tt.name); err != nil {
				t.Fatal(err)
			}
			ten.Update(func(s *State) {
				if msg := tt.check(s); msg != "" {
					t.Error(msg)
				}
			})
		})
	}
}

func TestOfflineGranted(t *testing.T) {
	declared := &App{AdminConsented: true, DelegatedScopes: map[string][]string{ResourceGraph: {ScopeIMAP, "Offline_Access"}}}
	bare := &App{AdminConsented: true, DelegatedScopes: map[string][]string{ResourceGraph: {ScopeIMAP}}}
	unconsented := &App{DelegatedScopes: declared.DelegatedScopes}
	tests := []struct {
		name      string
		app       *App
		userMay   bool
		wantGrant bool
	}{
		{"registered and admin-consented", declared, false, true},
		{"not registered, admins only", bare, false, false},
		{"not registered, users consent", bare, true, true},
		{"registered without admin consent, admins only", unconsented, false, false},
	}
	for _, tt := range tests {
		if got := offlineGranted(tt.app, Directory{UserConsentAllowed: tt.userMay}); got != tt.wantGrant {
			t.Errorf("%s: offlineGranted() = %v, want %v", tt.name, got, tt.wantGrant)
		}
	}
}
