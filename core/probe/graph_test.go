package probe

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// graphServer answers like Microsoft Graph: 401 without a token, the inbox
// folder for the right one, and whatever a test puts in refuse.
type graphServer struct {
	srv    *httptest.Server
	mu     sync.Mutex
	seen   []string // method and path of each request
	auth   []string // its Authorization header
	refuse func(w http.ResponseWriter) bool
}

func startGraph(t *testing.T) *graphServer {
	g := &graphServer{}
	g.srv = httptest.NewTLSServer(http.HandlerFunc(g.serve))
	t.Cleanup(g.srv.Close)
	return g
}

func (g *graphServer) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	g.mu.Lock()
	g.seen = append(g.seen, r.Method+" "+r.URL.Path)
	g.auth = append(g.auth, r.Header.Get("Authorization"))
	refuse := g.refuse
	g.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	switch {
	case r.Header.Get("Authorization") == "":
		w.WriteHeader(http.StatusUnauthorized)
		io.WriteString(w, `{"error":{"code":"InvalidAuthenticationToken","message":"Access token is empty."}}`)
	case refuse != nil && refuse(w):
	case r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/mailFolders/inbox"):
		io.WriteString(w, `{"id":"AAMk","displayName":"Inbox","totalItemCount":3,"unreadItemCount":1}`)
	case r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/sendMail"):
		var m map[string]any
		if json.Unmarshal(body, &m) != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		w.WriteHeader(http.StatusAccepted)
	default:
		w.WriteHeader(http.StatusNotFound)
		io.WriteString(w, `{"error":{"code":"ResourceNotFound","message":"not found"}}`)
	}
}

func (g *graphServer) requests() ([]string, []string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]string(nil), g.seen...), append([]string(nil), g.auth...)
}

func TestGraphConnectAndLogin(t *testing.T) {
	g := startGraph(t)
	tr := NewTranscript(nil, nil)
	p := NewGraph(Config{User: testUser, BaseURL: g.srv.URL, Client: g.srv.Client(), SendTest: true, Target: Target{Transcript: tr}})
	if err := p.Connect(context.Background()); err != nil {
		t.Fatalf("Connect() = %v", err)
	}
	if st := p.(*Graph).Status(); st != http.StatusUnauthorized {
		t.Errorf("Status() = %d, want 401 without a token", st)
	}
	summary, err := p.Login(context.Background(), testToken)
	if err != nil || summary != "Inbox: 3 items, 1 unread; test message sent to "+testUser {
		t.Fatalf("Login() = %q, %v", summary, err)
	}
	seen, auth := g.requests()
	want := []string{"GET /v1.0/organization", "GET /v1.0/users/" + testUser + "/mailFolders/inbox", "POST /v1.0/users/" + testUser + "/sendMail"}
	if strings.Join(seen, "|") != strings.Join(want, "|") {
		t.Errorf("requests %v, want %v", seen, want)
	}
	if auth[0] != "" || auth[1] != "Bearer "+testToken {
		t.Errorf("Authorization headers %q: the connect request must carry no token, the login the token", auth)
	}
	for _, l := range tr.Lines() {
		if strings.Contains(l.Text, testToken) {
			t.Errorf("transcript line holds the token: %s", l)
		}
	}
}

func TestGraphMeForTheSignedInUser(t *testing.T) {
	g := startGraph(t)
	p := NewGraph(Config{User: testUser, Me: true, BaseURL: g.srv.URL, Client: g.srv.Client()})
	if _, err := p.Login(context.Background(), testToken); err != nil {
		t.Fatal(err)
	}
	if seen, _ := g.requests(); len(seen) != 1 || seen[0] != "GET /v1.0/me/mailFolders/inbox" {
		t.Errorf("requests %v, want /me", seen)
	}
}

func TestGraphErrors(t *testing.T) {
	tests := []struct {
		name   string
		refuse func(w http.ResponseWriter) bool
		check  func(t *testing.T, ge *GraphError)
	}{
		{"access policy", func(w http.ResponseWriter) bool {
			w.Header().Set("request-id", "abc")
			w.WriteHeader(http.StatusForbidden)
			io.WriteString(w, `{"error":{"code":"ErrorAccessDenied","message":"Access to OData is disabled: [RAOP] : Blocked by tenant configured AppOnly AccessPolicy settings."}}`)
			return true
		}, func(t *testing.T, ge *GraphError) {
			if ge.Status != 403 || ge.Code != "ErrorAccessDenied" || ge.RequestID != "abc" || ge.InsufficientClaims() || !strings.Contains(ge.Message, "RAOP") {
				t.Errorf("GraphError = %+v", ge)
			}
		}},
		{"claims challenge", func(w http.ResponseWriter) bool {
			w.Header().Set("WWW-Authenticate", `Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", error="insufficient_claims", claims="eyJhY2Nlc3NfdG9rZW4iOnt9fQ=="`)
			w.WriteHeader(http.StatusUnauthorized)
			io.WriteString(w, `{"error":{"code":"InvalidAuthenticationToken","message":"Continuous access evaluation resulted in challenge with result: InteractionRequired and code: TokenCreatedWithOutdatedPolicies"}}`)
			return true
		}, func(t *testing.T, ge *GraphError) {
			if ge.Status != 401 || !ge.InsufficientClaims() || !strings.Contains(ge.Challenge, "claims=") {
				t.Errorf("GraphError = %+v, want a claims challenge", ge)
			}
		}},
		{"no envelope", func(w http.ResponseWriter) bool {
			w.WriteHeader(http.StatusBadGateway)
			io.WriteString(w, "<html>proxy error</html>")
			return true
		}, func(t *testing.T, ge *GraphError) {
			if ge.Status != 502 || ge.Code != "Bad Gateway" || ge.Body != "<html>proxy error</html>" {
				t.Errorf("GraphError = %+v", ge)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := startGraph(t)
			g.refuse = tt.refuse
			p := NewGraph(Config{User: testUser, BaseURL: g.srv.URL, Client: g.srv.Client()})
			_, err := p.Login(context.Background(), testToken)
			ge, ok := IsGraphError(err)
			if !ok {
				t.Fatalf("Login() = %v, want *GraphError", err)
			}
			tt.check(t, ge)
		})
	}
}

func TestGraphBodyLimit(t *testing.T) {
	g := startGraph(t)
	g.refuse = func(w http.ResponseWriter) bool {
		chunk := strings.Repeat("x", 64<<10)
		for i := 0; i < 20; i++ {
			io.WriteString(w, chunk)
		}
		return true
	}
	_, err := NewGraph(Config{User: testUser, BaseURL: g.srv.URL, Client: g.srv.Client()}).Login(context.Background(), testToken)
	var le *LimitError
	if !errors.As(err, &le) || le.Limit != maxGraphBody {
		t.Errorf("Login() = %v, want *LimitError", err)
	}
}

func TestGraphHasNoPasswordLogin(t *testing.T) {
	if _, err := NewGraph(Config{}).LoginPassword(context.Background(), "u", "p"); !errors.Is(err, ErrNoPasswordLogin) {
		t.Errorf("LoginPassword() = %v", err)
	}
}
