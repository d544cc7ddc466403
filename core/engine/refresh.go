package engine

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/mailoauth/mailoauth-tester/core/auth"
	"github.com/mailoauth/mailoauth-tester/core/diagnose"
	"github.com/mailoauth/mailoauth-tester/core/profile"
	"github.com/mailoauth/mailoauth-tester/core/secret"
	"github.com/mailoauth/mailoauth-tester/core/token"
)

// refresh answers "it worked for 90 days, then stopped": was a refresh
// token issued (offline_access consented), how long the access token
// lives, and does renewal with the refresh token work right now.
func (r *run) refresh(ctx context.Context, flow auth.Flow, tok auth.Token, signedIn bool) {
	if !signedIn {
		r.skip("refresh", "not tried: there is no sign-in to renew")
		return
	}
	started := r.begin("refresh", "Renewing the access token with the refresh token, without the user")
	life := "unknown lifetime"
	if c, err := token.Parse(tok.AccessToken); err == nil && !c.IssuedAt.IsZero() && !c.Expires.IsZero() {
		life = fmt.Sprintf("access tokens live %d min", int(c.Expires.Sub(c.IssuedAt).Round(time.Minute).Minutes()))
	}
	if !tok.RefreshToken {
		d := r.diag(diagnose.ConsentRequired, "")
		d.Cause = "No refresh token was issued, so the product can renew nothing and the user must sign in again when the access token expires (" + life + "). The offline_access permission is missing from the app's API permissions or was not consented. " + d.Cause
		r.end("refresh", started, Warn, "no refresh token was issued ("+life+"): offline_access is not granted", d)
		return
	}
	renewer, ok := flow.(auth.Renewer)
	if !ok {
		r.skip("refresh", "this flow has no refresh token")
		return
	}
	rctx, cancel := context.WithTimeout(ctx, tokenTimeout)
	defer cancel()
	nt, err := renewer.Renew(rctx, r.j.mailScopes())
	if err != nil {
		if ctx.Err() == context.Canceled {
			r.end("refresh", started, Skipped, "cancelled", nil)
			return
		}
		if d, text, ok := r.guardDiagnosis(err, ""); ok {
			r.end("refresh", started, Fail, "renewal failed: "+text, d)
			return
		}
		r.end("refresh", started, Fail, "renewal failed: "+tokenErrorText(err, ctx), r.tokenDiagnosis(err))
		return
	}
	r.j.scrub.Add(nt.AccessToken)
	if nt.AccessToken == tok.AccessToken {
		r.end("refresh", started, Warn, "the same access token came back: renewal was not exercised", nil)
		return
	}
	r.end("refresh", started, OK, fmt.Sprintf("refresh token issued and redeemed: new access token %s, expires %s; %s",
		secret.Mask(nt.AccessToken), nt.ExpiresOn.Local().Format("15:04:05"), life), nil)
}

// tokenText describes the token request for the step's first line.
func (r *run) tokenText(scopes []string) string {
	p := r.j.p
	at := r.j.cloud.AuthorityHost + "/" + p.Tenant
	sc := strings.Join(scopes, " ")
	switch p.Flow {
	case profile.Interactive:
		return fmt.Sprintf("Signing in as %s in the browser (%s) for %s", p.SignInUser(), at, sc)
	case profile.DeviceCode:
		return fmt.Sprintf("Device-code sign-in at %s for %s", at, sc)
	case profile.AuthCode:
		return fmt.Sprintf("Authorization-code sign-in as %s with redirect URI %s (%s) for %s", p.SignInUser(), p.RedirectURI, at, sc)
	case profile.Password:
		return fmt.Sprintf("Username+password sign-in as %s (%s) for %s", p.SignInUser(), at, sc)
	}
	cred := "client secret " + secret.Mask(p.ClientSecret)
	if r.j.cert != nil {
		cred = "certificate " + r.j.cert.Thumbprint()
	}
	return fmt.Sprintf("Requesting an app-only token from %s for %s with %s", at, sc, cred)
}

// flowDiagnosis explains a failed sign-in, knowing the flow: a
// username+password sign-in against a federated domain fails because of
// the federation, whatever MSAL's message says.
func (r *run) flowDiagnosis(err error) *diagnose.Diagnosis {
	var ae *auth.AuthorizeError
	if errors.As(err, &ae) {
		text := strings.TrimSpace(ae.Code + " " + ae.Description)
		d := r.recognize(text, "")
		d.Evidence = text
		return d
	}
	if r.j.p.Flow == profile.Password && r.realmType() == "Federated" {
		d := r.diag(diagnose.FederatedPasswordGrant, "")
		d.Evidence = err.Error()
		return d
	}
	return r.tokenDiagnosis(err)
}

// realmType is the sign-in domain's realm, once the tenant step found it.
func (r *run) realmType() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.realmKind
}
