package engine

import (
	"context"
	"crypto/tls"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/mailoauth/mailoauth-tester/core/auth"
	"github.com/mailoauth/mailoauth-tester/core/diagnose"
	"github.com/mailoauth/mailoauth-tester/core/probe"
	"github.com/mailoauth/mailoauth-tester/core/profile"
	"github.com/mailoauth/mailoauth-tester/core/secret"
	"github.com/mailoauth/mailoauth-tester/core/token"
)

// clockSkewLimit is how far the sign-in server's clock may be from this
// computer's clock before we warn; Entra itself tolerates 5 minutes.
const clockSkewLimit = 5 * time.Minute

// tokenOutcome is shared by the token step with the mail steps, which read
// it only after ready is closed.
type tokenOutcome struct {
	ok       bool
	token    string
	claims   *token.Claims
	findings []token.Finding
}

// check is the credentialed run. For unattended flows the token is fetched
// while the mail connections are opened; for flows that wait for a person
// the connections are opened after the sign-in (they would time out
// otherwise). Then every protocol logs in concurrently.
func (r *run) check(ctx context.Context) {
	r.input()
	var wg sync.WaitGroup
	oauth := r.j.p.Flow.UsesOAuth()
	if oauth {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r.tenant(ctx)
		}()
	}
	var flow auth.Flow
	var flowErr error
	if oauth {
		flow, flowErr = r.newFlow(ctx)
	}
	out := &tokenOutcome{}
	ready := make(chan struct{})
	mail := r.j.mailProtocols()
	for _, pr := range mail {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r.mail(ctx, pr, ready, out)
		}()
	}
	if r.j.p.Has(profile.Graph) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r.graph(ctx, flow, flowErr, ready, out)
		}()
	}
	var tok auth.Token
	switch {
	case !oauth:
		out.ok = true
	case len(mail) > 0 || r.j.p.Flow.Delegated():
		var ok bool
		if tok, ok = r.token(ctx, flow, flowErr); ok {
			out.ok, out.token = true, tok.AccessToken
			out.claims, out.findings = r.claims(tok)
		} else {
			r.skip("claims", "no token to inspect")
		}
	}
	close(ready)
	if r.j.p.Flow.Delegated() {
		r.refresh(ctx, flow, tok, out.ok)
	}
	wg.Wait()
}

// input reports the validation warnings as a step of their own.
func (r *run) input() {
	if len(r.j.warning) == 0 {
		return
	}
	started := r.begin("input", "Checking the input")
	var first string
	for _, w := range r.j.warning {
		r.log("input", Warns, w.Field+": "+w.Message, w.Fix)
		r.addMessage("input", w.String())
		if first == "" && w.DiagnosisID != "" {
			first = w.DiagnosisID
		}
	}
	w := r.j.warning[0]
	var d = r.diag(first, "")
	if first == "" {
		d = nil
	}
	r.end("input", started, Warn, w.Field+": "+w.Message, d)
}

func (r *run) skip(step, why string) {
	now := r.j.opts.now()
	r.end(step, now, Skipped, why, nil)
}

// token gets the access token.
func (r *run) token(ctx context.Context, flow auth.Flow, flowErr error) (auth.Token, bool) {
	scopes := r.j.mailScopes()
	started := r.begin("token", r.tokenText(scopes))
	r.logProxy("token", r.j.cloud.AuthorityHost)
	if flowErr != nil {
		r.end("token", started, Fail, flowErr.Error(), r.tokenDiagnosis(flowErr))
		return auth.Token{}, false
	}
	limit := tokenTimeout
	if r.j.waitsForUser() {
		limit = userWaitTimeout
	}
	tctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	tok, err := flow.Token(tctx, scopes)
	if err != nil {
		if ctx.Err() == context.Canceled {
			r.end("token", started, Skipped, "cancelled", nil)
			return auth.Token{}, false
		}
		// A federated domain's password sign-in goes to the federation
		// server, another host, which the guard refuses: the federation is
		// the cause to report (the refusal is in the log).
		federated := r.j.p.Flow == profile.Password && r.realmType() == "Federated"
		if d, text, ok := r.guardDiagnosis(err, ""); ok && !federated {
			r.end("token", started, Fail, text, d)
			return auth.Token{}, false
		}
		r.end("token", started, Fail, tokenErrorText(err, ctx), r.flowDiagnosis(err))
		return auth.Token{}, false
	}
	// From here on the token is a known secret everywhere.
	r.j.scrub.Add(tok.AccessToken)
	src := "from Entra ID"
	if tok.FromCache {
		src = "from MSAL's cache"
	}
	who := ""
	if tok.User != "" {
		who = " for " + tok.User
		if plainAddress.MatchString(tok.User) {
			// From the server: only a plain address goes into the
			// diagnoses' texts and PowerShell lines.
			r.mu.Lock()
			r.facts.User = tok.User
			r.mu.Unlock()
		}
	}
	r.end("token", started, OK, fmt.Sprintf("access token%s %s %s, expires %s (in %d min)", who, secret.Mask(tok.AccessToken), src,
		tok.ExpiresOn.Local().Format("15:04:05"), int(tok.ExpiresOn.Sub(r.j.opts.now()).Round(time.Minute).Minutes())), nil)
	return tok, true
}

