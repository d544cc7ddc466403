package preset

import (
	"encoding/json"
	"io/fs"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/mailoauth/mailoauth-tester/core/profile"
	"github.com/mailoauth/mailoauth-tester/core/secret"
)

// wantIDs are the presets issue 16 asks for.
var wantIDs = []string{"cisco-ece", "cisco-unity-connection", "opexus-ecase", "sytel-softdial", "xcally-motion",
	"generic-graph-sender", "generic-imap-pop-reader", "generic-smtp-app-sender"}

func TestAllPresetsLoadAndValidate(t *testing.T) {
	if got := IDs(); !reflect.DeepEqual(got, wantIDs) {
		t.Fatalf("IDs() = %v, want %v", got, wantIDs)
	}
	for _, p := range All() {
		if err := p.Validate(); err != nil {
			t.Errorf("%s: Validate() = %v", p.ID, err)
		}
		if len(RequirementsOf(p)) != len(p.Requirements) {
			t.Errorf("%s: RequirementsOf returned %d of %d requirements", p.ID, len(RequirementsOf(p)), len(p.Requirements))
		}
	}
}

func TestFind(t *testing.T) {
	p, err := Find(" Cisco-ECE ")
	if err != nil || p.ID != "cisco-ece" {
		t.Fatalf("Find(Cisco-ECE) = %q, %v", p.ID, err)
	}
	if _, err := Find("lotus-notes"); err == nil || !strings.Contains(err.Error(), "cisco-ece") {
		t.Errorf("Find(lotus-notes) = %v, want an error listing the known presets", err)
	}
}

// TestPresetFilesHoldNoSecrets walks every embedded file: no key names a
// secret, and no value is shaped like a token, a client secret or an ID
// (a GUID would be a tenant or client ID that does not belong in a preset).
func TestPresetFilesHoldNoSecrets(t *testing.T) {
	allowedKeys := map[string]bool{"secret_max_months": true, "refresh_token": true}
	secretKey := regexp.MustCompile(`(?i)secret|password|passwd|token|credential_value|key$`)
	entraSecret := regexp.MustCompile(`[A-Za-z0-9_~.\-]{3}[0-9]Q~[A-Za-z0-9_~.\-]{20,}`)
	guid := regexp.MustCompile(`[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}`)
	names, err := fs.Glob(files, "presets/*.json")
	if err != nil || len(names) != len(wantIDs)+1 {
		t.Fatalf("Glob = %v, %v; want %d files", names, err, len(wantIDs)+1)
	}
	for _, name := range names {
		data, err := fs.ReadFile(files, name)
		if err != nil {
			t.Fatal(err)
		}
		var v any
		if err := json.Unmarshal(data, &v); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		walkJSON(v, "", func(path, key string, val any) {
			if key != "" && secretKey.MatchString(key) && !allowedKeys[key] {
				t.Errorf("%s: field %s names a secret", name, path)
			}
			s, ok := val.(string)
			if !ok {
				return
			}
			if secret.ScrubShapes(s) != s || entraSecret.MatchString(s) || guid.MatchString(s) || strings.Contains(s, "-----BEGIN") {
				t.Errorf("%s: %s holds a secret-, token- or ID-shaped value", name, path)
			}
		})
	}
}

func walkJSON(v any, path string, visit func(path, key string, val any)) {
	switch x := v.(type) {
	case map[string]any:
		for k, child := range x {
			visit(path+"."+k, k, child)
			walkJSON(child, path+"."+k, visit)
		}
	case []any:
		for _, child := range x {
			walkJSON(child, path+"[]", visit)
		}
	}
}

func TestParseRejectsUnknownAndSecretFields(t *testing.T) {
	for _, extra := range []string{`"client_secret": "abc"`, `"tenant": "contoso.onmicrosoft.com"`, `"flwo": "auth-code"`} {
		data := strings.Replace(validJSON(t), `"id":`, extra+`, "id":`, 1)
		if _, err := Parse([]byte(data)); err == nil || !strings.Contains(err.Error(), "unknown field") {
			t.Errorf("Parse(with %s) = %v, want an unknown-field error", extra, err)
		}
	}
	if _, err := Parse([]byte(validJSON(t) + validJSON(t))); err == nil {
		t.Error("Parse(two values) = nil error")
	}
}

