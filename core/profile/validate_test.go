package profile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const (
	tenantID = "72f988bf-86f1-41af-91ab-2d7cd011db47"
	clientID = "396c2760-2fa5-4948-b9d5-9839a7440836"
	goodSec  = "Xy8Q~abcdefghijklmnopqrstuvwxyz012345678"
)

func valid() Profile {
	return Normalize(Profile{Tenant: tenantID, ClientID: clientID, ClientSecret: goodSec, Mailbox: "support@contoso.com",
		Protocols: []Protocol{IMAP, POP, SMTP}})
}

func TestValidateAcceptsGoodInput(t *testing.T) {
	for _, tenant := range []string{tenantID, "contoso.onmicrosoft.com", "CONTOSO.COM", "mail.example.co.uk"} {
		p := valid()
		p.Tenant = tenant
		if ps := Validate(p); len(ps) != 0 {
			t.Errorf("Validate(tenant %q) = %v, want no problems", tenant, ps)
		}
	}
}

func TestValidateProblems(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name  string
		edit  func(*Profile)
		field string
		sev   Severity
		diag  string
		want  string
	}{
		{"empty tenant", func(p *Profile) { p.Tenant = "" }, FieldTenant, Error, "tenant-invalid", "empty"},
		{"url tenant", func(p *Profile) { p.Tenant = "https://login.microsoftonline.com/" + tenantID + "/oauth2/v2.0/token" }, FieldTenant, Error, "tenant-invalid", "URL"},
		{"placeholder angle", func(p *Profile) { p.Tenant = "<tenant-id>" }, FieldTenant, Error, "tenant-invalid", "placeholder"},
		{"placeholder braces", func(p *Profile) { p.Tenant = "{tenant}" }, FieldTenant, Error, "tenant-invalid", "placeholder"},
		{"placeholder words", func(p *Profile) { p.Tenant = "your-tenant-id" }, FieldTenant, Error, "tenant-invalid", "placeholder"},
		{"zero guid tenant", func(p *Profile) { p.Tenant = "00000000-0000-0000-0000-000000000000" }, FieldTenant, Error, "tenant-invalid", "placeholder"},
		{"common", func(p *Profile) { p.Tenant = "common" }, FieldTenant, Error, "tenant-required", "specific tenant"},
		{"organizations", func(p *Profile) { p.Tenant = "Organizations" }, FieldTenant, Error, "tenant-required", "specific tenant"},
		{"email tenant", func(p *Profile) { p.Tenant = "admin@contoso.com" }, FieldTenant, Error, "tenant-invalid", "e-mail"},
		{"garbage tenant", func(p *Profile) { p.Tenant = "contoso" }, FieldTenant, Error, "tenant-invalid", "neither"},
		{"empty client", func(p *Profile) { p.ClientID = "" }, FieldClientID, Error, "app-not-found", "empty"},
		{"client not guid", func(p *Profile) { p.ClientID = "my-app" }, FieldClientID, Error, "app-not-found", "not a GUID"},
		{"client email", func(p *Profile) { p.ClientID = "me@contoso.com" }, FieldClientID, Error, "app-not-found", "e-mail"},
		{"client same as tenant", func(p *Profile) { p.ClientID = tenantID }, FieldClientID, Warning, "app-not-found", "same as the tenant"},
		{"no secret", func(p *Profile) { p.ClientSecret = "" }, FieldSecret, Error, "client-secret-missing", "empty"},
		{"secret id pasted", func(p *Profile) { p.ClientSecret = "6e326363-3665-4aac-9e35-d7004c331f7f" }, FieldSecret, Warning, "client-secret-invalid", "SECRET ID"},
		{"short secret", func(p *Profile) { p.ClientSecret = "abc" }, FieldSecret, Warning, "client-secret-invalid", "only 3 characters"},
		{"secret with space", func(p *Profile) { p.ClientSecret = "abcdefgh ijklmnopqrstuvwxyz" }, FieldSecret, Warning, "client-secret-invalid", "spaces"},
		{"secret and cert", func(p *Profile) {
			p.CertFile = filepath.Join(dir, "x.pfx")
			os.WriteFile(p.CertFile, []byte("x"), 0o600)
		}, FieldSecret, Error, "", "both"},
		{"cert missing", func(p *Profile) { p.ClientSecret = ""; p.CertFile = filepath.Join(dir, "nope.pfx") }, FieldCert, Error, "", "cannot be read"},
		{"cert is dir", func(p *Profile) { p.ClientSecret = ""; p.CertFile = dir }, FieldCert, Error, "", "folder"},
		{"empty mailbox", func(p *Profile) { p.Mailbox = "" }, FieldMailbox, Error, "mailbox-not-found", "empty"},
		{"mailbox no at", func(p *Profile) { p.Mailbox = "support" }, FieldMailbox, Error, "mailbox-not-found", "exactly one @"},
		{"mailbox two at", func(p *Profile) { p.Mailbox = "a@b@contoso.com" }, FieldMailbox, Error, "mailbox-not-found", "exactly one @"},
		{"mailbox spaces", func(p *Profile) { p.Mailbox = "sup port@contoso.com" }, FieldMailbox, Error, "mailbox-not-found", "spaces"},
		{"mailbox display name", func(p *Profile) { p.Mailbox = "<support@contoso.com>" }, FieldMailbox, Error, "mailbox-not-found", "characters"},
		{"mailbox bad domain", func(p *Profile) { p.Mailbox = "support@contoso" }, FieldMailbox, Error, "mailbox-not-found", "not an e-mail"},
		{"no protocols", func(p *Profile) { p.Protocols = nil }, FieldProtocols, Error, "", "no protocol"},
		{"unknown protocol", func(p *Profile) { p.Protocols = []Protocol{"imap", "ews"} }, FieldProtocols, Error, "", `"ews"`},
		{"unknown mech", func(p *Profile) { p.Mechanism = "plain" }, FieldMechanism, Error, "", "plain"},
		{"unknown flow", func(p *Profile) { p.Flow = "implicit" }, FieldFlow, Error, "", "implicit"},
		{"unknown cloud", func(p *Profile) { p.Cloud = "mars" }, FieldCloud, Error, "", "mars"},
		{"negative timeout", func(p *Profile) { p.Timeout = -time.Second }, FieldTimeout, Error, "", "negative"},
		{"huge timeout", func(p *Profile) { p.Timeout = time.Hour }, FieldTimeout, Error, "", "longer"},
		{"tiny timeout", func(p *Profile) { p.Timeout = time.Millisecond }, FieldTimeout, Error, "", "too short"},
		{"port range", func(p *Profile) { p.IMAPHost = "outlook.office365.com:99999" }, FieldIMAPHost, Error, "", "out of range"},
		{"port zero", func(p *Profile) { p.POPHost = "outlook.office365.com:0" }, FieldPOPHost, Error, "", "out of range"},
		{"host no port", func(p *Profile) { p.SMTPHost = "smtp.office365.com" }, FieldSMTPHost, Error, "", "host:port"},
		{"host url", func(p *Profile) { p.SMTPHost = "smtp://smtp.office365.com:587" }, FieldSMTPHost, Error, "", "URL"},
		{"authority http", func(p *Profile) { p.AuthorityHost = "http://login.microsoftonline.com" }, FieldAuthority, Error, "", "https"},
		{"authority path", func(p *Profile) { p.AuthorityHost = "https://login.microsoftonline.com/" + tenantID }, FieldAuthority, Error, "", "path"},
		{"authority port", func(p *Profile) { p.AuthorityHost = "https://127.0.0.1:70000" }, FieldAuthority, Error, "", "out of range"},
		{"ca missing", func(p *Profile) { p.CAFile = filepath.Join(dir, "none.pem") }, FieldCAFile, Error, "", "cannot be read"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := valid()
			tt.edit(&p)
			ps := Validate(p).For(tt.field)
			if len(ps) == 0 {
				t.Fatalf("Validate() has no problem for %s; all: %v", tt.field, Validate(p))
			}
			got := ps[0]
			if got.Severity != tt.sev || got.DiagnosisID != tt.diag || !strings.Contains(got.Message, tt.want) {
				t.Errorf("problem = %+v, want severity %v, diagnosis %q, message containing %q", got, tt.sev, tt.diag, tt.want)
			}
			if got.Fix == "" {
				t.Errorf("problem %q has no fix", got.Message)
			}
			if tt.sev == Error && strings.Contains(got.String(), goodSec) {
				t.Errorf("problem text contains the secret: %s", got)
			}
		})
	}
}

