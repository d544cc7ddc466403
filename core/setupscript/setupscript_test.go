package setupscript

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/mailoauth/mailoauth-tester/core/cloud"
	"github.com/mailoauth/mailoauth-tester/core/diagnose"
	"github.com/mailoauth/mailoauth-tester/core/preset"
	"github.com/mailoauth/mailoauth-tester/core/profile"
	"github.com/mailoauth/mailoauth-tester/core/secret"
)

var update = flag.Bool("update", false, "rewrite the golden scripts in testdata/powershell/golden")

const (
	sampleTenant = "contoso.onmicrosoft.com"
	sampleClient = "6f1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
)

func sampleOptions(c cloud.Cloud) Options {
	return Options{Cloud: c, Tenant: sampleTenant, Mailboxes: []string{"support@contoso.com", "sales@contoso.com"},
		SignInUser: "svc-mail@contoso.com", RedirectURI: "https://product.contoso.com/oauth/callback", Generator: "Mail OAuth Tester (test)"}
}

// script is one generated script and what it was made for.
type script struct {
	name  string
	cloud cloud.Cloud
	text  string
}

// allScripts generates every preset's setup script in every cloud (with
// the preset's own settings, with scoping flipped, with a certificate and
// with the vendor's optional permissions) and a fix script for every
// repairable diagnosis ID for every preset in every cloud.
func allScripts(t *testing.T) []script {
	t.Helper()
	scriptsOnce.Do(func() { scriptsAll, scriptsErr = generateAll() })
	if scriptsErr != nil {
		t.Fatal(scriptsErr)
	}
	return scriptsAll
}

var (
	scriptsOnce sync.Once
	scriptsAll  []script
	scriptsErr  error
)

func generateAll() ([]script, error) {
	var out []script
	var firstErr error
	add := func(name string, c cloud.Cloud, text string, err error) {
		if err != nil && firstErr == nil {
			firstErr = fmt.Errorf("%s: %w", name, err)
		}
		out = append(out, script{name, c, text})
	}
	for _, c := range cloud.All {
		for _, p := range preset.All() {
			o := sampleOptions(c)
			s, err := Setup(p, o)
			add(p.ID+"/"+c.Name, c, s, err)
			o.Credential, o.VendorOptional = preset.Certificate, true
			flip := !scoped(p, o)
			o.Scoped = &flip
			s, err = Setup(p, o)
			add(p.ID+"/"+c.Name+"/certificate+optional+flipped-scope", c, s, err)
			for _, id := range Repairable() {
				f := FixFacts{Options: sampleOptions(c), Preset: &p}
				f.ClientID = sampleClient
				s, err := Fix([]string{id}, f)
				if err != nil && strings.Contains(err.Error(), "no script can repair") {
					continue // the ID does not apply to this preset (e.g. send-as-denied on an app-only reader)
				}
				add("fix "+id+"/"+p.ID+"/"+c.Name, c, s, err)
			}
		}
	}
	return out, firstErr
}

func TestScriptsUseOnlyDocumentedCmdlets(t *testing.T) {
	table := cmdletTable(t)
	scripts := allScripts(t)
	used := map[string]bool{}
	for _, s := range scripts {
		for _, p := range checkScript(table, s.text) {
			t.Errorf("%s: %s", s.name, p)
		}
		us, _ := uses(s.text)
		for _, u := range us {
			used[u.Cmdlet] = true
		}
	}
	if len(scripts) < 8*4*2 {
		t.Fatalf("only %d scripts generated", len(scripts))
	}
	// Every cmdlet family the issue names is really exercised.
	for _, c := range []string{"Connect-MgGraph", "Connect-ExchangeOnline", "New-MgApplication", "Add-MgApplicationPassword", "New-SelfSignedCertificate",
		"New-MgServicePrincipalAppRoleAssignment", "New-MgOauth2PermissionGrant", "New-ServicePrincipal", "Add-MailboxPermission",
		"Add-RecipientPermission", "New-ManagementScope", "New-ManagementRoleAssignment", "Test-ServicePrincipalAuthorization", "Set-CASMailbox"} {
		if !used[c] {
			t.Errorf("no generated script uses %s", c)
		}
	}
}

