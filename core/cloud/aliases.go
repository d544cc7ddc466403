package cloud

import "strings"

// authorityAliases are the host names under which each Entra ID sign-in
// host also answers (the aliases of Microsoft's instance metadata, as MSAL
// ships them). A tenant's OpenID configuration may name any alias of the
// authority's own host; any other host is not the sign-in service.
var authorityAliases = [][]string{
	{"login.microsoftonline.com", "login.windows.net", "login.microsoft.com", "sts.windows.net"},
	{"login.microsoftonline.us", "login.usgovcloudapi.net"},
	{"login.partner.microsoftonline.cn", "login.chinacloudapi.cn"},
}

// AuthorityAliases returns the host names that belong to the same sign-in
// service as host (host itself included), or just host when it has no
// known aliases (a private or simulated authority).
func AuthorityAliases(host string) []string {
	h := strings.ToLower(host)
	for _, set := range authorityAliases {
		for _, a := range set {
			if a == h {
				return append([]string(nil), set...)
			}
		}
	}
	return []string{h}
}
