package simulate

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"net"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/confidential"
	"github.com/emersion/go-imap/v2/imapclient"
)

// routedClient returns an HTTP client whose dialer sends the cloud host
// names to the fake's listeners; TLS verifies the real names against the
// simulated CA.
func routedClient(ten *Tenant) *http.Client {
	authority := strings.TrimPrefix(ten.AuthorityURL, "https://")
	graph := strings.TrimPrefix(ten.GraphURL, "https://")
	routes := map[string]string{}
	for _, c := range cloudProfiles {
		for _, h := range c.loginHosts {
			routes[h+":443"] = authority
		}
		routes[c.msgraphHost+":443"] = graph
	}
	d := &net.Dialer{Timeout: testTimeout}
	return &http.Client{
		Timeout: 30 * time.Second,
		Transport: &http.Transport{
			TLSClientConfig: &tls.Config{RootCAs: ten.RootCAs(), MinVersion: tls.VersionTLS12},
			DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
				if to, ok := routes[addr]; ok {
					addr = to
				}
				return d.DialContext(ctx, network, addr)
			},
		},
	}
}

// cloudApp builds an MSAL client with a real-host authority, instance
// discovery left on.
func cloudApp(t *testing.T, ten *Tenant, host string, cred confidential.Credential) confidential.Client {
	t.Helper()
	app, err := confidential.New("https://"+host+"/"+ten.TenantID, ten.ClientID, cred, confidential.WithHTTPClient(routedClient(ten)))
	if err != nil {
		t.Fatalf("confidential.New() = %v", err)
	}
	return app
}

