package simulate

import (
	"net/http"
	"net/url"
	"strings"
)

// FederationHost is the simulated ADFS server a federated domain points to
// in the realm's api-version=2.0 AuthURL; the api-version=1.0 MEX and
// usernamemixed URLs point at the authority itself (404).
// It does not run; it only appears in realm answers.
const FederationHost = "adfs.contoso-sim.test"

// Realm namespace types.
const (
	RealmManaged   = "Managed"
	RealmFederated = "Federated"
	RealmUnknown   = "Unknown"
)

// userRealmV1 is the api-version=1.0 answer MSAL reads before a
// username/password grant, in Entra's field order.
type userRealmV1 struct {
	Ver                     string `json:"ver"`
	AccountType             string `json:"account_type"`
	DomainName              string `json:"domain_name,omitempty"`
	FederationProtocol      string `json:"federation_protocol,omitempty"`
	FederationMetadataURL   string `json:"federation_metadata_url,omitempty"`
	FederationActiveAuthURL string `json:"federation_active_auth_url,omitempty"`
	CloudInstanceName       string `json:"cloud_instance_name"`
	CloudAudienceURN        string `json:"cloud_audience_urn,omitempty"`
}

// userRealmV2 is the api-version=2.0 answer, in Entra's field order.
type userRealmV2 struct {
	NameSpaceType       string  `json:"NameSpaceType"`
	FederationProtocol  string  `json:"federation_protocol,omitempty"`
	Login               string  `json:"Login"`
	AuthURL             string  `json:"AuthURL,omitempty"`
	DomainName          string  `json:"DomainName"`
	FederationBrandName *string `json:"FederationBrandName"`
	TenantBrandingInfo  any     `json:"TenantBrandingInfo"`
	CloudInstanceName   string  `json:"cloud_instance_name"`
}

// handleUserRealm answers GET /common/userrealm/{user} (also
// /common/UserRealm/{user} and ?user=): api-version=2.0 with the
// NameSpaceType shape, anything else with MSAL's api-version=1.0 shape. No
// credentials are needed, as with Entra.
func (t *Tenant) handleUserRealm(w http.ResponseWriter, r *http.Request) {
	user := r.PathValue("user")
	if user == "" {
		user = r.URL.Query().Get("user")
	}
	domainName := user
	if i := strings.LastIndex(user, "@"); i >= 0 {
		domainName = user[i+1:]
	}
	t.mu.Lock()
	var dom Domain
	known := false
	if d := t.state.domain(domainName); d != nil && domainName != "" {
		dom, known = *d, true
		if dom.FederationBrandName == "" {
			dom.FederationBrandName = t.state.Directory.DisplayName
		}
	}
	t.mu.Unlock()

	kind := RealmUnknown
	switch {
	case known && dom.Federated:
		kind = RealmFederated
	case known:
		kind = RealmManaged
	}
	c := t.cloud
	if r.URL.Query().Get("api-version") == "2.0" {
		v := userRealmV2{NameSpaceType: kind, Login: user, DomainName: strings.ToLower(domainName), CloudInstanceName: c.instanceName}
		if known {
			v.DomainName = dom.Name
			v.FederationBrandName = &dom.FederationBrandName
		}
		if kind == RealmFederated {
			v.FederationProtocol = "WSTrust"
			v.AuthURL = "https://" + FederationHost + "/adfs/ls/?username=" + url.QueryEscape(user) +
				"&wa=wsignin1.0&wtrealm=" + url.QueryEscape(c.audienceURN) + "&wctx="
		}
		writeJSON(w, http.StatusOK, v)
		return
	}
	v := userRealmV1{Ver: "1.0", AccountType: kind, CloudInstanceName: c.instanceName}
	if known {
		v.DomainName, v.CloudAudienceURN = strings.ToLower(dom.Name), c.audienceURN
	}
	if kind == RealmFederated {
		v.FederationProtocol = "WSTrust"
		// MSAL fetches the MEX document next; pointing it at the authority
		// (which answers 404) keeps a federated sign-in offline and fast.
		v.FederationMetadataURL = t.requestBase(r) + "/adfs/services/trust/mex"
		v.FederationActiveAuthURL = t.requestBase(r) + "/adfs/services/trust/2005/usernamemixed"
	}
	writeJSON(w, http.StatusOK, v)
}
