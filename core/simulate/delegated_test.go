package simulate

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/confidential"
	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/public"
	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Delegated scopes the tester requests.
const (
	imapUserScope = "https://outlook.office.com/IMAP.AccessAsUser.All"
	smtpUserScope = "https://outlook.office.com/SMTP.Send"
	popUserScope  = "https://outlook.office.com/POP.AccessAsUser.All"
)

// newPublic builds an MSAL public client for the tenant.
func newPublic(t *testing.T, ten *Tenant) public.Client {
	t.Helper()
	app, err := public.New(ten.ClientID, public.WithAuthority(ten.AuthorityURL+"/"+ten.TenantID),
		public.WithHTTPClient(ten.HTTPClient()), public.WithInstanceDiscovery(false))
	if err != nil {
		t.Fatalf("public.New() = %v", err)
	}
	return app
}

// ctxT is a context bounded by testTimeout.
func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	t.Cleanup(cancel)
	return ctx
}

// interactive runs AcquireTokenInteractive with Browse as the system
// browser and returns the result and what the browser saw.
func interactive(t *testing.T, ten *Tenant, app public.Client, scopes []string, hint string) (public.AuthResult, *BrowseResult, error) {
	t.Helper()
	ctx := ctxT(t)
	seen := make(chan *BrowseResult, 1)
	opts := []public.AcquireInteractiveOption{public.WithOpenURL(func(u string) error {
		go func() {
			res, err := Browse(ctx, ten.HTTPClient(), u)
			if err != nil {
				res = &BrowseResult{ErrorText: "browse: " + err.Error()}
			}
			seen <- res
		}()
		return nil
	})}
	if hint != "" {
		opts = append(opts, public.WithLoginHint(hint))
	}
	res, err := app.AcquireTokenInteractive(ctx, scopes, opts...)
	var b *BrowseResult
	select {
	case b = <-seen:
	case <-ctx.Done():
	}
	return res, b, err
}

// errCodes extracts error_codes (and error) from an MSAL error's JSON.
func errCodes(t *testing.T, err error) (string, []int) {
	t.Helper()
	if err == nil {
		t.Fatal("want an error")
	}
	s := err.Error()
	i := strings.Index(s, "{")
	if i < 0 {
		t.Fatalf("error %q carries no JSON", s)
	}
	var b aadBody
	if jerr := json.Unmarshal([]byte(s[i:]), &b); jerr != nil {
		t.Fatalf("error JSON %q: %v", s[i:], jerr)
	}
	return b.Error, b.ErrorCodes
}

func TestInteractiveSignInAndRefresh(t *testing.T) {
	ten := startTenant(t, Options{})
	ten.Update(func(s *State) { s.Directory.AccessTokenLifetime = 2 * time.Minute })
	app := newPublic(t, ten)
	res, b, err := interactive(t, ten, app, []string{imapUserScope, smtpUserScope}, ten.User)
	if err != nil {
		t.Fatalf("AcquireTokenInteractive() = %v (browser %+v)", err, b)
	}
	if !b.Delivered || b.Status != 200 || b.Code == "" {
		t.Errorf("browser = %+v, want the code delivered to MSAL's loopback", b)
	}
	c := claims(t, res.AccessToken)
	if c["aud"] != ResourceExchangeLegacy || c["upn"] != ten.User || c["idtyp"] != "user" || c["appid"] != ten.ClientID || c["tid"] != ten.TenantID {
		t.Errorf("claims = %v", c)
	}
	if scp, _ := c["scp"].(string); !strings.Contains(scp, ScopeIMAP) || !strings.Contains(scp, ScopeSMTP) {
		t.Errorf("scp = %q", scp)
	}
	if res.Account.PreferredUsername != ten.User || res.IDToken.Oid != ten.MailboxObjectID {
		t.Errorf("account = %+v, id token oid %s", res.Account, res.IDToken.Oid)
	}

	// go-imap opens the user's own mailbox with the delegated token.
	ic := dialIMAP(t, ten)
	if err := ic.Authenticate(&xoauth2{user: ten.Mailbox, token: res.AccessToken}); err != nil {
		t.Fatalf("IMAP Authenticate(delegated) = %v", err)
	}
	if sel, err := ic.Select("INBOX", nil).Wait(); err != nil || sel.NumMessages != 3 {
		t.Errorf("Select() = %+v, %v", sel, err)
	}
	// ... but not the shared mailbox: the support user has no FullAccess.
	ic2 := dialIMAP(t, ten)
	if err := ic2.Authenticate(&xoauth2{user: ten.SharedMailbox, token: res.AccessToken}); err == nil {
		t.Error("IMAP Authenticate(shared, no FullAccess) succeeded")
	}

	// The access token lives under five minutes, so MSAL redeems the
	// refresh token; the new access token comes from Entra.
	accounts, err := app.Accounts(ctxT(t))
	if err != nil || len(accounts) != 1 {
		t.Fatalf("Accounts() = %v, %v", accounts, err)
	}
	res2, err := app.AcquireTokenSilent(ctxT(t), []string{imapUserScope, smtpUserScope}, public.WithSilentAccount(accounts[0]))
	if err != nil {
		t.Fatalf("AcquireTokenSilent() = %v", err)
	}
	if res2.AccessToken == res.AccessToken {
		t.Error("AcquireTokenSilent() returned the cached token, want a refreshed one")
	}
	// Refresh tokens can be expired or revoked after the fact.
	ten.RevokeRefreshTokens()
	_, err = app.AcquireTokenSilent(ctxT(t), []string{imapUserScope}, public.WithSilentAccount(accounts[0]))
	if e, codes := errCodes(t, err); e != "invalid_grant" || !slices.Contains(codes, 50173) {
		t.Errorf("silent after revoke = %s %v (%v)", e, codes, err)
	}
}

