package simulate

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
)

const (
	// maxFormBody bounds a token request; real ones are a few KB.
	maxFormBody = 1 << 20
	// assertionType is the only client_assertion_type Entra accepts.
	assertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
	// clockSkew is the leeway for client assertion times.
	clockSkew = 5 * 60
)

// oidcScopes are accepted and ignored in a client-credentials scope list.
var oidcScopes = []string{"openid", "profile", "offline_access", "email"}

// authorityHandler routes the Entra ID endpoints.
func (t *Tenant) authorityHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /common/discovery/instance", t.handleInstanceDiscovery)
	mux.HandleFunc("GET /{tenant}/v2.0/.well-known/openid-configuration", t.handleOpenIDConfig)
	mux.HandleFunc("GET /{tenant}/discovery/v2.0/keys", t.handleKeys)
	mux.HandleFunc("GET /{tenant}/discovery/keys", t.handleKeys)
	mux.HandleFunc("POST /{tenant}/oauth2/v2.0/token", t.handleToken)
	mux.HandleFunc("GET /{tenant}/oauth2/v2.0/authorize", t.handleAuthorize)
	mux.HandleFunc("POST /{tenant}/oauth2/v2.0/devicecode", t.handleDeviceCode)
	mux.HandleFunc("GET /devicelogin", t.handleDeviceLogin)
	mux.HandleFunc("POST /devicelogin", t.handleDeviceLogin)
	mux.HandleFunc("GET /common/userrealm/{user}", t.handleUserRealm)
	mux.HandleFunc("GET /common/UserRealm/{user}", t.handleUserRealm)
	mux.HandleFunc("GET /common/userrealm/", t.handleUserRealm)
	mux.HandleFunc("GET /common/UserRealm/", t.handleUserRealm)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "The resource you are looking for has been removed, had its name changed, or is temporarily unavailable.", http.StatusNotFound)
	})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.authorityReqs.Add(1)
		w.Header().Set("Cache-Control", "no-store, no-cache")
		mux.ServeHTTP(w, r)
	})
}

var (
	guidRe = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
	dnsRe  = regexp.MustCompile(`^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$`)
)

// resolveTenant maps a path tenant (GUID or verified domain, any case) to
// the tenant ID, or returns AADSTS90002 / AADSTS900023 as Entra does.
// Discovery works across clouds (login.microsoftonline.com knows a GCC High
// tenant and answers its metadata with cloud_instance_name
// microsoftonline.us); handleToken refuses cross-cloud token requests.
func (t *Tenant) resolveTenant(r *http.Request, seg string) (string, *aadError) {
	s := strings.ToLower(seg)
	t.mu.Lock()
	id, ok := t.state.Directory.ID, false
	if s == strings.ToLower(id) || s == strings.ToLower(t.state.Directory.Domain) || t.state.domain(s) != nil {
		ok = true
	}
	t.mu.Unlock()
	if ok {
		return id, nil
	}
	if guidRe.MatchString(s) || (len(s) <= 253 && dnsRe.MatchString(s)) {
		return "", errTenantNotFound(seg)
	}
	return "", errTenantInvalid(seg)
}

// endpoint builds an absolute URL for tenant tid on the host the request
// addressed.
func (t *Tenant) endpoint(r *http.Request, tid, path string) string {
	return t.requestBase(r) + "/" + tid + path
}