// plainAddress is an address with nothing in it that could break out of a
// PowerShell string or a Markdown code span.
var plainAddress = regexp.MustCompile(`^[A-Za-z0-9._+-]{1,64}@[A-Za-z0-9.-]{1,253}$`)

// clockFinding compares the Date header of Entra's last answer with this
// computer's clock. (The token's iat cannot be used: Entra backdates iat
// and nbf by five minutes.)
func (r *run) clockFinding() (token.Finding, bool) {
	r.mu.Lock()
	server, local := r.serverDate, r.localDate
	r.mu.Unlock()
	if server.IsZero() {
		return token.Finding{}, false
	}
	skew := local.Sub(server)
	if skew.Abs() <= clockSkewLimit {
		return token.Finding{}, false
	}
	return token.Finding{ID: diagnose.ClockSkew, Message: fmt.Sprintf("this computer's clock is %s %s Entra ID's (server %s, local %s)",
		skew.Abs().Round(time.Second), aheadBehind(skew), server.UTC().Format(time.RFC3339), local.UTC().Format(time.RFC3339))}, true
}

// claims decodes the token and compares it with what each protocol needs.
func (r *run) claims(tok auth.Token) (*token.Claims, []token.Finding) {
	started := r.begin("claims", "Reading the token's claims")
	c, err := token.Parse(tok.AccessToken)
	if err != nil {
		r.end("claims", started, Warn, "the access token is not a JWT, so its claims cannot be checked: "+err.Error(), r.diag(diagnose.TokenMalformed, ""))
		return nil, nil
	}
	if profile.IsGUID(c.TenantID) {
		r.mu.Lock()
		r.facts.TenantID = c.TenantID // from the token: only a GUID goes into texts and scripts
		r.mu.Unlock()
	}
	now := r.j.opts.now()
	r.log("claims", Info, "aud   "+c.Audience, "")
	r.log("claims", Info, "tid   "+c.TenantID, "")
	r.log("claims", Info, "appid "+c.Client()+displayName(c.AppDisplayName), "")
	if c.ObjectID != "" {
		r.log("claims", Info, "oid   "+c.ObjectID, "the app's service principal (Enterprise application) Object ID — the one New-ServicePrincipal needs")
	}
	if c.AppOnly() {
		r.log("claims", Info, "roles "+orNone(strings.Join(c.Roles, " ")), "")
	} else {
		r.log("claims", Info, "scp   "+orNone(strings.Join(c.Scopes, " ")), "")
	}
	r.log("claims", Info, "exp   "+c.Expires.Local().Format(time.RFC3339), "")

	var protos []string
	for _, pr := range r.j.mailProtocols() {
		protos = append(protos, string(pr))
	}
	want := token.Want{Resource: r.j.cloud.ExchangeResource, ClientID: r.j.p.ClientID, Protocols: protos, Now: now}
	if len(protos) == 0 {
		want.Resource = r.j.graphResource() // a Graph-only delegated run
	}
	if profile.IsGUID(r.j.p.Tenant) {
		want.TenantID = r.j.p.Tenant
	}
	fs := token.Check(c, want)
	if f, ok := r.clockFinding(); ok {
		fs = append(fs, f)
	}
	if len(fs) == 0 {
		r.end("claims", started, OK, c.Summary(now), nil)
		return &c, nil
	}
	for _, f := range fs {
		r.log("claims", Warns, f.Message, "")
		r.addMessage("claims", f.Message)
	}
	r.end("claims", started, Warn, fs[0].Message, r.diag(fs[0].ID, fs[0].Protocol))
	return &c, fs
}

