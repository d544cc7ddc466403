// Package simulate runs a simulated Microsoft 365 tenant on loopback: an
// Entra ID token authority over HTTPS, Exchange Online IMAP (implicit TLS),
// POP3 (implicit TLS) and SMTP (STARTTLS) servers, and a Microsoft Graph
// v1.0 mail endpoint over HTTPS, all checking OAuth2 bearer tokens the way
// Microsoft does and answering with Microsoft's own texts. Options.Cloud
// switches the names to a national cloud (GCC High, DoD, China).
//
// Every test and the demo mode use it instead of Microsoft's services:
//
//	t, err := simulate.Start(simulate.Options{Scenario: "imap-disabled"})
//	if err != nil { ... }
//	defer t.Close()
//	// MSAL authority: t.AuthorityURL + "/" + t.TenantID; trust t.RootCAs().
//
// The tenant is split by service around one directory (directory.go): the
// State a scenario edits and the decisions made from it. Exchange's IMAP,
// POP3 and SMTP servers (exchange.go) and Microsoft Graph (graph.go) are
// types of their own that see the directory only through a small
// interface; Entra ID's endpoints (entra.go, delegated.go, signin.go,
// realm.go) are the Tenant's handlers on it. A scenario is a change of
// directory state, never a flag a server reads.
//
// The mail servers are small hand-written line servers, not go-imap or
// go-smtp, so that greetings and replies are byte-exact. They bound lines
// to 16 KiB, drop idle connections and never panic on malformed input.
//
// Secrets: Tenant.ClientSecret, the private key in CertFile and PFXFile, and
// every token from IssuedTokens are credentials for the simulated tenant
// only; they are worthless anywhere else but should still not be logged by
// code under test.
package simulate

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Dialects select the server texts.
const (
	// DialectExchange answers with Exchange Online's greetings and replies.
	DialectExchange = "exchange"
	// DialectDovecot answers like a standards-compliant Dovecot/Postfix
	// server, with RFC 7628 SASL error challenges, to prove that clients do
	// not depend on Microsoft's texts.
	DialectDovecot = "dovecot"
)

// Options configure Start. The zero value is a working Exchange tenant
// without latency in a temporary directory.
type Options struct {
	// Scenario is the initial scenario name; "" means "ok". See Scenarios.
	Scenario string
	// Dialect is "" or DialectExchange (default), or DialectDovecot.
	Dialect string
	// Latency is the emulated network round-trip time: each server
	// response flight, and the TCP handshake, costs one Latency. It applies
	// to the authority and to the mail servers. 0 means none.
	Latency time.Duration
	// Dir receives ca.pem, app-cert.pem and app-cert.pfx. "" means a
	// temporary directory that Close removes.
	Dir string
	// Now is the clock for token times, expiry checks and greetings; nil
	// means time.Now.
	Now func() time.Time
	// IdleTimeout is how long the mail servers wait for a client line
	// before they hang up; 0 means 60 seconds, like a real server.
	IdleTimeout time.Duration
	// Cloud is "" or CloudGlobal (default), CloudUSGov, CloudUSGovDoD or
	// CloudChina. It selects the Exchange and Graph resource URIs the
	// authority and the servers accept, the token issuer and the
	// openid-configuration and realm fields.
	Cloud string
}

// Stats counts what reached the simulated services.
type Stats struct {
	Authority         int // TCP connections accepted by the authority
	AuthorityRequests int // HTTP requests served by the authority
	IMAP              int // connections accepted by the IMAP server
	POP               int // connections accepted by the POP3 server
	SMTP              int // connections accepted by the SMTP server
	Graph             int // TCP connections accepted by the Graph server
	GraphRequests     int // HTTP requests served by the Graph server
}

