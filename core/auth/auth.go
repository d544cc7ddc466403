// Package auth gets access tokens from Entra ID, always through MSAL Go.
// Each flow is one type behind the Flow interface. Tokens and credentials
// are secrets: nothing here logs them, and errors never quote them.
package auth

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	msalerrors "github.com/AzureAD/microsoft-authentication-library-for-go/apps/errors"
)

// Token is an access token and what is known about it. AccessToken is a
// secret.
type Token struct {
	AccessToken  string
	ExpiresOn    time.Time
	FromCache    bool
	User         string   // signed-in user (delegated flows)
	Scopes       []string // granted scopes (delegated flows)
	RefreshToken bool     // a refresh token was issued and is held in memory
}

// Flow gets a token for scopes.
type Flow interface {
	// Name is the flow's stable name, e.g. "client-credentials".
	Name() string
	// Token returns an access token. A server refusal is a *TokenError.
	Token(ctx context.Context, scopes []string) (Token, error)
}

// Renewer is a flow that can renew its access token with the refresh
// token, without the user.
type Renewer interface {
	Renew(ctx context.Context, scopes []string) (Token, error)
}

// TokenError is the token endpoint's refusal: HTTP status and raw body
// (Entra's JSON with error, error_description, error_codes …). The body
// never contains the client's credentials.
type TokenError struct {
	Status int
	Body   string
	Err    error
}

var _ error = (*TokenError)(nil)

func (e *TokenError) Error() string {
	if e.Body != "" {
		return fmt.Sprintf("auth: token endpoint answered HTTP %d: %s", e.Status, e.Body)
	}
	return fmt.Sprintf("auth: token endpoint answered HTTP %d", e.Status)
}

func (e *TokenError) Unwrap() error { return e.Err }

// fromMSAL turns MSAL's CallErr into a *TokenError, keeping only the
// response status and body (the request, which holds the secret, is
// dropped). Other errors are returned as they are.
func fromMSAL(err error) error {
	if err == nil {
		return nil
	}
	var ce msalerrors.CallErr
	if errors.As(err, &ce) && ce.Resp != nil {
		te := &TokenError{Status: ce.Resp.StatusCode, Err: errors.New(http.StatusText(ce.Resp.StatusCode))}
		if ce.Resp.Body != nil {
			b, _ := io.ReadAll(io.LimitReader(ce.Resp.Body, 64<<10))
			te.Body = strings.TrimSpace(string(b))
		}
		if te.Body == "" {
			// After device-code polling MSAL has consumed the body; the
			// JSON is still in the message.
			msg := ce.Error()
			if i := strings.Index(msg, "{"); i >= 0 {
				te.Body = strings.TrimSpace(msg[i:])
			}
		}
		return te
	}
	return err
}
