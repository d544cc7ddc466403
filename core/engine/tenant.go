package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"github.com/mailoauth/mailoauth-tester/core/cloud"
	"github.com/mailoauth/mailoauth-tester/core/diagnose"
	"github.com/mailoauth/mailoauth-tester/core/probe"
	"github.com/mailoauth/mailoauth-tester/core/profile"
)

// tenantInfo is what a tenant's OpenID metadata says about it.
type tenantInfo struct {
	ID       string
	Instance string // cloud_instance_name
	Region   string // tenant_region_scope
}

// realmInfo is what the user-realm endpoint says about a domain.
type realmInfo struct {
	Type   string // Managed, Federated, Unknown
	Brand  string
	Domain string
	Auth   string // federation sign-in URL
}

// tenant discovers, without credentials, whether the tenant exists in the
// selected cloud (and which cloud it belongs to), and whether the mailbox's
// domain is managed or federated. It runs while the token is fetched.
func (r *run) tenant(ctx context.Context) {
	started := r.begin("tenant", fmt.Sprintf("Looking up tenant %s in %s", r.j.p.Tenant, r.j.cloud.Title))
	cctx, cancel := context.WithTimeout(ctx, connectTimeout)
	defer cancel()
	var wg sync.WaitGroup
	var realm realmInfo
	var realmErr error
	wg.Add(1)
	go func() {
		defer wg.Done()
		realm, realmErr = r.realm(cctx, r.j.p.SignInUser())
	}()
	info, d, err := r.discover(cctx)
	wg.Wait()
	if realmErr == nil && realm.Type != "" {
		r.log("tenant", Info, "realm "+realm.describe(), "")
		r.mu.Lock()
		r.realmKind = realm.Type
		r.mu.Unlock()
	}
	switch {
	case err != nil && ctx.Err() == context.Canceled:
		r.end("tenant", started, Skipped, "cancelled", nil)
	case err != nil:
		r.end("tenant", started, Fail, err.Error(), d)
	default:
		r.mu.Lock()
		if r.facts.TenantID == "" && profile.IsGUID(info.ID) {
			r.facts.TenantID = info.ID // from the server: only a GUID goes into texts and scripts
		}
		r.mu.Unlock()
		detail := fmt.Sprintf("tenant %s in %s", info.ID, info.Instance)
		if info.Region != "" {
			detail += ", region " + info.Region
		}
		if realm.Type != "" {
			detail += "; " + realm.describe()
		}
		if realm.Type == "Federated" && r.j.p.Flow == profile.Password {
			d := r.diag(diagnose.FederatedPasswordGrant, "")
			r.end("tenant", started, Warn, detail+" — username+password sign-in does not work for federated domains", d)
			return
		}
		if info.Instance != "" && !strings.EqualFold(info.Instance, r.j.cloud.InstanceName) {
			home := info.Instance
			if c, ok := cloud.ByInstance(info.Instance); ok {
				home = c.Title
			}
			d := r.diag(diagnose.WrongCloud, "")
			d.Cause = fmt.Sprintf("The tenant belongs to %s, but the test uses %s. ", home, r.j.cloud.Title) + d.Cause
			r.end("tenant", started, Warn, fmt.Sprintf("%s — the tenant is in %s, not %s", detail, home, r.j.cloud.Title), d)
			return
		}
		r.end("tenant", started, OK, detail, nil)
	}
}

func (ri realmInfo) describe() string {
	switch ri.Type {
	case "Federated":
		s := "domain " + ri.Domain + " is federated"
		if ri.Brand != "" {
			s += " with " + ri.Brand
		}
		return s + " (sign-in passwords are checked by the federation server, not Entra ID)"
	case "Managed":
		return "domain " + ri.Domain + " is managed by Entra ID"
	}
	return "domain " + ri.Domain + " is not known to Entra ID"
}

// discover reads the tenant's OpenID metadata.
func (r *run) discover(ctx context.Context) (tenantInfo, *diagnose.Diagnosis, error) {
	u := r.j.cloud.AuthorityHost + "/" + url.PathEscape(r.j.p.Tenant) + "/v2.0/.well-known/openid-configuration"
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	resp, err := r.httpClient("tenant").Do(req)
	if err != nil {
		if d, text, ok := r.guardDiagnosis(err, ""); ok {
			return tenantInfo{}, d, errors.New(text)
		}
		d, text := r.netDiagnosis("", r.j.cloud.AuthorityHostName(), err, "")
		if d == nil {
			d, text = r.recognize(err.Error(), ""), shortNetError(err)
		}
		return tenantInfo{}, d, fmt.Errorf("%s", text)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		if d, text, ok := r.guardDiagnosis(err, ""); ok {
			return tenantInfo{}, d, errors.New(text)
		}
		d, text := r.netDiagnosis(probe.StageCommand, r.j.cloud.AuthorityHostName(), err, "")
		if d == nil {
			d, text = r.recognize(err.Error(), ""), shortNetError(err)
		}
		return tenantInfo{}, d, errors.New(text)
	}
	if resp.StatusCode != http.StatusOK {
		d := r.recognize(string(body), "")
		d.Evidence = string(body)
		return tenantInfo{}, d, fmt.Errorf("%s has no tenant %q (HTTP %d): %s", r.j.cloud.AuthorityHostName(), r.j.p.Tenant, resp.StatusCode, firstLine(string(body)))
	}
	var m struct {
		Token    string `json:"token_endpoint"`
		Instance string `json:"cloud_instance_name"`
		Region   string `json:"tenant_region_scope"`
	}
	if err := json.Unmarshal(body, &m); err != nil {
		return tenantInfo{}, r.diag(diagnose.Unknown, ""), fmt.Errorf("the OpenID metadata is not JSON: %v", err)
	}
	info := tenantInfo{Instance: m.Instance, Region: m.Region}
	if tu, err := url.Parse(m.Token); err == nil {
		info.ID, _, _ = strings.Cut(strings.TrimPrefix(tu.Path, "/"), "/")
	}
	return info, nil, nil
}

// realm asks whether the mailbox's domain is managed or federated.
func (r *run) realm(ctx context.Context, user string) (realmInfo, error) {
	u := r.j.cloud.AuthorityHost + "/common/userrealm/" + url.PathEscape(user) + "?api-version=2.0"
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	resp, err := r.httpClient("tenant").Do(req)
	if err != nil {
		return realmInfo{}, err
	}
	defer resp.Body.Close()
	var m struct {
		Type   string `json:"NameSpaceType"`
		Domain string `json:"DomainName"`
		Brand  string `json:"FederationBrandName"`
		Auth   string `json:"AuthURL"`
	}
	if resp.StatusCode != http.StatusOK {
		return realmInfo{}, fmt.Errorf("user realm: HTTP %d", resp.StatusCode)
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 64<<10)).Decode(&m); err != nil {
		return realmInfo{}, err
	}
	if m.Domain == "" {
		_, m.Domain, _ = strings.Cut(user, "@")
	}
	return realmInfo{Type: m.Type, Domain: m.Domain, Brand: m.Brand, Auth: m.Auth}, nil
}

func firstLine(s string) string {
	var body struct {
		Desc string `json:"error_description"`
	}
	if json.Unmarshal([]byte(s), &body) == nil && body.Desc != "" {
		s = body.Desc
	}
	s, _, _ = strings.Cut(s, "\r\n")
	s, _, _ = strings.Cut(s, "\n")
	return truncate(s, 200)
}