func TestInteractiveScenarios(t *testing.T) {
	ten := startTenant(t, Options{})
	app := newPublic(t, ten)
	// consent-missing: the browser consents and the sign-in passes.
	if err := ten.SetScenario("consent-missing"); err != nil {
		t.Fatal(err)
	}
	if _, b, err := interactive(t, ten, app, []string{imapUserScope}, ""); err != nil {
		t.Errorf("consent-missing interactive = %v (%+v)", err, b)
	}
	// consent-declined: access_denied AADSTS65004 reaches MSAL.
	if err := ten.SetScenario("consent-declined"); err != nil {
		t.Fatal(err)
	}
	_, b, err := interactive(t, ten, app, []string{imapUserScope}, "")
	if err == nil || !strings.Contains(err.Error(), "AADSTS65004: User declined to consent to access the app.") || b.Error != "access_denied" {
		t.Errorf("consent-declined = %v (%+v)", err, b)
	}
	// Errors Entra shows on its own page never reach the redirect URI.
	verifier := "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
	sum := sha256.Sum256([]byte(verifier))
	authURL := func(redirect, mode string) string {
		q := url.Values{"client_id": {ten.ClientID}, "response_type": {"code"}, "redirect_uri": {redirect},
			"scope": {imapUserScope + " openid offline_access profile"}, "state": {"st1"}, "response_mode": {mode},
			"code_challenge": {base64.RawURLEncoding.EncodeToString(sum[:])}, "code_challenge_method": {"S256"}}
		return ten.AuthorityURL + "/" + ten.TenantID + "/oauth2/v2.0/authorize?" + q.Encode()
	}
	for _, tc := range []struct{ scenario, redirect, want string }{
		{"redirect-uri-mismatch", "http://localhost:53219", "Message: AADSTS50011: The redirect URI 'http://localhost:53219' specified in the request does not match the redirect URIs configured for the application '" + ten.ClientID + "'."},
		{"redirect-uri-mismatch", "http://localhost:8400/callback", "Message: AADSTS50011: "},
		{"admin-consent-required", "http://localhost:53219", "Message: AADSTS90094: The grant requires admin permission."},
		{"user-not-found", "http://localhost:53219", "Message: AADSTS50034: The user account {EmailHidden} does not exist in the " + ten.TenantID + " directory."},
	} {
		if err := ten.SetScenario(tc.scenario); err != nil {
			t.Fatal(err)
		}
		b, err := Browse(ctxT(t), ten.HTTPClient(), authURL(tc.redirect, "form_post"))
		if err != nil || !strings.Contains(b.ErrorText, tc.want) || b.Delivered || b.Status != 400 {
			t.Errorf("%s: Browse() = %+v, %v; want ErrorText with %q", tc.scenario, b, err, tc.want)
			continue
		}
		lines := strings.Split(b.ErrorText, "\n")
		if len(lines) != 4 || !strings.HasPrefix(lines[0], "Request Id: ") || !strings.HasPrefix(lines[1], "Correlation Id: ") ||
			!strings.HasPrefix(lines[2], "Timestamp: 20") || !strings.HasSuffix(lines[2], "Z") {
			t.Errorf("%s: ErrorText = %q", tc.scenario, b.ErrorText)
		}
	}
	// Query mode: 302 to the redirect URI with code and state.
	if err := ten.SetScenario("ok"); err != nil {
		t.Fatal(err)
	}
	b, err = Browse(ctxT(t), ten.HTTPClient(), authURL("https://app.contoso-sim.test/oauth/callback", "query"))
	if err != nil || b.Code == "" || b.State != "st1" || b.Delivered || !strings.HasPrefix(b.FinalURL, "https://app.contoso-sim.test/oauth/callback?") {
		t.Errorf("query mode = %+v, %v", b, err)
	}
}

