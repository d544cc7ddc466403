package engine

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/mailoauth/mailoauth-tester/core/auth"
	"github.com/mailoauth/mailoauth-tester/core/cloud"
	"github.com/mailoauth/mailoauth-tester/core/profile"
	"github.com/mailoauth/mailoauth-tester/core/protocol"
	"github.com/mailoauth/mailoauth-tester/core/secret"
)

// Step time limits. Each is also bounded by the run's own timeout.
const (
	// connectTimeout covers DNS, TCP, TLS and the greeting: Exchange
	// answers all of them in well under a second from anywhere.
	connectTimeout = 10 * time.Second
	// tokenTimeout covers the OpenID configuration and token requests;
	// Entra usually answers in under a second.
	tokenTimeout = 15 * time.Second
	// loginTimeout covers AUTH and the command after it.
	loginTimeout = 15 * time.Second
)

// Options are the engine's dependencies, so tests can point it at the
// simulated tenant. The zero value uses the system's roots, resolver,
// proxy settings and clock.
type Options struct {
	Now      func() time.Time
	RootCAs  *x509.CertPool // replaces the system roots (the profile's CA file is added to it)
	Resolver *net.Resolver
	// DialContext, when set, makes every TCP connection (Entra ID, Graph,
	// IMAP, POP3, SMTP). Tests route real host names to the simulated
	// tenant with it.
	DialContext func(ctx context.Context, network, addr string) (net.Conn, error)
	// OpenURL opens sign-in pages; nil uses the system browser. Tests
	// pass the simulated tenant's browser.
	OpenURL func(url string) error
	// Paste asks the user for text (the redirected address of an
	// authorization-code sign-in); nil when the face cannot ask.
	Paste func(ctx context.Context, p Prompt) (string, error)
	// HTTPTransport is the base transport for Entra ID and Graph requests;
	// nil uses one with the proxy from the environment.
	HTTPTransport *http.Transport
	// Protocols is the protocol table; nil means protocol.Default(). A test
	// adds a protocol with one more row.
	Protocols protocol.Table
}

func (o Options) now() time.Time {
	if o.Now != nil {
		return o.Now()
	}
	return time.Now()
}

// Job is a validated, ready-to-run profile.
type Job struct {
	p        profile.Profile
	opts     Options
	flow     profile.FlowSpec
	table    protocol.Table
	cloud    cloud.Cloud
	roots    *x509.CertPool
	cert     *auth.Certificate
	scrub    *secret.Scrubber
	hosts    map[protocol.Name]string // every protocol's endpoint: host:port, or an https URL
	provider cloud.Provider
	warning  profile.Problems
	// inspect, when set (by tests), sees the run's state after it ended.
	inspect func(*run)
}

// Prepare normalises and validates p, loads the certificate and the CA
// file, and returns a Job — or the problems that stop it, each naming its
// field. It makes no network connection.
func Prepare(p profile.Profile, opts Options) (*Job, profile.Problems) {
	p = profile.Normalize(p)
	j := &Job{p: p, opts: opts, scrub: &secret.Scrubber{}, table: opts.Protocols}
	if j.table == nil {
		j.table = protocol.Default()
	}
	if p.GraphSendOnly {
		j.table = j.table.SendOnly(protocol.Graph)
	}
	j.flow, _ = profile.LookupFlow(p.Flow)
	j.scrub.Add(p.ClientSecret, p.CertPassword, p.Password)
	var problems profile.Problems
	if p.HasCredentials() {
		problems = profile.ValidateWith(p, j.table)
	} else {
		problems = profile.ValidateEnvironment(p)
	}
	if errs := problems.Errors(); len(errs) > 0 {
		return nil, errs
	}
	if errs := presetProblems(p); len(errs) > 0 {
		return nil, errs
	}
	j.warning = problems.Warnings()
	c, err := cloud.Lookup(p.Cloud)
	if err != nil {
		return nil, profile.Problems{{Field: profile.FieldCloud, Message: err.Error()}}
	}
	if p.AuthorityHost != "" {
		c.AuthorityHost = p.AuthorityHost
	}
	j.cloud = c
	basic := !j.flow.OAuth && p.HasCredentials()
	if basic {
		pv, err := cloud.LookupProvider(p.Provider)
		if err != nil {
			return nil, profile.Problems{{Field: profile.FieldProvider, Message: err.Error()}}
		}
		j.provider = pv
	}
	j.hosts = map[protocol.Name]string{}
	for _, s := range j.table {
		def := s.Host(c)
		if basic && s.ProviderHost != nil {
			def = s.ProviderHost(j.provider)
		}
		j.hosts[s.Name] = strings.TrimSuffix(or(p.HostOverride(s.Name), def), "/")
	}
	if j.roots, err = rootPool(opts.RootCAs, p.CAFile); err != nil {
		return nil, profile.Problems{{Field: profile.FieldCAFile, Message: err.Error(), Fix: "give a PEM file with one or more CERTIFICATE blocks"}}
	}
	if p.CertFile != "" && p.HasCredentials() {
		cert, err := auth.LoadCertificate(p.CertFile, p.CertPassword)
		if err != nil {
			field, msg, fix := profile.FieldCert, err.Error(), "export the certificate with its private key as PFX/P12 (with a password) or as PEM"
			var ce *auth.CertError
			if errors.As(err, &ce) {
				field, msg = ce.Field, ce.Msg
				if ce.Fix != "" {
					fix = ce.Fix
				}
			}
			return nil, profile.Problems{{Field: field, Message: j.scrub.Scrub(msg), Fix: fix}}
		}
		j.cert = cert
	}
	return j, nil
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func rootPool(base *x509.CertPool, caFile string) (*x509.CertPool, error) {
	pool := base
	if pool == nil {
		sys, err := x509.SystemCertPool()
		if err != nil || sys == nil {
			sys = x509.NewCertPool()
		}
		pool = sys
	} else {
		pool = pool.Clone()
	}
	if caFile == "" {
		return pool, nil
	}
	pem, err := profile.ReadFile(caFile)
	if err != nil {
		return nil, fmt.Errorf("CA file %v", err)
	}
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("CA file %q holds no PEM certificate", caFile)
	}
	return pool, nil
}