// TestScriptsUseOnlyTheirCloud: a script names its own cloud's environment
// names and hosts and none of another cloud's.
func TestScriptsUseOnlyTheirCloud(t *testing.T) {
	hostsOf := func(c cloud.Cloud) []string {
		var hs []string
		for _, h := range []string{c.AuthorityHost, c.ExchangeResource, c.DelegatedResource, c.IMAPHost, c.POPHost, c.SMTPHost, c.GraphHost, c.PortalHost} {
			h = strings.TrimPrefix(h, "https://")
			if i := strings.IndexByte(h, ':'); i >= 0 {
				h = h[:i]
			}
			hs = append(hs, h)
		}
		return hs
	}
	graphEnvRE := regexp.MustCompile(`Connect-MgGraph -Environment (\S+)`)
	exoEnvRE := regexp.MustCompile(`-ExchangeEnvironmentName (\S+)`)
	for _, s := range allScripts(t) {
		env, _ := environment(s.cloud)
		own := hostsOf(s.cloud)
		for _, other := range cloud.All {
			if other.Name == s.cloud.Name {
				continue
			}
			for _, h := range hostsOf(other) {
				if !slices.Contains(own, h) && containsHost(s.text, h) {
					t.Errorf("%s: names %s, a host of the %s cloud", s.name, h, other.Name)
				}
			}
		}
		for _, m := range graphEnvRE.FindAllStringSubmatch(s.text, -1) {
			if m[1] != env.Graph {
				t.Errorf("%s: Connect-MgGraph -Environment %s, want %s", s.name, m[1], env.Graph)
			}
		}
		exo := exoEnvRE.FindAllStringSubmatch(s.text, -1)
		for _, m := range exo {
			if m[1] != env.Exchange {
				t.Errorf("%s: -ExchangeEnvironmentName %s, want %q", s.name, m[1], env.Exchange)
			}
		}
		if strings.Contains(s.text, "Connect-ExchangeOnline") && env.Exchange != "" && len(exo) == 0 {
			t.Errorf("%s: connects to Exchange Online without -ExchangeEnvironmentName %s", s.name, env.Exchange)
		}
		if strings.Contains(s.text, "Connect-MgGraph") && !strings.Contains(s.text, "Connect-MgGraph -Environment "+env.Graph+" ") {
			t.Errorf("%s: Connect-MgGraph without -Environment %s", s.name, env.Graph)
		}
	}
}

// containsHost reports whether host occurs in text as a whole host name
// (dod-graph.microsoft.us does not contain graph.microsoft.us).
func containsHost(text, host string) bool {
	isHostChar := func(b byte) bool { return b == '.' || b == '-' || isLetter(b) || b >= '0' && b <= '9' }
	for i := 0; ; {
		j := strings.Index(text[i:], host)
		if j < 0 {
			return false
		}
		start, end := i+j, i+j+len(host)
		if (start == 0 || !isHostChar(text[start-1])) && (end == len(text) || text[end] == '.' || !isHostChar(text[end])) {
			if end == len(text) || text[end] != '.' || end+1 == len(text) || !isHostChar(text[end+1]) {
				return true
			}
		}
		i = start + 1
	}
}

// TestScriptsAreSafe: no secret, no delete, every change behind
// ShouldProcess (so -WhatIf shows it and changes nothing), and a new
// secret is only ever printed to the console.
func TestScriptsAreSafe(t *testing.T) {
	entraSecret := regexp.MustCompile(`[A-Za-z0-9_~.\-]{3}[0-9]Q~[A-Za-z0-9_~.\-]{20,}`)
	changing := regexp.MustCompile(`^(New|Add|Set|Update|Export|Enable)-`)
	forbidden := regexp.MustCompile(`^(Remove|Disable|Clear|Revoke|Reset|Out|Start|Stop|Invoke|Export-Pfx|Set-Content|Add-Content|Set-TransportConfig)`)
	seenBodies := map[string]bool{}
	for _, s := range allScripts(t) {
		if hasSecretShape(s.text, entraSecret) {
			t.Errorf("%s: holds a secret- or token-shaped string", s.name)
		}
		// The code after the help block repeats across many fix scripts;
		// check each distinct body once.
		body := s.text[strings.Index(s.text, "#>"):]
		if seenBodies[body] {
			continue
		}
		seenBodies[body] = true
		us, _ := uses(s.text)
		lines := strings.Split(s.text, "\n")
		for _, u := range us {
			if u.Param != "" {
				continue
			}
			if forbidden.MatchString(u.Cmdlet) {
				t.Errorf("%s line %d: uses %s", s.name, u.Line, u.Cmdlet)
			}
			if changing.MatchString(u.Cmdlet) && u.Cmdlet != "Set-StrictMode" && !insideShouldProcess(lines, u.Line) {
				t.Errorf("%s line %d: %s runs outside a ShouldProcess block: %s", s.name, u.Line, u.Cmdlet, strings.TrimSpace(lines[u.Line-1]))
			}
		}
		for i, l := range lines {
			if strings.Contains(l, "SecretText") && !strings.HasPrefix(strings.TrimSpace(l), `Write-Host "   Value: $($created.SecretText)"`) {
				t.Errorf("%s line %d: the secret text is used outside the one console line: %s", s.name, i+1, l)
			}
		}
	}
}

