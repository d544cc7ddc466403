package simulate

import (
	"fmt"
	"net"
	"net/http"
	"slices"
	"strings"
)

// Cloud names for Options.Cloud and Tenant.Cloud.
const (
	// CloudGlobal is the worldwide (commercial) Microsoft cloud.
	CloudGlobal = "global"
	// CloudUSGov is Microsoft 365 GCC High (Azure US Government).
	CloudUSGov = "usgov"
	// CloudUSGovDoD is Microsoft 365 DoD.
	CloudUSGovDoD = "usgov-dod"
	// CloudChina is Microsoft 365 operated by 21Vianet.
	CloudChina = "china"
)

// GraphAppID is Microsoft Graph's application ID; a token whose aud is this
// GUID is a Graph token in every cloud.
const GraphAppID = "00000003-0000-0000-c000-000000000000"

// cloudProfile holds the names one national cloud answers with.
//
// Sources: the resource and host names are Microsoft's national-cloud
// endpoint tables; tenant_region_scope "USGov" with sub-scopes "DODCON"
// (GCC High) and "DOD" is quoted in public scripts that read the real
// openid-configuration (and MicrosoftDocs/azure-docs#56915); the v1 issuer
// sts.windows.net for US Government and sts.chinacloudapi.cn for China are
// quoted from Microsoft Q&A "what are the token issuers for the sovereign
// cloud". The China tenant_region_scope "AS" is not verified.
type cloudProfile struct {
	name string
	// loginHosts are the Entra hosts of the cloud, preferred first.
	loginHosts []string
	// exchange are the Exchange Online resource URIs, canonical first.
	exchange []string
	// graph is the Microsoft Graph resource URI.
	graph string
	// instanceName is cloud_instance_name.
	instanceName string
	// regionScope and regionSubScope are tenant_region_scope and
	// tenant_region_sub_scope ("" = field absent).
	regionScope, regionSubScope string
	// msgraphHost is msgraph_host; aadGraphHost is cloud_graph_host_name.
	msgraphHost, aadGraphHost string
	rbacURL                   string
	// sts is the v1.0 token issuer prefix, with trailing slash.
	sts string
	// audienceURN is the realm's cloud_audience_urn.
	audienceURN string
	// mailHosts are the IMAP/POP/SMTP host names.
	mailHosts []string
}

// cloudProfiles are the supported clouds.
var cloudProfiles = map[string]*cloudProfile{
	CloudGlobal: {
		name:         CloudGlobal,
		loginHosts:   []string{"login.microsoftonline.com", "login.windows.net", "login.microsoft.com", "sts.windows.net"},
		exchange:     []string{ResourceExchange, ResourceExchangeLegacy},
		graph:        ResourceGraph,
		instanceName: "microsoftonline.com",
		regionScope:  "EU",
		msgraphHost:  "graph.microsoft.com",
		aadGraphHost: "graph.windows.net",
		rbacURL:      "https://pas.windows.net",
		sts:          "https://sts.windows.net/",
		audienceURN:  "urn:federation:MicrosoftOnline",
		mailHosts:    []string{"outlook.office365.com", "smtp.office365.com", "outlook.office.com"},
	},
	CloudUSGov: {
		name:           CloudUSGov,
		loginHosts:     []string{"login.microsoftonline.us", "login.usgovcloudapi.net"},
		exchange:       []string{"https://outlook.office365.us"},
		graph:          "https://graph.microsoft.us",
		instanceName:   "microsoftonline.us",
		regionScope:    "USGov",
		regionSubScope: "DODCON",
		msgraphHost:    "graph.microsoft.us",
		aadGraphHost:   "graph.microsoftazure.us",
		rbacURL:        "https://pasff.usgovcloudapi.net",
		sts:            "https://sts.windows.net/",
		audienceURN:    "urn:federation:MicrosoftOnline.us",
		mailHosts:      []string{"outlook.office365.us", "smtp.office365.us"},
	},
	CloudUSGovDoD: {
		name:           CloudUSGovDoD,
		loginHosts:     []string{"login.microsoftonline.us", "login.usgovcloudapi.net"},
		exchange:       []string{"https://outlook-dod.office365.us"},
		graph:          "https://dod-graph.microsoft.us",
		instanceName:   "microsoftonline.us",
		regionScope:    "USGov",
		regionSubScope: "DOD",
		msgraphHost:    "dod-graph.microsoft.us",
		aadGraphHost:   "graph.microsoftazure.us",
		rbacURL:        "https://pasff.usgovcloudapi.net",
		sts:            "https://sts.windows.net/",
		audienceURN:    "urn:federation:MicrosoftOnline.us",
		mailHosts:      []string{"outlook-dod.office365.us", "smtp-dod.office365.us", "smtp.office365.us"},
	},
	CloudChina: {
		name:         CloudChina,
		loginHosts:   []string{"login.partner.microsoftonline.cn", "login.chinacloudapi.cn"},
		exchange:     []string{"https://partner.outlook.cn"},
		graph:        "https://microsoftgraph.chinacloudapi.cn",
		instanceName: "partner.microsoftonline.cn",
		regionScope:  "AS",
		msgraphHost:  "microsoftgraph.chinacloudapi.cn",
		aadGraphHost: "graph.chinacloudapi.cn",
		rbacURL:      "https://pas.chinacloudapi.cn",
		sts:          "https://sts.chinacloudapi.cn/",
		audienceURN:  "urn:federation:partner.microsoftonline.cn",
		mailHosts:    []string{"partner.outlook.cn", "smtp.partner.outlook.cn"},
	},
}

