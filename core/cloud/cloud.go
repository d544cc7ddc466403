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

	// Admin centers and PowerShell, for the advice a diagnosis gives.
	EntraAdminHost string // Microsoft Entra admin center host name
	// ExchangeAdminURL is the Exchange admin center; ExchangeAdminModern
	// says it is the new one, whose pages have #/ paths such as #/mailboxes
	// (the clouds without it use the classic ECP).
	ExchangeAdminURL    string
	ExchangeAdminModern bool
	// M365AdminURL is the Microsoft 365 admin center; pages are reached by
	// appending a fragment such as "#/users".
	M365AdminURL string
	// UserPortalURL is where a user checks their own account and password.
	UserPortalURL string
	// ExchangeEnvironment is Connect-ExchangeOnline's -ExchangeEnvironmentName
	// and GraphEnvironment Connect-MgGraph's -Environment ("" = the default).
	ExchangeEnvironment string
	GraphEnvironment    string
	// EndpointsDoc is Microsoft's list of the cloud's URLs and IP ranges.
	EndpointsDoc string
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

	EntraAdminHost:      "entra.microsoft.com",
	ExchangeAdminURL:    "https://admin.exchange.microsoft.com",
	ExchangeAdminModern: true,
	M365AdminURL:        "https://admin.microsoft.com/",
	UserPortalURL:       "https://myaccount.microsoft.com",
	EndpointsDoc:        "https://learn.microsoft.com/microsoft-365/enterprise/urls-and-ip-address-ranges",
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
	// Microsoft's GCC High endpoint list names outlook.office365.us for TCP
	// 25, 143, 587, 993 and 995 and has no smtp.office365.us (which public
	// configurations use): https://learn.microsoft.com/microsoft-365/enterprise/microsoft-365-u-s-government-gcc-high-endpoints
	SMTPHost:     "outlook.office365.us:587",
	GraphHost:    "https://graph.microsoft.us",
	PortalHost:   "portal.azure.us",
	InstanceName: "microsoftonline.us",
	Note:         "US Government GCC High tenants (login.microsoftonline.us)",

	// The Entra admin center of the US Government clouds (GCC High and DoD
	// share it), per the Entra FAQ: https://learn.microsoft.com/entra/fundamentals/faq
	EntraAdminHost: "entra.microsoft.us",
	// The new EAC for GCC High: https://learn.microsoft.com/exchange/whats-new (September 2021).
	ExchangeAdminURL:    "https://admin.exchange.office365.us",
	ExchangeAdminModern: true,
	// portal.office365.us is on the GCC High endpoint list (ID 16).
	M365AdminURL:        "https://portal.office365.us/adminportal/home",
	UserPortalURL:       "https://portal.office365.us",
	ExchangeEnvironment: "O365USGovGCCHigh",
	GraphEnvironment:    "USGov",
	EndpointsDoc:        "https://learn.microsoft.com/microsoft-365/enterprise/microsoft-365-u-s-government-gcc-high-endpoints",
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

	EntraAdminHost: "entra.microsoft.us",
	// DoD keeps the classic EAC on its mail host; portal.apps.mil is on the
	// DoD endpoint list (ID 15): https://learn.microsoft.com/microsoft-365/enterprise/microsoft-365-u-s-government-dod-endpoints
	ExchangeAdminURL:    "https://outlook-dod.office365.us/ecp/",
	M365AdminURL:        "https://portal.apps.mil/adminportal/home",
	UserPortalURL:       "https://portal.apps.mil",
	ExchangeEnvironment: "O365USGovDoD",
	GraphEnvironment:    "USGovDoD",
	EndpointsDoc:        "https://learn.microsoft.com/microsoft-365/enterprise/microsoft-365-u-s-government-dod-endpoints",
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

	EntraAdminHost: "entra.microsoftonline.cn",
	// 21Vianet uses the classic EAC on partner.outlook.cn; the admin center
	// is portal.partner.microsoftonline.cn (*.partner.microsoftonline.cn on
	// the 21Vianet endpoint list).
	ExchangeAdminURL:    "https://partner.outlook.cn/ecp/",
	M365AdminURL:        "https://portal.partner.microsoftonline.cn/adminportal/home",
	UserPortalURL:       "https://portal.partner.microsoftonline.cn",
	ExchangeEnvironment: "O365China",
	GraphEnvironment:    "China",
	EndpointsDoc:        "https://learn.microsoft.com/microsoft-365/enterprise/urls-and-ip-address-ranges-21vianet",
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

// ExchangeAdminPage is a page of the Exchange admin center, such as
// "mailboxes"; clouds with the classic admin center get its start page.
func (c Cloud) ExchangeAdminPage(page string) string {
	if !c.ExchangeAdminModern || page == "" {
		return c.ExchangeAdminURL
	}
	return c.ExchangeAdminURL + "/#/" + page
}

// M365AdminPage is a page of the Microsoft 365 admin center, such as
// "users" or "servicehealth".
func (c Cloud) M365AdminPage(page string) string { return c.M365AdminURL + "#/" + page }

// ConnectExchange is the Connect-ExchangeOnline command for the cloud.
func (c Cloud) ConnectExchange() string {
	if c.ExchangeEnvironment == "" {
		return "Connect-ExchangeOnline"
	}
	return "Connect-ExchangeOnline -ExchangeEnvironmentName " + c.ExchangeEnvironment
}

// ConnectGraph is the Connect-MgGraph command for the cloud, without scopes.
func (c Cloud) ConnectGraph() string {
	if c.GraphEnvironment == "" {
		return "Connect-MgGraph"
	}
	return "Connect-MgGraph -Environment " + c.GraphEnvironment
}

// ByExchangeResource returns the cloud whose Exchange resource is r (with
// or without https:// and a trailing slash).
func ByExchangeResource(r string) (Cloud, bool) {
	r = strings.TrimSuffix(strings.TrimPrefix(strings.ToLower(strings.TrimSpace(r)), "https://"), "/")
	for _, c := range All {
		if strings.TrimPrefix(c.ExchangeResource, "https://") == r {
			return c, true
		}
	}
	if r == "outlook.office.com" {
		return Global, true
	}
	return Cloud{}, false
}

// AuthorityHostName is the host part of AuthorityHost, e.g. "login.microsoftonline.com".
func (c Cloud) AuthorityHostName() string {
	h := strings.TrimPrefix(strings.TrimPrefix(c.AuthorityHost, "https://"), "http://")
	return strings.TrimSuffix(h, "/")
}
