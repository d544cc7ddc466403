package probe

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/mailoauth/mailoauth-tester/core/visible"
)

// IMAP probes an IMAP server on implicit TLS (port 993): Connect opens the
// connection and reads the greeting and capabilities (no credentials
// needed, so it can run while the token is being fetched); Login
// authenticates with the token and opens INBOX read-only.
type IMAP struct {
	Target
	User string
	Mech Mechanism

	c     *imapclient.Client
	mechs []string
}

// Connect dials, completes TLS and reads the greeting and capabilities.
// Errors are *NetError.
func (p *IMAP) Connect(ctx context.Context) error {
	tc, err := p.dialTLS(ctx)
	if err != nil {
		return err
	}
	conn := p.Transcript.Conn(p.limited(tc))
	stop := closeOnCancel(ctx, tc)
	defer stop()
	p.c = imapclient.New(conn, nil)
	start := time.Now()
	if err := p.c.WaitGreeting(); err != nil {
		p.c.Close()
		return &NetError{Stage: StageGreeting, Addr: p.Addr, Err: p.over(ctxErr(ctx, err))}
	}
	p.timing("greeting", start, "")
	start = time.Now()
	caps := p.c.Caps()
	if caps == nil {
		p.c.Close()
		return &NetError{Stage: StageGreeting, Addr: p.Addr, Err: p.over(ctxErr(ctx, errors.New("no CAPABILITY reply")))}
	}
	p.timing("capability", start, capList(caps))
	p.mechs = authMechs(caps)
	return nil
}

// Offers reports whether the server advertised the SASL mechanism.
func (p *IMAP) Offers(mech Mechanism) bool { return containsFold(p.mechs, string(mech)) }

func capList(caps imap.CapSet) string {
	var s []string
	for c := range caps {
		s = append(s, string(c))
	}
	return strings.Join(sortStrings(s), " ")
}

func authMechs(caps imap.CapSet) []string {
	var out []string
	for c := range caps {
		if m, ok := strings.CutPrefix(string(c), "AUTH="); ok {
			out = append(out, m)
		}
	}
	return sortStrings(out)
}

// Login authenticates with the token, opens INBOX read-only (EXAMINE) and
// logs out. It returns a one-line summary such as "INBOX: 3 messages".
// Errors are *RejectedError (AUTHENTICATE refused), *CommandError (EXAMINE
// refused) or *NetError.
func (p *IMAP) Login(ctx context.Context, token string) (string, error) {
	if p.c == nil {
		return "", errors.New("probe: imap: Login before Connect")
	}
	if !p.Offers(p.Mech) {
		return "", &MechanismError{Protocol: "imap", Mech: p.Mech, Offered: p.mechs}
	}
	stop := context.AfterFunc(ctx, func() { p.c.Close() })
	defer stop()
	sc := &BearerClient{Mech: p.Mech, User: p.User, Token: token, Host: p.host(), Port: 993}
	start := time.Now()
	if err := p.c.Authenticate(sc); err != nil {
		var ie *imap.Error
		if errors.As(err, &ie) {
			return "", &RejectedError{Protocol: "imap", Reply: imapReply(ie), Code: ReplyCode{IMAP: string(ie.Code)}, Challenge: string(sc.ServerError), Err: err}
		}
		return "", &NetError{Stage: StageCommand, Addr: p.Addr, Err: p.over(ctxErr(ctx, err))}
	}
	p.timing("authenticate", start, "AUTHENTICATE "+string(p.Mech)+" accepted for "+p.User)
	return p.examine(ctx)
}

// examine opens INBOX read-only and logs out without waiting for the
// server's goodbye: the answer is known by then, and the wait would only
// add a round trip to the run.
func (p *IMAP) examine(ctx context.Context) (string, error) {
	start := time.Now()
	data, err := p.c.Select("INBOX", &imap.SelectOptions{ReadOnly: true}).Wait()
	if err != nil {
		var ie *imap.Error
		if errors.As(err, &ie) {
			return "", &CommandError{Protocol: "imap", Command: "EXAMINE INBOX", Reply: imapReply(ie), Code: ReplyCode{IMAP: string(ie.Code)}, Err: err}
		}
		return "", &NetError{Stage: StageCommand, Addr: p.Addr, Err: p.over(ctxErr(ctx, err))}
	}
	summary := fmt.Sprintf("INBOX: %d %s", data.NumMessages, visible.Plural(int(data.NumMessages), "message", "messages"))
	p.timing("examine", start, summary)
	start = time.Now()
	p.c.Logout()
	p.timing("logout", start, "sent; not waiting for the goodbye")
	p.c.Close()
	return summary, nil
}

// LoginPassword logs in with LOGIN (basic authentication: a password or
// app password, which is a secret), then opens INBOX like Login.
func (p *IMAP) LoginPassword(ctx context.Context, user, password string) (string, error) {
	if p.c == nil {
		return "", errors.New("probe: imap: Login before Connect")
	}
	stop := context.AfterFunc(ctx, func() { p.c.Close() })
	defer stop()
	start := time.Now()
	if err := p.c.Login(user, password).Wait(); err != nil {
		var ie *imap.Error
		if errors.As(err, &ie) {
			return "", &RejectedError{Protocol: "imap", Reply: imapReply(ie), Code: ReplyCode{IMAP: string(ie.Code)}, Err: err}
		}
		return "", &NetError{Stage: StageCommand, Addr: p.Addr, Err: p.over(ctxErr(ctx, err))}
	}
	p.timing("login", start, "LOGIN accepted for "+user)
	return p.examine(ctx)
}

func imapReply(e *imap.Error) string {
	s := string(e.Type)
	if e.Code != "" {
		s += " [" + string(e.Code) + "]"
	}
	return s + " " + e.Text
}

// Close releases the connection.
func (p *IMAP) Close() {
	if p.c != nil {
		p.c.Close()
	}
}
