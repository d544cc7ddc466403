package engine

import (
	"context"
	"strings"
	"time"

	"github.com/mailoauth/mailoauth-tester/core/auth"
	"github.com/mailoauth/mailoauth-tester/core/profile"
)

// userWaitTimeout bounds how long a sign-in waits for a person (browser,
// device code, pasted code): long enough to find a phone for MFA, short
// enough that a forgotten window does not wait forever.
const userWaitTimeout = 10 * time.Minute

// PromptKind says what a Prompt asks of the user.
type PromptKind string

// Prompt kinds.
const (
	PromptBrowser    PromptKind = "browser"     // the sign-in page was opened in the browser
	PromptDeviceCode PromptKind = "device-code" // type Code at URL
	PromptPaste      PromptKind = "paste"       // paste the redirected address or the code
)

// Prompt is something the user must do for the sign-in to go on. None of
// its fields is secret (a device code is short-lived and useless without
// the user's own sign-in).
type Prompt struct {
	Kind    PromptKind
	URL     string
	Code    string
	Message string
	Expires time.Time
}

// waitsForUser reports whether the flow's token needs a person.
func (j *Job) waitsForUser() bool { return j.p.Flow.UsesOAuth() && !j.p.Flow.Unattended() }

// mailScopes are the scopes the flow asks for to log in to the selected
// mail protocols (or Graph alone).
func (j *Job) mailScopes() []string {
	if len(j.p.Scopes) > 0 {
		return j.p.Scopes
	}
	if !j.p.Flow.Delegated() {
		return []string{j.cloud.ExchangeScope()}
	}
	var s []string
	for _, pr := range j.mailProtocols() {
		switch pr {
		case profile.IMAP:
			s = append(s, j.cloud.DelegatedResource+"/IMAP.AccessAsUser.All")
		case profile.POP:
			s = append(s, j.cloud.DelegatedResource+"/POP.AccessAsUser.All")
		case profile.SMTP:
			s = append(s, j.cloud.DelegatedResource+"/SMTP.Send")
		}
	}
	if len(s) == 0 {
		return j.graphScopes()
	}
	return s
}

// graphScopes are the scopes for the Graph token.
func (j *Job) graphScopes() []string {
	res := strings.TrimSuffix(j.graphResource(), "/")
	if !j.p.Flow.Delegated() {
		return []string{res + "/.default"}
	}
	s := []string{res + "/Mail.Read"}
	if j.p.SendTestMail {
		s = append(s, res+"/Mail.Send")
	}
	return s
}

// newFlow builds the MSAL-backed flow of the profile.
func (r *run) newFlow(ctx context.Context) (auth.Flow, error) {
	p := r.j.p
	cc := auth.ClientCredentialsConfig{AuthorityHost: r.j.cloud.AuthorityHost, Tenant: p.Tenant, ClientID: p.ClientID,
		Secret: p.ClientSecret, Cert: r.j.cert, HTTPClient: r.httpClient("token")}
	pub := auth.PublicConfig{AuthorityHost: r.j.cloud.AuthorityHost, Tenant: p.Tenant, ClientID: p.ClientID,
		HTTPClient: r.httpClient("token"), LoginHint: p.SignInUser(), OpenURL: r.opener(), RedirectURI: p.RedirectURI,
		OnDeviceCode: func(dc auth.DeviceCodeInfo) {
			r.emit(Event{Kind: PromptEvent, Step: "token", Level: Warns, Text: dc.Message,
				Prompt: &Prompt{Kind: PromptDeviceCode, URL: dc.VerificationURL, Code: dc.UserCode, Message: dc.Message, Expires: dc.ExpiresOn}})
		}}
	if r.j.opts.Paste != nil {
		pub.Paste = func(ctx context.Context, authorizeURL string) (string, error) {
			return r.j.opts.Paste(ctx, Prompt{Kind: PromptPaste, URL: authorizeURL,
				Message: "Sign in in the browser. If it shows an error instead of coming back here, paste the error text."})
		}
	}
	switch p.Flow {
	case profile.Interactive:
		return auth.NewInteractive(pub)
	case profile.DeviceCode:
		return auth.NewDeviceCode(pub)
	case profile.Password:
		return auth.NewPassword(pub, p.SignInUser(), p.Password)
	case profile.AuthCode:
		cfg := auth.AuthCodeConfig{ClientCredentialsConfig: cc, RedirectURI: p.RedirectURI, LoginHint: p.SignInUser(), OpenURL: r.opener()}
		if r.j.opts.Paste != nil {
			cfg.Paste = func(ctx context.Context, authorizeURL string) (string, error) {
				return r.j.opts.Paste(ctx, Prompt{Kind: PromptPaste, URL: authorizeURL,
					Message: "Sign in in the browser. If it does not come back here by itself, paste the address the browser shows after sign-in (or just the code, or the error text)."})
			}
		}
		return auth.NewAuthCode(cfg)
	}
	return auth.NewClientCredentials(cc)
}

// opener tells the face that the browser opens, then opens it.
func (r *run) opener() func(string) error {
	open := r.j.opts.OpenURL
	if open == nil {
		open = auth.OpenBrowser
	}
	return func(u string) error {
		r.emit(Event{Kind: PromptEvent, Step: "token", Level: Info, Text: "Sign in in the browser window that just opened.",
			Prompt: &Prompt{Kind: PromptBrowser, URL: u, Message: "If no browser opened, open this address yourself."}})
		return open(u)
	}
}
