package probe

import (
	"errors"
	"fmt"
)

// ReplyCode is a server's refusal as typed values, read from the protocol
// library's own reply (go-smtp's reply and enhanced code, go-imap's
// response code, the POP3 client's RFC 2449 response code). Zero fields
// mean the reply had none.
type ReplyCode struct {
	SMTP     int    // SMTP reply code, e.g. 535
	Enhanced string // RFC 3463 enhanced status code, e.g. "5.7.139"
	IMAP     string // IMAP response code without brackets, e.g. "AUTHENTICATIONFAILED"
	POP      string // POP3 response code without brackets, e.g. "AUTH" or "SYS/TEMP"
}

// RejectedError means the server refused the credentials: IMAP NO/BAD to
// AUTHENTICATE, POP3 -ERR to AUTH, SMTP 4xx/5xx to AUTH. Reply is the
// server's line as sent (it never contains the client's credentials);
// Code holds its typed codes; Challenge is a decoded SASL error challenge,
// if the server sent one.
type RejectedError struct {
	Protocol  string
	Reply     string
	Code      ReplyCode
	Challenge string
	Err       error
}

var _ error = (*RejectedError)(nil)

func (e *RejectedError) Error() string {
	return fmt.Sprintf("probe: %s rejected the token: %s", e.Protocol, e.Reply)
}

func (e *RejectedError) Unwrap() error { return e.Err }

// CommandError means a command after a successful login failed, e.g.
// SELECT answered with "BAD User is authenticated but not connected.".
type CommandError struct {
	Protocol string
	Command  string
	Reply    string
	Code     ReplyCode
	Err      error
}

var _ error = (*CommandError)(nil)

func (e *CommandError) Error() string {
	return fmt.Sprintf("probe: %s %s failed: %s", e.Protocol, e.Command, e.Reply)
}

func (e *CommandError) Unwrap() error { return e.Err }

// MechanismError means the server does not offer the SASL mechanism.
type MechanismError struct {
	Protocol string
	Mech     Mechanism
	Offered  []string
}

var _ error = (*MechanismError)(nil)

func (e *MechanismError) Error() string {
	return fmt.Sprintf("probe: %s server does not offer AUTH %s (offers %v)", e.Protocol, e.Mech, e.Offered)
}

// ErrNoSTARTTLS means an SMTP server answered EHLO without offering
// STARTTLS: a plain-text port, or one that expects implicit TLS. It comes
// wrapped in a *NetError at StageTLS.
var ErrNoSTARTTLS = errors.New("probe: server does not offer STARTTLS")

// ErrNoPasswordLogin is returned by LoginPassword of a protocol that has
// no password login (Microsoft Graph).
var ErrNoPasswordLogin = errors.New("probe: the protocol has no password login")