func TestAuthCodeConfidential(t *testing.T) {
	ten := startTenant(t, Options{})
	const redirect = "http://localhost:8400/callback"
	app := newApp(t, ten, ten.TenantID, ten.ClientID, secretCred(t, ten.ClientSecret))
	scopes := []string{imapUserScope}
	verifier := "M25iVXpKU3puUjFaYWg3T1NDTDQtcW1ROUY5YXlwalNoc0hhakxifmZHag"
	sum := sha256.Sum256([]byte(verifier))
	getCode := func() string {
		u, err := app.AuthCodeURL(ctxT(t), ten.ClientID, redirect, scopes)
		if err != nil {
			t.Fatalf("AuthCodeURL() = %v", err)
		}
		u += "&state=s42&code_challenge=" + base64.RawURLEncoding.EncodeToString(sum[:]) + "&code_challenge_method=S256&login_hint=" + url.QueryEscape(ten.DelegateUser)
		b, err := Browse(ctxT(t), ten.HTTPClient(), u)
		if err != nil || b.Code == "" || b.State != "s42" {
			t.Fatalf("Browse(AuthCodeURL) = %+v, %v", b, err)
		}
		return b.Code
	}
	code := getCode()
	res, err := app.AcquireTokenByAuthCode(ctxT(t), code, redirect, scopes, confidential.WithChallenge(verifier))
	if err != nil {
		t.Fatalf("AcquireTokenByAuthCode() = %v", err)
	}
	if c := claims(t, res.AccessToken); c["upn"] != ten.DelegateUser || c["appidacr"] != "1" {
		t.Errorf("claims = %v", c)
	}
	// The delegate has FullAccess on the shared mailbox.
	ic := dialIMAP(t, ten)
	if err := ic.Authenticate(&xoauth2{user: ten.SharedMailbox, token: res.AccessToken}); err != nil {
		t.Errorf("IMAP Authenticate(shared as delegate) = %v", err)
	}
	_, err = app.AcquireTokenByAuthCode(ctxT(t), code, redirect, scopes, confidential.WithChallenge(verifier))
	if e, codes := errCodes(t, err); e != "invalid_grant" || !slices.Equal(codes, []int{54005}) {
		t.Errorf("code reuse = %s %v", e, codes)
	}
	_, err = app.AcquireTokenByAuthCode(ctxT(t), getCode(), redirect, scopes, confidential.WithChallenge("wrong-verifier"))
	if _, codes := errCodes(t, err); !slices.Equal(codes, []int{501481}) {
		t.Errorf("bad verifier = %v", codes)
	}
	// Redeeming a Web-platform code without the secret: AADSTS7000218.
	form := url.Values{"grant_type": {"authorization_code"}, "client_id": {ten.ClientID}, "code": {getCode()},
		"redirect_uri": {redirect}, "code_verifier": {verifier}, "scope": {imapUserScope}}
	resp, err := ten.HTTPClient().PostForm(ten.AuthorityURL+"/"+ten.TenantID+"/oauth2/v2.0/token", form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body aadBody
	json.NewDecoder(resp.Body).Decode(&body)
	if resp.StatusCode != 401 || body.Error != "invalid_client" || !strings.HasPrefix(body.ErrorDescription,
		"AADSTS7000218: The request body must contain the following parameter: 'client_assertion' or 'client_secret'.") {
		t.Errorf("public redemption of a web code = %d %+v", resp.StatusCode, body)
	}
}

func TestDeviceCodeFlow(t *testing.T) {
	ten := startTenant(t, Options{})
	app := newPublic(t, ten)
	start := func() public.DeviceCode {
		dc, err := app.AcquireTokenByDeviceCode(ctxT(t), []string{imapUserScope})
		if err != nil {
			t.Fatalf("AcquireTokenByDeviceCode() = %v", err)
		}
		return dc
	}
	dc := start()
	want := "To sign in, use a web browser to open the page " + ten.AuthorityURL + "/devicelogin and enter the code " + dc.Result.UserCode + " to authenticate."
	if dc.Result.Message != want || len(dc.Result.UserCode) != 9 || dc.Result.VerificationURL != ten.AuthorityURL+"/devicelogin" {
		t.Errorf("device code = %+v", dc.Result)
	}
	// Approve through the device login page, as a harness would.
	resp, err := ten.HTTPClient().PostForm(ten.AuthorityURL+"/devicelogin", url.Values{"otc": {dc.Result.UserCode}})
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("POST /devicelogin = %v, %v", resp, err)
	}
	resp.Body.Close()
	res, err := dc.AuthenticationResult(ctxT(t))
	if err != nil {
		t.Fatalf("AuthenticationResult() = %v", err)
	}
	if c := claims(t, res.AccessToken); c["upn"] != ten.User || !strings.Contains(c["scp"].(string), ScopeIMAP) {
		t.Errorf("claims = %v", c)
	}
	if err := ten.ApproveDevice(dc.Result.UserCode, ""); !errors.Is(err, ErrUnknownUserCode) {
		t.Errorf("ApproveDevice(used code) = %v", err)
	}

	for _, tc := range []struct {
		scenario, errName string
		code              int
		act               func(code string) error
	}{
		{"ok", "authorization_declined", 70000, ten.DeclineDevice},
		{"consent-declined", "authorization_declined", 70000, func(c string) error { ten.ApproveDevice(c, ""); return nil }},
		{"admin-consent-required", "access_denied", 90094, func(c string) error { ten.ApproveDevice(c, ""); return nil }},
		{"user-not-found", "invalid_grant", 50034, func(c string) error { ten.ApproveDevice(c, ""); return nil }},
		{"public-client-disabled", "invalid_client", 7000218, func(c string) error { return ten.ApproveDevice(c, "") }},
	} {
		if err := ten.SetScenario(tc.scenario); err != nil {
			t.Fatal(err)
		}
		dc := start()
		if err := tc.act(dc.Result.UserCode); err != nil {
			t.Errorf("%s: approve = %v", tc.scenario, err)
		}
		_, err := dc.AuthenticationResult(ctxT(t))
		if e, codes := errCodes(t, err); e != tc.errName || !slices.Equal(codes, []int{tc.code}) {
			t.Errorf("%s: poll = %s %v (%v)", tc.scenario, e, codes, err)
		}
	}
	// Expiry.
	ten.SetScenario("ok")
	clk := &clock{t: time.Now()}
	ten2 := startTenant(t, Options{Now: clk.Now})
	dc2, err := newPublic(t, ten2).AcquireTokenByDeviceCode(ctxT(t), []string{imapUserScope})
	if err != nil {
		t.Fatal(err)
	}
	clk.Set(clk.Now().Add(16 * time.Minute))
	_, err = dc2.AuthenticationResult(ctxT(t))
	if e, codes := errCodes(t, err); e != "expired_token" || !slices.Equal(codes, []int{70020}) {
		t.Errorf("expired device code = %s %v", e, codes)
	}
}

