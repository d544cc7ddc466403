package netenv

import (
	"crypto/tls"
	"crypto/x509"
	"strings"
)

// inspectionProducts are names found in the issuing CAs of TLS-inspecting
// proxies, firewalls and antivirus products.
var inspectionProducts = []string{
	"zscaler", "fortinet", "fortigate", "palo alto", "blue coat", "bluecoat", "symantec web", "netskope",
	"cisco umbrella", "opendns", "sophos", "check point", "checkpoint", "forcepoint", "websense", "barracuda",
	"mcafee", "skyhigh", "kaspersky", "avast", "avg web", "eset ssl", "bitdefender", "trend micro", "watchguard",
	"sonicwall", "iboss", "menlo security", "lightspeed", "securly", "contentkeeper", "untangle", "smoothwall",
	"cloudflare for teams", "cloudflare gateway", "proxy", "inspection", "ssl-inspect", "mitm",
}

// microsoftRoots are the public roots Microsoft 365's endpoints chain to
// (Microsoft's own and the DigiCert / Baltimore / GlobalSign roots its
// certificates have been issued under).
var microsoftRoots = []string{
	"digicert", "baltimore cybertrust", "microsoft rsa root certificate authority 2017",
	"microsoft ecc root certificate authority 2017", "microsoft root certificate authority", "globalsign",
}

// microsoftSuffixes are the host name endings of Microsoft 365 endpoints in
// every cloud.
var microsoftSuffixes = []string{
	"microsoftonline.com", "microsoftonline.us", "microsoftonline.cn", "office365.com", "office365.us", "office.com",
	"outlook.com", "microsoft.com", "microsoft.us", "outlook.cn", "chinacloudapi.cn", "apps.mil",
}

// Interception looks at a verified TLS session with host and says whether
// it looks intercepted: the issuer or root names an inspection product, or
// a Microsoft host's chain ends in a root Microsoft does not use. It
// returns "" when nothing is suspicious.
func Interception(host string, st tls.ConnectionState) string {
	chain := st.PeerCertificates
	if len(st.VerifiedChains) > 0 {
		chain = st.VerifiedChains[0]
	}
	if len(chain) == 0 {
		return ""
	}
	root := chain[len(chain)-1]
	for _, c := range chain {
		for _, name := range names(c.Issuer.CommonName, c.Issuer.Organization) {
			for _, p := range inspectionProducts {
				if strings.Contains(name, p) {
					return "the certificate for " + host + " was issued by \"" + issuer(c) + "\", a TLS-inspecting proxy or security product, not by Microsoft's certificate authority"
				}
			}
		}
	}
	if isMicrosoftHost(host) {
		rootNames := names(root.Subject.CommonName, root.Subject.Organization)
		for _, n := range rootNames {
			for _, m := range microsoftRoots {
				if strings.Contains(n, m) {
					return ""
				}
			}
		}
		return "the certificate chain for " + host + " ends in \"" + subject(root) + "\", which is not a root Microsoft uses: a proxy or security product is decrypting the traffic"
	}
	return ""
}

func isMicrosoftHost(host string) bool {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	for _, s := range microsoftSuffixes {
		if host == s || strings.HasSuffix(host, "."+s) {
			return true
		}
	}
	return false
}

func names(cn string, orgs []string) []string {
	out := []string{strings.ToLower(cn)}
	for _, o := range orgs {
		out = append(out, strings.ToLower(o))
	}
	return out
}

func issuer(c *x509.Certificate) string {
	if c.Issuer.CommonName != "" {
		return c.Issuer.CommonName
	}
	return c.Issuer.String()
}

func subject(c *x509.Certificate) string {
	if c.Subject.CommonName != "" {
		return c.Subject.CommonName
	}
	return c.Subject.String()
}
