package probe

import (
	"context"
	"net/http"
	"time"
)

// Prober is what every protocol probe offers, so one engine step can run
// any of them: Connect needs no credentials (it can run while the token is
// being fetched), Login presents a token, LoginPassword a password (basic
// authentication). A probe is used once and then closed.
type Prober interface {
	// Connect dials and reads what the server says before any credential
	// (greeting, capabilities). Errors are *NetError, *LimitError or a
	// guard's error from the HTTP client.
	Connect(ctx context.Context) error
	// Offers reports whether the server advertised the SASL mechanism.
	Offers(mech Mechanism) bool
	// Login authenticates with the access token (a secret) and proves the
	// mailbox can be used; it returns a one-line summary.
	Login(ctx context.Context, token string) (string, error)
	// LoginPassword authenticates with a user name and password (a
	// secret); probes whose protocol has no password login return an
	// error.
	LoginPassword(ctx context.Context, user, password string) (string, error)
	// Close releases the connection.
	Close()
}

// Config is what a probe needs to test one mailbox: where to connect and
// how, whom to log in as, and what to do once in.
type Config struct {
	Target
	// User is the mailbox: the SASL authorization identity for the mail
	// protocols, the /users/{User} of Graph.
	User string
	// Mech is the SASL mechanism the token is presented with.
	Mech Mechanism
	// SendTest sends one test message from User to User after the login.
	SendTest bool

	// BaseURL is Graph's https base URL, e.g. "https://graph.microsoft.com".
	BaseURL string
	// Me makes Graph use /me (the signed-in user's own mailbox).
	Me bool
	// Client makes Graph's requests (the caller's guards and proxy).
	Client *http.Client
	// OnThrottle, when set, is told about each wait for Retry-After.
	OnThrottle func(wait time.Duration, e *GraphError)
}

// NewIMAP returns the IMAP probe (implicit TLS, port 993).
func NewIMAP(c Config) Prober { return &IMAP{Target: c.Target, User: c.User, Mech: c.Mech} }

// NewPOP returns the POP3 probe (implicit TLS, port 995).
func NewPOP(c Config) Prober { return &POP{Target: c.Target, User: c.User, Mech: c.Mech} }

// NewSMTP returns the SMTP submission probe (STARTTLS, port 587).
func NewSMTP(c Config) Prober {
	return &SMTP{Target: c.Target, User: c.User, Mech: c.Mech, SendTest: c.SendTest}
}

// NewGraph returns the Microsoft Graph mail probe.
func NewGraph(c Config) Prober {
	return &Graph{BaseURL: c.BaseURL, Mailbox: c.User, Me: c.Me, Client: c.Client, Transcript: c.Transcript,
		OnTiming: c.OnTiming, OnThrottle: c.OnThrottle, SendTest: c.SendTest}
}

// NewGraphSender returns the Microsoft Graph probe of a product that only
// sends: it never reads the mailbox, and sends only when SendTest is set.
func NewGraphSender(c Config) Prober {
	g := NewGraph(c).(*Graph)
	g.SendOnly = true
	return g
}

var (
	_ Prober = (*IMAP)(nil)
	_ Prober = (*POP)(nil)
	_ Prober = (*SMTP)(nil)
	_ Prober = (*Graph)(nil)
)