// hasSecretShape reports whether text holds something shaped like a token,
// a client secret Value or a key. The cheap substring tests decide which
// texts get the (slower) full scrubber.
func hasSecretShape(text string, entraSecret *regexp.Regexp) bool {
	hints := []string{"eyj", "bearer", "secret", "password", "token", "assertion", "code_verifier"}
	for _, line := range strings.Split(text, "\n") {
		low := strings.ToLower(line)
		if slices.ContainsFunc(hints, func(h string) bool { return strings.Contains(low, h) }) && secret.ScrubShapes(line) != line {
			return true
		}
	}
	return strings.Contains(text, "Q~") && entraSecret.MatchString(text) || strings.Contains(text, "-----BEGIN")
}

// insideShouldProcess reports whether line n (1-based) sits in a block
// whose opening line asks $PSCmdlet.ShouldProcess.
func insideShouldProcess(lines []string, n int) bool {
	indent := len(lines[n-1]) - len(strings.TrimLeft(lines[n-1], " "))
	for i := n - 2; i >= 0; i-- {
		l := lines[i]
		ind := len(l) - len(strings.TrimLeft(l, " "))
		if strings.TrimSpace(l) == "" || ind >= indent {
			continue
		}
		if strings.Contains(l, "ShouldProcess(") {
			return true
		}
		indent = ind
		if ind == 0 {
			return false
		}
	}
	return false
}

// TestSetupCoversEveryRequirement: for every preset, each setup-script
// piece its requirements name as their fix is in the script.
func TestSetupCoversEveryRequirement(t *testing.T) {
	for _, p := range preset.All() {
		o, err := sampleOptions(cloud.Global).normalize(p)
		if err != nil {
			t.Fatal(err)
		}
		pieces := setupPieces(p, o)
		for _, r := range preset.RequirementsOf(p) {
			if r.Protocol != "" && !slices.Contains(o.Protocols, r.Protocol) {
				continue
			}
			for _, f := range r.Fix {
				if pieceApplies(f, p, o) && !slices.Contains(pieces, f) {
					t.Errorf("%s: requirement %s is fixed by %s, which the setup script leaves out", p.ID, r.ID, f)
				}
			}
		}
		if len(pieces) < 3 {
			t.Errorf("%s: only %v", p.ID, pieces)
		}
	}
}

func TestEveryFixPieceHasAWriter(t *testing.T) {
	for _, f := range preset.FixPieces {
		if pieceWriters[f] == nil || !slices.Contains(pieceOrder, f) {
			t.Errorf("fix piece %s has no writer or no place in the order", f)
		}
	}
	for _, id := range Repairable() {
		if !diagnose.Known(id) {
			t.Errorf("fixes maps the unknown diagnosis ID %s", id)
		}
	}
}

