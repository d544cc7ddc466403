package probe

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// smtpCommandTimeout bounds one SMTP command (go-smtp's default is 5
// minutes, RFC 5321's recommendation for a mail relay, far too long for a
// login test); the run's context bounds the whole probe.
const smtpCommandTimeout = 30 * time.Second

// SMTP probes client submission on port 587: Connect reads the greeting,
// says EHLO, upgrades with STARTTLS and says EHLO again; Login sends AUTH
// with the token. Nothing is ever sent as mail.
type SMTP struct {
	Target
	User string
	Mech Mechanism
	// SendTest, when set, sends one short message from User to User after
	// AUTH (MAIL FROM, RCPT TO, DATA). Off by default: a test must not
	// send mail unless asked.
	SendTest bool

	c   *smtp.Client
	raw net.Conn
}

// Connect runs greeting, EHLO, STARTTLS, TLS handshake and EHLO. Errors are
// *NetError or *MechanismError.
func (p *SMTP) Connect(ctx context.Context) error {
	raw, err := p.dialTCP(ctx)
	if err != nil {
		return err
	}
	p.raw = raw
	stop := closeOnCancel(ctx, raw)
	defer stop()
	// Before TLS the raw connection is recorded; from STARTTLS on, the
	// client's debug writer sees the plaintext (direction told by syntax).
	start := time.Now()
	ehlo := &ehloWatch{Conn: p.limited(raw)}
	c, err := smtp.NewClientStartTLS(p.Transcript.ConnUntilSTARTTLS(ehlo), p.TLSConfig())
	if err != nil {
		raw.Close()
		if le := p.over(err); le != err {
			return &NetError{Stage: StageGreeting, Addr: p.Addr, Err: le}
		}
		if ehlo.withoutSTARTTLS() {
			return &NetError{Stage: StageTLS, Addr: p.Addr, Err: ErrNoSTARTTLS}
		}
		return &NetError{Stage: StageGreeting, Addr: p.Addr, Err: p.over(ctxErr(ctx, err))}
	}
	p.timing("greeting, EHLO, STARTTLS", start, "")
	c.CommandTimeout = smtpCommandTimeout
	if p.Transcript != nil {
		c.DebugWriter = p.Transcript.Inferring()
	}
	start = time.Now()
	// The TLS handshake and the second EHLO happen lazily on the next
	// command; Extension triggers them, and a failure is cached by the
	// client and returned by Noop without network traffic. Without AUTH,
	// Noop tells a server that offers none from a second EHLO that broke
	// a limit.
	if ok, _ := c.Extension("AUTH"); !ok {
		var le *LimitError
		if errors.As(p.over(c.Noop()), &le) {
			raw.Close()
			return &NetError{Stage: StageGreeting, Addr: p.Addr, Err: le}
		}
	}
	st, _ := c.TLSConnectionState()
	if !st.HandshakeComplete {
		err := c.Noop()
		raw.Close()
		if err == nil {
			err = errors.New("TLS handshake did not complete")
		}
		return &NetError{Stage: StageTLS, Addr: p.Addr, Err: p.over(ctxErr(ctx, err))}
	}
	p.timing("tls", start, DescribeTLS(st)+"; EHLO again")
	if p.OnTLS != nil {
		p.OnTLS(p.host(), st)
	}
	p.c = c
	return nil
}

// smtpLineLimit is go-smtp's own limit on a reply line.
const smtpLineLimit = 2000

// over is Target.over that also knows go-smtp's own line limit.
func (p *SMTP) over(err error) error {
	if errors.Is(err, smtp.ErrTooLongLine) {
		return &LimitError{Addr: p.Addr, What: "line", Limit: smtpLineLimit}
	}
	return p.Target.over(err)
}

// Offers reports whether the server advertised the AUTH mechanism.
func (p *SMTP) Offers(mech Mechanism) bool { return p.c != nil && p.c.SupportsAuth(string(mech)) }

// Login authenticates with the token and quits. It returns "AUTH
// accepted". Errors are *RejectedError or *NetError.
func (p *SMTP) Login(ctx context.Context, token string) (string, error) {
	return p.auth(ctx, &BearerClient{Mech: p.Mech, User: p.User, Token: token, Host: p.host(), Port: 587}, string(p.Mech))
}

// LoginPassword authenticates with AUTH LOGIN (basic authentication; the
// password is a secret) and quits, or sends the test message when asked.
func (p *SMTP) LoginPassword(ctx context.Context, user, password string) (string, error) {
	return p.auth(ctx, sasl.NewLoginClient(user, password), "LOGIN")
}