func TestCloudUSGov(t *testing.T) {
	ten := startTenant(t, Options{Cloud: CloudUSGov})
	if ten.Cloud != CloudUSGov || ten.ExchangeResource != "https://outlook.office365.us" || ten.GraphResource != "https://graph.microsoft.us" || ten.LoginHost != "login.microsoftonline.us" {
		t.Fatalf("Tenant = %s %s %s %s", ten.Cloud, ten.ExchangeResource, ten.GraphResource, ten.LoginHost)
	}
	app := cloudApp(t, ten, "login.microsoftonline.us", secretCred(t, ten.ClientSecret))
	tok, err := acquire(t, app, "https://outlook.office365.us/.default")
	if err != nil {
		t.Fatalf("AcquireTokenByCredential(usgov) = %v", err)
	}
	c := claims(t, tok)
	if c["aud"] != "https://outlook.office365.us" || c["iss"] != "https://sts.windows.net/"+ten.TenantID+"/" {
		t.Errorf("claims aud=%v iss=%v", c["aud"], c["iss"])
	}
	if roles, _ := c["roles"].([]any); !slices.Contains(roles, any(RoleIMAP)) {
		t.Errorf("roles = %v", c["roles"])
	}

	// go-imap to outlook.office365.us:993, routed to the fake.
	nc, err := net.DialTimeout("tcp", ten.IMAPAddr, testTimeout)
	if err != nil {
		t.Fatal(err)
	}
	ic := imapclient.New(tls.Client(nc, &tls.Config{RootCAs: ten.RootCAs(), ServerName: "outlook.office365.us", MinVersion: tls.VersionTLS12}), nil)
	t.Cleanup(func() { ic.Close() })
	if err := ic.Authenticate(&xoauth2{user: ten.Mailbox, token: tok}); err != nil {
		t.Fatalf("IMAP Authenticate(usgov token) = %v", err)
	}
	if sel, err := ic.Select("INBOX", nil).Wait(); err != nil || sel.NumMessages != 3 {
		t.Errorf("Select() = %+v, %v", sel, err)
	}

	// The global Exchange resource does not exist in GCC High.
	_, err = acquire(t, app, exchangeScope)
	if body, _ := callErrBody(t, err); !slices.Equal(body.ErrorCodes, []int{500011}) || body.ErrorURI != "https://login.microsoftonline.us/error?code=500011" {
		t.Errorf("global scope in usgov: %+v", body)
	}
	// The global cloud's login host knows the tenant (discovery says it is
	// in microsoftonline.us) but refuses a cross-cloud token request.
	_, err = acquire(t, cloudApp(t, ten, "login.microsoftonline.com", secretCred(t, ten.ClientSecret)), "https://outlook.office365.us/.default")
	if body, _ := callErrBody(t, err); !slices.Equal(body.ErrorCodes, []int{900382}) ||
		!strings.HasPrefix(body.ErrorDescription, "AADSTS900382: Confidential Client is not supported in Cross Cloud request.") {
		t.Errorf("usgov tenant at login.microsoftonline.com: %+v", body)
	}
	gresp, err := routedClient(ten).Get("https://login.microsoftonline.com/" + ten.TenantID + "/v2.0/.well-known/openid-configuration")
	if err != nil {
		t.Fatal(err)
	}
	var gcfg map[string]any
	json.NewDecoder(gresp.Body).Decode(&gcfg)
	gresp.Body.Close()
	if gresp.StatusCode != 200 || gcfg["cloud_instance_name"] != "microsoftonline.us" || gcfg["issuer"] != "https://login.microsoftonline.com/"+ten.TenantID+"/v2.0" {
		t.Errorf("usgov tenant metadata at login.microsoftonline.com = %d %v", gresp.StatusCode, gcfg)
	}

	// The metadata names the host the client used and the cloud.
	resp, err := routedClient(ten).Get("https://login.microsoftonline.us/" + ten.TenantID + "/v2.0/.well-known/openid-configuration")
	if err != nil {
		t.Fatal(err)
	}
	var cfg map[string]any
	json.NewDecoder(resp.Body).Decode(&cfg)
	resp.Body.Close()
	want := map[string]any{
		"issuer":                  "https://login.microsoftonline.us/" + ten.TenantID + "/v2.0",
		"token_endpoint":          "https://login.microsoftonline.us/" + ten.TenantID + "/oauth2/v2.0/token",
		"cloud_instance_name":     "microsoftonline.us",
		"tenant_region_scope":     "USGov",
		"tenant_region_sub_scope": "DODCON",
		"msgraph_host":            "graph.microsoft.us",
	}
	for k, v := range want {
		if cfg[k] != v {
			t.Errorf("%s = %v, want %v", k, cfg[k], v)
		}
	}

	// A Graph token for graph.microsoft.us works at the Graph stand-in.
	gtok, err := acquire(t, app, "https://graph.microsoft.us/.default")
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("GET", "https://graph.microsoft.us/v1.0/users/"+ten.Mailbox+"/mailFolders/inbox", nil)
	req.Header.Set("Authorization", "Bearer "+gtok)
	gr, err := routedClient(ten).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var folder map[string]any
	json.NewDecoder(gr.Body).Decode(&folder)
	gr.Body.Close()
	if gr.StatusCode != 200 || !strings.HasPrefix(folder["@odata.context"].(string), "https://graph.microsoft.us/v1.0/") {
		t.Errorf("usgov Graph = %d %v", gr.StatusCode, folder)
	}

	// The same token is rejected by a global-cloud fake.
	global := startTenant(t, Options{})
	gc := dialIMAP(t, global)
	if err := gc.Authenticate(&xoauth2{user: global.Mailbox, token: tok}); err == nil {
		t.Error("global fake accepted a usgov token")
	}
	// Even a correctly signed token is refused for its audience.
	global.mu.Lock()
	usTok, err := global.mintAccessToken(global.state.app(global.ClientID), "https://outlook.office365.us", "1", time.Now())
	global.mu.Unlock()
	if err != nil {
		t.Fatal(err)
	}
	gc2 := dialIMAP(t, global)
	if err := gc2.Authenticate(&xoauth2{user: global.Mailbox, token: usTok}); err == nil {
		t.Error("global fake accepted an outlook.office365.us token")
	}
	if r := global.LastRejection(ProtoIMAP); !strings.Contains(r, "audience") {
		t.Errorf("LastRejection = %q, want an audience reason", r)
	}
	if _, err := acquire(t, newApp(t, global, global.TenantID, global.ClientID, secretCred(t, global.ClientSecret)), "https://outlook.office365.us/.default"); err == nil {
		t.Error("global authority issued a token for outlook.office365.us")
	}
}