// Tenant is a running simulated tenant. The exported fields are what a user
// would paste into the tester; they never change after Start (scenarios
// change the directory behind them instead). ClientSecret, PFXPassword and
// the key in CertFile/PFXFile are secrets of the simulated tenant.
type Tenant struct {
	TenantID     string // directory (tenant) GUID
	TenantDomain string // e.g. contoso-sim.onmicrosoft.com
	ClientID     string // application (client) ID
	AppName      string // app registration display name
	ClientSecret string // client secret value (40 characters, contains "~")
	SecretID     string // the secret's ID GUID (not usable as a secret)
	Mailbox      string // mailbox address to open
	// MailboxObjectID is the mailbox user's Entra object ID; Graph accepts
	// it in place of Mailbox in /users/{id}.
	MailboxObjectID string

	// User is the UPN of the user delegated flows sign in by default: the
	// owner of Mailbox. UserPassword is their password (a secret of the
	// simulated tenant).
	User         string
	UserPassword string
	// SharedMailbox is a shared mailbox's address; DelegateUser has
	// FullAccess and Send As on it (and a mailbox of their own), and signs
	// in with DelegatePassword.
	SharedMailbox    string
	DelegateUser     string
	DelegatePassword string
	// AppPassword is Mailbox's app password for basic authentication (a
	// secret; accepted only while basic authentication is on).
	AppPassword string

	CAFile string // PEM of the CA that signed the servers' certificate
	CAPEM  []byte // contents of CAFile

	CertFile       string // PEM: app certificate and unencrypted PKCS#8 RSA key
	PFXFile        string // the same certificate and key as PKCS#12
	PFXPassword    string // password of PFXFile
	CertThumbprint string // SHA-1 thumbprint of the app certificate, upper-case hex

	AuthorityURL string // "https://127.0.0.1:PORT"; MSAL authority is AuthorityURL + "/" + TenantID
	IMAPAddr     string // "127.0.0.1:PORT", implicit TLS
	POPAddr      string // "127.0.0.1:PORT", implicit TLS
	SMTPAddr     string // "127.0.0.1:PORT", plain with STARTTLS
	// GraphURL is the Microsoft Graph stand-in, "https://127.0.0.1:PORT";
	// requests go to GraphURL + "/v1.0/users/{id}/...".
	GraphURL string

	Dialect string // DialectExchange or DialectDovecot

	// Cloud is the effective cloud name (CloudGlobal, CloudUSGov, ...).
	Cloud string
	// ExchangeResource is the cloud's Exchange Online resource URI; the
	// client-credentials scope is ExchangeResource + "/.default".
	ExchangeResource string
	// GraphResource is the cloud's Microsoft Graph resource URI.
	GraphResource string
	// LoginHost is the cloud's Entra host (login.microsoftonline.com, ...),
	// for clients that route real host names to AuthorityURL.
	LoginHost string

	// directory is the state every service reads and a scenario edits.
	*directory
	latency time.Duration
	pki     *pki
	id      identity
	tlsConf *tls.Config
	// legacyTLSConf offers only TLS 1.0 and 1.1 (State.LegacyTLS).
	legacyTLSConf *tls.Config
	tempDir       string

	authorityConns, authorityReqs, imapConns, popConns, smtpConns atomic.Int64
	graphConns, graphReqs                                         atomic.Int64

	httpSrv   *http.Server
	httpDone  chan struct{}
	graphSrv  *http.Server
	graphDone chan struct{}
	servers   []*lineServer
	closeOnce sync.Once
	closeErr  error
}

