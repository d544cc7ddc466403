package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"html"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/confidential"
)

// AuthorizeError is an error the authorize endpoint sent back to the
// redirect URI (error, error_description) or that the user pasted from the
// browser's error page (Description holds the text).
type AuthorizeError struct {
	Code        string
	Description string
}

var _ error = (*AuthorizeError)(nil)

func (e *AuthorizeError) Error() string {
	if e.Code == "" {
		return "auth: sign-in failed: " + e.Description
	}
	return fmt.Sprintf("auth: sign-in failed: %s: %s", e.Code, e.Description)
}

// AuthCodeConfig configures the authorization-code flow with a web
// redirect (Cisco ECE and XCALLY style): a confidential client with the
// app's secret or certificate.
type AuthCodeConfig struct {
	ClientCredentialsConfig
	RedirectURI string
	LoginHint   string
	// OpenURL opens the authorize URL; nil uses the system browser.
	OpenURL func(url string) error
	// Paste asks the user for the redirected address or the code. It is
	// used when the redirect URI is not a loopback address, and also while
	// listening, so a user can paste the error the browser shows.
	Paste func(ctx context.Context, authorizeURL string) (string, error)
}

// AuthCode is the authorization-code flow. MSAL's confidential AuthCodeURL
// adds no state and no PKCE, so both are added here.
type AuthCode struct {
	cfg    AuthCodeConfig
	client confidential.Client
	cache  *memCache
	acct   *confidential.Account
}

// NewAuthCode builds the flow.
func NewAuthCode(cfg AuthCodeConfig) (*AuthCode, error) {
	c := &memCache{}
	client, err := newConfidential(cfg.ClientCredentialsConfig, confidential.WithCache(c))
	if err != nil {
		return nil, err
	}
	return &AuthCode{cfg: cfg, client: client, cache: c}, nil
}

// Name implements Flow.
func (*AuthCode) Name() string { return "auth-code" }

// codeResult is what came back to the redirect URI (or was pasted).
type codeResult struct {
	code, state string
	stateKnown  bool
	err         error
}

// loopbackTimeout bounds one request to the redirect listener.
const loopbackTimeout = 10 * time.Second

// Token implements Flow: it opens the sign-in page, waits for the code at
// the redirect URI (or for the user to paste it) and redeems it.
func (f *AuthCode) Token(ctx context.Context, scopes []string) (Token, error) {
	state, verifier := randomString(16), randomString(32)
	sum := sha256.Sum256([]byte(verifier))
	challenge := base64.RawURLEncoding.EncodeToString(sum[:])
	var urlOpts []confidential.AuthCodeURLOption
	if f.cfg.LoginHint != "" {
		urlOpts = append(urlOpts, confidential.WithLoginHint(f.cfg.LoginHint))
	}
	u, err := f.client.AuthCodeURL(ctx, f.cfg.ClientID, f.cfg.RedirectURI, append(append([]string(nil), scopes...), "offline_access", "openid", "profile"), urlOpts...)
	if err != nil {
		return Token{}, fmt.Errorf("auth: %w", err)
	}
	u += "&" + url.Values{"state": {state}, "code_challenge": {challenge}, "code_challenge_method": {"S256"}, "response_mode": {"query"}}.Encode()

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	results := make(chan codeResult, 2)
	if ru, ok := loopback(f.cfg.RedirectURI); ok {
		stop, err := listen(ctx, ru, results)
		if err != nil {
			return Token{}, err
		}
		defer stop()
	} else if f.cfg.Paste == nil {
		return Token{}, fmt.Errorf("auth: the redirect URI %s is not on this computer, and nothing can ask for the code", f.cfg.RedirectURI)
	}
	if f.cfg.Paste != nil {
		go func() {
			s, err := f.cfg.Paste(ctx, u)
			if err != nil {
				if ctx.Err() == nil {
					results <- codeResult{err: err}
				}
				return
			}
			results <- parsePasted(s)
		}()
	}
	open := f.cfg.OpenURL
	if open == nil {
		open = openBrowser
	}
	if err := open(u); err != nil {
		return Token{}, fmt.Errorf("auth: cannot open the browser: %w", err)
	}
	var res codeResult
	select {
	case res = <-results:
	case <-ctx.Done():
		return Token{}, ctx.Err()
	}
	if res.err != nil {
		return Token{}, res.err
	}
	if res.stateKnown && res.state != state {
		return Token{}, &AuthorizeError{Code: "state_mismatch", Description: "the state returned to the redirect URI is not the one sent: the answer belongs to another sign-in, or was tampered with"}
	}
	r, err := f.client.AcquireTokenByAuthCode(ctx, res.code, f.cfg.RedirectURI, scopes, confidential.WithChallenge(verifier))
	if err != nil {
		return Token{}, fromMSAL(err)
	}
	f.acct = &r.Account
	return Token{AccessToken: r.AccessToken, ExpiresOn: r.ExpiresOn, User: r.Account.PreferredUsername,
		Scopes: r.GrantedScopes, RefreshToken: f.cache.hasRefreshToken()}, nil
}

