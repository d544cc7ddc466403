package auth

import (
	"context"
	"fmt"
	"net/http"
)

// Config is everything a flow may need; each constructor takes its part.
// Secret and Password are secrets.
type Config struct {
	AuthorityHost string // e.g. "https://login.microsoftonline.com"
	Tenant        string
	ClientID      string
	Secret        string       // confidential flows: the client secret …
	Cert          *Certificate // … or the certificate
	User          string       // the user who signs in (login hint; ROPC's user name)
	Password      string       // ROPC only
	RedirectURI   string       // auth code; a fixed loopback for the browser sign-in
	HTTPClient    *http.Client
	// OpenURL opens a sign-in page; nil uses the system browser.
	OpenURL func(url string) error
	// OnDeviceCode shows the device code (device-code flow).
	OnDeviceCode func(DeviceCodeInfo)
	// Paste asks the user for what the browser shows (the redirected
	// address, the code or an error page's text); nil when no one can be
	// asked.
	Paste func(ctx context.Context, authorizeURL string) (string, error)
}

// constructors are the flows by the name the flow table gives them
// (profile.FlowSpec.SignIn).
var constructors = map[string]func(Config) (Flow, error){
	"client-credentials": func(c Config) (Flow, error) { return NewClientCredentials(c.confidential()) },
	"interactive":        func(c Config) (Flow, error) { return NewInteractive(c.public()) },
	"device-code":        func(c Config) (Flow, error) { return NewDeviceCode(c.public()) },
	"password":           func(c Config) (Flow, error) { return NewPassword(c.public(), c.User, c.Password) },
	"auth-code": func(c Config) (Flow, error) {
		return NewAuthCode(AuthCodeConfig{ClientCredentialsConfig: c.confidential(), RedirectURI: c.RedirectURI,
			LoginHint: c.User, OpenURL: c.OpenURL, Paste: c.Paste})
	},
}

// New builds the flow the flow table names kind. Errors say what in c
// cannot be used (a credential MSAL refuses, an unknown kind).
func New(kind string, c Config) (Flow, error) {
	mk, ok := constructors[kind]
	if !ok {
		return nil, fmt.Errorf("auth: no sign-in flow %q", kind)
	}
	return mk(c)
}

func (c Config) confidential() ClientCredentialsConfig {
	return ClientCredentialsConfig{AuthorityHost: c.AuthorityHost, Tenant: c.Tenant, ClientID: c.ClientID,
		Secret: c.Secret, Cert: c.Cert, HTTPClient: c.HTTPClient}
}

func (c Config) public() PublicConfig {
	return PublicConfig{AuthorityHost: c.AuthorityHost, Tenant: c.Tenant, ClientID: c.ClientID, HTTPClient: c.HTTPClient,
		LoginHint: c.User, OpenURL: c.OpenURL, RedirectURI: c.RedirectURI, OnDeviceCode: c.OnDeviceCode, Paste: c.Paste}
}