func TestUsernamePasswordScenarios(t *testing.T) {
	ten := startTenant(t, Options{})
	app := newPublic(t, ten)
	ropc := func(user, pass string, scopes ...string) (public.AuthResult, error) {
		//lint:ignore SA1019 ROPC is deprecated but is one of the flows under test.
		return app.AcquireTokenByUsernamePassword(ctxT(t), scopes, user, pass)
	}
	res, err := ropc(ten.User, ten.UserPassword, popUserScope)
	if err != nil {
		t.Fatalf("ROPC = %v", err)
	}
	if c := claims(t, res.AccessToken); c["amr"].([]any)[0] != "pwd" || !strings.Contains(c["scp"].(string), ScopePOP) {
		t.Errorf("claims = %v", c)
	}
	tests := []struct {
		scenario, user, errName, prefix string
		code                            int
		scopes                          []string
	}{
		{"password-wrong", ten.User, "invalid_grant", "AADSTS50126: Error validating credentials due to invalid username or password.", 50126, nil},
		{"mfa-required", ten.User, "invalid_grant", "AADSTS50076: Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access '00000002-0000-0ff1-ce00-000000000000'.", 50076, nil},
		{"consent-missing", ten.User, "invalid_grant", "AADSTS65001: The user or administrator has not consented to use the application with ID '" + ten.ClientID + "' named '" + ten.AppName + "'. Send an interactive authorization request for this user and resource.", 65001, nil},
		{"user-not-found", ten.User, "invalid_grant", "AADSTS50034: The user account {EmailHidden} does not exist in the " + ten.TenantID + " directory.", 50034, nil},
		{"public-client-disabled", ten.User, "invalid_client", "AADSTS7000218: ", 7000218, nil},
		{"ok", ten.SharedMailbox, "invalid_grant", "AADSTS50057: The user account is disabled.", 50057, nil},
		{"ok", ten.User, "invalid_scope", "AADSTS28000: Provided value for the input parameter scope is not valid because it contains more than one resource. Scope " + imapUserScope + " https://graph.microsoft.com/Mail.Read", 28000,
			[]string{imapUserScope, "https://graph.microsoft.com/Mail.Read"}},
	}
	for _, tc := range tests {
		if err := ten.SetScenario(tc.scenario); err != nil {
			t.Fatal(err)
		}
		scopes := tc.scopes
		if scopes == nil {
			scopes = []string{imapUserScope}
		}
		pass := ten.UserPassword
		_, err := ropc(tc.user, pass, scopes...)
		body, status := callErrBody(t, err)
		if body.Error != tc.errName || !slices.Equal(body.ErrorCodes, []int{tc.code}) || !strings.HasPrefix(body.ErrorDescription, tc.prefix) {
			t.Errorf("%s: %d %+v, want %s %d %q", tc.scenario, status, body, tc.errName, tc.code, tc.prefix)
		}
	}
	// An undeclared resource: AADSTS650057.
	ten.SetScenario("ok")
	ten.Update(func(s *State) { delete(s.app(ten.ClientID).DelegatedScopes, ResourceGraph) })
	_, err = ropc(ten.User, ten.UserPassword, "https://graph.microsoft.com/Mail.Read")
	if body, _ := callErrBody(t, err); !slices.Equal(body.ErrorCodes, []int{650057}) || !strings.Contains(body.ErrorDescription, "Resource app ID: 00000003-0000-0000-c000-000000000000. List of valid resources from app registration: 00000002-0000-0ff1-ce00-000000000000.") {
		t.Errorf("undeclared resource = %+v", body)
	}
}

