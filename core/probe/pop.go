package probe

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/mailoauth/mailoauth-tester/core/probe/pop3"
	"github.com/mailoauth/mailoauth-tester/core/visible"
)

// popCommandTimeout bounds one POP3 command; the run's context bounds the
// whole probe.
const popCommandTimeout = 30 * time.Second

// POP probes a POP3 server on implicit TLS (port 995). Connect needs no
// credentials; Login authenticates in two steps and runs STAT.
type POP struct {
	Target
	User string
	Mech Mechanism

	c     *pop3.Client
	mechs []string
	capa  bool
}

// Connect dials, completes TLS and reads the greeting and CAPA.
func (p *POP) Connect(ctx context.Context) error {
	tc, err := p.dialTLS(ctx)
	if err != nil {
		return err
	}
	stop := closeOnCancel(ctx, tc)
	defer stop()
	p.c = pop3.New(p.Transcript.Conn(p.limited(tc)))
	p.c.Timeout = popCommandTimeout
	start := time.Now()
	if _, err := p.c.Greeting(); err != nil {
		p.c.Close()
		return &NetError{Stage: StageGreeting, Addr: p.Addr, Err: p.over(ctxErr(ctx, err))}
	}
	p.timing("greeting", start, "")
	start = time.Now()
	caps, err := p.c.Capa()
	if err != nil {
		// CAPA is optional (RFC 2449); go on and let AUTH decide.
		var pe *pop3.Error
		if !errors.As(err, &pe) {
			p.c.Close()
			return &NetError{Stage: StageGreeting, Addr: p.Addr, Err: p.over(ctxErr(ctx, err))}
		}
		return nil
	}
	p.timing("capa", start, strings.Join(caps, " · "))
	p.mechs, p.capa = pop3.SASLMechanisms(caps), true
	return nil
}

// Offers reports whether the server advertised the SASL mechanism (true
// when the server sent no CAPA: then only AUTH itself can tell).
func (p *POP) Offers(mech Mechanism) bool { return !p.capa || containsFold(p.mechs, string(mech)) }

// Login authenticates with the token, runs STAT and QUIT, and returns a
// summary such as "3 messages, 12 KB". Errors are *RejectedError,
// *CommandError or *NetError.
func (p *POP) Login(ctx context.Context, token string) (string, error) {
	if p.c == nil {
		return "", errors.New("probe: pop: Login before Connect")
	}
	if !p.Offers(p.Mech) {
		return "", &MechanismError{Protocol: "pop", Mech: p.Mech, Offered: p.mechs}
	}
	stop := context.AfterFunc(ctx, func() { p.c.Close() })
	defer stop()
	sc := &BearerClient{Mech: p.Mech, User: p.User, Token: token, Host: p.host(), Port: 995}
	start := time.Now()
	if err := p.c.Auth(sc); err != nil {
		var pe *pop3.Error
		if errors.As(err, &pe) {
			return "", &RejectedError{Protocol: "pop", Reply: pe.Reply, Code: ReplyCode{POP: pe.Code}, Challenge: string(sc.ServerError), Err: err}
		}
		return "", &NetError{Stage: StageCommand, Addr: p.Addr, Err: p.over(ctxErr(ctx, err))}
	}
	p.timing("auth", start, "AUTH "+string(p.Mech)+" accepted for "+p.User)
	return p.stat(ctx)
}

// LoginPassword logs in with USER and PASS (basic authentication; the
// password is a secret), then runs STAT like Login.
func (p *POP) LoginPassword(ctx context.Context, user, password string) (string, error) {
	if p.c == nil {
		return "", errors.New("probe: pop: Login before Connect")
	}
	stop := context.AfterFunc(ctx, func() { p.c.Close() })
	defer stop()
	start := time.Now()
	if err := p.c.UserPass(user, password); err != nil {
		var pe *pop3.Error
		if errors.As(err, &pe) {
			return "", &RejectedError{Protocol: "pop", Reply: pe.Reply, Code: ReplyCode{POP: pe.Code}, Err: err}
		}
		return "", &NetError{Stage: StageCommand, Addr: p.Addr, Err: p.over(ctxErr(ctx, err))}
	}
	p.timing("user/pass", start, "USER/PASS accepted for "+user)
	return p.stat(ctx)
}

// stat runs STAT and sends QUIT without waiting for the goodbye (the
// answer is known by then; the wait would only add a round trip).
func (p *POP) stat(ctx context.Context) (string, error) {
	start := time.Now()
	n, size, err := p.c.Stat()
	if err != nil {
		var pe *pop3.Error
		if errors.As(err, &pe) {
			return "", &CommandError{Protocol: "pop", Command: "STAT", Reply: pe.Reply, Code: ReplyCode{POP: pe.Code}, Err: err}
		}
		return "", &NetError{Stage: StageCommand, Addr: p.Addr, Err: p.over(ctxErr(ctx, err))}
	}
	summary := fmt.Sprintf("%d %s, %s", n, visible.Plural(n, "message", "messages"), humanBytes(size))
	p.timing("stat", start, summary)
	start = time.Now()
	if err := p.c.QuitNoWait(); err == nil {
		p.timing("quit", start, "sent; not waiting for the goodbye")
	}
	return summary, nil
}

// Close releases the connection.
func (p *POP) Close() {
	if p.c != nil {
		p.c.Close()
	}
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.0f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}
