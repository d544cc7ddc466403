package simulate

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
)

// SASL mechanism names.
const (
	mechXOAuth2     = "XOAUTH2"
	mechOAuthBearer = "OAUTHBEARER"
	mechPlain       = "PLAIN"
	mechLogin       = "LOGIN"
)

// errSASLSyntax marks a SASL message that is not valid base64 or not in the
// mechanism's format: a protocol error, not an authentication failure.
var errSASLSyntax = errors.New("malformed SASL response")

// Why readSASL could not use a response; each server answers each in its
// own words.
var (
	errSASLBase64 = errors.New("SASL response is not base64")
	errSASLPlain  = errors.New("malformed PLAIN response")
	errSASLBearer = errors.New("malformed bearer response")
)

// saslMessage is a client's decoded response to AUTH or AUTHENTICATE.
type saslMessage struct {
	aborted    bool // the client sent "*"
	plain      bool // PLAIN: user and pass
	user, pass string
	bearer     bearerCreds // XOAUTH2 or OAUTHBEARER
}

// readSASL reads the client's response for mech, the part of AUTH that the
// IMAP, POP3 and SMTP servers share: the initial response given with the
// command, or the line that answers an empty continuation (prompt "+" for
// IMAP and POP3, "334" for SMTP); "*" aborts; then base64 and the
// mechanism's format. Errors other than a broken connection are
// errSASLBase64, errSASLPlain or errSASLBearer.
func (c *conn) readSASL(prompt, mech, initial string, hasInitial bool) (saslMessage, error) {
	resp := initial
	if !hasInitial {
		if err := c.send(prompt + " "); err != nil {
			return saslMessage{}, err
		}
		line, err := c.readLine()
		if err != nil {
			return saslMessage{}, err
		}
		resp = line
	}
	if resp == "*" {
		return saslMessage{aborted: true}, nil
	}
	msg, err := decodeSASL(resp)
	if err != nil {
		return saslMessage{}, errSASLBase64
	}
	if mech == mechPlain {
		user, pass, ok := parsePlain(msg)
		if !ok {
			return saslMessage{}, errSASLPlain
		}
		return saslMessage{plain: true, user: user, pass: pass}, nil
	}
	creds, err := parseBearer(mech, msg)
	if err != nil {
		return saslMessage{}, errSASLBearer
	}
	return saslMessage{bearer: creds}, nil
}

// bearerCreds is what an XOAUTH2 or OAUTHBEARER initial response carries.
type bearerCreds struct {
	user  string
	token string
}

// decodeSASL decodes a base64 client response; "=" is the empty response.
func decodeSASL(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	if s == "=" || s == "" {
		return nil, nil
	}
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil, errSASLSyntax
	}
	return b, nil
}

// parseXOAuth2 parses "user=U\x01auth=Bearer T\x01\x01".
func parseXOAuth2(msg []byte) (bearerCreds, error) {
	fields := strings.Split(strings.TrimRight(string(msg), "\x01"), "\x01")
	var c bearerCreds
	for _, f := range fields {
		switch k, v, _ := strings.Cut(f, "="); strings.ToLower(k) {
		case "user":
			c.user = v
		case "auth":
			c.token = bearerToken(v)
		}
	}
	if c.user == "" || c.token == "" {
		return c, errSASLSyntax
	}
	return c, nil
}

// parseOAuthBearer parses an RFC 7628 initial response:
// "n,a=U,\x01auth=Bearer T\x01host=...\x01\x01".
func parseOAuthBearer(msg []byte) (bearerCreds, error) {
	gs2, rest, ok := strings.Cut(string(msg), "\x01")
	if !ok {
		return bearerCreds{}, errSASLSyntax
	}
	var c bearerCreds
	for _, p := range strings.Split(gs2, ",") {
		if v, ok := strings.CutPrefix(p, "a="); ok {
			c.user = strings.NewReplacer("=2C", ",", "=3D", "=").Replace(v)
		}
	}
	for _, f := range strings.Split(rest, "\x01") {
		if k, v, ok := strings.Cut(f, "="); ok && strings.EqualFold(k, "auth") {
			c.token = bearerToken(v)
		}
	}
	if c.token == "" {
		return c, errSASLSyntax
	}
	return c, nil
}

// bearerToken strips the case-insensitive "Bearer " scheme.
func bearerToken(v string) string {
	if len(v) > 7 && strings.EqualFold(v[:7], "bearer ") {
		return strings.TrimSpace(v[7:])
	}
	return ""
}

// parseBearer dispatches on mech.
func parseBearer(mech string, msg []byte) (bearerCreds, error) {
	if mech == mechOAuthBearer {
		return parseOAuthBearer(msg)
	}
	return parseXOAuth2(msg)
}

// errorChallenge returns the base64 SASL error challenge a standards-based
// server sends for a rejected bearer token: Google-style JSON for XOAUTH2,
// RFC 7628 section 3.2.2 JSON for OAUTHBEARER.
func (t *Tenant) errorChallenge(mech string) string {
	var v any
	if mech == mechOAuthBearer {
		v = struct {
			Status string `json:"status"`
			Scope  string `json:"scope"`
			OpenID string `json:"openid-configuration"`
		}{"invalid_token", t.ExchangeResource + "/.default", t.AuthorityURL + "/" + t.TenantID + "/v2.0/.well-known/openid-configuration"}
	} else {
		v = struct {
			Status  string `json:"status"`
			Schemes string `json:"schemes"`
			Scope   string `json:"scope"`
		}{"401", "bearer", t.ExchangeResource + "/.default"}
	}
	b, _ := json.Marshal(v)
	return base64.StdEncoding.EncodeToString(b)
}