// Start generates keys and certificates, writes the credential files and
// starts the authority, the three mail servers and the Graph server on
// 127.0.0.1. It returns an error for an unknown scenario, dialect or cloud,
// or when a listener or file cannot be created. Call Close to stop
// everything.
func Start(opts Options) (*Tenant, error) {
	def, err := lookupScenario(opts.Scenario)
	if err != nil {
		return nil, err
	}
	dialect := opts.Dialect
	switch dialect {
	case "":
		dialect = DialectExchange
	case DialectExchange, DialectDovecot:
	default:
		return nil, fmt.Errorf("simulate: unknown dialect %q", opts.Dialect)
	}
	cloud, err := lookupCloud(opts.Cloud)
	if err != nil {
		return nil, err
	}
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	idle := opts.IdleTimeout
	if idle <= 0 {
		idle = defaultIdleTimeout
	}
	p, err := newPKI(now())
	if err != nil {
		return nil, err
	}
	t := &Tenant{
		Dialect:   dialect,
		latency:   opts.Latency,
		pki:       p,
		httpDone:  make(chan struct{}),
		graphDone: make(chan struct{}),
		directory: &directory{now: now, cloud: cloud, verify: &p.signKey.PublicKey,
			rejections: map[string]string{}, grants: newGrantStore()},
	}
	t.Cloud, t.ExchangeResource, t.GraphResource = cloud.name, cloud.exchange[0], cloud.graph
	t.LoginHost = cloud.loginHosts[0]
	t.id = identity{
		tenantID:         newGUID(),
		domain:           "contoso-sim.onmicrosoft.com",
		displayName:      "Contoso (simulated)",
		clientID:         newGUID(),
		appName:          "Mail OAuth Tester (simulated)",
		spID:             newGUID(),
		secretID:         newGUID(),
		secret:           newSecretValue(),
		mailbox:          "support@contoso-sim.onmicrosoft.com",
		mailboxOID:       newGUID(),
		userPassword:     "Sim-" + randString(12, alnum) + "!1",
		appPassword:      randString(16, "abcdefghijklmnopqrstuvwxyz"),
		shared:           "shared@contoso-sim.onmicrosoft.com",
		sharedOID:        newGUID(),
		delegate:         "agent@contoso-sim.onmicrosoft.com",
		delegateOID:      newGUID(),
		delegatePassword: "Sim-" + randString(12, alnum) + "!2",
		cert:             p.appCert,
		otherCert:        p.otherCert,
	}
	t.TenantID, t.TenantDomain, t.ClientID, t.AppName = t.id.tenantID, t.id.domain, t.id.clientID, t.id.appName
	t.ClientSecret, t.SecretID, t.Mailbox = t.id.secret, t.id.secretID, t.id.mailbox
	t.MailboxObjectID = t.id.mailboxOID
	t.User, t.UserPassword, t.AppPassword = t.id.mailbox, t.id.userPassword, t.id.appPassword
	t.SharedMailbox, t.DelegateUser, t.DelegatePassword = t.id.shared, t.id.delegate, t.id.delegatePassword
	t.CAPEM, t.CertThumbprint = p.caPEM, thumbprintSHA1(p.appCert)
	t.PFXPassword = "Sim-" + randString(16, alnum)
	t.tlsConf = &tls.Config{Certificates: []tls.Certificate{p.serverTLS}, MinVersion: tls.VersionTLS12}
	t.legacyTLSConf = &tls.Config{Certificates: []tls.Certificate{p.serverTLS}, MinVersion: tls.VersionTLS10, MaxVersion: tls.VersionTLS11}
	t.state, t.scenario = t.buildState(def), def.Name

	dir := opts.Dir
	if dir == "" {
		if dir, err = os.MkdirTemp("", "mailoauth-sim-"); err != nil {
			return nil, fmt.Errorf("simulate: %w", err)
		}
		t.tempDir = dir
	}
	if t.CAFile, t.CertFile, t.PFXFile, err = p.writeFiles(dir, t.PFXPassword); err != nil {
		t.Close()
		return nil, err
	}
	if err := t.listen(idle); err != nil {
		t.Close()
		return nil, err
	}
	return t, nil
}

