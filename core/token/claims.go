// Package token decodes the claims of an Entra ID access token and checks
// them against what each mail protocol needs. It never verifies signatures
// (that is the resource server's job); it only reads what the token says so
// the tester can explain a rejection before or after the server gives one.
package token

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
)

// Claims are the fields of an access token that matter for mail. None of
// them is secret; the token itself is.
type Claims struct {
	Audience       string    `json:"aud"`
	Issuer         string    `json:"iss"`
	TenantID       string    `json:"tid"`
	AppID          string    `json:"appid"` // v1.0 tokens
	AzpID          string    `json:"azp"`   // v2.0 tokens
	AppDisplayName string    `json:"app_displayname"`
	ObjectID       string    `json:"oid"`
	IDType         string    `json:"idtyp"`
	UPN            string    `json:"upn"`
	PreferredName  string    `json:"preferred_username"`
	Roles          []string  `json:"roles"`
	Scopes         []string  `json:"scp"`
	Version        string    `json:"ver"`
	IssuedAt       time.Time `json:"iat"`
	NotBefore      time.Time `json:"nbf"`
	Expires        time.Time `json:"exp"`
}

// ErrNotJWT means the value is not a JWT (e.g. empty, truncated, or an
// opaque token such as a personal Microsoft account's).
var ErrNotJWT = errors.New("token: not a JWT")

// Parse decodes the payload of a JWT access token without verifying it.
// Errors never quote the token.
func Parse(tok string) (Claims, error) {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 || parts[0] == "" || parts[1] == "" {
		return Claims{}, fmt.Errorf("%w: %d parts", ErrNotJWT, len(parts))
	}
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return Claims{}, fmt.Errorf("%w: payload is not base64url", ErrNotJWT)
	}
	var m struct {
		Aud   json.RawMessage `json:"aud"`
		Iss   string          `json:"iss"`
		Tid   string          `json:"tid"`
		AppID string          `json:"appid"`
		Azp   string          `json:"azp"`
		Name  string          `json:"app_displayname"`
		Oid   string          `json:"oid"`
		Idtyp string          `json:"idtyp"`
		UPN   string          `json:"upn"`
		Pref  string          `json:"preferred_username"`
		Roles []string        `json:"roles"`
		Scp   string          `json:"scp"`
		Ver   string          `json:"ver"`
		Iat   json.Number     `json:"iat"`
		Nbf   json.Number     `json:"nbf"`
		Exp   json.Number     `json:"exp"`
	}
	if err := json.Unmarshal(raw, &m); err != nil {
		return Claims{}, fmt.Errorf("%w: payload is not JSON", ErrNotJWT)
	}
	c := Claims{
		Issuer: m.Iss, TenantID: m.Tid, AppID: m.AppID, AzpID: m.Azp, AppDisplayName: m.Name,
		ObjectID: m.Oid, IDType: m.Idtyp, UPN: m.UPN, PreferredName: m.Pref, Roles: m.Roles,
		Scopes: strings.Fields(m.Scp), Version: m.Ver,
		IssuedAt: unix(m.Iat), NotBefore: unix(m.Nbf), Expires: unix(m.Exp),
	}
	var aud string
	if json.Unmarshal(m.Aud, &aud) == nil {
		c.Audience = aud
	} else {
		var auds []string
		if json.Unmarshal(m.Aud, &auds) == nil && len(auds) > 0 {
			c.Audience = auds[0]
		}
	}
	return c, nil
}

func unix(n json.Number) time.Time {
	if n == "" {
		return time.Time{}
	}
	f, err := n.Float64()
	if err != nil {
		return time.Time{}
	}
	return time.Unix(int64(f), 0).UTC()
}

// Client returns the application ID the token was issued to.
func (c Claims) Client() string {
	if c.AppID != "" {
		return c.AppID
	}
	return c.AzpID
}

// AppOnly reports whether the token was issued to an application without a
// user (client credentials): no scp claim, or idtyp "app".
func (c Claims) AppOnly() bool {
	return c.IDType == "app" || (len(c.Scopes) == 0 && c.UPN == "" && c.PreferredName == "")
}

// Summary is a one-line description for the log, e.g.
// "aud https://outlook.office365.com · roles IMAP.AccessAsApp · expires in 59 min".
func (c Claims) Summary(now time.Time) string {
	var parts []string
	parts = append(parts, "aud "+orNone(c.Audience))
	if c.AppOnly() {
		parts = append(parts, "roles "+orNone(strings.Join(sorted(c.Roles), " ")))
	} else {
		parts = append(parts, "scp "+orNone(strings.Join(sorted(c.Scopes), " ")))
	}
	if c.AppDisplayName != "" {
		parts = append(parts, "app "+c.AppDisplayName)
	}
	if !c.Expires.IsZero() {
		parts = append(parts, fmt.Sprintf("expires in %d min", int(c.Expires.Sub(now).Round(time.Minute).Minutes())))
	}
	return strings.Join(parts, " · ")
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

func sorted(s []string) []string {
	out := append([]string(nil), s...)
	sort.Strings(out)
	return out
}
