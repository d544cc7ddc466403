package auth

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/mailoauth/mailoauth-tester/core/simulate"
)

// exchangeScopes are the delegated Exchange scopes of a mail sign-in.
var exchangeScopes = []string{"https://outlook.office.com/IMAP.AccessAsUser.All", "https://outlook.office.com/SMTP.Send"}

// person plays the user's browser on the simulated authority: it signs in
// and lets the page redirect, and hands what the browser ends on (an
// address outside this computer, or an error page's text) to paste.
func person(sim *simulate.Tenant, pasted chan<- string) func(string) error {
	return func(u string) error {
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			res, err := simulate.Browse(ctx, sim.HTTPClient(), u)
			switch {
			case err != nil:
				pasted <- "browser error: " + err.Error()
			case res.ErrorText != "":
				pasted <- res.ErrorText
			case !res.Delivered && res.FinalURL != "":
				pasted <- res.FinalURL
			}
		}()
		return nil
	}
}

func pasteFrom(pasted <-chan string) func(context.Context, string) (string, error) {
	return func(ctx context.Context, _ string) (string, error) {
		select {
		case s := <-pasted:
			return s, nil
		case <-ctx.Done():
			return "", ctx.Err()
		}
	}
}

// config is the simulated tenant's app, for any flow.
func config(sim *simulate.Tenant) Config {
	return Config{AuthorityHost: sim.AuthorityURL, Tenant: sim.TenantID, ClientID: sim.ClientID, HTTPClient: sim.HTTPClient(), User: sim.User}
}

// signIn runs one flow to its token and checks the token and its renewal.
func signIn(t *testing.T, f Flow) Token {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	tok, err := f.Token(ctx, exchangeScopes)
	if err != nil {
		t.Fatalf("%s: Token() = %v", f.Name(), err)
	}
	if tok.AccessToken == "" || !tok.RefreshToken || !strings.EqualFold(tok.User, "support@contoso-sim.onmicrosoft.com") {
		t.Fatalf("%s: Token() = user %q, refresh token %v", f.Name(), tok.User, tok.RefreshToken)
	}
	rn, ok := f.(Renewer)
	if !ok {
		t.Fatalf("%s cannot renew", f.Name())
	}
	again, err := rn.Renew(ctx, exchangeScopes)
	if err != nil || again.AccessToken == "" || again.AccessToken == tok.AccessToken {
		t.Fatalf("%s: Renew() = %v (a new token: %v): the refresh token must really be redeemed", f.Name(), err, again.AccessToken != tok.AccessToken)
	}
	return tok
}

func TestDelegatedFlows(t *testing.T) {
	t.Run("password", func(t *testing.T) {
		sim := startSim(t, "ok")
		cfg := config(sim)
		cfg.Password = sim.UserPassword
		f, err := New("password", cfg)
		if err != nil {
			t.Fatal(err)
		}
		signIn(t, f)
	})
	t.Run("device-code", func(t *testing.T) {
		sim := startSim(t, "ok")
		cfg := config(sim)
		var shown DeviceCodeInfo
		cfg.OnDeviceCode = func(dc DeviceCodeInfo) {
			shown = dc
			go sim.ApproveDevice(dc.UserCode, sim.User)
		}
		f, err := New("device-code", cfg)
		if err != nil {
			t.Fatal(err)
		}
		signIn(t, f)
		if shown.UserCode == "" || shown.VerificationURL == "" || shown.ExpiresOn.IsZero() {
			t.Errorf("device code shown = %+v", shown)
		}
	})
	t.Run("interactive", func(t *testing.T) {
		sim := startSim(t, "ok")
		cfg := config(sim)
		pasted := make(chan string, 1)
		cfg.OpenURL, cfg.Paste = person(sim, pasted), pasteFrom(pasted)
		f, err := New("interactive", cfg)
		if err != nil {
			t.Fatal(err)
		}
		signIn(t, f)
	})
	t.Run("auth-code on a web redirect, pasted back", func(t *testing.T) {
		sim := startSim(t, "ok")
		cfg := config(sim)
		cfg.Secret, cfg.RedirectURI = sim.ClientSecret, "https://app.contoso-sim.test/oauth/callback"
		pasted := make(chan string, 1)
		cfg.OpenURL, cfg.Paste = person(sim, pasted), pasteFrom(pasted)
		f, err := New("auth-code", cfg)
		if err != nil {
			t.Fatal(err)
		}
		signIn(t, f)
	})
}

