package simulate

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// graphScope is the client-credentials scope for Microsoft Graph.
const graphScope = "https://graph.microsoft.com/.default"

// graphToken acquires a Graph token with the printed secret.
func graphTok(t *testing.T, ten *Tenant) string {
	t.Helper()
	tok, err := acquire(t, newApp(t, ten, ten.TenantID, ten.ClientID, secretCred(t, ten.ClientSecret)), graphScope)
	if err != nil {
		t.Fatalf("AcquireTokenByCredential(Graph) = %v", err)
	}
	return tok
}

// graphResp is a decoded Graph reply.
type graphResp struct {
	status int
	header http.Header
	raw    []byte
	body   map[string]any
}

// errCode returns error.code, error.message of an error reply.
func (g graphResp) errCode() (string, string) {
	e, _ := g.body["error"].(map[string]any)
	code, _ := e["code"].(string)
	msg, _ := e["message"].(string)
	return code, msg
}

// graphDo sends one request to the Graph stand-in. tok "" sends no
// Authorization header.
func graphDo(t *testing.T, ten *Tenant, method, path, tok string, body any) graphResp {
	t.Helper()
	var rd io.Reader
	if body != nil {
		if s, ok := body.(string); ok {
			rd = strings.NewReader(s)
		} else {
			b, _ := json.Marshal(body)
			rd = bytes.NewReader(b)
		}
	}
	req, err := http.NewRequest(method, ten.GraphURL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	req.Header.Set("client-request-id", "4a43e743-e897-4758-8d7d-21858c198e1d")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := ten.HTTPClient().Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	g := graphResp{status: resp.StatusCode, header: resp.Header, raw: raw}
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &g.body); err != nil {
			t.Fatalf("%s %s: body %q is not JSON", method, path, raw)
		}
	}
	return g
}

