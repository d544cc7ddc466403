package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/mailoauth/mailoauth-tester/core/preset"
	"github.com/mailoauth/mailoauth-tester/core/simulate"
)

func TestPresetsCommand(t *testing.T) {
	code, out, errOut := cli{}.run(t, "presets")
	if code != exitOK || errOut != "" {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	for _, p := range preset.All() {
		if !strings.Contains(out, p.ID) || !strings.Contains(out, p.Product) {
			t.Errorf("presets does not list %s (%s)", p.ID, p.Product)
		}
	}
	code, out, _ = cli{}.run(t, "presets", "--json")
	var all []preset.Preset
	if err := json.Unmarshal([]byte(out), &all); code != exitOK || err != nil || len(all) != len(preset.All()) {
		t.Errorf("presets --json: exit %d, %v, %d presets", code, err, len(all))
	}
}

func TestPresetsShow(t *testing.T) {
	tests := []struct {
		id   string
		want []string
	}{
		{"cisco-ece", []string{"Cisco Enterprise Chat and Email (ECE) — preset cisco-ece (Cisco)", "Authorization code", "POP3, SMTP",
			"IMAP and SMTP:", "https://<ece-external-web-address>/web/view/mail/admin/account/showauthcode.jsp (Web platform)",
			"Refresh token", "Full Access and Send As on every ECE alias mailbox", "SMTP AUTH", "Microsoft Graph, delegated: POP.AccessAsUser.All (POP3 only)",
			"Listed by the vendor", "Mail.Send.Shared", "What mailoauth check --preset cisco-ece tests", "The account that signs in has Send As on the mailbox",
			"Notes", "Limits", "Sending limits of one account", "Vendor documentation", "https://www.cisco.com/", "--redirect-uri …"}},
		{"opexus-ecase", []string{"Microsoft Graph, application: Mail.Send", "sends only", "--graph-send-only", "RBAC", "Application Mail.Send\" (recommended)",
			"guide.casepoint.com"}},
		{"sytel-softdial", []string{"App-only (client credentials) · --flow client-credentials", "IMAP", "the app needs Full Access on", "Office 365 Exchange Online, application: IMAP.AccessAsApp"}},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			code, out, errOut := cli{}.run(t, "presets", "show", tt.id)
			if code != exitOK || errOut != "" {
				t.Fatalf("exit %d, stderr %q", code, errOut)
			}
			flat := strings.Join(strings.Fields(out), " ") // as read, whatever the wrapping
			for _, w := range tt.want {
				if !strings.Contains(flat, w) {
					t.Errorf("presets show %s lacks %q:\n%s", tt.id, w, out)
				}
			}
		})
	}
	code, out, _ := cli{}.run(t, "presets", "show", "xcally-motion", "--json")
	var p preset.Preset
	if err := json.Unmarshal([]byte(out), &p); code != exitOK || err != nil || p.ID != "xcally-motion" {
		t.Errorf("show --json: exit %d, %v, %q", code, err, p.ID)
	}
	if code, _, errOut := (cli{}).run(t, "presets", "show", "cisco-ecce"); code != exitUsage || !strings.Contains(errOut, "cisco-ece") {
		t.Errorf("unknown preset: exit %d, stderr %q; want 2 and the known ones", code, errOut)
	}
}

