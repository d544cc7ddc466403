package simulate

import (
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/confidential"
	"software.sslmate.com/src/go-pkcs12"
)

func TestTokenWithSecret(t *testing.T) {
	ten := startTenant(t, Options{})
	tok := token(t, ten)
	c := claims(t, tok)
	want := map[string]any{
		"aud": ResourceExchange, "iss": "https://sts.windows.net/" + ten.TenantID + "/",
		"appid": ten.ClientID, "appidacr": "1", "idtyp": "app", "tid": ten.TenantID, "ver": "1.0",
		"app_displayname": ten.AppName,
	}
	for k, v := range want {
		if c[k] != v {
			t.Errorf("claim %s = %v, want %v", k, c[k], v)
		}
	}
	roles, _ := c["roles"].([]any)
	for _, r := range []string{RoleIMAP, RolePOP, RoleSMTP} {
		if !slices.Contains(roles, any(r)) {
			t.Errorf("roles = %v, want %s", roles, r)
		}
	}
	exp, _ := c["exp"].(float64)
	iat, _ := c["iat"].(float64)
	if exp-iat < 3600 {
		t.Errorf("lifetime = %v s, want about an hour", exp-iat)
	}
	if n := len(tok); n < 1200 || n > 3000 {
		t.Errorf("token length = %d, want a realistic 1.2-3 KB", n)
	}
	if got := ten.IssuedTokens(); len(got) != 1 || got[0] != tok {
		t.Errorf("IssuedTokens() = %d tokens, want the one issued", len(got))
	}
}

func TestTokenWithPEMCertificate(t *testing.T) {
	ten := startTenant(t, Options{})
	pemData, err := os.ReadFile(ten.CertFile)
	if err != nil {
		t.Fatal(err)
	}
	certs, key, err := confidential.CertFromPEM(pemData, "")
	if err != nil {
		t.Fatalf("CertFromPEM() = %v", err)
	}
	cred, err := confidential.NewCredFromCert(certs, key)
	if err != nil {
		t.Fatalf("NewCredFromCert() = %v", err)
	}
	tok, err := acquire(t, newApp(t, ten, ten.TenantID, ten.ClientID, cred), exchangeScope)
	if err != nil {
		t.Fatalf("AcquireTokenByCredential() = %v", err)
	}
	if got := claims(t, tok)["appidacr"]; got != "2" {
		t.Errorf("appidacr = %v, want 2", got)
	}
	if thumb := thumbprintSHA1(certs[0]); thumb != ten.CertThumbprint {
		t.Errorf("CertThumbprint = %s, want %s", ten.CertThumbprint, thumb)
	}
}

func TestTokenWithPFXCertificate(t *testing.T) {
	ten := startTenant(t, Options{})
	pfx, err := os.ReadFile(ten.PFXFile)
	if err != nil {
		t.Fatal(err)
	}
	key, cert, _, err := pkcs12.DecodeChain(pfx, ten.PFXPassword)
	if err != nil {
		t.Fatalf("DecodeChain() = %v", err)
	}
	cred, err := confidential.NewCredFromCert([]*x509.Certificate{cert}, key)
	if err != nil {
		t.Fatalf("NewCredFromCert() = %v", err)
	}
	if _, err := acquire(t, newApp(t, ten, ten.TenantDomain, ten.ClientID, cred), exchangeScope); err != nil {
		t.Fatalf("AcquireTokenByCredential() with domain authority = %v", err)
	}
}

func TestTokenAuthorityVariants(t *testing.T) {
	ten := startTenant(t, Options{})
	for _, tenant := range []string{ten.TenantID, strings.ToUpper(ten.TenantID), strings.ToUpper(ten.TenantDomain)} {
		if _, err := acquire(t, newApp(t, ten, tenant, ten.ClientID, secretCred(t, ten.ClientSecret)), exchangeScope); err != nil {
			t.Errorf("authority tenant %q: %v", tenant, err)
		}
	}
}

func TestTokenResources(t *testing.T) {
	ten := startTenant(t, Options{})
	app := newApp(t, ten, ten.TenantID, ten.ClientID, secretCred(t, ten.ClientSecret))
	tok, err := acquire(t, app, "https://graph.microsoft.com/.default")
	if err != nil {
		t.Fatalf("Graph token: %v", err)
	}
	c := claims(t, tok)
	if c["aud"] != ResourceGraph {
		t.Errorf("aud = %v, want %s", c["aud"], ResourceGraph)
	}
	if roles, _ := c["roles"].([]any); !slices.Equal(roles, []any{PermMailRead, PermMailSend}) {
		t.Errorf("Graph token roles = %v, want [Mail.Read Mail.Send]", c["roles"])
	}
	tok, err = acquire(t, app, "https://outlook.office.com/.default")
	if err != nil {
		t.Fatalf("outlook.office.com token: %v", err)
	}
	if got := claims(t, tok)["aud"]; got != ResourceExchangeLegacy {
		t.Errorf("aud = %v, want %s", got, ResourceExchangeLegacy)
	}
}