func TestPresetSpecificContent(t *testing.T) {
	find := func(id string) preset.Preset {
		p, err := preset.Find(id)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	tests := []struct {
		preset    string
		change    func(o *Options)
		want, not []string
	}{
		{"sytel-softdial", nil,
			[]string{"IMAP.AccessAsApp", "5e5addcd-3e8d-4e90-baf5-964efab2b20a", "New-ServicePrincipal -AppId $app.AppId -ObjectId $sp.Id", "-AccessRights FullAccess", "-ImapEnabled $true"},
			[]string{"SMTP.SendAsApp", "Add-RecipientPermission", "New-ManagementScope", "RedirectUri"}},
		{"cisco-ece", nil,
			[]string{"POP.AccessAsUser.All", "offline_access", "-Web @{ RedirectUris", "Add-RecipientPermission", "-AutoMapping $false", "-SmtpClientAuthenticationDisabled $false", "'AllPrincipals'"},
			[]string{"IMAP.AccessAsUser.All", "Mail.ReadWrite.Shared", "New-ServicePrincipal", "IMAP.AccessAsApp"}},
		{"cisco-ece", func(o *Options) {
			o.Protocols = []profile.Protocol{profile.IMAP, profile.SMTP}
			o.VendorOptional = true
		},
			[]string{"IMAP.AccessAsUser.All", "Mail.ReadWrite.Shared", "-ImapEnabled $true"},
			[]string{"POP.AccessAsUser.All", "-PopEnabled"}},
		{"opexus-ecase", nil,
			[]string{"New-ManagementScope -Name $ScopeName -RecipientRestrictionFilter $filter", "-Role 'Application Mail.Send' -CustomResourceScope $ScopeName", "Test-ServicePrincipalAuthorization"},
			[]string{"New-MgServicePrincipalAppRoleAssignment", "RedirectUri", "Set-CASMailbox"}},
		{"opexus-ecase", func(o *Options) { f := false; o.Scoped = &f },
			[]string{"New-MgServicePrincipalAppRoleAssignment", "b633e1c5-b582-4048-a93e-9f11b44c7e96"},
			[]string{"New-ManagementScope", "New-ServicePrincipal -AppId"}},
		{"generic-smtp-app-sender", func(o *Options) { o.Credential = preset.Certificate },
			[]string{"SMTP.SendAsApp", "New-SelfSignedCertificate", "-KeyCredentials", "Set-CASMailbox -Identity $m -SmtpClientAuthenticationDisabled $false"},
			[]string{"Add-MgApplicationPassword"}},
		{"xcally-motion", nil,
			[]string{"/api/cloudProviders/oauth2/microsoft/callback", "IMAP.AccessAsUser.All", "SMTP.Send", "email"},
			[]string{"Mail.Send.Shared", "New-ServicePrincipal -AppId"}},
	}
	for _, tt := range tests {
		o := sampleOptions(cloud.Global)
		o.RedirectURI = ""
		if tt.change != nil {
			tt.change(&o)
		}
		s, err := Setup(find(tt.preset), o)
		if err != nil {
			t.Fatalf("%s: %v", tt.preset, err)
		}
		for _, w := range tt.want {
			if !strings.Contains(s, w) {
				t.Errorf("%s: script lacks %q", tt.preset, w)
			}
		}
		for _, n := range tt.not {
			if strings.Contains(s, n) {
				t.Errorf("%s: script holds %q", tt.preset, n)
			}
		}
	}
}

func TestFix(t *testing.T) {
	sytel, _ := preset.Find("sytel-softdial")
	xcally, _ := preset.Find("xcally-motion")
	facts := func(p *preset.Preset) FixFacts {
		f := FixFacts{Options: sampleOptions(cloud.USGov), Preset: p}
		f.ClientID = sampleClient
		f.Mailboxes = []string{"support@contoso.com"}
		return f
	}
	tests := []struct {
		name      string
		ids       []string
		facts     FixFacts
		want, not []string
	}{
		{"exchange service principal", []string{"exchange-service-principal-missing"}, facts(&sytel),
			[]string{"New-ServicePrincipal", "Add-MailboxPermission", "$ClientId = '" + sampleClient + "'", "-ExchangeEnvironmentName O365USGovGCCHigh",
				"exchange-service-principal-missing - "},
			[]string{"Add-MgApplicationPassword", "New-MgApplication ", "Set-CASMailbox", "$wanted"}},
		{"secret id pasted plus a wrong password", []string{"client-secret-invalid", "credentials-invalid", "client-secret-invalid"}, facts(&sytel),
			[]string{"Add-MgApplicationPassword", "Not repaired by a script", "credentials-invalid - "},
			[]string{"Connect-ExchangeOnline", "New-ServicePrincipal"}},
		{"smtp auth for a delegate", []string{"smtp-auth-disabled"}, facts(&xcally),
			[]string{"Set-CASMailbox -Identity $m -SmtpClientAuthenticationDisabled $false", "[string]$SignInUser = 'svc-mail@contoso.com'"},
			[]string{"Connect-MgGraph", "$ClientId"}},
		{"no preset, app-only IMAP", []string{"token-permission-missing"}, FixFacts{Options: Options{Tenant: sampleTenant, ClientID: sampleClient,
			Protocols: []profile.Protocol{profile.IMAP}}, Flow: profile.ClientCredentials},
			[]string{"IMAP.AccessAsApp", "New-MgServicePrincipalAppRoleAssignment", "--flow client-credentials"},
			[]string{"POP.AccessAsApp", "Connect-ExchangeOnline"}},
		{"no preset, delegated consent", []string{"consent-required"}, FixFacts{Options: Options{Tenant: sampleTenant, ClientID: sampleClient,
			Protocols: []profile.Protocol{profile.IMAP, profile.SMTP}}, Flow: profile.Interactive},
			[]string{"IMAP.AccessAsUser.All", "SMTP.Send", "offline_access", "New-MgOauth2PermissionGrant"},
			[]string{"IMAP.AccessAsApp"}},
		{"disabled app is enabled only when asked", []string{"app-disabled"}, facts(&sytel),
			[]string{"Update-MgServicePrincipal -ServicePrincipalId $sp.Id -AccountEnabled"},
			[]string{"Connect-ExchangeOnline"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Fix(tt.ids, tt.facts)
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range tt.want {
				if !strings.Contains(s, w) {
					t.Errorf("fix script lacks %q", w)
				}
			}
			for _, n := range tt.not {
				if strings.Contains(s, n) {
					t.Errorf("fix script holds %q", n)
				}
			}
		})
	}
	if _, err := Fix([]string{"network-unreachable", "clock-skew"}, facts(&sytel)); err == nil || !strings.Contains(err.Error(), "no script can repair") {
		t.Errorf("Fix(network only) = %v, want a no-script error", err)
	}
	noClient := facts(&sytel)
	noClient.ClientID = ""
	var oe *OptionError
	if _, err := Fix([]string{"admin-consent-required"}, noClient); !errors.As(err, &oe) || oe.Field != profile.FieldClientID {
		t.Errorf("Fix without client ID = %v, want an OptionError for client-id", err)
	}
}

func TestOptionsAreChecked(t *testing.T) {
	ece, _ := preset.Find("cisco-ece")
	tests := []struct {
		name   string
		change func(o *Options)
		field  string
	}{
		{"no tenant", func(o *Options) { o.Tenant = "" }, profile.FieldTenant},
		{"tenant is a URL", func(o *Options) { o.Tenant = "https://login.microsoftonline.com/contoso" }, profile.FieldTenant},
		{"client id is a name", func(o *Options) { o.ClientID = "ECE app" }, profile.FieldClientID},
		{"secret pasted as client id", func(o *Options) { o.ClientID = "abc8Q~aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789" }, profile.FieldClientID},
		{"token pasted as app name", func(o *Options) {
			o.AppName = "eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL291dGxvb2sub2ZmaWNlLmNvbSJ9.c2lnbmF0dXJl"
		}, "app-name"},
		{"quote in app name", func(o *Options) { o.AppName = "ECE'; Remove-Everything; '" }, "app-name"},
		{"dollar in mailbox", func(o *Options) { o.Mailboxes = []string{"$(Remove-Item)@contoso.com"} }, profile.FieldMailbox},
		{"mailbox with a name", func(o *Options) { o.Mailboxes = []string{"Support <support@contoso.com>"} }, profile.FieldMailbox},
		{"http redirect", func(o *Options) { o.RedirectURI = "http://ece.contoso.com/cb" }, profile.FieldRedirectURI},
		{"unknown protocol", func(o *Options) { o.Protocols = []profile.Protocol{"ews"} }, profile.FieldProtocols},
		{"unknown cloud", func(o *Options) { o.Cloud = cloud.Cloud{Name: "mars"} }, profile.FieldCloud},
		{"newline in user", func(o *Options) { o.SignInUser = "a@b.com\nRemove-Item" }, profile.FieldUser},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := sampleOptions(cloud.Global)
			tt.change(&o)
			_, err := Setup(ece, o)
			var oe *OptionError
			if !errors.As(err, &oe) || oe.Field != tt.field {
				t.Fatalf("Setup() = %v, want an OptionError for %s", err, tt.field)
			}
			if strings.Contains(err.Error(), "8Q~") || strings.Contains(err.Error(), "eyJ") {
				t.Errorf("error echoes the secret: %v", err)
			}
		})
	}
	// Mailboxes pasted as one list are split and de-duplicated.
	o := sampleOptions(cloud.Global)
	o.Mailboxes = []string{"support@contoso.com; Sales@contoso.com,\u00a0sales@contoso.com "}
	n, err := o.normalize(ece)
	if err != nil || !slices.Equal(n.Mailboxes, []string{"support@contoso.com", "Sales@contoso.com"}) {
		t.Errorf("normalize mailboxes = %v, %v", n.Mailboxes, err)
	}
}

