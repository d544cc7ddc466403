package diagnose

import (
	"regexp"
	"strings"
	"testing"

	"github.com/mailoauth/mailoauth-tester/core/cloud"
)

// worldwideHosts are hosts and portals of the Worldwide cloud only.
var worldwideHosts = []string{
	"login.microsoftonline.com", "login.windows.net", "outlook.office365.com", "outlook.office.com", "smtp.office365.com",
	"smtp-hve.office365.com", "graph.microsoft.com", "portal.azure.com", "entra.microsoft.com", "admin.exchange.microsoft.com",
	"admin.microsoft.com", "myaccount.microsoft.com", "mysecurityinfo", "mysignins.microsoft.com",
}

// nationalHosts are domains of the US Government and China clouds only.
var nationalHosts = []string{
	"office365.us", "microsoftonline.us", "azure.us", "microsoft.us", "apps.mil", "outlook.cn", "microsoftonline.cn",
	"azure.cn", "chinacloudapi.cn",
}

var (
	reConnectEXO = regexp.MustCompile(`Connect-ExchangeOnline(?: -ExchangeEnvironmentName (\w+))?`)
	reConnectMg  = regexp.MustCompile(`Connect-MgGraph(?: -Environment (\w+))?`)
)

// rendering is everything of a diagnosis a person reads or copies.
func rendering(d Diagnosis) string {
	var b strings.Builder
	b.WriteString(d.Title + "\n" + d.Cause + "\n" + strings.Join(d.Fix, "\n") + "\n" + d.Script + "\n")
	for _, l := range d.Links {
		b.WriteString(l.Title + " " + l.URL + "\n")
	}
	return b.String()
}

// TestEveryDiagnosisInEveryCloud renders every diagnosis, for every
// protocol, in each of the four clouds: a non-Worldwide rendering names no
// Worldwide host or portal and every PowerShell connection carries the
// cloud's environment; a Worldwide rendering names no national host.
func TestEveryDiagnosisInEveryCloud(t *testing.T) {
	var renders []struct {
		name string
		d    Diagnosis
	}
	for _, c := range cloud.All {
		for _, proto := range []string{"", "imap", "pop", "smtp", "graph"} {
			f := Facts{Cloud: c.Name, Protocol: proto, Tenant: "contoso.onmicrosoft.com", ClientID: "11111111-2222-3333-4444-555555555555",
				Mailbox: "support@contoso.com", User: "admin@contoso.com"}
			for _, id := range IDs() {
				renders = append(renders, struct {
					name string
					d    Diagnosis
				}{c.Name + "/" + proto + "/" + id, Get(id, f)})
			}
			// Family diagnoses of unmapped codes, and explain on pasted text.
			for _, ev := range []Evidence{
				{Source: SourceEntra, AADSTS: []int{9999993}, OAuthError: "invalid_client"},
				{Source: SourceEntra, AADSTS: []int{9999993}},
				{SMTPCode: 550, SMTPEnhanced: "5.7.99"},
				{Source: SourceGraph, GraphCode: "ErrorNew", HTTPStatus: 403},
			} {
				renders = append(renders, struct {
					name string
					d    Diagnosis
				}{c.Name + "/" + proto + "/family " + ev.String(), Classify(ev, f)})
			}
		}
	}
	for _, r := range renders {
		cloudName := r.name[:strings.IndexByte(r.name, '/')]
		c, _ := cloud.Lookup(cloudName)
		text := rendering(r.d)
		if cloudName == cloud.Global.Name {
			for _, h := range nationalHosts {
				if strings.Contains(text, h) {
					t.Errorf("%s names the national host %s", r.name, h)
				}
			}
		} else {
			for _, h := range worldwideHosts {
				if strings.Contains(text, h) {
					t.Errorf("%s names the Worldwide host %s", r.name, h)
				}
			}
		}
		for _, m := range reConnectEXO.FindAllStringSubmatch(text, -1) {
			if m[1] != c.ExchangeEnvironment {
				t.Errorf("%s: %q, want -ExchangeEnvironmentName %q", r.name, m[0], c.ExchangeEnvironment)
			}
		}
		for _, m := range reConnectMg.FindAllStringSubmatch(text, -1) {
			if m[1] != c.GraphEnvironment {
				t.Errorf("%s: %q, want -Environment %q", r.name, m[0], c.GraphEnvironment)
			}
		}
	}
	if len(renders) < 4*5*len(IDs()) {
		t.Fatalf("only %d renderings", len(renders))
	}
}

// TestCloudFromExchangeResource: a run that sets only the Exchange
// resource (as the engine does) gets its cloud's portals.
func TestCloudFromExchangeResource(t *testing.T) {
	for _, c := range cloud.All {
		d := Get("exchange-service-principal-missing", Facts{ExchangeResource: c.ExchangeResource, ClientID: "x"})
		text := rendering(d)
		if !strings.Contains(text, c.EntraAdminHost) {
			t.Errorf("%s: rendering lacks %s:\n%s", c.Name, c.EntraAdminHost, text)
		}
		if c.ExchangeEnvironment != "" && !strings.Contains(d.Script, "-ExchangeEnvironmentName "+c.ExchangeEnvironment) {
			t.Errorf("%s: script lacks the Exchange environment:\n%s", c.Name, d.Script)
		}
	}
}
