package simulate

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"
)

// getRealm fetches a realm document.
func getRealm(t *testing.T, ten *Tenant, path string) (int, map[string]any, string) {
	t.Helper()
	resp, err := ten.HTTPClient().Get(ten.AuthorityURL + path)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	var raw json.RawMessage
	if err := json.NewDecoder(resp.Body).Decode(&raw); err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	var m map[string]any
	json.Unmarshal(raw, &m)
	return resp.StatusCode, m, string(raw)
}

func TestUserRealm(t *testing.T) {
	ten := startTenant(t, Options{})
	user := ten.Mailbox
	esc := url.PathEscape(user)

	// Managed, v2.0 and v1.0 (MSAL's path and field names).
	status, v2, raw := getRealm(t, ten, "/common/userrealm/"+esc+"?api-version=2.0")
	if status != 200 || v2["NameSpaceType"] != "Managed" || v2["Login"] != user || v2["DomainName"] != ten.TenantDomain ||
		v2["FederationBrandName"] != "Contoso (simulated)" || v2["cloud_instance_name"] != "microsoftonline.com" || v2["AuthURL"] != nil {
		t.Errorf("managed v2 = %d %s", status, raw)
	}
	if _, ok := v2["TenantBrandingInfo"]; !ok || !strings.HasPrefix(raw, `{"NameSpaceType":"Managed","Login":`) {
		t.Errorf("managed v2 shape = %s", raw)
	}
	status, v1, raw := getRealm(t, ten, "/common/UserRealm/"+esc+"?api-version=1.0")
	if status != 200 || raw != `{"ver":"1.0","account_type":"Managed","domain_name":"`+ten.TenantDomain+`","cloud_instance_name":"microsoftonline.com","cloud_audience_urn":"urn:federation:MicrosoftOnline"}` {
		t.Errorf("managed v1 = %d %s", status, raw)
	}
	_ = v1
	if _, m, _ := getRealm(t, ten, "/common/userrealm/?user="+url.QueryEscape(user)+"&api-version=2.0"); m["NameSpaceType"] != "Managed" {
		t.Errorf("?user= form = %v", m)
	}

	// Unknown domain.
	_, v2, raw = getRealm(t, ten, "/common/userrealm/someone@fabrikam-sim.example?api-version=2.0")
	if v2["NameSpaceType"] != "Unknown" || v2["Login"] != "someone@fabrikam-sim.example" || v2["FederationBrandName"] != nil {
		t.Errorf("unknown v2 = %s", raw)
	}
	_, _, raw = getRealm(t, ten, "/common/UserRealm/someone@fabrikam-sim.example?api-version=1.0")
	if raw != `{"ver":"1.0","account_type":"Unknown","cloud_instance_name":"microsoftonline.com"}` {
		t.Errorf("unknown v1 = %s", raw)
	}

	// Federated.
	if err := ten.SetScenario("federated-domain"); err != nil {
		t.Fatal(err)
	}
	_, v2, raw = getRealm(t, ten, "/common/userrealm/"+esc+"?api-version=2.0")
	auth, _ := v2["AuthURL"].(string)
	if v2["NameSpaceType"] != "Federated" || v2["federation_protocol"] != "WSTrust" || v2["FederationBrandName"] != "Contoso ADFS" ||
		!strings.HasPrefix(auth, "https://adfs.contoso-sim.test/adfs/ls/?username="+url.QueryEscape(user)+"&wa=wsignin1.0") {
		t.Errorf("federated v2 = %s", raw)
	}
	_, v1, raw = getRealm(t, ten, "/common/UserRealm/"+esc+"?api-version=1.0")
	if v1["account_type"] != "Federated" || v1["federation_protocol"] != "WSTrust" ||
		v1["federation_metadata_url"] != ten.AuthorityURL+"/adfs/services/trust/mex" ||
		v1["federation_active_auth_url"] != ten.AuthorityURL+"/adfs/services/trust/2005/usernamemixed" ||
		v1["domain_name"] != ten.TenantDomain || v1["cloud_audience_urn"] != "urn:federation:MicrosoftOnline" {
		t.Errorf("federated v1 = %s", raw)
	}
	// Client credentials are unaffected by federation.
	token(t, ten)

	// National cloud names.
	us := startTenant(t, Options{Cloud: CloudUSGov})
	if _, m, raw := getRealm(t, us, "/common/UserRealm/"+url.PathEscape(us.Mailbox)+"?api-version=1.0"); m["cloud_instance_name"] != "microsoftonline.us" {
		t.Errorf("usgov v1 = %s", raw)
	}
}

func TestOpenIDConfigurationCloudFields(t *testing.T) {
	ten := startTenant(t, Options{})
	status, cfg, raw := getRealm(t, ten, "/"+ten.TenantID+"/v2.0/.well-known/openid-configuration")
	if status != 200 {
		t.Fatal(raw)
	}
	for k, v := range map[string]any{"cloud_instance_name": "microsoftonline.com", "msgraph_host": "graph.microsoft.com",
		"cloud_graph_host_name": "graph.windows.net", "tenant_region_scope": "EU", "issuer": ten.AuthorityURL + "/" + ten.TenantID + "/v2.0"} {
		if cfg[k] != v {
			t.Errorf("%s = %v, want %v", k, cfg[k], v)
		}
	}
	if _, ok := cfg["tenant_region_sub_scope"]; ok {
		t.Errorf("global tenant has tenant_region_sub_scope")
	}
	_, common, _ := getRealm(t, ten, "/common/v2.0/.well-known/openid-configuration")
	if v, ok := common["tenant_region_scope"]; !ok || v != nil {
		t.Errorf("common tenant_region_scope = %v, want null", v)
	}
	status, bad, _ := getRealm(t, ten, "/contoso-unknown.onmicrosoft.com/v2.0/.well-known/openid-configuration")
	if status != 400 || bad["error"] != "invalid_tenant" || !strings.HasPrefix(bad["error_description"].(string), "AADSTS90002: Tenant 'contoso-unknown.onmicrosoft.com' not found.") {
		t.Errorf("unknown tenant = %d %v", status, bad)
	}
}
