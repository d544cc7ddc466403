package netcheck

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/mailoauth/mailoauth-tester/core/probe"
)

const tenantID = "72f988bf-86f1-41af-91ab-2d7cd011db47"

// authority answers like Entra ID's discovery and user-realm endpoints.
func authority(t *testing.T, h http.HandlerFunc) *httptest.Server {
	srv := httptest.NewTLSServer(h)
	t.Cleanup(srv.Close)
	return srv
}

func TestDiscover(t *testing.T) {
	tests := []struct {
		name    string
		status  int
		body    string
		want    Tenant
		wantErr any
	}{
		{"worldwide tenant", 200, `{"token_endpoint":"https://login.microsoftonline.com/` + tenantID + `/oauth2/v2.0/token","cloud_instance_name":"microsoftonline.com","tenant_region_scope":"EU"}`,
			Tenant{ID: tenantID, Instance: "microsoftonline.com", Region: "EU"}, nil},
		{"GCC High tenant", 200, `{"token_endpoint":"https://login.microsoftonline.us/` + tenantID + `/oauth2/v2.0/token","cloud_instance_name":"microsoftonline.us"}`,
			Tenant{ID: tenantID, Instance: "microsoftonline.us"}, nil},
		{"no such tenant", 400, `{"error":"invalid_tenant","error_description":"AADSTS90002: Tenant 'nope' not found.\r\nTrace ID: x","error_codes":[90002]}`,
			Tenant{}, new(*TenantError)},
		{"not JSON", 200, `<html>captive portal</html>`, Tenant{}, new(*FormatError)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := authority(t, func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path != "/contoso.onmicrosoft.com/v2.0/.well-known/openid-configuration" {
					t.Errorf("path %s", r.URL.Path)
				}
				w.WriteHeader(tt.status)
				io.WriteString(w, tt.body)
			})
			got, err := Discover(context.Background(), srv.Client(), srv.URL, "contoso.onmicrosoft.com")
			switch want := tt.wantErr.(type) {
			case nil:
				if err != nil || got != tt.want {
					t.Errorf("Discover() = %+v, %v; want %+v", got, err, tt.want)
				}
			case **TenantError:
				if !errors.As(err, want) || (*want).Status != 400 || !strings.Contains(err.Error(), "AADSTS90002: Tenant 'nope' not found.") || strings.Contains(err.Error(), "Trace ID") {
					t.Errorf("Discover() error = %v", err)
				}
			case **FormatError:
				if !errors.As(err, want) {
					t.Errorf("Discover() error = %v, want *FormatError", err)
				}
			}
		})
	}
}

func TestDiscoverStopsAnEndlessAnswer(t *testing.T) {
	srv := authority(t, func(w http.ResponseWriter, r *http.Request) {
		chunk := strings.Repeat(" ", 64<<10)
		for i := 0; i < 40; i++ {
			if _, err := io.WriteString(w, chunk); err != nil {
				return
			}
		}
	})
	_, err := Discover(context.Background(), srv.Client(), srv.URL, "contoso.com")
	var le *probe.LimitError
	if !errors.As(err, &le) {
		t.Errorf("Discover() = %v, want *probe.LimitError", err)
	}
}

func TestLookupRealm(t *testing.T) {
	tests := []struct {
		body string
		want Realm
		text string
	}{
		{`{"NameSpaceType":"Managed","DomainName":"contoso.com"}`, Realm{Type: Managed, Domain: "contoso.com"}, "domain contoso.com is managed by Entra ID"},
		{`{"NameSpaceType":"Federated","DomainName":"contoso.com","FederationBrandName":"Contoso ADFS","AuthURL":"https://adfs.contoso.com/adfs/ls/"}`,
			Realm{Type: Federated, Domain: "contoso.com", Brand: "Contoso ADFS", AuthURL: "https://adfs.contoso.com/adfs/ls/"}, "domain contoso.com is federated with Contoso ADFS"},
		{`{"NameSpaceType":"Unknown"}`, Realm{Type: Unknown, Domain: "contoso.com"}, "domain contoso.com is not known to Entra ID"},
	}
	for _, tt := range tests {
		srv := authority(t, func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != "/common/userrealm/support@contoso.com" || r.URL.Query().Get("api-version") != "2.0" {
				t.Errorf("request %s", r.URL)
			}
			io.WriteString(w, tt.body)
		})
		got, err := LookupRealm(context.Background(), srv.Client(), srv.URL, "support@contoso.com")
		if err != nil || got != tt.want || !strings.HasPrefix(got.Describe(), tt.text) {
			t.Errorf("LookupRealm() = %+v (%s), %v; want %+v", got, got.Describe(), err, tt.want)
		}
	}
	srv := authority(t, func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNotFound) })
	var re *RealmError
	if _, err := LookupRealm(context.Background(), srv.Client(), srv.URL, "a@b.c"); !errors.As(err, &re) || re.Status != 404 {
		t.Errorf("LookupRealm() = %v, want *RealmError 404", err)
	}
}

func TestReachAuthorityReadsTheClock(t *testing.T) {
	server := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	srv := authority(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Date", server.Format(http.TimeFormat))
		io.WriteString(w, `{}`)
	})
	local := server.Add(7 * time.Minute)
	ans, err := ReachAuthority(context.Background(), srv.Client(), srv.URL, func() time.Time { return local })
	if err != nil || ans.Status != 200 {
		t.Fatalf("ReachAuthority() = %+v, %v", ans, err)
	}
	if skew, ok := ans.Skew(); !ok || skew != 7*time.Minute {
		t.Errorf("Skew() = %s, %v; want 7m ahead", skew, ok)
	}
	if _, ok := (Answer{}).Skew(); ok {
		t.Error("an answer without Date has a skew")
	}
}