func TestRefreshScenarios(t *testing.T) {
	for _, tc := range []struct {
		scenario string
		code     int
		prefix   string
	}{
		{"refresh-expired", 700082, "AADSTS700082: The refresh token has expired due to inactivity. The token was issued on 20"},
		{"refresh-revoked", 50173, "AADSTS50173: The provided grant has expired due to it being revoked, a fresh auth token is needed."},
	} {
		t.Run(tc.scenario, func(t *testing.T) {
			ten := startTenant(t, Options{Scenario: tc.scenario})
			ten.Update(func(s *State) { s.Directory.AccessTokenLifetime = time.Minute })
			app := newPublic(t, ten)
			//lint:ignore SA1019 ROPC is deprecated but is one of the flows under test.
			res, err := app.AcquireTokenByUsernamePassword(ctxT(t), []string{imapUserScope}, ten.User, ten.UserPassword)
			if err != nil {
				t.Fatalf("first sign-in = %v", err)
			}
			_, err = app.AcquireTokenSilent(ctxT(t), []string{imapUserScope}, public.WithSilentAccount(res.Account))
			body, _ := callErrBody(t, err)
			if body.Error != "invalid_grant" || !slices.Equal(body.ErrorCodes, []int{tc.code}) || !strings.HasPrefix(body.ErrorDescription, tc.prefix) {
				t.Errorf("silent = %+v", body)
			}
		})
	}
}

