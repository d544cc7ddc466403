package probe

import "fmt"

// RejectedError means the server refused the credentials: IMAP NO/BAD to
// AUTHENTICATE, POP3 -ERR to AUTH, SMTP 4xx/5xx to AUTH. Reply is the
// server's line as sent (it never contains the client's credentials);
// Challenge is a decoded SASL error challenge, if the server sent one.
type RejectedError struct {
	Protocol  string
	Reply     string
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