// Environment reports whether the job is the environment check (no
// credentials were given).
func (j *Job) Environment() bool { return !j.p.HasCredentials() }

// Profile returns the normalised profile.
func (j *Job) Profile() profile.Profile { return j.p }

// Warnings returns the input warnings that did not stop the job.
func (j *Job) Warnings() profile.Problems { return j.warning }

// Scrubber returns the job's secret scrubber; faces pass any text of their
// own through it.
func (j *Job) Scrubber() *secret.Scrubber { return j.scrub }

// Plan lists the steps the job will run, in order, each with the steps it
// reads: the graph the run executes. The CLI prints it and the window's
// checklist shows it.
func (j *Job) Plan() []StepInfo {
	defs := j.plan()
	out := make([]StepInfo, len(defs))
	for i, d := range defs {
		out[i] = StepInfo{Name: d.name, Title: d.title, Needs: append([]StepName(nil), d.needs...)}
	}
	return out
}

// selected returns the selected protocols of a resource, in table order.
func (j *Job) selected(r protocol.Resource) protocol.Table {
	var out protocol.Table
	for _, s := range j.table.For(r) {
		if j.p.Has(s.Name) {
			out = append(out, s)
		}
	}
	return out
}

// graphResource is the resource (audience) of Graph tokens in the job's
// cloud. It stays the cloud's even when GraphURL points elsewhere.
func (j *Job) graphResource() string { return j.cloud.GraphHost }

// Hosts lists every endpoint the job will contact, by role, so faces and
// tests can show or assert them (e.g. that switching the cloud switched
// them all).
func (j *Job) Hosts() map[string]string {
	out := map[string]string{"authority": j.cloud.AuthorityHost, "exchange-resource": j.cloud.ExchangeResource,
		"graph-resource": j.graphResource(), "portal": j.cloud.PortalHost}
	for n, h := range j.hosts {
		out[string(n)] = h
	}
	return out
}

// Input returns the non-secret description of the job.
func (j *Job) Input() Input {
	in := Input{Cloud: j.cloud.Name, AuthorityHost: j.cloud.AuthorityHost}
	if j.Environment() {
		in.IMAPHost, in.POPHost, in.SMTPHost, in.GraphURL = j.hosts[protocol.IMAP], j.hosts[protocol.POP], j.hosts[protocol.SMTP], j.hosts[protocol.Graph]
		return in
	}
	in.Tenant, in.ClientID, in.Mailbox = j.p.Tenant, j.p.ClientID, j.p.Mailbox
	in.Flow, in.Mechanism, in.SendTestMail = string(j.p.Flow), string(j.p.Mechanism), j.p.SendTestMail
	in.RedirectURI = j.p.RedirectURI
	in.Preset, in.GraphSendOnly = j.p.Preset, j.p.GraphSendOnly
	switch {
	case j.p.Flow == profile.AppPassword:
		in.Tenant, in.ClientID, in.Provider, in.User = "", "", j.provider.Name, j.p.SignInUser()
		in.Credential = "password " + secret.Mask(j.p.Password)
	case j.p.Flow == profile.Password:
		in.User, in.Credential = j.p.SignInUser(), "password "+secret.Mask(j.p.Password)
	case j.p.Flow.Delegated():
		in.User = j.p.SignInUser()
		if j.p.Flow == profile.AuthCode {
			in.Credential = "secret " + secret.Mask(j.p.ClientSecret)
			if j.cert != nil {
				in.Credential = "certificate " + j.cert.Thumbprint()
			}
		}
	case j.cert != nil:
		in.Credential = "certificate " + j.cert.Thumbprint()
	default:
		in.Credential = "secret " + secret.Mask(j.p.ClientSecret)
	}
	for _, pr := range j.p.Protocols {
		in.Protocols = append(in.Protocols, string(pr))
		switch pr {
		case protocol.IMAP:
			in.IMAPHost = j.hosts[pr]
		case protocol.POP:
			in.POPHost = j.hosts[pr]
		case protocol.SMTP:
			in.SMTPHost = j.hosts[pr]
		case protocol.Graph:
			in.GraphURL = j.hosts[pr]
		}
	}
	return in
}