func TestDelegatedMailAndGraph(t *testing.T) {
	ten := startTenant(t, Options{})
	app := newPublic(t, ten)
	//lint:ignore SA1019 ROPC is deprecated but is one of the flows under test.
	res, err := app.AcquireTokenByUsernamePassword(ctxT(t), []string{smtpUserScope}, ten.DelegateUser, ten.DelegatePassword)
	if err != nil {
		t.Fatal(err)
	}
	// SMTP as the shared mailbox with Send As; as anyone else: SendAsDenied.
	c := dialSMTP(t, ten)
	if err := c.Auth(&xoauth2{user: ten.SharedMailbox, token: res.AccessToken}); err != nil {
		t.Fatalf("SMTP Auth(shared) = %v", err)
	}
	if err := c.SendMail(ten.SharedMailbox, []string{"a@example.com"}, strings.NewReader(testMessage)); err != nil {
		t.Errorf("send as shared = %v", err)
	}
	err = c.SendMail(ten.Mailbox, []string{"a@example.com"}, strings.NewReader(testMessage))
	var se *smtp.SMTPError
	if !errors.As(err, &se) || se.Code != 554 || !strings.Contains(se.Message, "SendAsDenied; "+ten.DelegateUser+" not allowed to send as "+ten.Mailbox) {
		t.Errorf("send as support = %v", err)
	}
	// shared-mailbox-no-access: the same login fails.
	ten.SetScenario("shared-mailbox-no-access")
	c2 := dialSMTP(t, ten)
	if err := c2.Auth(&xoauth2{user: ten.SharedMailbox, token: res.AccessToken}); err == nil {
		t.Error("SMTP Auth(shared without FullAccess) succeeded")
	}
	if r := ten.LastRejection(ProtoSMTP); !strings.Contains(r, "no FullAccess") {
		t.Errorf("LastRejection = %q", r)
	}
	ten.SetScenario("ok")

	// Graph: a delegated Mail.Read token reads /me; a Graph-resource IMAP
	// scope is valid but yields a Graph token IMAP refuses.
	//lint:ignore SA1019 ROPC is deprecated but is one of the flows under test.
	g, err := app.AcquireTokenByUsernamePassword(ctxT(t), []string{"Mail.Read"}, ten.User, ten.UserPassword)
	if err != nil {
		t.Fatal(err)
	}
	if r := graphDo(t, ten, "GET", "/v1.0/me/mailFolders/inbox", g.AccessToken, nil); r.status != 200 {
		t.Errorf("Graph /me inbox = %d %s", r.status, r.raw)
	}
	expectGraphError(t, graphDo(t, ten, "GET", "/v1.0/users/"+ten.SharedMailbox+"/mailFolders/inbox", g.AccessToken, nil),
		403, "ErrorAccessDenied", graphMsgAccessDenied)
	//lint:ignore SA1019 ROPC is deprecated but is one of the flows under test.
	gi, err := app.AcquireTokenByUsernamePassword(ctxT(t), []string{"https://graph.microsoft.com/IMAP.AccessAsUser.All"}, ten.User, ten.UserPassword)
	if err != nil {
		t.Fatal(err)
	}
	if cl := claims(t, gi.AccessToken); cl["aud"] != ResourceGraph || !strings.Contains(cl["scp"].(string), ScopeIMAP) {
		t.Errorf("Graph IMAP token claims = %v", cl)
	}
	if err := dialIMAP(t, ten).Authenticate(&xoauth2{user: ten.Mailbox, token: gi.AccessToken}); err == nil {
		t.Error("IMAP accepted a Graph-audience token")
	}
	if r := ten.LastRejection(ProtoIMAP); !strings.Contains(r, "audience") {
		t.Errorf("LastRejection = %q", r)
	}
}

