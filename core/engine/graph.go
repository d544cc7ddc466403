package engine

import (
	"context"
	"fmt"
	"net/http"
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
func (r *run) graph(ctx context.Context, flow auth.Flow, flowErr error) {
	tok, claims, ok := r.graphToken(ctx, flow, flowErr)
	if !ok {
		r.skip("graph", "not tried: there is no Graph token")
		return
	}
	started := r.begin("graph", "Reading "+r.j.p.Mailbox+" through "+r.j.graphURL)
	tr := r.transcript("graph")
	defer func() { r.setTranscript("graph", tr.Lines()) }()
	g := &probe.Graph{BaseURL: r.j.graphURL, Mailbox: r.j.p.Mailbox, Client: r.httpClient("graph"), Transcript: tr,
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
func (r *run) graphToken(ctx context.Context, flow auth.Flow, flowErr error) (string, *token.Claims, bool) {
	scope := strings.TrimSuffix(r.j.graphResource(), "/") + "/.default"
	started := r.begin("graph-token", "Requesting an app-only token for "+scope)
	if flowErr != nil {
		r.end("graph-token", started, Fail, flowErr.Error(), r.tokenDiagnosis(flowErr))
		return "", nil, false
	}
	tctx, cancel := context.WithTimeout(ctx, tokenTimeout)
	defer cancel()
	tok, err := flow.Token(tctx, []string{scope})
	if err != nil {
		if ctx.Err() == context.Canceled {
			r.end("graph-token", started, Skipped, "cancelled", nil)
			return "", nil, false
		}
		r.end("graph-token", started, Fail, tokenErrorText(err, ctx), r.tokenDiagnosis(err))
		return "", nil, false
	}
	r.j.scrub.Add(tok.AccessToken)
	detail := fmt.Sprintf("access token %s, expires %s", secret.Mask(tok.AccessToken), tok.ExpiresOn.Local().Format("15:04:05"))
	c, err := token.Parse(tok.AccessToken)
	if err != nil {
		r.end("graph-token", started, Warn, detail+"; not a JWT, claims not checked", r.diag("token-malformed", "graph"))
		return tok.AccessToken, nil, true
	}
	r.log("graph-token", Info, "aud   "+c.Audience, "")
	r.log("graph-token", Info, "roles "+orNone(strings.Join(c.Roles, " ")), "")
	var problems []string
	if !hasAny(c.Roles, graphReadRoles) {
		problems = append(problems, "the token has none of the application permissions that read mail ("+strings.Join(graphReadRoles, ", ")+")")
	}
	if r.j.p.SendTestMail && !hasAny(c.Roles, []string{graphSendRole}) {
		problems = append(problems, "the token has no Mail.Send application permission, which sending needs")
	}
	if len(problems) > 0 {
		for _, p := range problems {
			r.log("graph-token", Warns, p, "")
			r.addMessage("graph-token", p)
		}
		r.end("graph-token", started, Warn, detail+" — "+problems[0], r.diag("graph-permission-denied", "graph"))
		return tok.AccessToken, &c, true
	}
	r.end("graph-token", started, OK, detail+" · roles "+strings.Join(c.Roles, " "), nil)
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

// graphDiagnosis explains a Graph failure.
func (r *run) graphDiagnosis(err error, c *token.Claims) (*diagnose.Diagnosis, string) {
	ge, ok := probe.IsGraphError(err)
	if !ok {
		if d, text := r.netDiagnosis("", hostOf(r.j.graphURL), err, "graph"); d != nil {
			return d, text
		}
		d := r.recognize(err.Error(), "graph")
		return d, err.Error()
	}
	text := fmt.Sprintf("Graph answered HTTP %d %s: %s", ge.Status, ge.Code, ge.Message)
	d := r.recognize(ge.Body, "graph")
	switch {
	case ge.Status == http.StatusTooManyRequests:
		d = r.diag("throttled", "graph")
	case ge.Status == http.StatusForbidden && ge.Code == "ErrorAccessDenied" && c != nil && !hasAny(c.Roles, graphReadRoles):
		d = r.diag("graph-permission-denied", "graph")
	case ge.Status == http.StatusUnauthorized && c != nil && !strings.Contains(strings.ToLower(c.Audience), "graph") && c.Audience != token.GraphAppID:
		d = r.diag("token-audience-wrong", "graph")
	}
	d.Evidence = ge.Body
	return d, text
}

func hostOf(u string) string {
	h := strings.TrimPrefix(strings.TrimPrefix(u, "https://"), "http://")
	if i := strings.IndexByte(h, '/'); i >= 0 {
		h = h[:i]
	}
	return h
}
