package engine

import (
	"context"
	"strings"
	"time"

	"github.com/mailoauth/mailoauth-tester/core/auth"
	"github.com/mailoauth/mailoauth-tester/core/protocol"
)

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

// mailScopes are the scopes the flow asks for to log in to the selected
// mail protocols (or Graph alone): the protocol table's delegated scope of
// each, or the Exchange resource's .default for app-only.
func (j *Job) mailScopes() []string {
	if len(j.p.Scopes) > 0 {
		return j.p.Scopes
	}
	if !j.flow.Delegated {
		return []string{j.cloud.ExchangeScope()}
	}
	var s []string
	for _, p := range j.selected(protocol.Exchange) {
		if len(p.Scopes) > 0 {
			s = append(s, j.cloud.DelegatedResource+"/"+p.Scopes[0])
		}
	}
	if len(s) == 0 {
		return j.graphScopes()
	}
	return s
}

// graphScopes are the scopes for the Graph token: .default for app-only,
// the protocol table's delegated scope (and the one that sends, when the
// test message is sent) for a user.
func (j *Job) graphScopes() []string {
	res := strings.TrimSuffix(j.graphResource(), "/")
	if !j.flow.Delegated {
		return []string{res + "/.default"}
	}
	var s []string
	for _, p := range j.selected(protocol.MicrosoftGraph) {
		if len(p.Scopes) > 0 {
			s = append(s, res+"/"+p.Scopes[0])
		}
		if j.p.SendTestMail && p.SendPermission != "" {
			s = append(s, res+"/"+p.SendPermission)
		}
	}
	return s
}

// newFlow builds the sign-in flow the flow table names for the profile. It
// makes no connection.
func (r *run) newFlow() (auth.Flow, error) {
	p, spec := r.j.p, r.j.flow
	cfg := auth.Config{AuthorityHost: r.j.cloud.AuthorityHost, Tenant: p.Tenant, ClientID: p.ClientID,
		Secret: p.ClientSecret, Cert: r.j.cert, User: p.SignInUser(), Password: p.Password, RedirectURI: p.RedirectURI,
		HTTPClient: r.httpClient(StepToken), OpenURL: r.opener(),
		OnDeviceCode: func(dc auth.DeviceCodeInfo) {
			r.emit(Event{Kind: PromptEvent, Step: StepToken, Level: Warns, Text: dc.Message,
				Prompt: &Prompt{Kind: PromptDeviceCode, URL: dc.VerificationURL, Code: dc.UserCode, Message: dc.Message, Expires: dc.ExpiresOn}})
		}}
	if r.j.opts.Paste != nil && spec.PastePrompt != "" {
		cfg.Paste = func(ctx context.Context, authorizeURL string) (string, error) {
			r.calls.enter()
			defer r.calls.leave()
			return r.j.opts.Paste(ctx, Prompt{Kind: PromptPaste, URL: authorizeURL, Message: spec.PastePrompt})
		}
	}
	return auth.New(spec.SignIn, cfg)
}

// opener tells the face that the browser opens, then opens it.
func (r *run) opener() func(string) error {
	open := r.j.opts.OpenURL
	if open == nil {
		open = auth.OpenBrowser
	}
	return func(u string) error {
		r.emit(Event{Kind: PromptEvent, Step: StepToken, Level: Info, Text: "Sign in in the browser window that just opened.",
			Prompt: &Prompt{Kind: PromptBrowser, URL: u, Message: "If no browser opened, open this address yourself."}})
		return open(u)
	}
}