func TestSecretPastedIntoAnotherFieldIsMasked(t *testing.T) {
	p := valid()
	p.Tenant, p.Mailbox = goodSec, goodSec
	for _, pr := range Validate(p) {
		if strings.Contains(pr.String(), goodSec) {
			t.Errorf("problem quotes the secret: %s", pr)
		}
	}
}

func TestURLTenantSuggestsGUID(t *testing.T) {
	p := valid()
	p.Tenant = "https://login.microsoftonline.com/" + tenantID + "/v2.0"
	if ps := Validate(p).For(FieldTenant); len(ps) == 0 || !strings.Contains(ps[0].Fix, tenantID) {
		t.Errorf("fix does not suggest the GUID found in the URL: %v", ps)
	}
}

func TestNormalizeTrims(t *testing.T) {
	p := Normalize(Profile{Tenant: " \u200b" + tenantID + "\u00a0\n", ClientID: "\t" + clientID, ClientSecret: goodSec + "\r\n",
		Mailbox: "\ufeffsupport@contoso.com ", Protocols: []Protocol{" IMAP", "pop3", "imap", ""}, Mechanism: " XOAUTH2 "})
	if p.Tenant != tenantID || p.ClientID != clientID || p.ClientSecret != goodSec || p.Mailbox != "support@contoso.com" {
		t.Errorf("Normalize did not trim: %+v", p)
	}
	if got := strings.Join([]string{string(p.Protocols[0]), string(p.Protocols[1])}, ","); got != "imap,pop" || len(p.Protocols) != 2 {
		t.Errorf("protocols = %v, want [imap pop]", p.Protocols)
	}
	if p.Mechanism != XOAUTH2 || p.Flow != ClientCredentials || p.Timeout != DefaultTimeout || p.Cloud != "global" {
		t.Errorf("defaults not filled: %+v", p)
	}
	if ps := Validate(p); len(ps) != 0 {
		t.Errorf("trimmed profile has problems: %v", ps)
	}
}

