package engine

import (
	"context"
	"crypto/tls"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/mailoauth/mailoauth-tester/core/diagnose"
	"github.com/mailoauth/mailoauth-tester/core/probe"
	"github.com/mailoauth/mailoauth-tester/core/probe/netcheck"
	"github.com/mailoauth/mailoauth-tester/core/profile"
	"github.com/mailoauth/mailoauth-tester/core/protocol"
	"github.com/mailoauth/mailoauth-tester/core/token"
)

// maxThrottleWait is the extra time a step may spend waiting for
// Retry-After (Graph).
const maxThrottleWait = 30 * time.Second

// protocolStep is the step that logs in to one mailbox over one protocol
// with the token tokenFrom hands on (or with the password, for the flow
// without one). Its connection is opened before the token exists, at once
// for flows that get their token unattended and right after the sign-in
// for flows that wait for a person; the token step's claims (claimsFrom)
// are read only to explain a refusal. A run of many mailboxes plans one
// such step per mailbox and protocol, all needing the one sign-in.
func (j *Job) protocolStep(p protocol.Spec, mailbox string, tokenFrom, claimsFrom StepName) *stepDef {
	addr := j.hosts[p.Name]
	d := &stepDef{name: protocolStep(p.Name), title: p.Title, server: string(p.Name), protocol: p.Name, timeout: loginTimeout}
	if p.Resource == protocol.MicrosoftGraph {
		d.timeout += maxThrottleWait
	}
	d.begin = func() string {
		switch {
		case p.OnlySends && j.p.SendTestMail:
			return "Sending a test message as " + mailbox + " through " + addr
		case p.OnlySends:
			return "Checking sending as " + mailbox + " through " + addr + " (nothing is sent without a test message)"
		case p.Addressing == protocol.GraphUsers:
			return "Reading " + mailbox + " through " + addr
		}
		return fmt.Sprintf("Connecting to %s (%s)", addr, p.Title)
	}
	if j.flow.OAuth {
		d.needs, d.unmet = []StepName{tokenFrom}, "not tried: there is no token because the sign-in failed"
		if claimsFrom != tokenFrom {
			d.explain = []StepName{claimsFrom}
		}
		if j.flow.PersonWaits {
			d.dialAfter = []StepName{StepToken}
		}
	}
	var pr probe.Prober
	d.dial = func(ctx context.Context, s *stepRun) error {
		pr = j.newProber(s, p, mailbox)
		return pr.Connect(ctx)
	}
	d.fail = func(ctx context.Context, s *stepRun, err error) outcome {
		return s.r.protocolFailure(ctx, s, err, claimsFrom)
	}
	d.close = func() {
		if pr != nil {
			pr.Close()
		}
	}
	d.run = func(ctx context.Context, s *stepRun) outcome {
		var summary string
		var err error
		if j.flow.OAuth {
			summary, err = pr.Login(ctx, accessToken(s.input(ctx, tokenFrom)))
		} else {
			summary, err = pr.LoginPassword(ctx, j.p.SignInUser(), j.p.Password)
		}
		if err != nil {
			return d.fail(ctx, s, err)
		}
		if p.OnlySends && !j.p.SendTestMail {
			return s.r.unsent(ctx, s, p, claimsFrom, summary)
		}
		return passed(summary, nil)
	}
	return d
}

// accessToken is the token a sign-in step handed on.
func accessToken(v any) string {
	switch v := v.(type) {
	case *signIn:
		return v.tok.AccessToken
	case *issued:
		return v.token
	}
	return ""
}

// claimsOf is what a step that checked a token handed on: its claims and
// findings.
func claimsOf(v any) (*token.Claims, []token.Finding) {
	switch v := v.(type) {
	case *claimsOut:
		return v.claims, v.findings
	case *issued:
		return v.claims, nil
	}
	return nil, nil
}

// newProber makes the protocol's probe of a mailbox for the step: where to
// connect, whom to log in as, and the step's transcript, timings and TLS
// check.
func (j *Job) newProber(s *stepRun, p protocol.Spec, mailbox string) probe.Prober {
	r, step := s.r, s.name()
	mech := probe.XOAUTH2
	if j.p.Mechanism == profile.OAUTHBEARER {
		mech = probe.OAUTHBEARER
	}
	addr := j.hosts[p.Name]
	cfg := probe.Config{
		Target: probe.Target{Addr: addr, RootCAs: j.roots, Resolver: j.opts.Resolver, Dial: j.opts.DialContext, Transcript: s.transcript(),
			OnTiming: s.timing,
			OnTLS:    func(host string, st tls.ConnectionState) { r.noteTLS(step, host, st) }},
		User: mailbox, Mech: mech, SendTest: j.p.SendTestMail,
	}
	if p.Addressing == protocol.GraphUsers {
		cfg.BaseURL, cfg.Client = addr, r.httpClient(step)
		cfg.Me = j.flow.Delegated && strings.EqualFold(mailbox, j.p.SignInUser())
		cfg.OnThrottle = func(wait time.Duration, e *probe.GraphError) {
			r.log(step, Warns, fmt.Sprintf("throttled (HTTP %d %s): waiting %s as Retry-After asks", e.Status, e.Code, wait), e.Message)
		}
	}
	return p.Probe(cfg)
}