// Renew implements Renewer.
func (f *AuthCode) Renew(ctx context.Context, scopes []string) (Token, error) {
	if f.acct == nil {
		return Token{}, errors.New("auth: renew before sign-in")
	}
	f.cache.setDropAT(true)
	defer f.cache.setDropAT(false)
	r, err := f.client.AcquireTokenSilent(ctx, scopes, confidential.WithSilentAccount(*f.acct))
	if err != nil {
		return Token{}, fromMSAL(err)
	}
	return Token{AccessToken: r.AccessToken, ExpiresOn: r.ExpiresOn, User: r.Account.PreferredUsername,
		Scopes: r.GrantedScopes, RefreshToken: f.cache.hasRefreshToken()}, nil
}

// loopback reports whether the redirect URI is http on this computer.
func loopback(redirect string) (*url.URL, bool) {
	u, err := url.Parse(redirect)
	if err != nil || u.Scheme != "http" || u.Port() == "" {
		return nil, false
	}
	switch strings.ToLower(u.Hostname()) {
	case "localhost", "127.0.0.1", "::1":
		return u, true
	}
	return nil, false
}

// listen serves the redirect URI's path on the loopback port until stop.
func listen(ctx context.Context, ru *url.URL, results chan<- codeResult) (stop func(), err error) {
	var lns []net.Listener
	for _, host := range []string{"127.0.0.1", "::1"} {
		if ru.Hostname() != "localhost" && ru.Hostname() != host && !(host == "::1" && ru.Hostname() == "[::1]") {
			continue
		}
		ln, err := net.Listen("tcp", net.JoinHostPort(host, ru.Port()))
		if err == nil {
			lns = append(lns, ln)
		}
	}
	if len(lns) == 0 {
		return nil, fmt.Errorf("auth: cannot listen on the redirect URI's port %s (is another program using it?)", ru.Port())
	}
	path := ru.Path
	if path == "" {
		path = "/"
	}
	mux := http.NewServeMux()
	mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if r.Method == http.MethodPost {
			r.ParseForm()
			q = r.Form
		}
		res := codeResult{code: q.Get("code"), state: q.Get("state"), stateKnown: true}
		msg := "Sign-in complete. You can close this tab and return to Mail OAuth Tester."
		switch {
		case q.Get("error") != "":
			res.err = &AuthorizeError{Code: q.Get("error"), Description: q.Get("error_description")}
			msg = "Sign-in failed: " + q.Get("error_description") + " — Mail OAuth Tester explains what to do."
		case res.code == "":
			http.Error(w, "no code in this request", http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, "<!doctype html><title>Mail OAuth Tester</title><p style=\"font:16px sans-serif\">%s</p>", html.EscapeString(msg))
		select {
		case results <- res:
		default:
		}
	})
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: loopbackTimeout}
	for _, ln := range lns {
		go srv.Serve(ln)
	}
	// Close the sockets ourselves too: http.Server.Close only closes the
	// listeners its Serve goroutines have registered, and a cancel can come
	// before they run — the port would stay open after the sign-in ended.
	closeAll := func() {
		srv.Close()
		for _, ln := range lns {
			ln.Close()
		}
	}
	after := context.AfterFunc(ctx, closeAll)
	return func() { after(); closeAll() }, nil
}

// parsePasted reads what the user pasted: the redirected address, a bare
// code, or the text of the browser's error page.
func parsePasted(s string) codeResult {
	s = strings.TrimSpace(s)
	if strings.Contains(s, "AADSTS") && !strings.Contains(s, "code=") {
		return codeResult{err: &AuthorizeError{Description: s}}
	}
	if i := strings.IndexAny(s, "?#"); i >= 0 && strings.Contains(s, "=") {
		q, err := url.ParseQuery(s[i+1:])
		if err == nil {
			if e := q.Get("error"); e != "" {
				return codeResult{err: &AuthorizeError{Code: e, Description: q.Get("error_description")}}
			}
			if c := q.Get("code"); c != "" {
				return codeResult{code: c, state: q.Get("state"), stateKnown: q.Has("state")}
			}
		}
	}
	if strings.HasPrefix(s, "code=") {
		s = strings.TrimPrefix(s, "code=")
	}
	if s == "" || strings.ContainsAny(s, " \t\n") {
		return codeResult{err: &AuthorizeError{Code: "no_code", Description: "what was pasted is neither the redirected address nor an authorization code"}}
	}
	return codeResult{code: s}
}

func randomString(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}
