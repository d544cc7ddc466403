package engine

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/mailoauth/mailoauth-tester/core/diagnose"
	"github.com/mailoauth/mailoauth-tester/core/probe"
	"github.com/mailoauth/mailoauth-tester/core/profile"
)

// envPlan lists the environment check's steps: sign-in endpoint, clock,
// and each mail endpoint.
func (j *Job) envPlan() []StepInfo {
	return []StepInfo{{"signin", "Sign-in endpoint"}, {"clock", "Clock"}, {"imap", "IMAP"}, {"pop", "POP3"}, {"smtp", "SMTP"}, {"graph", "Graph"}}
}

// environment checks, without credentials, that this computer can reach
// the cloud's sign-in and mail endpoints over verified TLS with a sane
// clock. Every endpoint is checked at once, so the whole check ends within
// the longest single timeout even when nothing answers.
func (r *run) environment(ctx context.Context) {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		r.signin(ctx)
	}()
	for _, pr := range profile.MailProtocols {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r.reach(ctx, pr)
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		r.reachGraph(ctx)
	}()
	wg.Wait()
}

// signin fetches the common OpenID configuration and reads the server's
// clock from its Date header.
func (r *run) signin(ctx context.Context) {
	host := r.j.cloud.AuthorityHost
	started := r.begin("signin", "Reaching "+host)
	r.logProxy("signin", host)
	url := host + "/common/v2.0/.well-known/openid-configuration"
	cctx, cancel := context.WithTimeout(ctx, connectTimeout)
	defer cancel()
	req, _ := http.NewRequestWithContext(cctx, http.MethodGet, url, nil)
	resp, err := r.httpClient("signin").Do(req)
	if err != nil {
		if ctx.Err() == context.Canceled {
			r.end("signin", started, Skipped, "cancelled", nil)
			r.skip("clock", "cancelled")
			return
		}
		d, text, ok := r.guardDiagnosis(err, "")
		if !ok {
			d, text = r.netDiagnosis(probe.StageTCP, r.j.cloud.AuthorityHostName()+":443", err, "")
		}
		if d == nil {
			d, text = r.recognize(err.Error(), ""), shortNetError(err)
		}
		r.end("signin", started, Fail, text, d)
		r.skip("clock", "the sign-in endpoint could not be reached")
		return
	}
	resp.Body.Close()
	received := r.j.opts.now()
	if resp.StatusCode != http.StatusOK {
		r.end("signin", started, Warn, fmt.Sprintf("%s answered %s (expected 200 OK)", url, resp.Status), nil)
	} else {
		r.endReached("signin", started, fmt.Sprintf("%s reachable over verified TLS", r.j.cloud.AuthorityHostName()))
	}
	r.clock(resp.Header.Get("Date"), received)
}

// clock compares the server's Date header with this computer's clock.
func (r *run) clock(date string, local time.Time) {
	started := r.begin("clock", "Comparing this computer's clock with the sign-in server's")
	server, err := http.ParseTime(date)
	if err != nil {
		r.end("clock", started, Skipped, "the server sent no usable Date header", nil)
		return
	}
	skew := local.Sub(server)
	text := fmt.Sprintf("this computer's clock is %s %s the server's", skew.Abs().Round(time.Second), aheadBehind(skew))
	if skew.Abs() > clockSkewLimit {
		r.end("clock", started, Warn, text+" — more than Entra ID's 5-minute tolerance", r.diag(diagnose.ClockSkew, ""))
		return
	}
	if skew.Abs() < 2*time.Second {
		text = "this computer's clock agrees with the server's (within 2 s)"
	}
	r.end("clock", started, OK, text, nil)
}

func aheadBehind(d time.Duration) string {
	if d < 0 {
		return "behind"
	}
	return "ahead of"
}

// reach opens a mail endpoint up to its greeting (and STARTTLS for SMTP).
func (r *run) reach(ctx context.Context, pr profile.Protocol) {
	step := string(pr)
	tr := r.transcript(step)
	addr := r.addr(pr)
	p := r.newProber(pr, r.target(step, addr, tr))
	started := r.begin(step, fmt.Sprintf("Reaching %s (%s)", addr, pr.Title()))
	defer func() { r.setTranscript(step, tr.Lines()) }()
	defer p.Close()
	cctx, cancel := context.WithTimeout(ctx, connectTimeout)
	defer cancel()
	err := p.Connect(cctx)
	switch {
	case err != nil:
		r.failMail(ctx, step, started, err, nil)
	case !p.Offers(string(probe.XOAUTH2)):
		d, text := r.mailDiagnosis(step, &probe.MechanismError{Protocol: step, Mech: probe.XOAUTH2}, nil)
		r.end(step, started, Warn, text, d)
	default:
		r.endReached(step, started, fmt.Sprintf("%s reachable over verified TLS; offers XOAUTH2", addr))
	}
}

// reachGraph checks that Microsoft Graph answers over verified TLS. Without
// a token Graph answers 401, which proves the path works.
func (r *run) reachGraph(ctx context.Context) {
	started := r.begin("graph", "Reaching "+r.j.graphURL)
	cctx, cancel := context.WithTimeout(ctx, connectTimeout)
	defer cancel()
	req, _ := http.NewRequestWithContext(cctx, http.MethodGet, r.j.graphURL+"/v1.0/organization", nil)
	resp, err := r.httpClient("graph").Do(req)
	if err != nil {
		if ctx.Err() == context.Canceled {
			r.end("graph", started, Skipped, "cancelled", nil)
			return
		}
		d, text, ok := r.guardDiagnosis(err, "graph")
		if !ok {
			d, text = r.netDiagnosis(probe.StageTCP, hostOf(r.j.graphURL)+":443", err, "graph")
		}
		if d == nil {
			d, text = r.recognize(err.Error(), "graph"), shortNetError(err)
		}
		r.end("graph", started, Fail, text, d)
		return
	}
	resp.Body.Close()
	r.endReached("graph", started, fmt.Sprintf("%s reachable over verified TLS (HTTP %d without a token, as expected)", hostOf(r.j.graphURL), resp.StatusCode))
}

// endReached ends a reachability step: OK, or a warning when the TLS
// session looked intercepted.
func (r *run) endReached(step string, started time.Time, text string) {
	if f := r.tlsFinding(step); f != "" {
		d := r.diag(diagnose.TLSInterception, step)
		d.Cause = "Reachable, but " + f + ". " + d.Cause
		d.Evidence = f
		r.end(step, started, Warn, "reachable, but "+f, d)
		return
	}
	r.end(step, started, OK, text, nil)
}