func TestCloudChinaWithCertificate(t *testing.T) {
	ten := startTenant(t, Options{Cloud: CloudChina})
	pemData, err := os.ReadFile(ten.CertFile)
	if err != nil {
		t.Fatal(err)
	}
	certs, key, err := confidential.CertFromPEM(pemData, "")
	if err != nil {
		t.Fatal(err)
	}
	cred, err := confidential.NewCredFromCert(certs, key)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := acquire(t, cloudApp(t, ten, "login.partner.microsoftonline.cn", cred), "https://partner.outlook.cn/.default")
	if err != nil {
		t.Fatalf("AcquireTokenByCredential(china, cert) = %v", err)
	}
	if c := claims(t, tok); c["aud"] != "https://partner.outlook.cn" || c["iss"] != "https://sts.chinacloudapi.cn/"+ten.TenantID+"/" || c["appidacr"] != "2" {
		t.Errorf("claims = %v", c)
	}
	if _, err := acquire(t, cloudApp(t, ten, "login.chinacloudapi.cn", secretCred(t, ten.ClientSecret)), "https://microsoftgraph.chinacloudapi.cn/.default"); err != nil {
		t.Errorf("legacy China host, Graph scope: %v", err)
	}
	c := dialIMAP(t, ten)
	if err := c.Authenticate(&xoauth2{user: ten.Mailbox, token: tok}); err != nil {
		t.Errorf("IMAP with china token: %v", err)
	}
}

func TestCloudDoDGraph(t *testing.T) {
	ten := startTenant(t, Options{Cloud: CloudUSGovDoD})
	app := cloudApp(t, ten, "login.microsoftonline.us", secretCred(t, ten.ClientSecret))
	gtok, err := acquire(t, app, "https://dod-graph.microsoft.us/.default")
	if err != nil {
		t.Fatal(err)
	}
	if g := graphDo(t, ten, "GET", "/v1.0/users/"+ten.Mailbox+"/mailFolders/inbox", gtok, nil); g.status != 200 ||
		!strings.HasPrefix(g.body["@odata.context"].(string), "https://dod-graph.microsoft.us/") {
		t.Errorf("DoD Graph = %d %s", g.status, g.raw)
	}
	// A GCC High Graph token is a wrong audience in DoD.
	if _, err := acquire(t, app, "https://graph.microsoft.us/.default"); err == nil {
		t.Error("DoD authority issued a token for graph.microsoft.us")
	}
	if tok, err := acquire(t, app, "https://outlook-dod.office365.us/.default"); err != nil {
		t.Error(err)
	} else {
		expectGraphError(t, graphDo(t, ten, "GET", "/v1.0/users/"+ten.Mailbox+"/mailFolders/inbox", tok, nil), 401, "InvalidAuthenticationToken", "Access token validation failure. Invalid audience.")
	}
}

func TestCloudOptionAndCertificateNames(t *testing.T) {
	if _, err := Start(Options{Cloud: "germany"}); err == nil {
		t.Error("Start(unknown cloud) = nil error")
	}
	ten := startTenant(t, Options{Cloud: "GLOBAL"})
	if ten.Cloud != CloudGlobal || ten.ExchangeResource != ResourceExchange || ten.GraphResource != ResourceGraph {
		t.Errorf("Tenant = %s %s %s", ten.Cloud, ten.ExchangeResource, ten.GraphResource)
	}
	leaf := ten.pki.serverTLS.Leaf
	for _, h := range []string{"login.microsoftonline.com", "login.microsoftonline.us", "login.partner.microsoftonline.cn", "login.chinacloudapi.cn",
		"outlook.office365.com", "smtp.office365.com", "outlook.office365.us", "smtp.office365.us", "outlook-dod.office365.us",
		"partner.outlook.cn", "smtp.partner.outlook.cn", "graph.microsoft.com", "graph.microsoft.us", "dod-graph.microsoft.us",
		"microsoftgraph.chinacloudapi.cn", "localhost"} {
		if err := leaf.VerifyHostname(h); err != nil {
			t.Errorf("certificate does not cover %s: %v", h, err)
		}
	}
}
