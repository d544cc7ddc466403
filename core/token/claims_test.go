package token

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/mailoauth/mailoauth-tester/core/protocol"
)

func jwt(t *testing.T, claims map[string]any) string {
	t.Helper()
	b, err := json.Marshal(claims)
	if err != nil {
		t.Fatal(err)
	}
	h := base64.RawURLEncoding.EncodeToString([]byte(`{"typ":"JWT","alg":"RS256"}`))
	return h + "." + base64.RawURLEncoding.EncodeToString(b) + ".sig"
}

var now = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

func appToken(t *testing.T, edit func(map[string]any)) string {
	c := map[string]any{"aud": "https://outlook.office365.com", "iss": "https://sts.windows.net/t/", "tid": "tid-1", "appid": "app-1",
		"oid": "sp-1", "idtyp": "app", "roles": []string{"IMAP.AccessAsApp", "POP.AccessAsApp", "SMTP.SendAsApp"},
		"iat": now.Add(-5 * time.Minute).Unix(), "nbf": now.Add(-5 * time.Minute).Unix(), "exp": now.Add(time.Hour).Unix(), "ver": "1.0"}
	if edit != nil {
		edit(c)
	}
	return jwt(t, c)
}

func TestParse(t *testing.T) {
	c, err := Parse(appToken(t, nil))
	if err != nil {
		t.Fatalf("Parse() = %v", err)
	}
	if c.Audience != "https://outlook.office365.com" || c.Client() != "app-1" || !c.AppOnly() || len(c.Roles) != 3 || !c.Expires.Equal(now.Add(time.Hour)) {
		t.Errorf("Parse() = %+v", c)
	}
	c, _ = Parse(jwt(t, map[string]any{"aud": []string{"a", "b"}, "scp": "IMAP.AccessAsUser.All SMTP.Send", "upn": "u@c.com", "azp": "app-2"}))
	if c.Audience != "a" || c.AppOnly() || len(c.Scopes) != 2 || c.Client() != "app-2" {
		t.Errorf("Parse(delegated) = %+v", c)
	}
	for _, bad := range []string{"", "Bearer", "a.b", "a.!!!.c", "a." + base64.RawURLEncoding.EncodeToString([]byte("not json")) + ".c"} {
		if _, err := Parse(bad); !errors.Is(err, ErrNotJWT) {
			t.Errorf("Parse(%q) = %v, want ErrNotJWT", bad, err)
		}
	}
}

func TestCheck(t *testing.T) {
	want := Want{Resource: "https://outlook.office365.com", TenantID: "tid-1", ClientID: "app-1", Protocols: protocol.Default().For(protocol.Exchange), Now: now}
	tests := []struct {
		name string
		edit func(map[string]any)
		ids  []string
	}{
		{"good", nil, nil},
		{"legacy audience", func(c map[string]any) { c["aud"] = "https://outlook.office.com" }, nil},
		{"v2 audience guid", func(c map[string]any) { c["aud"] = ExchangeAppID }, nil},
		{"graph audience", func(c map[string]any) { c["aud"] = "https://graph.microsoft.com" }, []string{"token-audience-wrong"}},
		// No roles at all: nothing was admin-consented; one finding headed by that cause.
		{"no roles", func(c map[string]any) { delete(c, "roles") }, []string{"admin-consent-required"}},
		{"only imap role", func(c map[string]any) { c["roles"] = []string{"IMAP.AccessAsApp"} }, []string{"token-permission-missing", "token-permission-missing"}},
		{"other tenant", func(c map[string]any) { c["tid"] = "tid-2" }, []string{"tenant-not-found"}},
		{"other app", func(c map[string]any) { c["appid"] = "app-9" }, []string{"app-not-found"}},
		{"expired", func(c map[string]any) { c["exp"] = now.Add(-time.Minute).Unix() }, []string{"access-token-expired"}},
		{"from the future", func(c map[string]any) { c["nbf"] = now.Add(time.Hour).Unix() }, []string{"clock-skew"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Parse(appToken(t, tt.edit))
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, f := range Check(c, want) {
				ids = append(ids, f.ID)
				if f.Message == "" {
					t.Errorf("finding %s has no message", f.ID)
				}
			}
			if strings.Join(ids, ",") != strings.Join(tt.ids, ",") {
				t.Errorf("Check() = %v, want %v", ids, tt.ids)
			}
		})
	}
}

