package engine

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/mailoauth/mailoauth-tester/core/auth"
	"github.com/mailoauth/mailoauth-tester/core/cloud"
	"github.com/mailoauth/mailoauth-tester/core/diagnose"
	"github.com/mailoauth/mailoauth-tester/core/probe/netcheck"
	"github.com/mailoauth/mailoauth-tester/core/profile"
	"github.com/mailoauth/mailoauth-tester/core/protocol"
	"github.com/mailoauth/mailoauth-tester/core/secret"
	"github.com/mailoauth/mailoauth-tester/core/token"
)

// userWaitTimeout bounds how long a sign-in waits for a person (browser,
// device code, pasted code): long enough to find a phone for MFA, short
// enough that a forgotten window does not wait forever.
const userWaitTimeout = 10 * time.Minute

// clockSkewLimit is how far the sign-in server's clock may be from this
// computer's clock before we warn; Entra itself tolerates 5 minutes.
const clockSkewLimit = 5 * time.Minute

// What the sign-in steps hand on.
type (
	// signIn is the token step's result: the token and the flow that got
	// it (which holds the signed-in account, for renewals).
	signIn struct {
		tok  auth.Token
		flow auth.Flow
	}
	// claimsOut is the claims step's result.
	claimsOut struct {
		claims   *token.Claims
		findings []token.Finding
	}
	// issued is the Graph token step's result.
	issued struct {
		token  string
		claims *token.Claims
	}
	// tenantOut is the tenant step's result (also when it failed: the
	// realm may be known).
	tenantOut struct {
		tenant netcheck.Tenant
		realm  netcheck.Realm
	}
)

// inputStep reports the validation warnings as a step of their own.
func (j *Job) inputStep() *stepDef {
	return &stepDef{name: StepInput, title: "Input", about: diagnose.ServerEntra,
		begin: func() string { return "Checking the input" },
		run: func(_ context.Context, s *stepRun) outcome {
			var first diagnose.ID
			for _, w := range j.warning {
				s.log(Warns, w.Field+": "+w.Message, w.Fix)
				s.message(w.String())
				if first == "" && w.DiagnosisID != "" {
					first = w.DiagnosisID
				}
			}
			var d *diagnose.Diagnosis
			if first != "" {
				d = s.diag(first)
			}
			w := j.warning[0]
			return warn(w.Field+": "+w.Message, d, nil)
		}}
}

// tenantStep discovers, without credentials, whether the tenant exists in
// the selected cloud (and which cloud it belongs to), and whether the
// user's domain is managed or federated. It runs beside the token fetch.
func (j *Job) tenantStep() *stepDef {
	return &stepDef{name: StepTenant, title: "Tenant", server: diagnose.ServerEntra, timeout: connectTimeout,
		begin: func() string { return fmt.Sprintf("Looking up tenant %s in %s", j.p.Tenant, j.cloud.Title) },
		run:   j.runTenant}
}

func (j *Job) runTenant(ctx context.Context, s *stepRun) outcome {
	client := s.r.httpClient(s.name())
	out := &tenantOut{}
	var realmErr error
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		out.realm, realmErr = netcheck.LookupRealm(ctx, client, j.cloud.AuthorityHost, j.p.SignInUser())
	}()
	var err error
	out.tenant, err = netcheck.Discover(ctx, client, j.cloud.AuthorityHost, j.p.Tenant)
	wg.Wait()
	if realmErr != nil {
		out.realm = netcheck.Realm{}
	} else if out.realm.Type != "" {
		s.log(Info, "realm "+out.realm.Describe(), "")
	}
	if err != nil {
		o := s.r.tenantFailure(err)
		o.value = out
		return o
	}
	info, realm := out.tenant, out.realm
	if profile.IsGUID(info.ID) {
		// From the server: only a GUID goes into texts and scripts.
		s.r.setFacts(func(f *diagnose.Facts) {
			if f.TenantID == "" {
				f.TenantID = info.ID
			}
		})
	}
	detail := fmt.Sprintf("tenant %s in %s", info.ID, info.Instance)
	if info.Region != "" {
		detail += ", region " + info.Region
	}
	if realm.Type != "" {
		detail += "; " + realm.Describe()
	}
	switch {
	case realm.Type == netcheck.Federated && j.p.Flow == profile.Password:
		return warn(detail+" — username+password sign-in does not work for federated domains", s.diag(diagnose.FederatedPasswordGrant), out)
	case info.Instance != "" && !strings.EqualFold(info.Instance, j.cloud.InstanceName):
		home := info.Instance
		if c, ok := cloud.ByInstance(info.Instance); ok {
			home = c.Title
		}
		d := s.diag(diagnose.WrongCloud)
		d.Cause = fmt.Sprintf("The tenant belongs to %s, but the test uses %s. ", home, j.cloud.Title) + d.Cause
		return warn(fmt.Sprintf("%s — the tenant is in %s, not %s", detail, home, j.cloud.Title), d, out)
	}
	return passed(detail, out)
}