// handleOpenIDConfig serves the v2.0 OpenID Connect metadata.
// For the multi-tenant aliases (common, organizations, consumers) it
// answers like Entra: the endpoints under the alias and the issuer as the
// template ".../{tenantid}/v2.0". Every URL is on the host the client
// addressed, and the cloud fields follow Options.Cloud.
func (t *Tenant) handleOpenIDConfig(w http.ResponseWriter, r *http.Request) {
	seg := r.PathValue("tenant")
	base := t.requestBase(r)
	tid, issuer := "", ""
	switch strings.ToLower(seg) {
	case "common", "organizations", "consumers":
		tid, issuer = strings.ToLower(seg), base+"/{tenantid}/v2.0"
	default:
		var aerr *aadError
		if tid, aerr = t.resolveTenant(r, seg); aerr != nil {
			t.writeAADError(w, r, aerr)
			return
		}
		issuer = t.endpoint(r, tid, "/v2.0")
	}
	c := t.cloud
	var regionScope any = c.regionScope
	if tid == "common" || tid == "organizations" || tid == "consumers" {
		regionScope = nil
	}
	cfg := map[string]any{
		"token_endpoint":                        t.endpoint(r, tid, "/oauth2/v2.0/token"),
		"token_endpoint_auth_methods_supported": []string{"client_secret_post", "private_key_jwt", "client_secret_basic"},
		"jwks_uri":                              t.endpoint(r, tid, "/discovery/v2.0/keys"),
		"response_modes_supported":              []string{"query", "fragment", "form_post"},
		"subject_types_supported":               []string{"pairwise"},
		"id_token_signing_alg_values_supported": []string{"RS256"},
		"response_types_supported":              []string{"code", "id_token", "code id_token", "id_token token"},
		"scopes_supported":                      []string{"openid", "profile", "email", "offline_access"},
		"issuer":                                issuer,
		"request_uri_parameter_supported":       false,
		"userinfo_endpoint":                     "https://" + c.msgraphHost + "/oidc/userinfo",
		"authorization_endpoint":                t.endpoint(r, tid, "/oauth2/v2.0/authorize"),
		"device_authorization_endpoint":         t.endpoint(r, tid, "/oauth2/v2.0/devicecode"),
		"http_logout_supported":                 true,
		"frontchannel_logout_supported":         true,
		"end_session_endpoint":                  t.endpoint(r, tid, "/oauth2/v2.0/logout"),
		"claims_supported":                      []string{"sub", "iss", "cloud_instance_name", "cloud_instance_host_name", "cloud_graph_host_name", "msgraph_host", "aud", "exp", "iat", "auth_time", "acr", "nonce", "preferred_username", "name", "tid", "ver", "at_hash", "c_hash", "email"},
		"kerberos_endpoint":                     t.endpoint(r, tid, "/kerberos"),
		"tenant_region_scope":                   regionScope,
		"cloud_instance_name":                   c.instanceName,
		"cloud_graph_host_name":                 c.aadGraphHost,
		"msgraph_host":                          c.msgraphHost,
		"rbac_url":                              c.rbacURL,
	}
	if c.regionSubScope != "" && regionScope != nil {
		cfg["tenant_region_sub_scope"] = c.regionSubScope
	}
	writeJSON(w, http.StatusOK, cfg)
}

// handleKeys serves the JWKS with the token-signing key.
func (t *Tenant) handleKeys(w http.ResponseWriter, r *http.Request) {
	tid, aerr := t.resolveTenant(r, r.PathValue("tenant"))
	if aerr != nil {
		t.writeAADError(w, r, aerr)
		return
	}
	pub := &t.pki.signKey.PublicKey
	kid := x5t(t.pki.signCert)
	writeJSON(w, http.StatusOK, map[string]any{"keys": []map[string]any{{
		"kty":    "RSA",
		"use":    "sig",
		"kid":    kid,
		"x5t":    kid,
		"n":      base64.RawURLEncoding.EncodeToString(pub.N.Bytes()),
		"e":      base64.RawURLEncoding.EncodeToString(big.NewInt(int64(pub.E)).Bytes()),
		"x5c":    []string{base64.StdEncoding.EncodeToString(t.pki.signCert.Raw)},
		"issuer": t.endpoint(r, tid, "/v2.0"),
	}}})
}

// handleInstanceDiscovery answers MSAL's instance discovery for the host
// the client addressed, with the cloud's other login hosts as aliases when
// that host is one of them.
func (t *Tenant) handleInstanceDiscovery(w http.ResponseWriter, r *http.Request) {
	base := t.requestBase(r)
	host := strings.TrimPrefix(base, "https://")
	aliases := []string{host}
	if slices.Contains(t.cloud.loginHosts, host) {
		aliases = slices.Clone(t.cloud.loginHosts)
	}
	tenant := "common"
	if u, err := url.Parse(r.URL.Query().Get("authorization_endpoint")); err == nil {
		if seg := strings.Split(strings.Trim(u.Path, "/"), "/"); seg[0] != "" {
			tenant = seg[0]
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"tenant_discovery_endpoint": base + "/" + tenant + "/v2.0/.well-known/openid-configuration",
		"api-version":               "1.1",
		"metadata": []map[string]any{{
			"preferred_network": host,
			"preferred_cache":   host,
			"aliases":           aliases,
		}},
	})
}

