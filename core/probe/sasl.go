package probe

import (
	"strconv"

	"github.com/emersion/go-sasl"
)

// Mechanism names a SASL mechanism for bearer tokens.
type Mechanism string

// Mechanisms.
const (
	XOAUTH2     Mechanism = "XOAUTH2"
	OAUTHBEARER Mechanism = "OAUTHBEARER"
)

// BearerClient is a SASL client for XOAUTH2 (Google/Microsoft) or
// OAUTHBEARER (RFC 7628). The token is a secret: Start's response carries
// it and must only go on the wire through a masking Transcript.
//
// When the server answers with an error challenge, Next records it in
// ServerError and replies with what the mechanism requires (an empty
// response for XOAUTH2, a single %x01 for OAUTHBEARER, RFC 7628 §3.2.3),
// never with an error: returning an error would leave the server waiting
// for a reply and the connection hanging.
type BearerClient struct {
	Mech  Mechanism
	User  string
	Token string
	Host  string // OAUTHBEARER only, optional
	Port  int    // OAUTHBEARER only, optional

	ServerError []byte // decoded error challenge, if any
}

var _ sasl.Client = (*BearerClient)(nil)

// Start returns the mechanism name and the initial response.
func (c *BearerClient) Start() (string, []byte, error) {
	return string(c.Mech), c.Message(), nil
}

// Message is the initial client response for the mechanism.
func (c *BearerClient) Message() []byte {
	if c.Mech == OAUTHBEARER {
		s := "n,a=" + saslName(c.User) + ",\x01"
		if c.Host != "" {
			s += "host=" + c.Host + "\x01"
		}
		if c.Port != 0 {
			s += "port=" + strconv.Itoa(c.Port) + "\x01"
		}
		return []byte(s + "auth=Bearer " + c.Token + "\x01\x01")
	}
	return []byte("user=" + c.User + "\x01auth=Bearer " + c.Token + "\x01\x01")
}

// Next answers a server challenge, which for these mechanisms is only ever
// an error report.
func (c *BearerClient) Next(challenge []byte) ([]byte, error) {
	c.ServerError = append([]byte(nil), challenge...)
	if c.Mech == OAUTHBEARER {
		return []byte{0x01}, nil
	}
	return []byte{}, nil
}

// saslName escapes "," and "=" in an authzid (RFC 5801).
func saslName(s string) string {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ',':
			out = append(out, "=2C"...)
		case '=':
			out = append(out, "=3D"...)
		default:
			out = append(out, s[i])
		}
	}
	return string(out)
}
