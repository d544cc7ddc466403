// Package netcheck asks the sign-in service what it knows without
// credentials: whether a tenant exists and in which cloud (its OpenID
// configuration), whether a user's domain is managed or federated (the
// user realm), and whether the service answers at all, with its clock. It
// returns typed results and errors; the caller decides what they mean.
// Requests go through the caller's *http.Client, so its guards, proxy and
// body limits apply.
package netcheck

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/mailoauth/mailoauth-tester/core/probe"
)

// maxAnswer caps what is read of an answer: OpenID configurations and
// realm answers are a few KB; anything far larger is not the service.
const maxAnswer = 1 << 20

// Tenant is what a tenant's OpenID configuration says about it.
type Tenant struct {
	ID       string // the tenant GUID, from the token endpoint's path
	Instance string // cloud_instance_name, e.g. "microsoftonline.com"
	Region   string // tenant_region_scope, e.g. "EU"
}

// TenantError is an authority's answer without the tenant's metadata: the
// tenant does not exist there (or the request was refused). Body is the
// answer as sent (Entra's JSON error); it never holds a credential.
type TenantError struct {
	Host   string
	Tenant string
	Status int
	Body   string
}

var _ error = (*TenantError)(nil)

func (e *TenantError) Error() string {
	return fmt.Sprintf("%s has no tenant %q (HTTP %d): %s", e.Host, e.Tenant, e.Status, firstLine(e.Body))
}

// FormatError is an answer that is not what the endpoint sends (not JSON).
type FormatError struct {
	What string
	Err  error
}

var _ error = (*FormatError)(nil)

func (e *FormatError) Error() string { return fmt.Sprintf("the %s is not JSON: %v", e.What, e.Err) }

func (e *FormatError) Unwrap() error { return e.Err }

// Discover reads the tenant's OpenID configuration at authority (an https
// URL without a path). Errors are the client's (network, guards, limits),
// *TenantError or *FormatError.
func Discover(ctx context.Context, client *http.Client, authority, tenant string) (Tenant, error) {
	u := strings.TrimSuffix(authority, "/") + "/" + url.PathEscape(tenant) + "/v2.0/.well-known/openid-configuration"
	body, status, _, err := get(ctx, client, u)
	if err != nil {
		return Tenant{}, err
	}
	if status != http.StatusOK {
		return Tenant{}, &TenantError{Host: hostOf(authority), Tenant: tenant, Status: status, Body: string(body)}
	}
	var m struct {
		Token    string `json:"token_endpoint"`
		Instance string `json:"cloud_instance_name"`
		Region   string `json:"tenant_region_scope"`
	}
	if err := json.Unmarshal(body, &m); err != nil {
		return Tenant{}, &FormatError{What: "OpenID metadata", Err: err}
	}
	t := Tenant{Instance: m.Instance, Region: m.Region}
	if tu, err := url.Parse(m.Token); err == nil {
		t.ID, _, _ = strings.Cut(strings.TrimPrefix(tu.Path, "/"), "/")
	}
	return t, nil
}

// Realm kinds, as the user-realm endpoint names them.
const (
	Managed   = "Managed"
	Federated = "Federated"
	Unknown   = "Unknown"
)

// Realm is what the user-realm endpoint says about a user's domain.
type Realm struct {
	Type    string // Managed, Federated or Unknown
	Domain  string
	Brand   string // the federation server's brand name
	AuthURL string // where a federated domain's passwords are checked
}

// Describe says what the realm means for a sign-in, in one line.
func (r Realm) Describe() string {
	switch r.Type {
	case Federated:
		s := "domain " + r.Domain + " is federated"
		if r.Brand != "" {
			s += " with " + r.Brand
		}
		return s + " (sign-in passwords are checked by the federation server, not Entra ID)"
	case Managed:
		return "domain " + r.Domain + " is managed by Entra ID"
	}
	return "domain " + r.Domain + " is not known to Entra ID"
}

// RealmError is a user-realm answer other than 200.
type RealmError struct{ Status int }

func (e *RealmError) Error() string { return fmt.Sprintf("user realm: HTTP %d", e.Status) }

// LookupRealm asks whether user's domain is managed or federated. Errors
// are the client's, *RealmError or *FormatError.
func LookupRealm(ctx context.Context, client *http.Client, authority, user string) (Realm, error) {
	u := strings.TrimSuffix(authority, "/") + "/common/userrealm/" + url.PathEscape(user) + "?api-version=2.0"
	body, status, _, err := get(ctx, client, u)
	if err != nil {
		return Realm{}, err
	}
	if status != http.StatusOK {
		return Realm{}, &RealmError{Status: status}
	}
	var m struct {
		Type   string `json:"NameSpaceType"`
		Domain string `json:"DomainName"`
		Brand  string `json:"FederationBrandName"`
		Auth   string `json:"AuthURL"`
	}
	if err := json.Unmarshal(body, &m); err != nil {
		return Realm{}, &FormatError{What: "user realm answer", Err: err}
	}
	if m.Domain == "" {
		_, m.Domain, _ = strings.Cut(user, "@")
	}
	return Realm{Type: m.Type, Domain: m.Domain, Brand: m.Brand, AuthURL: m.Auth}, nil
}

// Answer is how a service answered a request without credentials.
type Answer struct {
	Status   int
	Date     time.Time // the server's Date header (zero when it sent none)
	Received time.Time // this computer's clock when the answer came
}

// ReachAuthority fetches the common OpenID configuration at authority:
// the sign-in service answers without credentials, and its Date header
// tells its clock. now is this computer's clock. Errors are the client's.
func ReachAuthority(ctx context.Context, client *http.Client, authority string, now func() time.Time) (Answer, error) {
	_, status, h, err := get(ctx, client, strings.TrimSuffix(authority, "/")+"/common/v2.0/.well-known/openid-configuration")
	if err != nil {
		return Answer{}, err
	}
	a := Answer{Status: status, Received: now()}
	if d, err := http.ParseTime(h.Get("Date")); err == nil {
		a.Date = d
	}
	return a, nil
}

// Skew is how far this computer's clock is ahead of the server's
// (negative: behind), by the Date of an answer.
func (a Answer) Skew() (time.Duration, bool) {
	if a.Date.IsZero() {
		return 0, false
	}
	return a.Received.Sub(a.Date), true
}

// get sends one GET and reads the answer; one longer than maxAnswer is a
// *probe.LimitError.
func get(ctx context.Context, client *http.Client, u string) ([]byte, int, http.Header, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, 0, nil, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, 0, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer+1))
	if err != nil {
		return nil, 0, nil, err
	}
	if len(body) > maxAnswer {
		return nil, 0, nil, &probe.LimitError{Addr: req.URL.Host, What: "response", Limit: maxAnswer}
	}
	return body, resp.StatusCode, resp.Header, nil
}

// hostOf is the host[:port] of an https URL.
func hostOf(raw string) string {
	if u, err := url.Parse(raw); err == nil && u.Host != "" {
		return u.Host
	}
	return raw
}

// firstLine is the first line of Entra's error_description, or of the body.
func firstLine(s string) string {
	var body struct {
		Desc string `json:"error_description"`
	}
	if json.Unmarshal([]byte(s), &body) == nil && body.Desc != "" {
		s = body.Desc
	}
	s, _, _ = strings.Cut(s, "\r\n")
	s, _, _ = strings.Cut(s, "\n")
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}