// TestSignInRefusals: each flow reports Entra ID's refusal as a
// *TokenError with the body (or a pasted error page as *AuthorizeError),
// never with a credential in it.
func TestSignInRefusals(t *testing.T) {
	t.Run("wrong password", func(t *testing.T) {
		sim := startSim(t, "password-wrong")
		cfg := config(sim)
		cfg.Password = sim.UserPassword
		f, _ := New("password", cfg)
		_, err := f.Token(context.Background(), exchangeScopes)
		var te *TokenError
		if !errors.As(err, &te) || !strings.Contains(te.Body, "50126") || strings.Contains(err.Error(), sim.UserPassword) {
			t.Errorf("Token() = %v, want AADSTS50126 without the password", err)
		}
	})
	t.Run("redirect URI not registered", func(t *testing.T) {
		sim := startSim(t, "redirect-uri-mismatch")
		cfg := config(sim)
		pasted := make(chan string, 1)
		cfg.OpenURL, cfg.Paste = person(sim, pasted), pasteFrom(pasted)
		f, _ := New("interactive", cfg)
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		_, err := f.Token(ctx, exchangeScopes)
		var ae *AuthorizeError
		if !errors.As(err, &ae) || !strings.Contains(ae.Description, "AADSTS50011") {
			t.Errorf("Token() = %v, want the pasted AADSTS50011 page", err)
		}
	})
	t.Run("refresh token revoked", func(t *testing.T) {
		sim := startSim(t, "refresh-revoked")
		cfg := config(sim)
		cfg.Password = sim.UserPassword
		f, _ := New("password", cfg)
		if _, err := f.Token(context.Background(), exchangeScopes); err != nil {
			t.Fatal(err)
		}
		_, err := f.(Renewer).Renew(context.Background(), exchangeScopes)
		var te *TokenError
		if !errors.As(err, &te) || !strings.Contains(te.Body, "50173") {
			t.Errorf("Renew() = %v, want AADSTS50173", err)
		}
	})
	t.Run("renew before sign-in", func(t *testing.T) {
		f, _ := New("password", Config{AuthorityHost: "https://login.microsoftonline.com", Tenant: "contoso.com", ClientID: "11111111-2222-3333-4444-555555555555"})
		if _, err := f.(Renewer).Renew(context.Background(), exchangeScopes); err == nil {
			t.Error("Renew() before Token() succeeded")
		}
	})
}

func TestNewKnowsEveryFlowName(t *testing.T) {
	for _, kind := range []string{"client-credentials", "interactive", "device-code", "password", "auth-code"} {
		f, err := New(kind, Config{AuthorityHost: "https://login.microsoftonline.com", Tenant: "contoso.com", ClientID: "11111111-2222-3333-4444-555555555555", Secret: "x"})
		if err != nil || f.Name() != kind {
			t.Errorf("New(%q) = %v, %v", kind, f, err)
		}
	}
	if _, err := New("magic", Config{}); err == nil {
		t.Error("New() of an unknown flow succeeded")
	}
}

func TestParsePasted(t *testing.T) {
	tests := []struct {
		in, code, state string
		stateKnown      bool
		errCode         string
	}{
		{"https://app.example/cb?code=abc&state=s1", "abc", "s1", true, ""},
		{"https://app.example/cb#code=abc", "abc", "", false, ""},
		{"code=abc", "abc", "", false, ""},
		{"  abc  ", "abc", "", false, ""},
		{"https://app.example/cb?error=access_denied&error_description=the+user+cancelled", "", "", false, "access_denied"},
		{"https://app.example/cb?error=access_denied&error_description=AADSTS65004", "", "", false, ""}, // read as the error text
		{"Message: AADSTS50011: The redirect URI does not match.", "", "", false, ""},
		{"two words", "", "", false, "no_code"},
	}
	for _, tt := range tests {
		r := parsePasted(tt.in)
		var ae *AuthorizeError
		switch {
		case tt.code != "":
			if r.err != nil || r.code != tt.code || r.state != tt.state || r.stateKnown != tt.stateKnown {
				t.Errorf("parsePasted(%q) = %+v", tt.in, r)
			}
		case !errors.As(r.err, &ae) || ae.Code != tt.errCode:
			t.Errorf("parsePasted(%q) = %+v, want an AuthorizeError %q", tt.in, r, tt.errCode)
		}
	}
}
