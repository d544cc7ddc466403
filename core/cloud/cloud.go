// Package cloud holds the per-cloud endpoints of Microsoft 365: the Entra ID
// authority host, the Exchange Online resource and mail hosts, Microsoft
// Graph and the Azure portal, for Worldwide and the national clouds (US
// Government GCC High and DoD, China operated by 21Vianet). Switching the
// cloud switches every host together.
package cloud

import (
	"fmt"
	"strings"
)

// Cloud is one Microsoft 365 cloud instance. Every host a run talks to comes
// from here, so switching the cloud switches them all together.
type Cloud struct {
	Name             string // short stable name used on the command line, e.g. "global"
	Title            string // label for people
	AuthorityHost    string // Entra ID sign-in, as an https URL without a path
	ExchangeResource string // resource (audience) of Exchange Online tokens
	// DelegatedResource prefixes delegated Exchange scopes such as
	// IMAP.AccessAsUser.All (Microsoft documents outlook.office.com for
	// worldwide).
	DelegatedResource string
	IMAPHost          string // host:port, implicit TLS
	POPHost           string // host:port, implicit TLS
	SMTPHost          string // host:port, STARTTLS
	GraphHost         string // https URL without a path
	PortalHost        string // Azure portal host name
	InstanceName      string // cloud_instance_name in a tenant's OpenID metadata, e.g. "microsoftonline.com"
	Note              string // one line for the selector, e.g. which customers use it
}

// Global is the worldwide commercial cloud, also used by GCC (moderate).
var Global = Cloud{
	DelegatedResource: "https://outlook.office.com",
	Name:              "global",
	Title:             "Worldwide (includes GCC moderate)",
	AuthorityHost:     "https://login.microsoftonline.com",
	ExchangeResource:  "https://outlook.office365.com",
	IMAPHost:          "outlook.office365.com:993",
	POPHost:           "outlook.office365.com:995",
	SMTPHost:          "smtp.office365.com:587",
	GraphHost:         "https://graph.microsoft.com",
	PortalHost:        "portal.azure.com",
	InstanceName:      "microsoftonline.com",
	Note:              "commercial Microsoft 365; also GCC (moderate), which uses the worldwide endpoints",
}

// USGov is Microsoft 365 US Government GCC High.
var USGov = Cloud{
	DelegatedResource: "https://outlook.office365.us",
	Name:              "usgov",
	Title:             "US Government GCC High",
	AuthorityHost:     "https://login.microsoftonline.us",
	ExchangeResource:  "https://outlook.office365.us",
	IMAPHost:          "outlook.office365.us:993",
	POPHost:           "outlook.office365.us:995",
	SMTPHost:          "smtp.office365.us:587",
	GraphHost:         "https://graph.microsoft.us",
	PortalHost:        "portal.azure.us",
	InstanceName:      "microsoftonline.us",
	Note:              "US Government GCC High tenants (login.microsoftonline.us)",
}

// USGovDoD is Microsoft 365 US Government DoD.
var USGovDoD = Cloud{
	DelegatedResource: "https://outlook-dod.office365.us",
	Name:              "usgov-dod",
	Title:             "US Government DoD",
	AuthorityHost:     "https://login.microsoftonline.us",
	ExchangeResource:  "https://outlook-dod.office365.us",
	IMAPHost:          "outlook-dod.office365.us:993",
	POPHost:           "outlook-dod.office365.us:995",
	SMTPHost:          "outlook-dod.office365.us:587",
	GraphHost:         "https://dod-graph.microsoft.us",
	PortalHost:        "portal.azure.us",
	InstanceName:      "microsoftonline.us",
	Note:              "US Department of Defense tenants",
}

// China is Microsoft 365 operated by 21Vianet.
var China = Cloud{
	DelegatedResource: "https://partner.outlook.cn",
	Name:              "china",
	Title:             "China (operated by 21Vianet)",
	AuthorityHost:     "https://login.partner.microsoftonline.cn",
	ExchangeResource:  "https://partner.outlook.cn",
	IMAPHost:          "partner.outlook.cn:993",
	POPHost:           "partner.outlook.cn:995",
	SMTPHost:          "smtp.partner.outlook.cn:587",
	GraphHost:         "https://microsoftgraph.chinacloudapi.cn",
	PortalHost:        "portal.azure.cn",
	InstanceName:      "partner.microsoftonline.cn",
	Note:              "Microsoft 365 operated by 21Vianet in China",
}

// All lists the clouds in the order a selector shows them.
var All = []Cloud{Global, USGov, USGovDoD, China}

var all = map[string]Cloud{Global.Name: Global, USGov.Name: USGov, USGovDoD.Name: USGovDoD, China.Name: China}

// Lookup returns the cloud with the given name (case-insensitive).
// The error names the known clouds.
func Lookup(name string) (Cloud, error) {
	c, ok := all[strings.ToLower(strings.TrimSpace(name))]
	if !ok {
		return Cloud{}, fmt.Errorf("cloud: unknown cloud %q (known: %s)", name, strings.Join(Names(), ", "))
	}
	return c, nil
}

// Names lists the known cloud names in selector order.
func Names() []string {
	names := make([]string, 0, len(All))
	for _, c := range All {
		names = append(names, c.Name)
	}
	return names
}

// ByInstance returns the cloud whose cloud_instance_name is name (as a
// tenant's OpenID metadata reports it), e.g. "microsoftonline.us". GCC High
// and DoD share an instance; the first match (GCC High) is returned.
func ByInstance(name string) (Cloud, bool) {
	for _, c := range All {
		if strings.EqualFold(c.InstanceName, name) {
			return c, true
		}
	}
	return Cloud{}, false
}

// GraphScope is the client-credentials scope for Microsoft Graph.
func (c Cloud) GraphScope() string { return c.GraphHost + "/.default" }

// ExchangeScope is the client-credentials scope for Exchange Online tokens.
func (c Cloud) ExchangeScope() string { return c.ExchangeResource + "/.default" }

// AuthorityHostName is the host part of AuthorityHost, e.g. "login.microsoftonline.com".
func (c Cloud) AuthorityHostName() string {
	h := strings.TrimPrefix(strings.TrimPrefix(c.AuthorityHost, "https://"), "http://")
	return strings.TrimSuffix(h, "/")
}