func TestBasicAuth(t *testing.T) {
	ten := startTenant(t, Options{})
	login := func() error { return dialIMAP(t, ten).Login(ten.Mailbox, ten.AppPassword).Wait() }
	err := login()
	var ie *imap.Error
	if !errors.As(err, &ie) || ie.Text != "LOGIN failed." {
		t.Errorf("LOGIN with basic auth off = %v", err)
	}
	c := dialSMTP(t, ten)
	err = c.Auth(sasl.NewLoginClient(ten.Mailbox, ten.AppPassword))
	var se *smtp.SMTPError
	if !errors.As(err, &se) || se.Code != 535 || !strings.HasPrefix(se.Message, "5.7.139 Authentication unsuccessful, basic authentication is disabled. [") &&
		!strings.HasPrefix(se.Message, "Authentication unsuccessful, basic authentication is disabled. [") {
		t.Errorf("AUTH LOGIN with basic auth off = %v", err)
	}
	p := dialRaw(t, ten, ten.POPAddr, true)
	p.line()
	p.send("USER " + ten.Mailbox)
	p.expect("+OK")
	p.send("PASS " + ten.AppPassword)
	p.expect("-ERR Logon failure: unknown user name or bad password.")

	if err := ten.SetScenario("app-password"); err != nil {
		t.Fatal(err)
	}
	if err := login(); err != nil {
		t.Errorf("LOGIN with app password = %v", err)
	}
	if err := dialIMAP(t, ten).Login(ten.Mailbox, "wrong").Wait(); err == nil {
		t.Error("LOGIN with a wrong password succeeded")
	}
	ic := dialIMAP(t, ten)
	if err := ic.Authenticate(sasl.NewPlainClient("", ten.Mailbox, ten.AppPassword)); err != nil {
		t.Errorf("AUTHENTICATE PLAIN = %v", err)
	}
	for _, cl := range []sasl.Client{sasl.NewLoginClient(ten.Mailbox, ten.AppPassword), sasl.NewPlainClient("", ten.Mailbox, ten.AppPassword)} {
		c := dialSMTP(t, ten)
		if err := c.Auth(cl); err != nil {
			t.Errorf("SMTP Auth = %v", err)
			continue
		}
		if err := c.SendMail(ten.Mailbox, []string{"a@example.com"}, strings.NewReader(testMessage)); err != nil {
			t.Errorf("SendMail = %v", err)
		}
	}
	p = dialRaw(t, ten, ten.POPAddr, true)
	p.line()
	p.send("USER " + ten.Mailbox)
	p.expect("+OK")
	p.send("PASS " + ten.AppPassword)
	p.expect("+OK User successfully authenticated.")
	p.send("STAT")
	p.expectPrefix("+OK 3 ")
}

// TestUserTokenResponseShape checks the fields MSAL needs, via raw HTTP.
func TestUserTokenResponseShape(t *testing.T) {
	ten := startTenant(t, Options{})
	form := url.Values{"grant_type": {"password"}, "client_id": {ten.ClientID}, "username": {ten.User},
		"password": {ten.UserPassword}, "scope": {imapUserScope + " openid offline_access profile"}, "client_info": {"1"}}
	resp, err := ten.HTTPClient().PostForm(ten.AuthorityURL+"/"+ten.TenantID+"/oauth2/v2.0/token", form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&m); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d, %v", resp.StatusCode, err)
	}
	if m["scope"] != imapUserScope+" openid offline_access profile" || m["token_type"] != "Bearer" || m["refresh_token"] == nil || m["id_token"] == nil {
		t.Errorf("response = %v", m)
	}
	if rt, _ := m["refresh_token"].(string); strings.Count(rt, ".") > 1 {
		t.Errorf("refresh token looks like a JWT")
	}
	id := claims(t, m["id_token"].(string))
	if id["aud"] != ten.ClientID || id["preferred_username"] != ten.User || id["ver"] != "2.0" || id["iss"] != ten.AuthorityURL+"/"+ten.TenantID+"/v2.0" {
		t.Errorf("id_token = %v", id)
	}
	raw, _ := base64.RawURLEncoding.DecodeString(m["client_info"].(string))
	if string(raw) != `{"uid":"`+ten.MailboxObjectID+`","utid":"`+ten.TenantID+`"}` {
		t.Errorf("client_info = %s", raw)
	}
}

func TestFederatedPasswordSignIn(t *testing.T) {
	ten := startTenant(t, Options{Scenario: "federated-domain"})
	//lint:ignore SA1019 ROPC is deprecated but is one of the flows under test.
	_, err := newPublic(t, ten).AcquireTokenByUsernamePassword(ctxT(t), []string{imapUserScope}, ten.User, ten.UserPassword)
	if err == nil || !strings.Contains(err.Error(), "/adfs/services/trust/mex") {
		t.Errorf("federated ROPC = %v, want the MEX fetch from the authority to fail", err)
	}
}