// TestGolden compares the scripts an admin reviews with the files in
// testdata/powershell/golden (go test -update rewrites them).
func TestGolden(t *testing.T) {
	ece, _ := preset.Find("cisco-ece")
	ecase, _ := preset.Find("opexus-ecase")
	sytel, _ := preset.Find("sytel-softdial")
	eceOpts := Options{Tenant: "contoso.onmicrosoft.com", Mailboxes: []string{"support@contoso.com", "sales@contoso.com"},
		SignInUser: "ece-svc@contoso.com", RedirectURI: "https://ece.contoso.com/web/view/mail/admin/account/showauthcode.jsp",
		Generator: "Mail OAuth Tester"}
	ecaseOpts := Options{Tenant: "contoso.onmicrosoft.com", Mailboxes: []string{"noreply@contoso.com"}, Generator: "Mail OAuth Tester"}
	fixFacts := FixFacts{Options: Options{Cloud: cloud.USGov, Tenant: "2e6c73c6-1977-4164-8037-33ca7fa29664", ClientID: sampleClient,
		Mailboxes: []string{"scc@contoso.us"}, Generator: "Mail OAuth Tester"}, Preset: &sytel}
	cases := []struct {
		file string
		gen  func() (string, error)
	}{
		{"cisco-ece-worldwide.ps1", func() (string, error) { return Setup(ece, eceOpts) }},
		{"opexus-ecase-worldwide.ps1", func() (string, error) { return Setup(ecase, ecaseOpts) }},
		{"fix-sytel-softdial-gcchigh.ps1", func() (string, error) {
			return Fix([]string{"exchange-service-principal-missing", "admin-consent-required"}, fixFacts)
		}},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			got, err := c.gen()
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("..", "..", "testdata", "powershell", "golden", c.file)
			if *update {
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("%s differs from the generated script; review the change and run go test -update", c.file)
			}
		})
	}
}