// tenantFailure explains a failed tenant discovery.
func (r *run) tenantFailure(err error) outcome {
	var te *netcheck.TenantError
	var fe *netcheck.FormatError
	switch {
	case errors.As(err, &te):
		d := r.recognize(te.Body, "")
		d.Evidence = te.Body
		return failed(te.Error(), d)
	case errors.As(err, &fe):
		return failed(fe.Error(), r.diag(diagnose.Unknown, ""))
	}
	return r.authorityFailure(err)
}

// authorityFailure explains a request to the sign-in service that got no
// answer: the tester's own guards, then the network.
func (r *run) authorityFailure(err error) outcome {
	if d, text, ok := r.guardDiagnosis(err, ""); ok {
		return failed(text, d)
	}
	d, text := r.netDiagnosis("", r.j.cloud.AuthorityHostName(), err, "")
	if d == nil {
		d, text = r.recognize(err.Error(), ""), shortNetError(err)
	}
	return failed(text, d)
}

// tokenStep gets the access token: app-only, or by signing the user in.
func (j *Job) tokenStep() *stepDef {
	d := &stepDef{name: StepToken, title: "Token", server: diagnose.ServerEntra, timeout: tokenTimeout,
		begin: func() string { return j.tokenText(j.mailScopes()) }, run: j.runToken}
	if j.flow.Delegated {
		d.title = "Sign-in"
	}
	if j.flow.PersonWaits {
		d.timeout = userWaitTimeout
	}
	if j.p.Flow == profile.Password {
		// A federated domain's password sign-in fails at the federation
		// server: the realm (found beside the sign-in) explains it.
		d.explain = []StepName{StepTenant}
	}
	return d
}

func (j *Job) runToken(ctx context.Context, s *stepRun) outcome {
	s.r.logProxy(s.name(), j.cloud.AuthorityHost)
	if s.r.flowErr != nil {
		return failed(s.r.flowErr.Error(), s.r.tokenDiagnosis(s.r.flowErr))
	}
	tok, err := s.r.flow.Token(ctx, j.mailScopes())
	if err != nil {
		return s.r.signInFailure(ctx, s, err)
	}
	// From here on the token is a known secret everywhere.
	j.scrub.Add(tok.AccessToken)
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
			s.r.setFacts(func(f *diagnose.Facts) { f.User = tok.User })
		}
	}
	return passed(fmt.Sprintf("access token%s %s %s, expires %s (in %d min)", who, secret.Mask(tok.AccessToken), src,
		tok.ExpiresOn.Local().Format("15:04:05"), int(tok.ExpiresOn.Sub(j.opts.now()).Round(time.Minute).Minutes())), &signIn{tok: tok, flow: s.r.flow})
}

// signInFailure explains a failed sign-in, knowing the flow: a
// username+password sign-in against a federated domain fails because of
// the federation (the sign-in went to the federation server, which the
// guard may have refused), whatever MSAL's message says.
func (r *run) signInFailure(ctx context.Context, s *stepRun, err error) outcome {
	federated := false
	if r.j.p.Flow == profile.Password {
		t, _ := s.input(ctx, StepTenant).(*tenantOut)
		federated = t != nil && t.realm.Type == netcheck.Federated
	}
	if d, text, ok := r.guardDiagnosis(err, ""); ok && !federated {
		return failed(text, d)
	}
	var ae *auth.AuthorizeError
	switch {
	case errors.As(err, &ae):
		text := strings.TrimSpace(ae.Code + " " + ae.Description)
		d := r.recognize(text, "")
		d.Evidence = text
		return failed(tokenErrorText(err), d)
	case federated:
		d := r.diag(diagnose.FederatedPasswordGrant, "")
		d.Evidence = err.Error()
		return failed(tokenErrorText(err), d)
	}
	return failed(tokenErrorText(err), r.tokenDiagnosis(err))
}

// plainAddress is an address with nothing in it that could break out of a
// PowerShell string or a Markdown code span.
var plainAddress = regexp.MustCompile(`^[A-Za-z0-9._+-]{1,64}@[A-Za-z0-9.-]{1,253}$`)

// claimsStep decodes the token and compares it with what each protocol
// needs.
func (j *Job) claimsStep() *stepDef {
	return &stepDef{name: StepClaims, title: "Claims", about: diagnose.ServerEntra,
		needs: []StepName{StepToken}, unmet: "no token to inspect",
		begin: func() string { return "Reading the token's claims" }, run: j.runClaims}
}