// protocolFailure explains a failed connection or login: the tester's own
// guards first, then what the server said (narrowed by the token's claims,
// which are read only now), then the network.
func (r *run) protocolFailure(ctx context.Context, s *stepRun, err error, claimsFrom StepName) outcome {
	proto := s.st.def.protocol
	if d, text, ok := r.guardDiagnosis(err, proto); ok {
		return failed(text, d)
	}
	claims := func() (*token.Claims, []token.Finding) {
		if claimsFrom == "" {
			return nil, nil
		}
		return claimsOf(s.input(ctx, claimsFrom))
	}
	if ge, ok := probe.IsGraphError(err); ok {
		c, _ := claims()
		d, text := r.graphDiagnosis(ge, c)
		return failed(text, d)
	}
	d, text := r.mailDiagnosis(proto, err, claims)
	return failed(text, d)
}

// reachStep is the environment check of one protocol: its endpoint
// answers over verified TLS and offers what the tester needs, without
// credentials.
func (j *Job) reachStep(p protocol.Spec) *stepDef {
	addr := j.hosts[p.Name]
	d := &stepDef{name: protocolStep(p.Name), title: p.Title, server: string(p.Name), protocol: p.Name, timeout: connectTimeout}
	d.begin = func() string {
		if p.Addressing == protocol.GraphUsers {
			return "Reaching " + addr
		}
		return fmt.Sprintf("Reaching %s (%s)", addr, p.Title)
	}
	d.run = func(ctx context.Context, s *stepRun) outcome {
		pr := j.newProber(s, p, "")
		defer pr.Close()
		if err := pr.Connect(ctx); err != nil {
			return s.r.protocolFailure(ctx, s, err, "")
		}
		if st, ok := pr.(interface{ Status() int }); ok {
			return s.reached(fmt.Sprintf("%s reachable over verified TLS (HTTP %d without a token, as expected)", hostKey(addr), st.Status()))
		}
		if !pr.Offers(probe.XOAUTH2) {
			dg, text := s.r.mailDiagnosis(p.Name, &probe.MechanismError{Protocol: string(p.Name), Mech: probe.XOAUTH2}, nil)
			return warn(text, dg, nil)
		}
		return s.reached(fmt.Sprintf("%s reachable over verified TLS; offers XOAUTH2", addr))
	}
	return d
}

// reached ends a reachability step: OK, or a warning when the TLS session
// looked intercepted.
func (s *stepRun) reached(text string) outcome {
	if f := s.r.tlsFinding(s.name()); f != "" {
		d := s.diag(diagnose.TLSInterception)
		d.Cause = "Reachable, but " + f + ". " + d.Cause
		d.Evidence = f
		return warn("reachable, but "+f, d, nil)
	}
	return passed(text, nil)
}

// signInStep is the environment check of the sign-in service: it answers
// without credentials over verified TLS; its Date header tells its clock.
func (j *Job) signInStep() *stepDef {
	host := j.cloud.AuthorityHost
	return &stepDef{name: StepSignIn, title: "Sign-in endpoint", server: diagnose.ServerEntra, timeout: connectTimeout,
		begin: func() string { return "Reaching " + host },
		run: func(ctx context.Context, s *stepRun) outcome {
			s.r.logProxy(s.name(), host)
			ans, err := netcheck.ReachAuthority(ctx, s.r.httpClient(s.name()), host, j.opts.now)
			if err != nil {
				return s.r.reachFailure(err, j.cloud.AuthorityHostName()+":443", "")
			}
			if ans.Status != http.StatusOK {
				return warn(fmt.Sprintf("%s/common/v2.0/.well-known/openid-configuration answered %d %s (expected 200 OK)", host, ans.Status, http.StatusText(ans.Status)), nil, &ans)
			}
			o := s.reached(fmt.Sprintf("%s reachable over verified TLS", j.cloud.AuthorityHostName()))
			o.value = &ans
			return o
		}}
}

// reachFailure explains an unanswered request of the environment check.
func (r *run) reachFailure(err error, addr string, p protocol.Name) outcome {
	d, text, ok := r.guardDiagnosis(err, p)
	if !ok {
		d, text = r.netDiagnosis(probe.StageTCP, addr, err, p)
	}
	if d == nil {
		d, text = r.recognize(err.Error(), p), shortNetError(err)
	}
	return failed(text, d)
}

// clockStep compares the sign-in server's Date with this computer's clock.
func (j *Job) clockStep() *stepDef {
	return &stepDef{name: StepClock, title: "Clock", server: diagnose.ServerEntra,
		needs: []StepName{StepSignIn}, unmet: "the sign-in endpoint could not be reached",
		begin: func() string { return "Comparing this computer's clock with the sign-in server's" },
		run: func(ctx context.Context, s *stepRun) outcome {
			ans, _ := s.input(ctx, StepSignIn).(*netcheck.Answer)
			if ans == nil {
				return skipped("the server sent no usable Date header")
			}
			skew, known := ans.Skew()
			if !known {
				return skipped("the server sent no usable Date header")
			}
			text := fmt.Sprintf("this computer's clock is %s %s the server's", skew.Abs().Round(time.Second), aheadBehind(skew))
			switch {
			case skew.Abs() > clockSkewLimit:
				return warn(text+" — more than Entra ID's 5-minute tolerance", s.diag(diagnose.ClockSkew), nil)
			case skew.Abs() < 2*time.Second:
				text = "this computer's clock agrees with the server's (within 2 s)"
			}
			return passed(text, nil)
		}}
}