func (p *SMTP) auth(ctx context.Context, sc sasl.Client, mech string) (string, error) {
	if p.c == nil {
		return "", errors.New("probe: smtp: Login before Connect")
	}
	stop := context.AfterFunc(ctx, func() { p.raw.Close() })
	defer stop()
	start := time.Now()
	if !p.Offers(Mechanism(mech)) {
		_, mechs := p.c.Extension("AUTH")
		return "", &MechanismError{Protocol: "smtp", Mech: Mechanism(mech), Offered: strings.Fields(mechs)}
	}
	if err := p.c.Auth(sc); err != nil {
		var se *smtp.SMTPError
		if errors.As(err, &se) {
			var challenge string
			if bc, ok := sc.(*BearerClient); ok {
				challenge = string(bc.ServerError)
			}
			return "", &RejectedError{Protocol: "smtp", Reply: smtpReply(se), Code: smtpCode(se), Challenge: challenge, Err: err}
		}
		return "", &NetError{Stage: StageCommand, Addr: p.Addr, Err: p.over(ctxErr(ctx, err))}
	}
	summary := "AUTH " + mech + " accepted for " + p.User + " (no mail sent)"
	p.timing("auth", start, "AUTH "+mech+" accepted for "+p.User)
	if p.SendTest {
		if err := p.send(); err != nil {
			return "", err
		}
		summary = "AUTH " + mech + " accepted for " + p.User + "; test message sent to " + p.User
	}
	start = time.Now()
	if err := p.c.Quit(); err == nil {
		p.timing("quit", start, "")
	}
	return summary, nil
}

// send delivers the test message; a refusal is a *CommandError.
func (p *SMTP) send() error {
	start := time.Now()
	fail := func(cmd string, err error) error {
		var se *smtp.SMTPError
		if errors.As(err, &se) {
			return &CommandError{Protocol: "smtp", Command: cmd, Reply: smtpReply(se), Code: smtpCode(se), Err: err}
		}
		return &NetError{Stage: StageCommand, Addr: p.Addr, Err: p.over(err)}
	}
	if err := p.c.Mail(p.User, nil); err != nil {
		return fail("MAIL FROM", err)
	}
	if err := p.c.Rcpt(p.User, nil); err != nil {
		return fail("RCPT TO", err)
	}
	w, err := p.c.Data()
	if err != nil {
		return fail("DATA", err)
	}
	msg := "From: <" + p.User + ">\r\nTo: <" + p.User + ">\r\nSubject: " + TestSubject + "\r\n" +
		"Date: " + time.Now().Format(time.RFC1123Z) + "\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" +
		"This message was sent by Mail OAuth Tester to prove that the app can send mail as this mailbox over SMTP.\r\nIt can be deleted.\r\n"
	if _, err := w.Write([]byte(msg)); err != nil {
		return fail("DATA", err)
	}
	if err := w.Close(); err != nil {
		return fail("DATA", err)
	}
	p.timing("send", start, "test message sent to "+p.User)
	return nil
}

// TestSubject is the subject of every test message the tester sends.
const TestSubject = "Mail OAuth Tester: test message"

func smtpReply(e *smtp.SMTPError) string {
	s := fmt.Sprintf("%d", e.Code)
	if c := smtpCode(e); c.Enhanced != "" {
		s += " " + c.Enhanced
	}
	return s + " " + strings.TrimSpace(e.Message)
}

// smtpCode reads go-smtp's reply as typed codes.
func smtpCode(e *smtp.SMTPError) ReplyCode {
	c := ReplyCode{SMTP: e.Code}
	if e.EnhancedCode != (smtp.EnhancedCode{}) && e.EnhancedCode != smtp.NoEnhancedCode {
		c.Enhanced = fmt.Sprintf("%d.%d.%d", e.EnhancedCode[0], e.EnhancedCode[1], e.EnhancedCode[2])
	}
	return c
}

// ehloWatch reads along the server's plain-text lines before STARTTLS and
// notes whether an EHLO reply offered STARTTLS, so a server that does not
// is reported as ErrNoSTARTTLS by what it said, not by the wording of
// go-smtp's error.
type ehloWatch struct {
	net.Conn
	mu       sync.Mutex
	line     []byte
	ehlo     bool // a complete 250 reply to EHLO (or HELO) came
	startTLS bool // one of its lines was STARTTLS
}

func (w *ehloWatch) Read(p []byte) (int, error) {
	n, err := w.Conn.Read(p)
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, b := range p[:n] {
		if b != '\n' {
			if len(w.line) < 512 {
				w.line = append(w.line, b)
			}
			continue
		}
		l := strings.ToUpper(strings.TrimRight(string(w.line), "\r"))
		w.line = w.line[:0]
		switch {
		case strings.HasPrefix(l, "250-STARTTLS") || strings.HasPrefix(l, "250 STARTTLS"):
			w.startTLS, w.ehlo = true, w.ehlo || strings.HasPrefix(l, "250 ")
		case strings.HasPrefix(l, "250 "):
			w.ehlo = true
		}
	}
	return n, err
}

// withoutSTARTTLS reports that the server answered EHLO and did not offer
// STARTTLS.
func (w *ehloWatch) withoutSTARTTLS() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.ehlo && !w.startTLS
}

// Close releases the connection.
func (p *SMTP) Close() {
	if p.raw != nil {
		p.raw.Close()
	}
}