func displayName(n string) string {
	if n == "" {
		return ""
	}
	return " (" + n + ")"
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

// target is where and how a mail probe of step connects.
func (r *run) target(step, addr string, tr *probe.Transcript) probe.Target {
	return probe.Target{Addr: addr, RootCAs: r.j.roots, Resolver: r.j.opts.Resolver, Dial: r.j.opts.DialContext, Transcript: tr,
		OnTiming: func(tm probe.Timing) { r.timing(step, tm) },
		OnTLS:    func(host string, st tls.ConnectionState) { r.noteTLS(step, host, st) }}
}

// prober is what every mail probe offers.
type prober interface {
	Connect(ctx context.Context) error
	Login(ctx context.Context, token string) (string, error)
	LoginPassword(ctx context.Context, user, password string) (string, error)
	Offers(mech string) bool
	Close()
}

func (r *run) addr(pr profile.Protocol) string {
	switch pr {
	case profile.IMAP:
		return r.j.imap
	case profile.POP:
		return r.j.pop
	}
	return r.j.smtp
}

func (r *run) newProber(pr profile.Protocol, t probe.Target) prober {
	mech := probe.XOAUTH2
	if r.j.p.Mechanism == profile.OAUTHBEARER {
		mech = probe.OAUTHBEARER
	}
	switch pr {
	case profile.IMAP:
		return &probe.IMAP{Target: t, User: r.j.p.Mailbox, Mech: mech}
	case profile.POP:
		return &probe.POP{Target: t, User: r.j.p.Mailbox, Mech: mech}
	}
	return &probe.SMTP{Target: t, User: r.j.p.Mailbox, Mech: mech, SendTest: r.j.p.SendTestMail}
}

// mail runs one protocol. Unattended flows connect at once and log in when
// the token is ready; flows that wait for a person connect after it.
func (r *run) mail(ctx context.Context, pr profile.Protocol, ready <-chan struct{}, out *tokenOutcome) {
	step := string(pr)
	if r.j.waitsForUser() {
		select {
		case <-ready:
		case <-ctx.Done():
			return // ended as not finished by Run
		}
		if !out.ok {
			r.skip(step, "not tried: there is no token because the sign-in failed")
			return
		}
	}
	tr := r.transcript(step)
	addr := r.addr(pr)
	p := r.newProber(pr, r.target(step, addr, tr))
	started := r.begin(step, fmt.Sprintf("Connecting to %s (%s)", addr, pr.Title()))
	defer func() { r.setTranscript(step, tr.Lines()) }()
	defer p.Close()

	cctx, cancel := context.WithTimeout(ctx, connectTimeout)
	err := p.Connect(cctx)
	cancel()
	if err != nil {
		r.failMail(ctx, step, started, err, nil)
		return
	}
	waitStart := r.j.opts.now()
	select {
	case <-ready:
	case <-ctx.Done():
	}
	started = started.Add(r.j.opts.now().Sub(waitStart)) // the wait for the token is not this step's time
	if ctx.Err() != nil {
		r.end(step, started, Skipped, "not finished: "+reasonText(ctx), nil)
		return
	}
	if !out.ok {
		r.end(step, started, Skipped, "not tried: there is no token because the sign-in failed", nil)
		return
	}
	lctx, cancel := context.WithTimeout(ctx, loginTimeout)
	defer cancel()
	var summary string
	if r.j.p.Flow == profile.AppPassword {
		summary, err = p.LoginPassword(lctx, r.j.p.SignInUser(), r.j.p.Password)
	} else {
		summary, err = p.Login(lctx, out.token)
	}
	if err != nil {
		r.failMail(ctx, step, started, err, out)
		return
	}
	r.end(step, started, OK, summary, nil)
}

// failMail ends a mail step with its diagnosis; a user's cancel is a skip.
func (r *run) failMail(ctx context.Context, step string, started time.Time, err error, out *tokenOutcome) {
	if ctx.Err() == context.Canceled {
		r.end(step, started, Skipped, "cancelled", nil)
		return
	}
	d, text, ok := r.guardDiagnosis(err, step)
	if !ok {
		d, text = r.mailDiagnosis(step, err, out)
	}
	r.end(step, started, Fail, text, d)
}