func (j *Job) runClaims(ctx context.Context, s *stepRun) outcome {
	in, _ := s.input(ctx, StepToken).(*signIn)
	if in == nil {
		return skipped("no token to inspect")
	}
	c, err := token.Parse(in.tok.AccessToken)
	if err != nil {
		return warn("the access token is not a JWT, so its claims cannot be checked: "+err.Error(), s.diag(diagnose.TokenMalformed), &claimsOut{})
	}
	if profile.IsGUID(c.TenantID) {
		s.r.setFacts(func(f *diagnose.Facts) { f.TenantID = c.TenantID }) // from the token: only a GUID goes into texts and scripts
	}
	now := j.opts.now()
	s.log(Info, "aud   "+c.Audience, "")
	s.log(Info, "tid   "+c.TenantID, "")
	s.log(Info, "appid "+c.Client()+displayName(c.AppDisplayName), "")
	if c.ObjectID != "" {
		s.log(Info, "oid   "+c.ObjectID, "the app's service principal (Enterprise application) Object ID — the one New-ServicePrincipal needs")
	}
	if c.AppOnly() {
		s.log(Info, "roles "+orNone(strings.Join(c.Roles, " ")), "")
	} else {
		s.log(Info, "scp   "+orNone(strings.Join(c.Scopes, " ")), "")
	}
	s.log(Info, "exp   "+c.Expires.Local().Format(time.RFC3339), "")

	mail := j.selected(protocol.Exchange)
	want := token.Want{Resource: j.cloud.ExchangeResource, ClientID: j.p.ClientID, Protocols: mail, Now: now}
	if len(mail) == 0 {
		want.Resource = j.graphResource() // a Graph-only delegated run
	}
	if profile.IsGUID(j.p.Tenant) {
		want.TenantID = j.p.Tenant
	}
	fs := token.Check(c, want)
	if f, ok := s.r.clockFinding(); ok {
		fs = append(fs, f)
	}
	out := &claimsOut{claims: &c, findings: fs}
	if len(fs) == 0 {
		return passed(c.Summary(now), out)
	}
	for _, f := range fs {
		s.log(Warns, f.Message, "")
		s.message(f.Message)
	}
	return warn(fs[0].Message, s.r.diag(fs[0].ID, protocol.Name(fs[0].Protocol)), out)
}

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

