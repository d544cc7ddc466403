package auth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/public"
)

// PublicConfig configures the public-client flows (browser sign-in,
// device code, username+password).
type PublicConfig struct {
	AuthorityHost string // e.g. "https://login.microsoftonline.com"
	Tenant        string // GUID, domain, or organizations/common for delegated flows
	ClientID      string
	HTTPClient    *http.Client
	LoginHint     string // user to sign in as, pre-filled in the browser
	// OpenURL opens the sign-in page; nil uses the system browser.
	OpenURL func(url string) error
	// RedirectURI fixes the loopback redirect (only its port is used);
	// "" lets MSAL pick a free port on http://localhost.
	RedirectURI string
	// OnDeviceCode receives the code to show (device-code flow only).
	OnDeviceCode func(DeviceCodeInfo)
	// Paste, when set, is asked while the browser sign-in waits, so the
	// user can paste the error the browser shows (a redirect URI the app
	// does not know is only ever reported in the browser).
	Paste func(ctx context.Context, authorizeURL string) (string, error)
}

// DeviceCodeInfo is what the user needs to finish a device-code sign-in.
type DeviceCodeInfo struct {
	UserCode        string
	VerificationURL string
	Message         string
	ExpiresOn       time.Time
}

// Public is a public-client flow. Renew redeems the refresh token.
type Public struct {
	kind   string
	client public.Client
	cfg    PublicConfig
	cache  *memCache
	acct   *public.Account
	user   string
	pass   string
}

func newPublic(kind string, cfg PublicConfig) (*Public, error) {
	c := &memCache{}
	opts := []public.Option{public.WithAuthority(strings.TrimSuffix(cfg.AuthorityHost, "/") + "/" + cfg.Tenant),
		public.WithInstanceDiscovery(false), public.WithCache(c)}
	if cfg.HTTPClient != nil {
		opts = append(opts, public.WithHTTPClient(cfg.HTTPClient))
	}
	client, err := public.New(cfg.ClientID, opts...)
	if err != nil {
		return nil, fmt.Errorf("auth: %w", err)
	}
	return &Public{kind: kind, client: client, cfg: cfg, cache: c}, nil
}

// NewInteractive is the browser sign-in: authorization code with PKCE on a
// loopback redirect, in the system browser (or cfg.OpenURL).
func NewInteractive(cfg PublicConfig) (*Public, error) { return newPublic("interactive", cfg) }

// NewDeviceCode is the device-code flow; cfg.OnDeviceCode shows the code.
func NewDeviceCode(cfg PublicConfig) (*Public, error) { return newPublic("device-code", cfg) }

// NewPassword is the username+password (ROPC) flow. password is a secret.
// Microsoft discourages this flow: MFA, federation and Conditional Access
// break it.
func NewPassword(cfg PublicConfig, user, password string) (*Public, error) {
	p, err := newPublic("password", cfg)
	if err != nil {
		return nil, err
	}
	p.user, p.pass = user, password
	return p, nil
}

// Name implements Flow.
func (p *Public) Name() string { return p.kind }

// Token implements Flow: it signs the user in and returns a delegated token.
func (p *Public) Token(ctx context.Context, scopes []string) (Token, error) {
	var res public.AuthResult
	var err error
	switch p.kind {
	case "interactive":
		res, err = p.interactive(ctx, scopes)
	case "device-code":
		var dc public.DeviceCode
		dc, err = p.client.AcquireTokenByDeviceCode(ctx, scopes)
		if err == nil {
			if p.cfg.OnDeviceCode != nil {
				p.cfg.OnDeviceCode(DeviceCodeInfo{UserCode: dc.Result.UserCode, VerificationURL: dc.Result.VerificationURL,
					Message: dc.Result.Message, ExpiresOn: dc.Result.ExpiresOn})
			}
			res, err = dc.AuthenticationResult(ctx)
		}
	case "password":
		//lint:ignore SA1019 ROPC is deprecated by Microsoft; testing it is the point.
		res, err = p.client.AcquireTokenByUsernamePassword(ctx, scopes, p.user, p.pass)
	default:
		return Token{}, fmt.Errorf("auth: unknown public flow %q", p.kind)
	}
	if err != nil {
		if ctx.Err() != nil && !errors.Is(err, ctx.Err()) {
			return Token{}, fmt.Errorf("%w (%v)", ctx.Err(), fromMSAL(err))
		}
		return Token{}, fromMSAL(err)
	}
	p.acct = &res.Account
	return p.token(res), nil
}

// interactive runs the browser sign-in; a pasted error ends the wait.
func (p *Public) interactive(ctx context.Context, scopes []string) (public.AuthResult, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	open := p.cfg.OpenURL
	if open == nil {
		open = openBrowser
	}
	pasted := make(chan error, 1)
	opened := func(u string) error {
		if p.cfg.Paste != nil {
			go func() {
				s, err := p.cfg.Paste(ctx, u)
				if err != nil {
					return
				}
				if r := parsePasted(s); r.err != nil {
					pasted <- r.err
				} else {
					pasted <- &AuthorizeError{Code: "pasted", Description: "browser sign-in comes back to this computer by itself; a code cannot be pasted here"}
				}
			}()
		}
		return open(u)
	}
	opts := []public.AcquireInteractiveOption{public.WithOpenURL(opened)}
	if p.cfg.LoginHint != "" {
		opts = append(opts, public.WithLoginHint(p.cfg.LoginHint))
	}
	if p.cfg.RedirectURI != "" {
		opts = append(opts, public.WithRedirectURI(p.cfg.RedirectURI))
	}
	type result struct {
		res public.AuthResult
		err error
	}
	done := make(chan result, 1)
	go func() {
		r, err := p.client.AcquireTokenInteractive(ctx, scopes, opts...)
		done <- result{r, err}
	}()
	select {
	case r := <-done:
		return r.res, r.err
	case err := <-pasted:
		cancel()
		<-done // MSAL closes its loopback listener when ctx ends
		return public.AuthResult{}, err
	}
}

func (p *Public) token(res public.AuthResult) Token {
	return Token{AccessToken: res.AccessToken, ExpiresOn: res.ExpiresOn, FromCache: res.Metadata.TokenSource == 1,
		User: res.Account.PreferredUsername, Scopes: res.GrantedScopes, RefreshToken: p.cache.hasRefreshToken()}
}

// Renew implements Renewer: it hides the cached access token from MSAL so
// that a silent acquisition must redeem the refresh token.
func (p *Public) Renew(ctx context.Context, scopes []string) (Token, error) {
	if p.acct == nil {
		return Token{}, errors.New("auth: renew before sign-in")
	}
	p.cache.setDropAT(true)
	defer p.cache.setDropAT(false)
	res, err := p.client.AcquireTokenSilent(ctx, scopes, public.WithSilentAccount(*p.acct))
	if err != nil {
		return Token{}, fromMSAL(err)
	}
	return p.token(res), nil
}