// expectGraphError checks status, code and message (prefix) and the
// envelope's innerError.
func expectGraphError(t *testing.T, g graphResp, status int, code, msgPrefix string) {
	t.Helper()
	gotCode, gotMsg := g.errCode()
	if g.status != status || gotCode != code || !strings.HasPrefix(gotMsg, msgPrefix) {
		t.Fatalf("got %d %s %q, want %d %s %q (body %s)", g.status, gotCode, gotMsg, status, code, msgPrefix, g.raw)
	}
	inner, _ := g.body["error"].(map[string]any)["innerError"].(map[string]any)
	if inner["request-id"] != g.header.Get("request-id") || inner["client-request-id"] != "4a43e743-e897-4758-8d7d-21858c198e1d" {
		t.Errorf("innerError = %v, headers request-id %q", inner, g.header.Get("request-id"))
	}
	if d, _ := inner["date"].(string); !regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$`).MatchString(d) {
		t.Errorf("innerError.date = %q", d)
	}
}

func sendBody(to ...string) map[string]any {
	var rcpts []map[string]any
	for _, a := range to {
		rcpts = append(rcpts, map[string]any{"emailAddress": map[string]any{"address": a}})
	}
	return map[string]any{
		"message": map[string]any{
			"subject":      "Mail OAuth Tester",
			"body":         map[string]any{"contentType": "Text", "content": "test"},
			"toRecipients": rcpts,
		},
		"saveToSentItems": false,
	}
}

func TestGraphInboxAndSend(t *testing.T) {
	ten := startTenant(t, Options{})
	tok := graphTok(t, ten)
	inbox := "/v1.0/users/" + ten.Mailbox + "/mailFolders/inbox"
	g := graphDo(t, ten, "GET", inbox, tok, nil)
	if g.status != 200 {
		t.Fatalf("GET inbox = %d %s", g.status, g.raw)
	}
	wantCtx := "https://graph.microsoft.com/v1.0/$metadata#users('" + strings.ReplaceAll(ten.Mailbox, "@", "%40") + "')/mailFolders/$entity"
	if g.body["@odata.context"] != wantCtx || g.body["displayName"] != "Inbox" || g.body["totalItemCount"] != float64(3) || g.body["unreadItemCount"] != float64(1) ||
		g.body["childFolderCount"] != float64(0) || g.body["isHidden"] != false {
		t.Errorf("inbox = %s", g.raw)
	}
	if id, _ := g.body["id"].(string); !strings.HasPrefix(id, "AAMkA") || g.body["parentFolderId"] == id {
		t.Errorf("id = %v parentFolderId = %v", g.body["id"], g.body["parentFolderId"])
	}
	if n, _ := g.body["sizeInBytes"].(float64); n < 500 {
		t.Errorf("sizeInBytes = %v", g.body["sizeInBytes"])
	}
	if !guidRe.MatchString(g.header.Get("request-id")) || g.header.Get("client-request-id") != "4a43e743-e897-4758-8d7d-21858c198e1d" || g.header.Get("Date") == "" {
		t.Errorf("headers = %v", g.header)
	}
	for _, path := range []string{
		"/v1.0/users/" + url.PathEscape(strings.ToUpper(ten.Mailbox)) + "/MailFolders/Inbox",
		"/v1.0/users/" + strings.ReplaceAll(ten.Mailbox, "@", "%40") + "/mailFolders/inbox",
		"/v1.0/users/" + ten.MailboxObjectID + "/mailFolders/inbox",
	} {
		if g := graphDo(t, ten, "GET", path, tok, nil); g.status != 200 {
			t.Errorf("GET %s = %d %s", path, g.status, g.raw)
		}
	}

	send := "/v1.0/users/" + ten.Mailbox + "/sendMail"
	if n := ten.GraphSends(ten.Mailbox); n != 0 {
		t.Fatalf("GraphSends before = %d", n)
	}
	g = graphDo(t, ten, "POST", send, tok, sendBody("someone@fabrikam-sim.example"))
	if g.status != 202 || len(g.raw) != 0 {
		t.Fatalf("sendMail = %d %q", g.status, g.raw)
	}
	if n := ten.GraphSends(ten.Mailbox); n != 1 {
		t.Errorf("GraphSends = %d, want 1", n)
	}
	if sent := ten.GraphSent(ten.MailboxObjectID); len(sent) != 1 || sent[0].To[0] != "someone@fabrikam-sim.example" || sent[0].SaveToSentItems {
		t.Errorf("GraphSent = %+v", sent)
	}
	if n := ten.SentMessages(ten.Mailbox); n != 0 {
		t.Errorf("SentMessages (SMTP) = %d, want 0", n)
	}

	// Errors in the request itself.
	expectGraphError(t, graphDo(t, ten, "POST", send, tok, sendBody("not an address")), 400, "ErrorInvalidRecipients",
		"At least one recipient is not valid., Recipient 'not an address' is not resolved. All recipients must be resolved before a message can be submitted.")
	expectGraphError(t, graphDo(t, ten, "POST", send, tok, sendBody()), 400, "ErrorInvalidRecipients",
		"At least one recipient is not valid., A message can't be sent because it contains no recipients.")
	expectGraphError(t, graphDo(t, ten, "POST", send, tok, "{not json"), 400, "BadRequest", "Unable to read JSON request payload.")
	expectGraphError(t, graphDo(t, ten, "GET", "/v1.0/me/mailFolders/inbox", tok, nil), 400, "BadRequest",
		"/me request is only valid with delegated authentication flow.")
	expectGraphError(t, graphDo(t, ten, "GET", "/v1.0/users/nobody@"+ten.TenantDomain+"/mailFolders/inbox", tok, nil), 404, "ErrorInvalidUser",
		"The requested user 'nobody@"+ten.TenantDomain+"' is invalid.")
	expectGraphError(t, graphDo(t, ten, "GET", send, tok, nil), 405, "BadRequest", "Specified HTTP method is not allowed")
	expectGraphError(t, graphDo(t, ten, "GET", "/v1.0/users/"+ten.Mailbox+"/calendar", tok, nil), 400, "BadRequest", "Resource not found for the segment 'calendar'.")
	if n := ten.GraphSends(ten.Mailbox); n != 1 {
		t.Errorf("GraphSends after failed sends = %d, want 1", n)
	}
	if st := ten.Connections(); st.Graph == 0 || st.GraphRequests < 10 || st.IMAP+st.POP+st.SMTP != 0 {
		t.Errorf("Connections() = %+v", st)
	}
	if r := ten.LastRejection(ProtoGraph); !strings.Contains(r, "unknown path") {
		t.Errorf("LastRejection(graph) = %q, want the last failure's reason", r)
	}
}

func TestGraphTokenChecks(t *testing.T) {
	clk := &clock{t: time.Now()}
	ten := startTenant(t, Options{Now: clk.Now})
	inbox := "/v1.0/users/" + ten.Mailbox + "/mailFolders/inbox"
	tok := graphTok(t, ten)
	other := startTenant(t, Options{})
	tests := []struct {
		name, tok, msg string
	}{
		{"no token", "", "Access token is empty."},
		{"not a JWT", "garbage", "IDX14100: JWT is not well formed, there are no dots (.)."},
		{"tampered", tok[:len(tok)-4] + "AAAA", "Access token validation failure."},
		{"other tenant", graphTok(t, other), "Access token validation failure."},
		{"exchange audience", token(t, ten), "Access token validation failure. Invalid audience."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g := graphDo(t, ten, "GET", inbox, tc.tok, nil)
			expectGraphError(t, g, 401, "InvalidAuthenticationToken", tc.msg)
			if tc.msg == "Access token validation failure." {
				if _, m := g.errCode(); m != tc.msg {
					t.Errorf("message = %q, want exactly %q", m, tc.msg)
				}
			}
			if !strings.HasPrefix(g.header.Get("WWW-Authenticate"), "Bearer realm=") {
				t.Errorf("WWW-Authenticate = %q", g.header.Get("WWW-Authenticate"))
			}
		})
	}
	clk.Set(time.Now().Add(2 * time.Hour))
	expectGraphError(t, graphDo(t, ten, "GET", inbox, tok, nil), 401, "InvalidAuthenticationToken", "Lifetime validation failed, the token is expired.")
}

func TestGraphScenarios(t *testing.T) {
	ten := startTenant(t, Options{})
	inbox := "/v1.0/users/" + ten.Mailbox + "/mailFolders/inbox"
	send := "/v1.0/users/" + ten.Mailbox + "/sendMail"
	tests := []struct {
		scenario         string
		status           int
		code, msg        string
		imapOK, smtpOK   bool
		popOK            bool
		tokenHasNoGraphR bool
	}{
		{"graph-access-policy", 403, "ErrorAccessDenied", "Access to OData is disabled: [RAOP] : Blocked by tenant configured AppOnly AccessPolicy settings.", true, true, true, false},
		{"graph-permission-missing", 403, "ErrorAccessDenied", "Access is denied. Check credentials and try again.", true, true, true, true},
		{"graph-mailbox-missing", 404, "MailboxNotEnabledForRESTAPI", "The mailbox is either inactive, soft-deleted, or is hosted on-premise.", false, false, false, false},
		{"federated-domain", 0, "", "", true, true, true, false},
	}
	for _, tc := range tests {
		t.Run(tc.scenario, func(t *testing.T) {
			if err := ten.SetScenario(tc.scenario); err != nil {
				t.Fatal(err)
			}
			tok := graphTok(t, ten)
			if roles := claims(t, tok)["roles"]; tc.tokenHasNoGraphR != (roles == nil) {
				t.Errorf("Graph token roles = %v", roles)
			}
			for _, req := range []struct{ method, path string }{{"GET", inbox}, {"POST", send}} {
				var body any
				if req.method == "POST" {
					body = sendBody("someone@fabrikam-sim.example")
				}
				g := graphDo(t, ten, req.method, req.path, tok, body)
				if tc.status == 0 {
					if g.status != 200 && g.status != 202 {
						t.Errorf("%s = %d %s", req.method, g.status, g.raw)
					}
					continue
				}
				expectGraphError(t, g, tc.status, tc.code, tc.msg)
				if _, m := g.errCode(); m != tc.msg {
					t.Errorf("message = %q, want exactly %q", m, tc.msg)
				}
			}

			exTok := token(t, ten)
			c := dialIMAP(t, ten)
			if err := c.Authenticate(&xoauth2{user: ten.Mailbox, token: exTok}); (err == nil) != tc.imapOK {
				t.Errorf("IMAP Authenticate() = %v, want ok=%v", err, tc.imapOK)
			}
			sc := dialSMTP(t, ten)
			err := sc.Auth(&xoauth2{user: ten.Mailbox, token: exTok})
			var se *smtp.SMTPError
			if tc.smtpOK && err != nil || !tc.smtpOK && (!errors.As(err, &se) || se.Code != 535) {
				t.Errorf("SMTP Auth() = %v, want ok=%v", err, tc.smtpOK)
			}
			pc := popLogin(t, ten, exTok)
			want := "+OK User successfully authenticated."
			if !tc.popOK {
				want = "-ERR Authentication failure: unknown user name or bad password."
			}
			pc.expect(want)
		})
	}
}

func TestGraphThrottled(t *testing.T) {
	clk := &clock{t: time.Now()}
	ten := startTenant(t, Options{Scenario: "graph-throttled", Now: clk.Now})
	tok := graphTok(t, ten)
	send := "/v1.0/users/" + ten.Mailbox + "/sendMail"
	g := graphDo(t, ten, "POST", send, tok, sendBody("someone@fabrikam-sim.example"))
	expectGraphError(t, g, 429, "ApplicationThrottled", "Application is over its MailboxConcurrency limit.")
	if g.header.Get("Retry-After") != "1" {
		t.Fatalf("Retry-After = %q, want 1", g.header.Get("Retry-After"))
	}
	if n := ten.GraphSends(ten.Mailbox); n != 0 {
		t.Errorf("throttled send counted: %d", n)
	}
	// A client that comes back at once is throttled again; one that
	// honours Retry-After (the tenant's clock moves on, no real sleep)
	// succeeds.
	secs, _ := strconv.Atoi(g.header.Get("Retry-After"))
	if g := graphDo(t, ten, "POST", send, tok, sendBody("someone@fabrikam-sim.example")); g.status != 429 || g.header.Get("Retry-After") != "1" {
		t.Fatalf("immediate retry = %d Retry-After %q, want 429 and 1", g.status, g.header.Get("Retry-After"))
	}
	clk.Set(clk.Now().Add(time.Duration(secs) * time.Second))
	g = graphDo(t, ten, "POST", send, tok, sendBody("someone@fabrikam-sim.example"))
	if g.status != 202 {
		t.Fatalf("retry = %d %s", g.status, g.raw)
	}
	if n := ten.GraphSends(ten.Mailbox); n != 1 {
		t.Errorf("GraphSends = %d, want 1", n)
	}
	if g := graphDo(t, ten, "GET", "/v1.0/users/"+ten.Mailbox+"/mailFolders/inbox", tok, nil); g.status != 200 {
		t.Errorf("GET after throttling = %d", g.status)
	}
	// Configurable through Update.
	ten.Update(func(s *State) { s.GraphThrottle = GraphThrottle{Remaining: 2, RetryAfterSeconds: 7} })
	for i := 0; i < 2; i++ {
		if g := graphDo(t, ten, "GET", "/v1.0/users/"+ten.Mailbox+"/mailFolders/inbox", tok, nil); g.status != 429 || g.header.Get("Retry-After") != "7" {
			t.Errorf("request %d = %d Retry-After %q", i, g.status, g.header.Get("Retry-After"))
		}
		clk.Set(clk.Now().Add(7 * time.Second))
	}
	if g := graphDo(t, ten, "GET", "/v1.0/users/"+ten.Mailbox+"/mailFolders/inbox", tok, nil); g.status != 200 {
		t.Errorf("GET after both throttled answers = %d", g.status)
	}
}

// TestGraphDelegated checks /me with a delegated token (scp + upn), minted
// directly until delegated flows exist.
func TestGraphDelegated(t *testing.T) {
	ten := startTenant(t, Options{})
	now := time.Now()
	mint := func(scp string) string {
		kid := x5t(ten.pki.signCert)
		tok, err := signJWT(ten.pki.signKey, "RS256", accessHeader{Typ: "JWT", Alg: "RS256", X5t: kid, Kid: kid}, map[string]any{
			"aud": ResourceGraph, "iss": "https://sts.windows.net/" + ten.TenantID + "/", "tid": ten.TenantID,
			"nbf": now.Add(-time.Minute).Unix(), "exp": now.Add(time.Hour).Unix(),
			"appid": ten.ClientID, "scp": scp, "upn": ten.Mailbox, "ver": "1.0",
		})
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	if g := graphDo(t, ten, "GET", "/v1.0/me/mailFolders/inbox", mint("Mail.Read User.Read"), nil); g.status != 200 {
		t.Errorf("delegated /me inbox = %d %s", g.status, g.raw)
	}
	expectGraphError(t, graphDo(t, ten, "POST", "/v1.0/me/sendMail", mint("User.Read"), sendBody("a@fabrikam-sim.example")),
		403, "ErrorAccessDenied", "Access is denied. Check credentials and try again.")
	// A delegated token ignores application access policies.
	ten.Update(func(s *State) {
		s.app(ten.ClientID).AccessPolicy = &AccessPolicy{AccessRight: AccessDeny, Mailboxes: map[string]bool{ten.Mailbox: true}}
	})
	if g := graphDo(t, ten, "POST", "/v1.0/me/sendMail", mint("Mail.Send"), sendBody("a@fabrikam-sim.example")); g.status != 202 {
		t.Errorf("delegated send = %d %s", g.status, g.raw)
	}
	expectGraphError(t, graphDo(t, ten, "GET", "/v1.0/users/"+ten.Mailbox+"/mailFolders/inbox", graphTok(t, ten), nil),
		403, "ErrorAccessDenied", "Access to OData is disabled: [RAOP]")
}

func TestAccessPolicyAllows(t *testing.T) {
	var none *AccessPolicy
	restrict := &AccessPolicy{AccessRight: AccessRestrict, Mailboxes: map[string]bool{"a@x.example": true}}
	deny := &AccessPolicy{AccessRight: AccessDeny, Mailboxes: map[string]bool{"a@x.example": true}}
	for _, tc := range []struct {
		p    *AccessPolicy
		addr string
		want bool
	}{{none, "a@x.example", true}, {restrict, "A@X.example", true}, {restrict, "b@x.example", false}, {deny, "a@x.example", false}, {deny, "b@x.example", true}} {
		if got := tc.p.allows(tc.addr); got != tc.want {
			t.Errorf("%+v.allows(%s) = %v", tc.p, tc.addr, got)
		}
	}
}