func aheadBehind(d time.Duration) string {
	if d < 0 {
		return "behind"
	}
	return "ahead of"
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

// graphTokenStep gets and checks Graph's own token (Graph is another
// resource than Exchange). App-only runs ask for it beside the Exchange
// token; delegated runs renew the sign-in silently for Graph's scopes.
func (j *Job) graphTokenStep() *stepDef {
	d := &stepDef{name: StepGraphToken, title: "Graph token", server: diagnose.ServerEntra, protocol: protocol.Graph, timeout: tokenTimeout,
		run: j.runGraphToken}
	what := "an app-only token"
	if j.flow.Delegated {
		d.needs, d.unmet = []StepName{StepToken}, "not tried: the sign-in failed"
		what = "a delegated token (silently, with the refresh token)"
	}
	d.begin = func() string { return "Requesting " + what + " for " + strings.Join(j.graphScopes(), " ") }
	return d
}

func (j *Job) runGraphToken(ctx context.Context, s *stepRun) outcome {
	if s.r.flowErr != nil {
		return failed(s.r.flowErr.Error(), s.r.tokenDiagnosis(s.r.flowErr))
	}
	var tok auth.Token
	var err error
	if j.flow.Delegated {
		in, _ := s.input(ctx, StepToken).(*signIn)
		rn, ok := in.flowRenewer()
		if !ok {
			return skipped("this flow cannot renew its sign-in")
		}
		tok, err = rn.Renew(ctx, j.graphScopes())
	} else {
		tok, err = s.r.flow.Token(ctx, j.graphScopes())
	}
	if err != nil {
		if d, text, ok := s.r.guardDiagnosis(err, protocol.Graph); ok {
			return failed(text, d)
		}
		return failed(tokenErrorText(err), s.r.tokenDiagnosis(err))
	}
	j.scrub.Add(tok.AccessToken)
	detail := fmt.Sprintf("access token %s, expires %s", secret.Mask(tok.AccessToken), tok.ExpiresOn.Local().Format("15:04:05"))
	c, err := token.Parse(tok.AccessToken)
	if err != nil {
		return warn(detail+"; not a JWT, claims not checked", s.diag(diagnose.TokenMalformed), &issued{token: tok.AccessToken})
	}
	s.log(Info, "aud   "+c.Audience, "")
	if c.AppOnly() {
		s.log(Info, "roles "+orNone(strings.Join(c.Roles, " ")), "")
	} else {
		s.log(Info, "scp   "+orNone(strings.Join(c.Scopes, " ")), "")
	}
	out := &issued{token: tok.AccessToken, claims: &c}
	var fs, unproven []token.Finding
	for _, p := range j.selected(protocol.MicrosoftGraph) {
		for _, f := range token.CheckService(c, p, j.p.SendTestMail, diagnose.GraphPermissionDenied) {
			if f.Unproven {
				unproven = append(unproven, f)
			} else {
				fs = append(fs, f)
			}
		}
	}
	for _, f := range unproven {
		s.log(Info, f.Message, "")
		s.message(f.Message)
	}
	if len(fs) > 0 {
		for _, f := range fs {
			s.log(Warns, f.Message, "")
			s.message(f.Message)
		}
		return warn(detail+" — "+fs[0].Message, s.diag(fs[0].ID), out)
	}
	if len(unproven) > 0 {
		return passed(detail+" · roles "+orNone(strings.Join(token.Permissions(c), " "))+" — what the token lacks may come from RBAC for Applications: Graph's answer decides", out)
	}
	return passed(detail+" · "+strings.Join(token.Permissions(c), " "), out)
}

// flowRenewer is the signed-in flow's renewal with the refresh token.
func (in *signIn) flowRenewer() (auth.Renewer, bool) {
	if in == nil {
		return nil, false
	}
	rn, ok := in.flow.(auth.Renewer)
	return rn, ok
}

// refreshStep answers "it worked for 90 days, then stopped": was a refresh
// token issued (offline_access consented), how long the access token
// lives, and does renewal with the refresh token work right now.
func (j *Job) refreshStep() *stepDef {
	return &stepDef{name: StepRefresh, title: "Refresh", server: diagnose.ServerEntra, timeout: tokenTimeout,
		needs: []StepName{StepToken}, unmet: "not tried: there is no sign-in to renew",
		begin: func() string { return "Renewing the access token with the refresh token, without the user" },
		run:   j.runRefresh}
}

func (j *Job) runRefresh(ctx context.Context, s *stepRun) outcome {
	in, _ := s.input(ctx, StepToken).(*signIn)
	if in == nil {
		return skipped("not tried: there is no sign-in to renew")
	}
	tok := in.tok
	life := "unknown lifetime"
	if c, err := token.Parse(tok.AccessToken); err == nil && !c.IssuedAt.IsZero() && !c.Expires.IsZero() {
		life = fmt.Sprintf("access tokens live %d min", int(c.Expires.Sub(c.IssuedAt).Round(time.Minute).Minutes()))
	}
	if !tok.RefreshToken {
		d := s.diag(diagnose.ConsentRequired)
		d.Cause = "No refresh token was issued, so the product can renew nothing and the user must sign in again when the access token expires (" + life + "). The offline_access permission is missing from the app's API permissions or was not consented. " + d.Cause
		return warn("no refresh token was issued ("+life+"): offline_access is not granted", d, nil)
	}
	rn, ok := in.flowRenewer()
	if !ok {
		return skipped("this flow has no refresh token")
	}
	nt, err := rn.Renew(ctx, j.mailScopes())
	if err != nil {
		if d, text, ok := s.r.guardDiagnosis(err, ""); ok {
			return failed("renewal failed: "+text, d)
		}
		return failed("renewal failed: "+tokenErrorText(err), s.r.tokenDiagnosis(err))
	}
	j.scrub.Add(nt.AccessToken)
	if nt.AccessToken == tok.AccessToken {
		return warn("the same access token came back: renewal was not exercised", nil, nil)
	}
	return passed(fmt.Sprintf("refresh token issued and redeemed: new access token %s, expires %s; %s",
		secret.Mask(nt.AccessToken), nt.ExpiresOn.Local().Format("15:04:05"), life), nil)
}

// tokenText describes the token request for the step's first line.
func (j *Job) tokenText(scopes []string) string {
	p := j.p
	at := j.cloud.AuthorityHost + "/" + p.Tenant
	sc := strings.Join(scopes, " ")
	switch p.Flow {
	case profile.Interactive:
		return fmt.Sprintf("Signing in as %s in the browser (%s) for %s", p.SignInUser(), at, sc)
	case profile.DeviceCode:
		return fmt.Sprintf("Device-code sign-in at %s for %s", at, sc)
	case profile.AuthCode:
		return fmt.Sprintf("Authorization-code sign-in as %s with redirect URI %s (%s) for %s", p.SignInUser(), p.RedirectURI, at, sc)
	case profile.Password:
		return fmt.Sprintf("Username+password sign-in as %s (%s) for %s", p.SignInUser(), at, sc)
	}
	cred := "client secret " + secret.Mask(p.ClientSecret)
	if j.cert != nil {
		cred = "certificate " + j.cert.Thumbprint()
	}
	return fmt.Sprintf("Requesting an app-only token from %s for %s with %s", at, sc, cred)
}