func TestTokenWithoutConsentHasNoRoles(t *testing.T) {
	ten := startTenant(t, Options{Scenario: "no-admin-consent"})
	if c := claims(t, token(t, ten)); c["roles"] != nil {
		t.Errorf("roles = %v, want claim absent", c["roles"])
	}
}

// TestTokenErrors drives MSAL into every Entra error and checks the JSON
// body the tester will diagnose.
func TestTokenErrors(t *testing.T) {
	ten := startTenant(t, Options{})
	pemData, err := os.ReadFile(ten.CertFile)
	if err != nil {
		t.Fatal(err)
	}
	certs, key, err := confidential.CertFromPEM(pemData, "")
	if err != nil {
		t.Fatal(err)
	}
	certCred, err := confidential.NewCredFromCert(certs, key)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, scenario, tenant, clientID, scope string
		cert                                    bool
		status                                  int
		errName                                 string
		code                                    int
		prefix                                  string
	}{
		{name: "secret-wrong", scenario: "secret-wrong", status: 401, errName: "invalid_client", code: 7000215,
			prefix: "AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '" + ten.ClientID + "'.\r\nTrace ID: "},
		{name: "secret-expired", scenario: "secret-expired", status: 401, errName: "invalid_client", code: 7000222,
			prefix: "AADSTS7000222: The provided client secret keys for app '" + ten.ClientID + "' are expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret"},
		{name: "app-unknown", scenario: "app-unknown", status: 400, errName: "unauthorized_client", code: 700016,
			prefix: "AADSTS700016: Application with identifier '" + ten.ClientID + "' was not found in the directory 'Contoso (simulated)'. This can happen if the application has not been installed"},
		{name: "tenant-unknown", scenario: "tenant-unknown", status: 400, errName: "invalid_tenant", code: 90002,
			prefix: "AADSTS90002: Tenant '" + ten.TenantID + "' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud."},
		{name: "tenant-unknown-domain", scenario: "tenant-unknown", tenant: ten.TenantDomain, status: 400, errName: "invalid_tenant", code: 90002,
			prefix: "AADSTS90002: Tenant '" + ten.TenantDomain + "' not found."},
		{name: "tenant-malformed", tenant: "contoso", status: 400, errName: "invalid_request", code: 900023,
			prefix: "AADSTS900023: Specified tenant identifier 'contoso' is neither a valid DNS name, nor a valid external domain."},
		{name: "cert-not-registered", scenario: "cert-not-registered", cert: true, status: 401, errName: "invalid_client", code: 700027,
			prefix: "AADSTS700027: The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., Thumbprint of key used by client: '"},
		{name: "scope-without-default", scope: "https://outlook.office365.com/IMAP.AccessAsApp", status: 400, errName: "invalid_scope", code: 1002012,
			prefix: "AADSTS1002012: The provided value for scope https://outlook.office365.com/IMAP.AccessAsApp is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI)."},
		{name: "unknown-resource", scope: "https://mail.example.com/.default", status: 400, errName: "invalid_resource", code: 500011,
			prefix: "AADSTS500011: The resource principal named https://mail.example.com was not found in the tenant named Contoso (simulated)."},
		{name: "app-disabled", scenario: "app-disabled", status: 400, errName: "unauthorized_client", code: 7000112,
			prefix: "AADSTS7000112: Application '" + ten.ClientID + "'(" + ten.AppName + ") is disabled."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := ten.SetScenario(tc.scenario); err != nil {
				t.Fatal(err)
			}
			tenant, clientID, scope := ten.TenantID, ten.ClientID, exchangeScope
			if tc.tenant != "" {
				tenant = tc.tenant
			}
			if tc.scope != "" {
				scope = tc.scope
			}
			cred := secretCred(t, ten.ClientSecret)
			if tc.cert {
				cred = certCred
			}
			_, err := acquire(t, newApp(t, ten, tenant, clientID, cred), scope)
			if err == nil {
				t.Fatal("AcquireTokenByCredential() = nil error, want an AADSTS error")
			}
			body, status := callErrBody(t, err)
			if status != tc.status || body.Error != tc.errName || !slices.Equal(body.ErrorCodes, []int{tc.code}) {
				t.Errorf("got %d %s %v, want %d %s [%d]", status, body.Error, body.ErrorCodes, tc.status, tc.errName, tc.code)
			}
			if !strings.HasPrefix(body.ErrorDescription, tc.prefix) {
				t.Errorf("error_description = %q\nwant prefix %q", body.ErrorDescription, tc.prefix)
			}
			checkTrailer(t, body)
		})
	}
}