func TestEnvironmentProfile(t *testing.T) {
	var p Profile
	if p.HasCredentials() {
		t.Fatal("empty profile has credentials")
	}
	p = Normalize(Profile{Tenant: "  "})
	if p.HasCredentials() {
		t.Error("whitespace-only tenant counts as credentials")
	}
	if ps := ValidateEnvironment(Normalize(Profile{IMAPHost: "x:99999"})); len(ps.For(FieldIMAPHost)) == 0 {
		t.Error("environment validation ignores a bad host")
	}
}

func FuzzValidate(f *testing.F) {
	f.Add(tenantID, clientID, goodSec, "support@contoso.com", "imap,pop", "outlook.office365.com:993")
	f.Add("https://x/y", "a@b", "", "no at", "ews", "h:0")
	f.Fuzz(func(t *testing.T, tenant, client, sec, mailbox, protos, host string) {
		p := Profile{Tenant: tenant, ClientID: client, ClientSecret: sec, Mailbox: mailbox, IMAPHost: host}
		for _, pr := range strings.Split(protos, ",") {
			p.Protocols = append(p.Protocols, Protocol(pr))
		}
		n := Normalize(p)
		ps := Validate(n)
		if len(n.ClientSecret) >= 12 {
			for _, pr := range ps {
				if strings.Contains(pr.Message+pr.Fix, n.ClientSecret) {
					t.Fatalf("problem quotes the secret: %v", pr)
				}
			}
		}
		if Normalize(n).Tenant != n.Tenant {
			t.Fatal("Normalize is not idempotent")
		}
	})
}