func TestSetupScriptCommand(t *testing.T) {
	const tenant = "2e6c73c6-1977-4164-8037-33ca7fa29664"
	code, out, errOut := cli{}.run(t, "setup-script", "--preset", "opexus-ecase", "--cloud", "usgov", "--tenant", tenant, "--mailbox", "noreply@agency.gov")
	if code != exitOK || errOut != "" {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	for _, w := range []string{tenant, "noreply@agency.gov", "-Environment USGov", "New-ManagementRoleAssignment", "Application Mail.Send"} {
		if !strings.Contains(out, w) {
			t.Errorf("the setup script lacks %q", w)
		}
	}
	if strings.Contains(out, "graph.microsoft.com") || strings.Contains(out, "login.microsoftonline.com") {
		t.Error("a GCC High script names a worldwide host")
	}
	file := filepath.Join(t.TempDir(), "setup-ece.ps1")
	code, out, errOut = cli{}.run(t, "setup-script", "--preset", "cisco-ece", "--tenant", "contoso.onmicrosoft.com", "--mailbox", "a@contoso.com,b@contoso.com",
		"--user", "svc@contoso.com", "--redirect-uri", "https://ece.contoso.com/web/view/mail/admin/account/showauthcode.jsp", "--out", file)
	written, err := os.ReadFile(file)
	if code != exitOK || out != "" || err != nil || !strings.Contains(errOut, "written to") || !strings.Contains(errOut, "never runs it") {
		t.Fatalf("--out: exit %d, stdout %q, stderr %q, %v", code, out, errOut, err)
	}
	for _, w := range []string{"'a@contoso.com', 'b@contoso.com'", "svc@contoso.com", "https://ece.contoso.com/web/view/mail/admin/account/showauthcode.jsp", "Add-RecipientPermission"} {
		if !strings.Contains(string(written), w) {
			t.Errorf("the written script lacks %q", w)
		}
	}
	if fi, err := os.Stat(file); err == nil && fi.Mode().Perm()&0o077 != 0 {
		t.Errorf("the script is readable by others: %v", fi.Mode())
	}
	for _, tt := range []struct {
		name  string
		args  []string
		field string
	}{
		{"no preset", []string{"--tenant", "contoso.com"}, "preset"},
		{"unknown preset", []string{"--preset", "nope", "--tenant", "contoso.com"}, "preset"},
		{"no tenant", []string{"--preset", "sytel-softdial"}, "tenant"},
		{"a secret as the client ID", []string{"--preset", "sytel-softdial", "--tenant", "contoso.com", "--client-id", "Xy8Q~abcdefghijklmnopqrstuvwxyz012345678"}, "client-id"},
		{"unknown cloud", []string{"--preset", "sytel-softdial", "--tenant", "contoso.com", "--cloud", "mars"}, "cloud"},
		{"grant without RBAC", []string{"--preset", "sytel-softdial", "--tenant", "contoso.com", "--grant", "rbac"}, "grant"},
		{"grant unknown", []string{"--preset", "opexus-ecase", "--tenant", "contoso.com", "--grant", "maybe"}, "grant"},
		{"out in a missing folder", []string{"--preset", "sytel-softdial", "--tenant", "contoso.com", "--out", filepath.Join(t.TempDir(), "no", "x.ps1")}, "out"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := cli{}.run(t, append([]string{"setup-script"}, tt.args...)...)
			if code != exitUsage || out != "" || !strings.Contains(errOut, "setup-script: "+tt.field+":") {
				t.Errorf("exit %d, stdout %q, stderr %q; want 2 naming %s", code, out, errOut, tt.field)
			}
			if strings.Contains(errOut, "Xy8Q~") {
				t.Error("the secret was echoed")
			}
		})
	}
}

// TestPresetFlagInput: bad --preset input stops before anything is sent,
// and flags given win over the preset's.
func TestPresetFlagInput(t *testing.T) {
	sim := startSim(t, simulate.Options{Scenario: "generic-imap-pop-reader-ok"})
	c := secretCLI(sim)
	args := append(simArgs(sim), "--secret-env", "MAILOAUTH_SECRET")
	for _, tt := range []struct {
		name string
		args []string
		want string
	}{
		{"unknown preset", []string{"--preset", "cisco-ecce"}, "preset: unknown preset \"cisco-ecce\""},
		{"send-only without graph", []string{"--graph-send-only", "--protocols", "imap"}, "graph-send-only: Graph is not among the protocols"},
		{"fix script in a missing folder", []string{"--fix-script", filepath.Join(t.TempDir(), "no", "fix.ps1")}, "fix-script: the folder of"},
		{"a placeholder redirect URI to type", []string{"--preset", "cisco-ece"}, "Cisco ECE's redirect URI has the form https://<ece-external-web-address>"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			before := sim.Connections()
			code, _, errOut := c.run(t, append(append([]string(nil), args...), tt.args...)...)
			if code != exitUsage || !strings.Contains(errOut, tt.want) {
				t.Errorf("exit %d, stderr %q; want 2 and %q", code, errOut, tt.want)
			}
			if sim.Connections() != before {
				t.Error("bad input reached the simulated tenant")
			}
		})
	}
	// --protocols given: the preset's are not used; --flow given: the run
	// tests that flow and says so.
	code, out, errOut := c.run(t, append(append([]string(nil), args...), "--preset", "generic-imap-pop-reader", "--protocols", "imap,pop", "--json")...)
	rep := decodeReport(t, out)
	if code != exitOK || strings.Join(rep.Input.Protocols, ",") != "imap,pop" || rep.Input.Preset != "generic-imap-pop-reader" {
		t.Errorf("exit %d, protocols %v, preset %q\n%s", code, rep.Input.Protocols, rep.Input.Preset, errOut)
	}
	if r := rowOf(rep, "pop-enabled"); r == nil || r.State != "met" {
		t.Errorf("the POP row of the reader = %+v, want ✓ when POP is tested", r)
	}
	code, _, errOut = c.run(t, append(append([]string(nil), args...), "--preset", "xcally-motion", "--flow", "client-credentials", "--protocols", "imap")...)
	if !strings.Contains(errOut, "XCALLY Motion signs in with auth-code; --flow client-credentials is tested as you asked") {
		t.Errorf("no note that --flow overrides the preset (exit %d): %q", code, errOut)
	}
}