// checkTrailer verifies the trace lines and fields every Entra error has.
func checkTrailer(t *testing.T, b aadBody) {
	t.Helper()
	trailer := regexp.MustCompile(`\r\nTrace ID: [0-9a-f-]{36}\r\nCorrelation ID: [0-9a-f-]{36}\r\nTimestamp: \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$`)
	if !trailer.MatchString(b.ErrorDescription) {
		t.Errorf("error_description %q lacks the Trace ID/Correlation ID/Timestamp lines", b.ErrorDescription)
	}
	if !strings.Contains(b.ErrorDescription, "Trace ID: "+b.TraceID) || !strings.Contains(b.ErrorDescription, "Correlation ID: "+b.CorrelationID) {
		t.Errorf("trace_id/correlation_id do not match the description")
	}
	if b.ErrorURI != "https://login.microsoftonline.com/error?code="+itoa(b.ErrorCodes[0]) {
		t.Errorf("error_uri = %q", b.ErrorURI)
	}
}

func itoa(n int) string { return big.NewInt(int64(n)).String() }

func TestCertScenarioKeepsSecretWorking(t *testing.T) {
	ten := startTenant(t, Options{Scenario: "cert-not-registered"})
	token(t, ten)
}

// postToken sends a raw token request.
func postToken(t *testing.T, ten *Tenant, tenant string, form url.Values) (int, aadBody, map[string]any) {
	t.Helper()
	resp, err := ten.HTTPClient().PostForm(ten.AuthorityURL+"/"+tenant+"/oauth2/v2.0/token", form)
	if err != nil {
		t.Fatalf("POST token: %v", err)
	}
	defer resp.Body.Close()
	var raw map[string]any
	var body aadBody
	dec := json.NewDecoder(resp.Body)
	if err := dec.Decode(&raw); err != nil {
		t.Fatalf("decode: %v", err)
	}
	b, _ := json.Marshal(raw)
	json.Unmarshal(b, &body)
	return resp.StatusCode, body, raw
}

// assertion builds a client assertion signed by the app key.
func assertion(t *testing.T, ten *Tenant, mutate func(h, c map[string]any)) string {
	t.Helper()
	now := time.Now()
	sum := sha256Sum(ten.pki.appCert.Raw)
	h := map[string]any{"alg": "PS256", "typ": "JWT", "x5t#S256": base64.StdEncoding.EncodeToString(sum)}
	c := map[string]any{
		"aud": ten.AuthorityURL + "/" + ten.TenantID + "/oauth2/v2.0/token",
		"exp": now.Add(10 * time.Minute).Unix(), "nbf": now.Unix(),
		"iss": ten.ClientID, "sub": ten.ClientID, "jti": newGUID(),
	}
	if mutate != nil {
		mutate(h, c)
	}
	alg, _ := h["alg"].(string)
	tok, err := signJWT(ten.pki.appKey, alg, h, c)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func TestTokenEndpointRawErrors(t *testing.T) {
	ten := startTenant(t, Options{})
	base := func() url.Values {
		return url.Values{"grant_type": {"client_credentials"}, "client_id": {ten.ClientID}, "scope": {exchangeScope}}
	}
	withAssertion := func(a string) url.Values {
		f := base()
		f.Set("client_assertion_type", assertionType)
		f.Set("client_assertion", a)
		return f
	}
	tests := []struct {
		name   string
		form   url.Values
		status int
		code   int
	}{
		{"no credential", base(), 401, 7000216},
		{"no grant", url.Values{"client_id": {ten.ClientID}}, 400, 900144},
		{"unsupported grant", url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:jwt-bearer"}}, 400, 70003},
		{"rs256 assertion", withAssertion(assertion(t, ten, func(h, c map[string]any) {
			delete(h, "x5t#S256")
			h["alg"], h["x5t"] = "RS256", x5t(ten.pki.appCert)
		})), 200, 0},
		{"tampered assertion", withAssertion(assertion(t, ten, nil) + "x"), 401, 700027},
		{"wrong audience", withAssertion(assertion(t, ten, func(h, c map[string]any) { c["aud"] = "https://example.com/token" })), 401, 700212},
		{"expired assertion", withAssertion(assertion(t, ten, func(h, c map[string]any) { c["exp"] = time.Now().Add(-time.Hour).Unix() })), 401, 700024},
		{"wrong issuer", withAssertion(assertion(t, ten, func(h, c map[string]any) { c["iss"] = newGUID() })), 401, 700021},
		{"garbage assertion", withAssertion("not-a-jwt"), 401, 50027},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, body, raw := postToken(t, ten, ten.TenantID, tc.form)
			if status != tc.status {
				t.Fatalf("status = %d (%v), want %d", status, raw, tc.status)
			}
			if tc.code == 0 {
				if raw["access_token"] == nil || raw["token_type"] != "Bearer" || raw["expires_in"] != float64(3599) {
					t.Errorf("success body = %v", raw)
				}
				return
			}
			if !slices.Equal(body.ErrorCodes, []int{tc.code}) || !strings.HasPrefix(body.ErrorDescription, "AADSTS"+itoa(tc.code)+": ") {
				t.Errorf("body = %+v, want code %d", body, tc.code)
			}
			checkTrailer(t, body)
		})
	}
}