// lookupCloud resolves an Options.Cloud value ("" means global).
func lookupCloud(name string) (*cloudProfile, error) {
	if name == "" {
		name = CloudGlobal
	}
	if c, ok := cloudProfiles[strings.ToLower(name)]; ok {
		return c, nil
	}
	return nil, fmt.Errorf("simulate: unknown cloud %q", name)
}

// serverDNSNames are the host names the servers' certificate covers: every
// cloud's login, mail and Graph hosts, so that a client whose dialer routes
// those names to the fake verifies TLS normally.
func serverDNSNames() []string {
	names := []string{"localhost"}
	for _, key := range []string{CloudGlobal, CloudUSGov, CloudUSGovDoD, CloudChina} {
		c := cloudProfiles[key]
		names = append(names, c.loginHosts...)
		names = append(names, c.mailHosts...)
		names = append(names, c.msgraphHost)
	}
	slices.Sort(names)
	return slices.Compact(names)
}

// isExchange reports whether resource is one of the cloud's Exchange
// Online resource URIs.
func (c *cloudProfile) isExchange(resource string) bool {
	return slices.Contains(c.exchange, strings.TrimSuffix(resource, "/"))
}

// isGraph reports whether resource names Microsoft Graph in this cloud.
func (c *cloudProfile) isGraph(resource string) bool {
	r := strings.TrimSuffix(resource, "/")
	return r == c.graph || strings.EqualFold(r, GraphAppID)
}

// issuer returns the v1.0 token issuer for tenant tid.
func (c *cloudProfile) issuer(tid string) string { return c.sts + tid + "/" }

// foreignLoginHost reports whether host (without port) is the login host of
// another cloud: Entra in one cloud does not know tenants of another and
// answers AADSTS90002 there.
func (c *cloudProfile) foreignLoginHost(host string) bool {
	host = strings.ToLower(host)
	if slices.Contains(c.loginHosts, host) {
		return false
	}
	for _, other := range cloudProfiles {
		if slices.Contains(other.loginHosts, host) {
			return true
		}
	}
	return false
}

// requestBase returns "https://" plus the Host the client addressed, so
// that metadata names the host the client configured (MSAL checks that the
// issuer host equals the authority host). It falls back to AuthorityURL.
func (t *Tenant) requestBase(r *http.Request) string {
	if r != nil && r.Host != "" && !strings.ContainsAny(r.Host, "/\\ \"") {
		return "https://" + strings.ToLower(r.Host)
	}
	return t.AuthorityURL
}

// requestHostname returns the request's Host without port.
func requestHostname(r *http.Request) string {
	if r == nil {
		return ""
	}
	if h, _, err := net.SplitHostPort(r.Host); err == nil {
		return h
	}
	return r.Host
}