func validJSON(t *testing.T) string {
	t.Helper()
	data, err := fs.ReadFile(files, "presets/generic-smtp-app-sender.json")
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func mustFind(t *testing.T, id string) Preset {
	t.Helper()
	p, err := Find(id)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestValidateCatchesMistakes: each broken preset is refused with a
// message that names the mistake.
func TestValidateCatchesMistakes(t *testing.T) {
	tests := []struct {
		name   string
		base   string
		change func(p *Preset)
		want   string
	}{
		{"bad id", "cisco-ece", func(p *Preset) { p.ID = "Cisco ECE" }, "lower-case"},
		{"unknown flow", "cisco-ece", func(p *Preset) { p.Flow = "implicit" }, `unknown flow "implicit"`},
		{"unknown protocol", "cisco-ece", func(p *Preset) { p.Protocols = []profile.Protocol{"ews"} }, `unknown protocol "ews"`},
		{"no protocol", "cisco-ece", func(p *Preset) { p.Protocols = nil }, "no protocol"},
		{"unknown permission", "sytel-softdial", func(p *Preset) { p.Permissions[0].Value = "IMAP.AccessAsRoot" }, "not in the catalogue"},
		{"delegated scope on app-only", "sytel-softdial", func(p *Preset) {
			p.Permissions = append(p.Permissions, Permission{API: Graph, Kind: Delegated, Value: "IMAP.AccessAsUser.All"})
		}, "does not fit the client-credentials flow"},
		{"application role on delegated", "cisco-ece", func(p *Preset) {
			p.Permissions = append(p.Permissions, Permission{API: Graph, Kind: Application, Value: "Mail.Send"})
		}, "does not fit the auth-code flow"},
		{"auth-code without redirect", "cisco-ece", func(p *Preset) { p.Redirect = nil }, "needs a redirect URI"},
		{"plain http redirect", "cisco-ece", func(p *Preset) { p.Redirect.Pattern = "http://ece.example.com/cb" }, "must be an https URL"},
		{"unknown requirement", "cisco-ece", func(p *Preset) { p.Requirements = append(p.Requirements, "coffee") }, `requirement "coffee"`},
		{"duplicate requirement", "cisco-ece", func(p *Preset) { p.Requirements = append(p.Requirements, "tenant") }, "listed twice"},
		{"requirement for unused protocol", "opexus-ecase", func(p *Preset) { p.Requirements = append(p.Requirements, "smtp-auth") }, "never uses"},
		{"refresh token app-only", "sytel-softdial", func(p *Preset) { p.RefreshToken = true }, "refresh token needs a delegated flow"},
		{"RBAC on delegated", "cisco-ece", func(p *Preset) { p.RBAC = &RBAC{Role: "Application Mail.Send"} }, "RBAC for Applications"},
		{"SMTP AUTH without SMTP", "opexus-ecase", func(p *Preset) { p.SMTPAuth = true }, "does not use SMTP"},
		{"app mailbox right on delegated", "cisco-ece", func(p *Preset) { p.MailboxRights[0].Grantee = GranteeApp }, "does not fit"},
		{"unknown mailbox right", "cisco-ece", func(p *Preset) { p.MailboxRights[0].Rights = []string{"Owner"} }, "unknown mailbox right"},
		{"secret on public flow", "cisco-ece", func(p *Preset) { p.Flow = profile.DeviceCode }, "credential"},
		{"secret lifetime", "cisco-ece", func(p *Preset) { p.SecretMaxMonths = 36 }, "24"},
		{"doc link not https", "cisco-ece", func(p *Preset) { p.Docs[0].URL = "http://www.cisco.com/x" }, "https"},
		{"no docs and no note", "sytel-softdial", func(p *Preset) { p.DocsNote = "" }, "no vendor doc link"},
		{"unknown provider", "sytel-softdial", func(p *Preset) { p.Alternatives[0].Provider = "aol" }, "unknown provider"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := clone(t, mustFind(t, tt.base))
			tt.change(&p)
			err := p.Validate()
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Validate() = %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

// clone deep-copies a preset so a test can change it freely.
func clone(t *testing.T, p Preset) Preset {
	t.Helper()
	data, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	var out Preset
	if err := json.Unmarshal(data, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestRequirementValidate(t *testing.T) {
	tests := []struct {
		name string
		r    Requirement
		want string
	}{
		{"unknown step", Requirement{ID: "x", Text: "x", ProvenBy: []string{"ews"}}, `unknown step "ews"`},
		{"unknown diagnosis", Requirement{ID: "x", Text: "x", ProvenBy: []string{"imap"}, FailsOn: []string{"imap:mailbox-on-fire"}}, "unknown diagnosis ID"},
		{"unknown step in match", Requirement{ID: "x", Text: "x", ProvenBy: []string{"imap"}, Suspects: []string{"ews:unknown"}}, `unknown step "ews"`},
		{"no proof", Requirement{ID: "x", Text: "x"}, "untestable"},
		{"unknown fix", Requirement{ID: "x", Text: "x", ProvenBy: []string{"imap"}, Fix: []string{"reboot"}}, "unknown fix piece"},
		{"unknown protocol", Requirement{ID: "x", Text: "x", ProvenBy: []string{"imap"}, Protocol: "ews"}, "unknown protocol"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.r.validate(); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("validate() = %v, want %q", err, tt.want)
			}
		})
	}
}

// TestEveryPresetPermissionIsCatalogued and the catalogue's GUIDs are
// well-formed and unique per API and kind.
func TestCatalogue(t *testing.T) {
	guid := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
	seen := map[string]string{}
	for _, k := range Catalog() {
		if !guid.MatchString(k.ID) || k.Source == "" || k.API.AppID() == "" {
			t.Errorf("%s %s %s: bad ID %q or no source", k.API, k.Kind, k.Value, k.ID)
		}
		key := string(k.API) + "/" + string(k.Kind) + "/" + k.ID
		if other, dup := seen[key]; dup {
			t.Errorf("%s and %s share the ID %s", other, k.Value, k.ID)
		}
		seen[key] = k.Value
	}
	for _, p := range All() {
		for _, perm := range p.Permissions {
			if _, ok := KnownPermission(perm.API, perm.Kind, perm.Value); !ok {
				t.Errorf("%s: %s not catalogued", p.ID, perm.Value)
			}
		}
	}
}

func TestPermissionsFor(t *testing.T) {
	reader := mustFind(t, "generic-imap-pop-reader")
	values := func(ps []Permission) []string {
		var out []string
		for _, p := range ps {
			out = append(out, p.Value)
		}
		return out
	}
	if got := values(reader.PermissionsFor(nil, false)); !reflect.DeepEqual(got, []string{"IMAP.AccessAsApp"}) {
		t.Errorf("reader default = %v", got)
	}
	if got := values(reader.PermissionsFor([]profile.Protocol{profile.POP}, false)); !reflect.DeepEqual(got, []string{"POP.AccessAsApp"}) {
		t.Errorf("reader POP = %v", got)
	}
	ece := mustFind(t, "cisco-ece")
	required := values(ece.PermissionsFor(nil, false))
	if !reflect.DeepEqual(required, []string{"POP.AccessAsUser.All", "SMTP.Send", "offline_access", "User.Read"}) {
		t.Errorf("ECE required = %v", required)
	}
	if all := ece.PermissionsFor(nil, true); len(all) != len(required)+6 {
		t.Errorf("ECE with optional = %d permissions, want %d", len(all), len(required)+6)
	}
}

func TestApply(t *testing.T) {
	ece := mustFind(t, "cisco-ece")
	withRedirect := clone(t, ece)
	withRedirect.Redirect.Pattern = "https://ece.contoso.com/web/view/mail/admin/account/showauthcode.jsp"
	tests := []struct {
		name       string
		p          Preset
		in         profile.Profile
		wantFlow   profile.Flow
		wantProtos []profile.Protocol
		wantRedir  string
		wantFilled []string
	}{
		{"empty profile is filled", ece, profile.Profile{}, profile.AuthCode, []profile.Protocol{profile.POP, profile.SMTP}, "",
			[]string{profile.FieldFlow, profile.FieldProtocols}},
		{"typed flow wins", ece, profile.Profile{Flow: profile.DeviceCode}, profile.DeviceCode, []profile.Protocol{profile.POP, profile.SMTP}, "",
			[]string{profile.FieldProtocols}},
		{"typed protocols win", ece, profile.Profile{Protocols: []profile.Protocol{profile.IMAP}}, profile.AuthCode, []profile.Protocol{profile.IMAP}, "",
			[]string{profile.FieldFlow}},
		{"whitespace flow counts as empty", ece, profile.Profile{Flow: " \u00a0"}, profile.AuthCode, []profile.Protocol{profile.POP, profile.SMTP}, "",
			[]string{profile.FieldFlow, profile.FieldProtocols}},
		{"concrete redirect is copied", withRedirect, profile.Profile{}, profile.AuthCode, []profile.Protocol{profile.POP, profile.SMTP}, withRedirect.Redirect.Pattern,
			[]string{profile.FieldFlow, profile.FieldProtocols, profile.FieldRedirectURI}},
		{"typed redirect wins", withRedirect, profile.Profile{RedirectURI: "https://other.example/cb"}, profile.AuthCode, []profile.Protocol{profile.POP, profile.SMTP}, "https://other.example/cb",
			[]string{profile.FieldFlow, profile.FieldProtocols}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := tt.in
			in.Tenant, in.ClientID, in.ClientSecret, in.Mailbox = "contoso.onmicrosoft.com", "client", "s3cret-value", "support@contoso.com"
			got, filled := tt.p.Apply(in)
			if got.Flow != tt.wantFlow || !reflect.DeepEqual(got.Protocols, tt.wantProtos) || got.RedirectURI != tt.wantRedir {
				t.Errorf("Apply() = flow %q, protocols %v, redirect %q; want %q, %v, %q", got.Flow, got.Protocols, got.RedirectURI, tt.wantFlow, tt.wantProtos, tt.wantRedir)
			}
			if !reflect.DeepEqual(filled, tt.wantFilled) {
				t.Errorf("filled = %v, want %v", filled, tt.wantFilled)
			}
			if got.Tenant != in.Tenant || got.ClientID != in.ClientID || got.ClientSecret != in.ClientSecret || got.Mailbox != in.Mailbox {
				t.Errorf("Apply changed a typed field: %+v", got)
			}
		})
	}
	// Apply never aliases the preset's slice.
	got, _ := ece.Apply(profile.Profile{})
	got.Protocols[0] = profile.Graph
	if ece.Protocols[0] != profile.POP {
		t.Error("Apply shares the preset's Protocols slice")
	}
}

func TestEveryPresetHasItsKeySettings(t *testing.T) {
	for _, p := range All() {
		if p.Flow.Delegated() && !slices.Contains(p.Requirements, "delegated-consent") {
			t.Errorf("%s: delegated preset without the delegated-consent requirement", p.ID)
		}
		if p.RefreshToken && !slices.Contains(p.Requirements, "offline-access") {
			t.Errorf("%s: needs a refresh token but has no offline-access requirement", p.ID)
		}
		if p.SMTPAuth && !slices.Contains(p.Requirements, "smtp-auth") {
			t.Errorf("%s: needs SMTP AUTH but has no smtp-auth requirement", p.ID)
		}
		if p.Credential == Secret && !slices.Contains(p.Requirements, "credential") {
			t.Errorf("%s: uses a secret but has no credential requirement", p.ID)
		}
		if p.Redirect != nil && p.Flow == profile.AuthCode && !slices.Contains(p.Requirements, "redirect-uri") {
			t.Errorf("%s: web redirect without the redirect-uri requirement", p.ID)
		}
		if p.RefreshToken {
			if _, ok := KnownPermission(Graph, Delegated, "offline_access"); !ok || !slices.ContainsFunc(p.Permissions, func(x Permission) bool { return x.Value == "offline_access" }) {
				t.Errorf("%s: needs a refresh token but does not ask for offline_access", p.ID)
			}
		}
	}
}