// listen opens the five listeners and starts serving.
func (t *Tenant) listen(idle time.Duration) error {
	authLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("simulate: listen: %w", err)
	}
	t.AuthorityURL = "https://" + authLn.Addr().String()
	t.httpSrv = &http.Server{
		Handler:           t.authorityHandler(),
		ReadHeaderTimeout: idle,
		IdleTimeout:       idle,
		ErrorLog:          log.New(io.Discard, "", 0),
	}
	tlsLn := tls.NewListener(&countingListener{Listener: authLn, d: t.latency, count: &t.authorityConns}, t.tlsConf)
	go func() {
		defer close(t.httpDone)
		_ = t.httpSrv.Serve(tlsLn)
	}()

	graphLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("simulate: listen: %w", err)
	}
	t.GraphURL = "https://" + graphLn.Addr().String()
	graph := &graphAPI{dir: t.directory, now: t.now, requests: &t.graphReqs}
	t.graphSrv = &http.Server{
		Handler:           graph,
		ReadHeaderTimeout: idle,
		IdleTimeout:       idle,
		ErrorLog:          log.New(io.Discard, "", 0),
	}
	graphTLS := tls.NewListener(&countingListener{Listener: graphLn, d: t.latency, count: &t.graphConns}, t.tlsConf)
	go func() {
		defer close(t.graphDone)
		_ = t.graphSrv.Serve(graphTLS)
	}()

	ex := &exchange{dir: t.directory, dovecot: t.dovecot(), now: t.now, tls: t.tlsConf, legacyTLS: t.legacyTLSConf, challenge: t.errorChallenge}
	mail := []struct {
		addr   *string
		count  *atomic.Int64
		handle func(*conn)
	}{
		{&t.IMAPAddr, &t.imapConns, ex.serveIMAP},
		{&t.POPAddr, &t.popConns, ex.servePOP},
		{&t.SMTPAddr, &t.smtpConns, ex.serveSMTP},
	}
	for _, m := range mail {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return fmt.Errorf("simulate: listen: %w", err)
		}
		*m.addr = ln.Addr().String()
		count := m.count
		s := &lineServer{
			ln: ln, latency: t.latency, idle: idle,
			accepts: func() { count.Add(1) },
			handle:  m.handle,
			conns:   map[net.Conn]struct{}{},
		}
		s.wg.Add(1)
		t.servers = append(t.servers, s)
		go s.serve()
	}
	return nil
}

// Close stops all servers, ends open connections and removes the temporary
// directory if Start created one. It is safe to call more than once.
func (t *Tenant) Close() error {
	t.closeOnce.Do(func() {
		var errs []error
		if t.httpSrv != nil {
			if err := t.httpSrv.Close(); err != nil {
				errs = append(errs, err)
			}
			<-t.httpDone
		}
		if t.graphSrv != nil {
			if err := t.graphSrv.Close(); err != nil {
				errs = append(errs, err)
			}
			<-t.graphDone
		}
		for _, s := range t.servers {
			if err := s.close(); err != nil && !errors.Is(err, net.ErrClosed) {
				errs = append(errs, err)
			}
		}
		if t.tempDir != "" {
			if err := os.RemoveAll(t.tempDir); err != nil {
				errs = append(errs, err)
			}
		}
		t.closeErr = errors.Join(errs...)
	})
	return t.closeErr
}

// RootCAs returns a pool holding the simulated CA, for TLS clients.
func (t *Tenant) RootCAs() *x509.CertPool {
	pool := x509.NewCertPool()
	pool.AddCert(t.pki.caCert)
	return pool
}

// TLSConfig returns a client TLS configuration that trusts the simulated CA
// for serverName ("127.0.0.1" when empty).
func (t *Tenant) TLSConfig(serverName string) *tls.Config {
	if serverName == "" {
		serverName = "127.0.0.1"
	}
	return &tls.Config{RootCAs: t.RootCAs(), ServerName: serverName, MinVersion: tls.VersionTLS12}
}

// HTTPClient returns an HTTP client that trusts the simulated CA, suitable
// for confidential.WithHTTPClient.
func (t *Tenant) HTTPClient() *http.Client {
	return &http.Client{
		Timeout:   30 * time.Second,
		Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: t.RootCAs(), MinVersion: tls.VersionTLS12}},
	}
}