func TestCheckService(t *testing.T) {
	graph, _ := protocol.Default().Lookup(protocol.Graph)
	sender := *graph.SendOnly
	noRBAC := graph
	noRBAC.RBAC = false
	delegated := func(scp string) func(map[string]any) {
		return func(c map[string]any) {
			delete(c, "roles")
			c["idtyp"], c["scp"], c["upn"] = "user", scp, "u@contoso.com"
		}
	}
	tests := []struct {
		name     string
		spec     protocol.Spec
		edit     func(map[string]any)
		send     bool
		missing  int  // findings with the diagnosis ID
		unproven int  // findings RBAC for Applications may settle
		grants   bool // the token itself carries a permission the row accepts
	}{
		{"read role", graph, func(c map[string]any) { c["roles"] = []string{"Mail.ReadBasic"} }, false, 0, 0, true},
		{"read role, sending", graph, func(c map[string]any) { c["roles"] = []string{"Mail.Read"} }, true, 0, 1, true},
		{"read and send", graph, func(c map[string]any) { c["roles"] = []string{"Mail.Read", "Mail.Send"} }, true, 0, 0, true},
		{"exchange roles only", graph, nil, false, 0, 1, false},
		{"nothing, sending", graph, func(c map[string]any) { delete(c, "roles") }, true, 0, 2, false},
		{"nothing, a row without RBAC", noRBAC, func(c map[string]any) { delete(c, "roles") }, true, 2, 0, false},
		{"send only: Mail.Send", sender, func(c map[string]any) { c["roles"] = []string{"Mail.Send"} }, true, 0, 0, true},
		{"send only: no role needs no read role", sender, func(c map[string]any) { delete(c, "roles") }, false, 0, 1, false},
		{"send only: a read role is not enough", sender, func(c map[string]any) { c["roles"] = []string{"Mail.Read"} }, true, 0, 1, false},
		{"delegated without Mail.Send", sender, delegated("Mail.Read User.Read"), true, 1, 0, false},
		{"delegated with Mail.Send", sender, delegated("Mail.Send User.Read"), true, 0, 0, true},
		{"delegated reader without a read scope", graph, delegated("User.Read"), false, 1, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Parse(appToken(t, tt.edit))
			if err != nil {
				t.Fatal(err)
			}
			var missing, unproven int
			for _, f := range CheckService(c, tt.spec, tt.send, "graph-permission-denied") {
				switch {
				case f.Unproven && f.ID == "" && strings.Contains(f.Message, "RBAC for Applications"):
					unproven++
				case !f.Unproven && f.ID == "graph-permission-denied":
					missing++
				default:
					t.Errorf("finding %+v", f)
				}
				if f.Protocol != "graph" || (c.AppOnly() != strings.Contains(f.Message, "application")) {
					t.Errorf("finding %+v does not name the protocol or the kind of permission", f)
				}
			}
			if missing != tt.missing || unproven != tt.unproven {
				t.Errorf("CheckService() = %d missing, %d unproven; want %d, %d", missing, unproven, tt.missing, tt.unproven)
			}
			if got := Grants(c, tt.spec); got != tt.grants {
				t.Errorf("Grants() = %v, want %v", got, tt.grants)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	f.Add("eyJ.eyJ.x")
	f.Add("a.e30.b")
	f.Fuzz(func(t *testing.T, s string) {
		c, err := Parse(s)
		if err == nil {
			_ = c.Summary(now)
			Check(c, Want{Protocols: protocol.Default()[:1], Now: now})
		}
	})
}