// handleToken implements the token endpoint: client credentials here,
// the user grants in userGrant.
func (t *Tenant) handleToken(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
	if err := r.ParseForm(); err != nil {
		t.writeAADError(w, r, errMissingParam("grant_type"))
		return
	}
	tid, aerr := t.resolveTenant(r, r.PathValue("tenant"))
	if aerr != nil {
		t.writeAADError(w, r, aerr)
		return
	}
	if t.cloud.foreignLoginHost(requestHostname(r)) {
		t.writeAADError(w, r, errCrossCloud())
		return
	}
	form := r.PostForm
	switch grant := form.Get("grant_type"); grant {
	case "client_credentials":
	case "authorization_code", "password", "refresh_token", "device_code", deviceCodeGrantURN:
		t.userGrant(w, r, tid, grant)
		return
	case "":
		t.writeAADError(w, r, errMissingParam("grant_type"))
		return
	default:
		t.writeAADError(w, r, errUnsupportedGrant(grant))
		return
	}
	tok, aerr := t.clientCredentials(r, tid)
	if aerr != nil {
		t.writeAADError(w, r, aerr)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"token_type":     "Bearer",
		"expires_in":     3599,
		"ext_expires_in": 3599,
		"access_token":   tok,
	})
}

// clientCredentials validates a client_credentials request and mints the
// token.
func (t *Tenant) clientCredentials(r *http.Request, tid string) (string, *aadError) {
	form := r.PostForm
	clientID := form.Get("client_id")
	basicID, basicSecret, hasBasic := r.BasicAuth()
	if clientID == "" && hasBasic {
		clientID = basicID
	}
	if clientID == "" {
		return "", errMissingParam("client_id")
	}
	now := t.now()
	t.mu.Lock()
	defer t.mu.Unlock()
	app := t.state.app(clientID)
	if app == nil {
		return "", errAppNotFound(clientID, t.state.Directory.DisplayName)
	}
	if aerr := t.appUsable(app); aerr != nil {
		return "", aerr
	}
	var acr string
	switch secret, assertion := form.Get("client_secret"), form.Get("client_assertion"); {
	case assertion != "":
		if aerr := t.checkAssertion(r, app, tid, r.PathValue("tenant"), form.Get("client_assertion_type"), assertion, now.Unix()); aerr != nil {
			return "", aerr
		}
		acr = "2"
	case secret != "" || (hasBasic && basicSecret != ""):
		if secret == "" {
			secret = basicSecret
		}
		if aerr := checkSecret(app, secret, now); aerr != nil {
			return "", aerr
		}
		acr = "1"
	default:
		return "", errCredentialMissing()
	}
	resource, aerr := t.parseScope(form.Get("scope"))
	if aerr != nil {
		return "", aerr
	}
	tok, err := t.mintAccessToken(app, resource, acr, now)
	if err != nil {
		return "", errServer(err)
	}
	return tok, nil
}

// parseScope returns the resource of a client-credentials scope list.
// The caller holds t.mu.
func (t *Tenant) parseScope(scope string) (string, *aadError) {
	var resource string
	for _, s := range strings.Fields(scope) {
		if slices.Contains(oidcScopes, s) {
			continue
		}
		res, ok := strings.CutSuffix(s, "/.default")
		if !ok {
			return "", errScopeNotDefault(s)
		}
		if !t.cloud.isExchange(res) && !t.cloud.isGraph(res) {
			return "", errResourceNotFound(res, t.state.Directory.DisplayName)
		}
		if resource == "" {
			resource = res
		}
	}
	if resource == "" {
		return "", errMissingParam("scope")
	}
	return resource, nil
}

// writeJSON writes v as JSON without HTML escaping, as Entra does.
func writeJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	w.Write(bytes.TrimRight(buf.Bytes(), "\n"))
}