// buildState returns a fresh baseline with def applied.
func (t *Tenant) buildState(def scenarioDef) *State {
	now := t.now()
	s := baseline(t.id, now)
	if def.apply != nil {
		def.apply(s, t.id, now)
	}
	return s
}

// SetScenario resets the live tenant to the baseline and applies the named
// scenario ("" means "ok"). Open connections keep their session; new
// requests and logins see the new state. It returns an error for an
// unknown name and leaves the state unchanged then.
func (t *Tenant) SetScenario(name string) error {
	def, err := lookupScenario(name)
	if err != nil {
		return err
	}
	s := t.buildState(def)
	t.mu.Lock()
	defer t.mu.Unlock()
	t.state, t.scenario = s, def.Name
	return nil
}

// Scenario returns the name of the active scenario.
func (t *Tenant) Scenario() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.scenario
}

// Update runs fn with the live State locked, for tests that need a
// configuration no scenario provides. fn must not keep references to the
// State after it returns.
func (t *Tenant) Update(fn func(s *State)) {
	t.mu.Lock()
	defer t.mu.Unlock()
	fn(t.state)
}

// IssuedTokens returns every access token issued so far, oldest first. The
// tokens are bearer credentials for this simulated tenant.
func (t *Tenant) IssuedTokens() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return slices.Clone(t.issued)
}

// IssuedGrants returns every authorization code, device code and refresh
// token issued so far (bearer credentials, like IssuedTokens), for tests
// that search an output for them.
func (t *Tenant) IssuedGrants() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	var out []string
	for k := range t.grants.codes {
		out = append(out, k)
	}
	for k := range t.grants.devices {
		out = append(out, k)
	}
	for k := range t.grants.refresh {
		out = append(out, k)
	}
	return out
}

// LastRejection returns the server-side reason of the last failed or
// not-connected login for proto (ProtoIMAP, ProtoPOP or ProtoSMTP), or "".
// Exchange never tells the client this reason; it is for tests and
// debugging.
func (t *Tenant) LastRejection(proto string) string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.rejections[proto]
}

// SentMessages returns how many messages the mailbox has submitted over
// SMTP, or -1 when the mailbox does not exist. Graph sends are counted by
// GraphSends.
func (t *Tenant) SentMessages(mailbox string) int {
	t.mu.Lock()
	defer t.mu.Unlock()
	if mb := t.state.mailbox(mailbox); mb != nil {
		return mb.Sent
	}
	return -1
}

// GraphSends returns how many messages Graph sendMail accepted for the
// mailbox (address or object ID), or -1 when the mailbox does not exist.
func (t *Tenant) GraphSends(mailbox string) int {
	t.mu.Lock()
	defer t.mu.Unlock()
	if mb := t.state.mailboxByID(mailbox); mb != nil {
		return len(mb.GraphSent)
	}
	return -1
}

// GraphSent returns a copy of the messages Graph sendMail accepted for the
// mailbox, oldest first.
func (t *Tenant) GraphSent(mailbox string) []GraphMessage {
	t.mu.Lock()
	defer t.mu.Unlock()
	if mb := t.state.mailboxByID(mailbox); mb != nil {
		out := slices.Clone(mb.GraphSent)
		for i := range out {
			out[i].To = slices.Clone(out[i].To)
		}
		return out
	}
	return nil
}

// Connections returns how many connections and requests each service has
// received since Start.
func (t *Tenant) Connections() Stats {
	return Stats{
		Authority:         int(t.authorityConns.Load()),
		AuthorityRequests: int(t.authorityReqs.Load()),
		IMAP:              int(t.imapConns.Load()),
		POP:               int(t.popConns.Load()),
		SMTP:              int(t.smtpConns.Load()),
		Graph:             int(t.graphConns.Load()),
		GraphRequests:     int(t.graphReqs.Load()),
	}
}

// dovecot reports whether the servers speak the Dovecot/Postfix dialect.
func (t *Tenant) dovecot() bool { return t.Dialect == DialectDovecot }
