package simulate

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// jwtParts is a decoded, not yet verified, compact JWS.
type jwtParts struct {
	header       map[string]any
	claims       map[string]any
	signingInput string
	signature    []byte
}

// signJWT serialises header and claims (structs keep their field order) and
// signs them with RS256 or PS256.
func signJWT(key *rsa.PrivateKey, alg string, header, claims any) (string, error) {
	h, err := json.Marshal(header)
	if err != nil {
		return "", fmt.Errorf("simulate: marshal JWT header: %w", err)
	}
	c, err := json.Marshal(claims)
	if err != nil {
		return "", fmt.Errorf("simulate: marshal JWT claims: %w", err)
	}
	input := base64.RawURLEncoding.EncodeToString(h) + "." + base64.RawURLEncoding.EncodeToString(c)
	sum := sha256.Sum256([]byte(input))
	var sig []byte
	switch alg {
	case "RS256":
		sig, err = rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:])
	case "PS256":
		sig, err = rsa.SignPSS(rand.Reader, key, crypto.SHA256, sum[:], &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash})
	default:
		return "", fmt.Errorf("simulate: unsupported JWT alg %q", alg)
	}
	if err != nil {
		return "", fmt.Errorf("simulate: sign JWT: %w", err)
	}
	return input + "." + base64.RawURLEncoding.EncodeToString(sig), nil
}

// errMalformedJWT is returned for anything that is not a three-part JWS
// with JSON header and claims.
var errMalformedJWT = errors.New("malformed JWT")

// parseJWT splits and decodes a compact JWS without verifying it.
func parseJWT(tok string) (*jwtParts, error) {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return nil, errMalformedJWT
	}
	p := &jwtParts{signingInput: parts[0] + "." + parts[1]}
	for i, dst := range []*map[string]any{&p.header, &p.claims} {
		raw, err := base64.RawURLEncoding.DecodeString(parts[i])
		if err != nil {
			return nil, errMalformedJWT
		}
		dec := json.NewDecoder(strings.NewReader(string(raw)))
		dec.UseNumber()
		if err := dec.Decode(dst); err != nil || *dst == nil {
			return nil, errMalformedJWT
		}
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		return nil, errMalformedJWT
	}
	p.signature = sig
	return p, nil
}

// verify checks the signature with pub for the header's alg, accepting only
// the algorithms in allowed.
func (p *jwtParts) verify(pub *rsa.PublicKey, allowed ...string) error {
	alg := p.headerString("alg")
	ok := false
	for _, a := range allowed {
		ok = ok || a == alg
	}
	if !ok {
		return fmt.Errorf("algorithm %q not accepted", alg)
	}
	sum := sha256.Sum256([]byte(p.signingInput))
	if alg == "PS256" {
		return rsa.VerifyPSS(pub, crypto.SHA256, sum[:], p.signature, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthAuto})
	}
	return rsa.VerifyPKCS1v15(pub, crypto.SHA256, sum[:], p.signature)
}

// headerString returns a string header field or "".
func (p *jwtParts) headerString(name string) string {
	s, _ := p.header[name].(string)
	return s
}

// claimString returns a string claim or "".
func (p *jwtParts) claimString(name string) string {
	s, _ := p.claims[name].(string)
	return s
}

// claimTime returns a NumericDate claim in Unix seconds.
func (p *jwtParts) claimTime(name string) (int64, bool) {
	n, ok := p.claims[name].(json.Number)
	if !ok {
		return 0, false
	}
	if i, err := n.Int64(); err == nil {
		return i, true
	}
	f, err := n.Float64()
	return int64(f), err == nil
}

// claimStrings returns a string-array claim (or a single string as one item).
func (p *jwtParts) claimStrings(name string) []string {
	switch v := p.claims[name].(type) {
	case string:
		return []string{v}
	case []any:
		out := make([]string, 0, len(v))
		for _, x := range v {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}