func TestPresetCompletionAndHelp(t *testing.T) {
	code, out, _ := cli{}.run(t, "__complete", "check", "--preset", "cisco")
	if code != exitOK || !strings.Contains(out, "cisco-ece\tCisco Enterprise Chat and Email (ECE)") || !strings.Contains(out, "cisco-unity-connection") {
		t.Errorf("--preset completion: %q", out)
	}
	code, out, _ = cli{}.run(t, "__complete", "simulate", "--scenario", "cisco-ece")
	if code != exitOK || !strings.Contains(out, "cisco-ece-alias-no-send-as") {
		t.Errorf("--scenario completion lacks the preset scenarios: %q", out)
	}
	_, help, _ := cli{}.run(t, "help", "check")
	for _, w := range []string{"--preset NAME", "--graph-send-only", "--fix-script FILE"} {
		if !strings.Contains(help, w) {
			t.Errorf("check help lacks %s", w)
		}
	}
	group := func(flag string) string {
		at := strings.Index(help, flag)
		head := strings.LastIndex(help[:at], "FLAGS\n")
		return help[strings.LastIndex(help[:head], "\n")+1 : head]
	}
	for flag, want := range map[string]string{"--preset NAME": "SIGN-IN ", "--graph-send-only": "PROTOCOLS ", "--fix-script FILE": "OUTPUT "} {
		if got := group(flag); got != want {
			t.Errorf("%s is in the %q group, want %q", flag, got, want)
		}
	}
	_, root, _ := cli{}.run(t, "--help")
	if !strings.Contains(root, "presets") || !strings.Contains(root, "setup-script") {
		t.Errorf("the command list lacks presets or setup-script:\n%s", root)
	}
}

func TestPresetScenariosListed(t *testing.T) {
	code, out, _ := cli{}.run(t, "simulate", "--list")
	if code != exitOK {
		t.Fatalf("exit %d", code)
	}
	for _, s := range simulate.PresetScenarios() {
		if !strings.Contains(out, s.Name) || !strings.Contains(out, "--preset "+s.Preset) {
			t.Errorf("simulate --list does not show %s with its preset", s.Name)
		}
	}
}

// TestSchemaPresetSection: the schema accepts a report's preset section
// and refuses one that breaks its layout.
func TestSchemaPresetSection(t *testing.T) {
	good := `{"schema_version":"1.1","tool":{"name":"mailoauth","version":"dev"},"ok":false,"mode":"check","verdict":"v",
"started":"2026-11-25T12:00:00Z","duration_ms":5,"input":{"cloud":"global","authority_host":"https://login.microsoftonline.com","preset":"cisco-ece","graph_send_only":true},
"context":{"os":"linux","arch":"amd64","cloud":"global","proxy":"system default","custom_endpoints":[]},
"steps":[{"name":"smtp","title":"SMTP","status":"fail","start_ms":0.5,"ms":3,"detail":"d"}],
"preset":{"id":"cisco-ece","product":"Cisco ECE","heading":"h","counts":{"missing":1,"likely_missing":0,"met":0,"not_tested":0},
"rows":[{"requirement":"delegate-send-as","text":"t","state":"unmet","mark":"✗","step":"smtp","diagnosis":"send-as-denied","detail":"d","fix":["send-as"]}]}}`
	valid := func(doc string) error {
		inst, err := jsonschema.UnmarshalJSON(strings.NewReader(doc))
		if err != nil {
			t.Fatal(err)
		}
		return checkSchema(t).Validate(inst)
	}
	if err := valid(good); err != nil {
		t.Fatalf("a well-formed preset section is refused: %v", err)
	}
	for _, tt := range []struct{ name, from, to string }{
		{"unknown state", `"state":"unmet"`, `"state":"missing"`},
		{"unknown mark", `"mark":"✗"`, `"mark":"x"`},
		{"no counts", `"counts":{"missing":1,"likely_missing":0,"met":0,"not_tested":0},`, ``},
		{"negative count", `"missing":1`, `"missing":-1`},
		{"extra field in a row", `"detail":"d","fix"`, `"detail":"d","extra":1,"fix"`},
		{"bad requirement ID", `"requirement":"delegate-send-as"`, `"requirement":"Send As"`},
		{"preset ID not a string", `"preset":"cisco-ece"`, `"preset":1`},
	} {
		bad := strings.Replace(good, tt.from, tt.to, 1)
		if bad == good {
			t.Fatalf("%s: %q is not in the document", tt.name, tt.from)
		}
		if valid(bad) == nil {
			t.Errorf("the schema accepts a preset section with %s", tt.name)
		}
	}
}
