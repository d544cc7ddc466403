// Package cloud holds the per-cloud endpoints of Microsoft 365: the Entra ID
// authority host, the Exchange Online resource and mail hosts, Microsoft
// Graph and the Azure portal. Only Worldwide is filled in for now; national
// clouds are added as more values of the same type.
package cloud

import (
	"fmt"
	"sort"
	"strings"
)

// Cloud is one Microsoft 365 cloud instance. Every host a run talks to comes
// from here, so switching the cloud switches them all together.
type Cloud struct {
	Name             string // short stable name used on the command line, e.g. "global"
	Title            string // label for people
	AuthorityHost    string // Entra ID sign-in, as an https URL without a path
	ExchangeResource string // resource (audience) of Exchange Online tokens
	IMAPHost         string // host:port, implicit TLS
	POPHost          string // host:port, implicit TLS
	SMTPHost         string // host:port, STARTTLS
	GraphHost        string // https URL without a path
	PortalHost       string // Azure portal host name
}

// Global is the worldwide commercial cloud, also used by GCC (moderate).
var Global = Cloud{
	Name:             "global",
	Title:            "Worldwide (includes GCC moderate)",
	AuthorityHost:    "https://login.microsoftonline.com",
	ExchangeResource: "https://outlook.office365.com",
	IMAPHost:         "outlook.office365.com:993",
	POPHost:          "outlook.office365.com:995",
	SMTPHost:         "smtp.office365.com:587",
	GraphHost:        "https://graph.microsoft.com",
	PortalHost:       "portal.azure.com",
}

var all = map[string]Cloud{Global.Name: Global}

// Lookup returns the cloud with the given name (case-insensitive).
// The error names the known clouds.
func Lookup(name string) (Cloud, error) {
	c, ok := all[strings.ToLower(strings.TrimSpace(name))]
	if !ok {
		return Cloud{}, fmt.Errorf("cloud: unknown cloud %q (known: %s)", name, strings.Join(Names(), ", "))
	}
	return c, nil
}

// Names lists the known cloud names, sorted.
func Names() []string {
	names := make([]string, 0, len(all))
	for n := range all {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// ExchangeScope is the client-credentials scope for Exchange Online tokens.
func (c Cloud) ExchangeScope() string { return c.ExchangeResource + "/.default" }

// AuthorityHostName is the host part of AuthorityHost, e.g. "login.microsoftonline.com".
func (c Cloud) AuthorityHostName() string {
	h := strings.TrimPrefix(strings.TrimPrefix(c.AuthorityHost, "https://"), "http://")
	return strings.TrimSuffix(h, "/")
}