func TestSetupRefusesAppPasswordPresets(t *testing.T) {
	p := preset.Preset{ID: "x", Flow: profile.AppPassword}
	var oe *OptionError
	if _, err := Setup(p, sampleOptions(cloud.Global)); !errors.As(err, &oe) {
		t.Errorf("Setup(app-password) = %v, want an OptionError", err)
	}
}

func TestContainsHost(t *testing.T) {
	tests := []struct {
		text, host string
		want       bool
	}{
		{"sign-in at https://login.microsoftonline.com)", "login.microsoftonline.com", true},
		{"'https://dod-graph.microsoft.us'", "graph.microsoft.us", false},
		{"server: smtp.office365.com:587", "smtp.office365.com", true},
		{"at outlook.office365.com.", "outlook.office365.com", true},
		{"outlook.office365.com.cn", "outlook.office365.com", false},
		{"xoutlook.office365.com", "outlook.office365.com", false},
	}
	for _, tt := range tests {
		if got := containsHost(tt.text, tt.host); got != tt.want {
			t.Errorf("containsHost(%q, %q) = %v", tt.text, tt.host, got)
		}
	}
}

func TestHasSecretShape(t *testing.T) {
	entraSecret := regexp.MustCompile(`[A-Za-z0-9_~.\-]{3}[0-9]Q~[A-Za-z0-9_~.\-]{20,}`)
	for _, text := range []string{
		"Write-Host 'x'\n$t = 'eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL291dGxvb2sifQ.c2ln'",
		"$s = 'abc8Q~aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789'",
		"client_secret=SuperSecretValue1",
		"-----BEGIN PRIVATE KEY-----",
	} {
		if !hasSecretShape(text, entraSecret) {
			t.Errorf("hasSecretShape(%q) = false", text)
		}
	}
	if hasSecretShape("[string]$SecretName = 'App secret'\nWrite-Host \"   Value: $($created.SecretText)\"", entraSecret) {
		t.Error("hasSecretShape flags the script's own secret handling")
	}
}
