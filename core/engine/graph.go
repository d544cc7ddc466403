package engine

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/mailoauth/mailoauth-tester/core/auth"
	"github.com/mailoauth/mailoauth-tester/core/diagnose"
	"github.com/mailoauth/mailoauth-tester/core/probe"
	"github.com/mailoauth/mailoauth-tester/core/secret"
	"github.com/mailoauth/mailoauth-tester/core/token"
)

// graphReadRoles are the application permissions that let an app read a
// mailbox's folders; graphSendRole lets it send.
var graphReadRoles = []string{"Mail.ReadBasic", "Mail.ReadBasic.All", "Mail.Read", "Mail.ReadWrite"}

const graphSendRole = "Mail.Send"

// graph gets a Graph token (a separate token: Graph is another resource
// than Exchange) and reads the mailbox through Graph, sending a test
// message when asked.
func (r *run) graph(ctx context.Context, flow auth.Flow, flowErr error, ready <-chan struct{}, out *tokenOutcome) {
	var tok string
	var claims *token.Claims
	ok := false
	switch {
	case !r.j.p.Flow.Delegated():
		tok, claims, ok = r.graphToken(ctx, flow, flowErr, nil)
	default:
		// Delegated: one sign-in; Graph gets its own token silently with the
		// refresh token, or is the sign-in's token when Graph is alone.
		select {
		case <-ready:
		case <-ctx.Done():
			return
		}
		if !out.ok {
			if len(r.j.mailProtocols()) > 0 {
				r.skip("graph-token", "not tried: the sign-in failed")
			}
			r.skip("graph", "not tried: the sign-in failed")
			return
		}
		if len(r.j.mailProtocols()) == 0 {
			tok, claims, ok = out.token, out.claims, true
		} else {
			tok, claims, ok = r.graphToken(ctx, flow, flowErr, flow)
		}
	}
	if !ok {
		r.skip("graph", "not tried: there is no Graph token")
		return
	}
	started := r.begin("graph", "Reading "+r.j.p.Mailbox+" through "+r.j.graphURL)
	tr := r.transcript("graph")
	defer func() { r.setTranscript("graph", tr.Lines()) }()
	me := r.j.p.Flow.Delegated() && strings.EqualFold(r.j.p.Mailbox, r.j.p.SignInUser())
	g := &probe.Graph{BaseURL: r.j.graphURL, Mailbox: r.j.p.Mailbox, Me: me, Client: r.httpClient("graph"), Transcript: tr,
		OnTiming: func(t probe.Timing) { r.timing("graph", t) },
		OnThrottle: func(wait time.Duration, e *probe.GraphError) {
			r.log("graph", Warns, fmt.Sprintf("throttled (HTTP %d %s): waiting %s as Retry-After asks", e.Status, e.Code, wait), e.Message)
		}}
	lctx, cancel := context.WithTimeout(ctx, loginTimeout+maxThrottleWait)
	defer cancel()
	summary, err := g.Inbox(lctx, tok)
	if err == nil && r.j.p.SendTestMail {
		if err = g.SendTest(lctx, tok, probe.TestSubject); err == nil {
			summary += "; test message sent to " + r.j.p.Mailbox
		}
	}
	if err != nil {
		if ctx.Err() == context.Canceled {
			r.end("graph", started, Skipped, "cancelled", nil)
			return
		}
		d, text := r.graphDiagnosis(err, claims)
		r.end("graph", started, Fail, text, d)
		return
	}
	r.end("graph", started, OK, summary, nil)
}

// maxThrottleWait is the extra time the Graph step may spend waiting for
// Retry-After.
const maxThrottleWait = 30 * time.Second

// graphToken gets and checks the Graph token.
//
// silent, when set, renews with the refresh token for the Graph scopes
// instead of a new sign-in (delegated flows).
func (r *run) graphToken(ctx context.Context, flow auth.Flow, flowErr error, silent auth.Flow) (string, *token.Claims, bool) {
	scopes := r.j.graphScopes()
	what := "an app-only token"
	if silent != nil {
		what = "a delegated token (silently, with the refresh token)"
	}
	started := r.begin("graph-token", "Requesting "+what+" for "+strings.Join(scopes, " "))
	if flowErr != nil {
		r.end("graph-token", started, Fail, flowErr.Error(), r.tokenDiagnosis(flowErr))
		return "", nil, false
	}
	tctx, cancel := context.WithTimeout(ctx, tokenTimeout)
	defer cancel()
	var tok auth.Token
	var err error
	if rn, ok := silent.(auth.Renewer); ok {
		tok, err = rn.Renew(tctx, scopes)
	} else {
		tok, err = flow.Token(tctx, scopes)
	}
	if err != nil {
		if ctx.Err() == context.Canceled {
			r.end("graph-token", started, Skipped, "cancelled", nil)
			return "", nil, false
		}
		if d, text, ok := r.guardDiagnosis(err, "graph"); ok {
			r.end("graph-token", started, Fail, text, d)
			return "", nil, false
		}
		r.end("graph-token", started, Fail, tokenErrorText(err, ctx), r.tokenDiagnosis(err))
		return "", nil, false
	}
	r.j.scrub.Add(tok.AccessToken)
	detail := fmt.Sprintf("access token %s, expires %s", secret.Mask(tok.AccessToken), tok.ExpiresOn.Local().Format("15:04:05"))
	c, err := token.Parse(tok.AccessToken)
	if err != nil {
		r.end("graph-token", started, Warn, detail+"; not a JWT, claims not checked", r.diag(diagnose.TokenMalformed, "graph"))
		return tok.AccessToken, nil, true
	}
	r.log("graph-token", Info, "aud   "+c.Audience, "")
	have, kind := c.Roles, "application"
	if !c.AppOnly() {
		have, kind = c.Scopes, "delegated"
		r.log("graph-token", Info, "scp   "+orNone(strings.Join(c.Scopes, " ")), "")
	} else {
		r.log("graph-token", Info, "roles "+orNone(strings.Join(c.Roles, " ")), "")
	}
	var problems []string
	if !hasAny(have, graphReadRoles) {
		problems = append(problems, "the token has none of the "+kind+" permissions that read mail ("+strings.Join(graphReadRoles, ", ")+")")
	}
	if r.j.p.SendTestMail && !hasAny(have, []string{graphSendRole}) {
		problems = append(problems, "the token has no Mail.Send "+kind+" permission, which sending needs")
	}
	if len(problems) > 0 {
		for _, p := range problems {
			r.log("graph-token", Warns, p, "")
			r.addMessage("graph-token", p)
		}
		r.end("graph-token", started, Warn, detail+" — "+problems[0], r.diag(diagnose.GraphPermissionDenied, "graph"))
		return tok.AccessToken, &c, true
	}
	r.end("graph-token", started, OK, detail+" · "+strings.Join(have, " "), nil)
	return tok.AccessToken, &c, true
}

func hasAny(have, want []string) bool {
	for _, w := range want {
		for _, h := range have {
			if strings.EqualFold(h, w) {
				return true
			}
		}
	}
	return false
}

func hostOf(u string) string {
	h := strings.TrimPrefix(strings.TrimPrefix(u, "https://"), "http://")
	if i := strings.IndexByte(h, '/'); i >= 0 {
		h = h[:i]
	}
	return h
}