func TestOpenIDConfigurationAndKeys(t *testing.T) {
	ten := startTenant(t, Options{})
	hc := ten.HTTPClient()
	get := func(path string, v any) int {
		t.Helper()
		resp, err := hc.Get(ten.AuthorityURL + path)
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		defer resp.Body.Close()
		if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
			t.Fatalf("GET %s: decode: %v", path, err)
		}
		return resp.StatusCode
	}
	var cfg map[string]any
	if status := get("/"+strings.ToUpper(ten.TenantDomain)+"/v2.0/.well-known/openid-configuration", &cfg); status != 200 {
		t.Fatalf("openid-configuration status %d", status)
	}
	if want := ten.AuthorityURL + "/" + ten.TenantID + "/v2.0"; cfg["issuer"] != want {
		t.Errorf("issuer = %v, want %s", cfg["issuer"], want)
	}
	for _, f := range []string{"authorization_endpoint", "token_endpoint", "jwks_uri", "device_authorization_endpoint"} {
		if s, _ := cfg[f].(string); !strings.HasPrefix(s, ten.AuthorityURL+"/"+ten.TenantID+"/") {
			t.Errorf("%s = %v", f, cfg[f])
		}
	}
	var bad aadBody
	if status := get("/"+newGUID()+"/v2.0/.well-known/openid-configuration", &bad); status != 400 || !slices.Equal(bad.ErrorCodes, []int{90002}) {
		t.Errorf("unknown tenant: %d %v, want 400 [90002]", status, bad.ErrorCodes)
	}
	if status := get("/not_a_tenant/v2.0/.well-known/openid-configuration", &bad); status != 400 || !slices.Equal(bad.ErrorCodes, []int{900023}) {
		t.Errorf("malformed tenant: %d %v, want 400 [900023]", status, bad.ErrorCodes)
	}

	// The JWKS key verifies an issued token.
	var jwks struct {
		Keys []struct{ Kid, X5t, N, E string } `json:"keys"`
	}
	get("/"+ten.TenantID+"/discovery/v2.0/keys", &jwks)
	if len(jwks.Keys) != 1 {
		t.Fatalf("keys = %+v", jwks.Keys)
	}
	k := jwks.Keys[0]
	n, _ := base64.RawURLEncoding.DecodeString(k.N)
	e, _ := base64.RawURLEncoding.DecodeString(k.E)
	pub := &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(new(big.Int).SetBytes(e).Int64())}
	p, err := parseJWT(token(t, ten))
	if err != nil {
		t.Fatal(err)
	}
	if err := p.verify(pub, "RS256"); err != nil {
		t.Errorf("token does not verify with the JWKS key: %v", err)
	}
	if p.headerString("kid") != k.Kid || p.headerString("x5t") != k.X5t || p.headerString("typ") != "JWT" {
		t.Errorf("token header %v does not name the JWKS key %s", p.header, k.Kid)
	}

	var inst map[string]any
	get("/common/discovery/instance?api-version=1.1&authorization_endpoint="+url.QueryEscape(ten.AuthorityURL+"/"+ten.TenantID+"/oauth2/v2.0/authorize"), &inst)
	if want := ten.AuthorityURL + "/" + ten.TenantID + "/v2.0/.well-known/openid-configuration"; inst["tenant_discovery_endpoint"] != want {
		t.Errorf("tenant_discovery_endpoint = %v, want %s", inst["tenant_discovery_endpoint"], want)
	}
}

func TestBadTenantNeverReachesMail(t *testing.T) {
	ten := startTenant(t, Options{Scenario: "tenant-unknown"})
	_, err := acquire(t, newApp(t, ten, ten.TenantID, ten.ClientID, secretCred(t, ten.ClientSecret)), exchangeScope)
	if err == nil {
		t.Fatal("want an error")
	}
	st := ten.Connections()
	if st.AuthorityRequests == 0 || st.Authority == 0 {
		t.Errorf("Connections() = %+v, want authority traffic", st)
	}
	if st.IMAP+st.POP+st.SMTP != 0 {
		t.Errorf("Connections() = %+v, want no mail connections", st)
	}
	if len(ten.IssuedTokens()) != 0 {
		t.Errorf("tokens issued for an unknown tenant")
	}
}

func sha256Sum(b []byte) []byte {
	sum := sha256.Sum256(b)
	return sum[:]
}
