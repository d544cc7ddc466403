package engine

import (
	"crypto/tls"
	"fmt"
	"net"
	"net/http"
	"net/http/httptrace"
	"time"

	"github.com/mailoauth/mailoauth-tester/core/netenv"
	"github.com/mailoauth/mailoauth-tester/core/probe"
)

// HTTP limits. Entra ID's OpenID configuration and token answers are a few
// KB and a Graph mail folder less; anything far larger is not the service
// answering (a captive portal, a proxy, a hostile server) and reading it
// would only grow the program's memory.
const (
	maxHTTPBody   = 1 << 20
	maxHTTPHeader = 64 << 10
	maxRedirects  = 5
)

// httpClient returns the client for the requests of step (MSAL's, the
// tenant lookup's, Graph's): the run's roots, the proxy from the
// environment, a trace that logs DNS, TCP, TLS and each request, response
// bodies capped at maxHTTPBody, and the guards that keep credentials where
// the user pointed: only https, only to the step's own hosts (the
// authority and its aliases, or the Graph host), no redirect that changes
// scheme or host, no OpenID configuration that names another host. The
// steps that talk to one kind of host share one transport, so a request
// reuses the connection an earlier one opened (the refresh reuses the
// sign-in's, Graph's login the connection its step opened before the
// token was there).
func (r *run) httpClient(step StepName) *http.Client {
	g := &guard{r: r, step: step, hosts: r.allowedHosts(step)}
	return &http.Client{Transport: &tracing{base: r.transport(r.hostKind(step)), r: r, step: step, g: g}, Timeout: tokenTimeout, CheckRedirect: g.checkRedirect}
}

// transport returns the run's shared transport for one kind of host.
func (r *run) transport(kind string) *http.Transport {
	r.mu.Lock()
	defer r.mu.Unlock()
	if tr := r.transports[kind]; tr != nil {
		return tr
	}
	var tr *http.Transport
	if r.j.opts.HTTPTransport != nil {
		tr = r.j.opts.HTTPTransport.Clone()
	} else {
		d := &net.Dialer{Timeout: connectTimeout, Resolver: r.j.opts.Resolver}
		tr = &http.Transport{Proxy: netenv.Func(), DialContext: d.DialContext,
			TLSHandshakeTimeout: connectTimeout, ForceAttemptHTTP2: true, MaxIdleConns: 8, IdleConnTimeout: 30 * time.Second}
	}
	if r.j.opts.DialContext != nil {
		tr.DialContext = r.j.opts.DialContext
	}
	tr.TLSClientConfig = &tls.Config{RootCAs: r.j.roots, MinVersion: tls.VersionTLS12}
	tr.MaxResponseHeaderBytes = maxHTTPHeader
	if r.transports == nil {
		r.transports = map[string]*http.Transport{}
	}
	r.transports[kind] = tr
	return tr
}

// closeTransports closes the idle connections the run leaves.
func (r *run) closeTransports() {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, tr := range r.transports {
		tr.CloseIdleConnections()
	}
}

// logProxy says which proxy, if any, requests to host go through.
func (r *run) logProxy(step StepName, host string) {
	if r.j.opts.HTTPTransport != nil || r.j.opts.DialContext != nil {
		return // the caller routes connections itself
	}
	r.log(step, Info, netenv.For(host).Describe(), "")
}

// noteTLS checks a verified TLS session for signs of interception and
// remembers the finding for the step.
func (r *run) noteTLS(step StepName, host string, st tls.ConnectionState) {
	f := netenv.Interception(host, st)
	if f == "" {
		return
	}
	r.mu.Lock()
	if r.tlsFindings == nil {
		r.tlsFindings = map[StepName]string{}
	}
	first := r.tlsFindings[step] == ""
	r.tlsFindings[step] = f
	r.mu.Unlock()
	if first {
		r.log(step, Warns, "TLS inspection: "+f, "")
	}
}

// tlsFinding returns the interception finding of a step, if any.
func (r *run) tlsFinding(step StepName) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.tlsFindings[step]
}

type tracing struct {
	base http.RoundTripper
	r    *run
	step StepName
	g    *guard
}

func (t *tracing) RoundTrip(req *http.Request) (*http.Response, error) {
	if err := t.g.checkRequest(req); err != nil {
		return nil, err
	}
	var dnsStart, connStart, tlsStart time.Time
	tm := func(name string, since time.Time, detail string) {
		t.r.timing(t.step, probe.Timing{Name: name, Began: since, Duration: time.Since(since), Detail: detail})
	}
	trace := &httptrace.ClientTrace{
		DNSStart: func(httptrace.DNSStartInfo) { dnsStart = time.Now() },
		DNSDone: func(i httptrace.DNSDoneInfo) {
			if i.Err == nil {
				tm("dns", dnsStart, fmt.Sprint(i.Addrs))
			}
		},
		ConnectStart: func(_, _ string) { connStart = time.Now() },
		ConnectDone: func(_, addr string, err error) {
			if err == nil {
				tm("tcp", connStart, addr)
			}
		},
		TLSHandshakeStart: func() { tlsStart = time.Now() },
		TLSHandshakeDone: func(st tls.ConnectionState, err error) {
			if err == nil {
				tm("tls", tlsStart, probe.DescribeTLS(st))
				t.r.noteTLS(t.step, req.URL.Hostname(), st)
			}
		},
	}
	start := time.Now()
	resp, err := t.base.RoundTrip(req.WithContext(httptrace.WithClientTrace(req.Context(), trace)))
	// The path names the tenant and endpoint; the query and body, which may
	// hold credentials, are never logged.
	what := req.Method + " " + req.URL.Path
	if err != nil {
		t.r.log(t.step, Warns, fmt.Sprintf("%-10s %s", "http", ms(time.Since(start))), what+" failed: "+shortNetError(err))
		return nil, err
	}
	if d, err := http.ParseTime(resp.Header.Get("Date")); err == nil {
		t.r.mu.Lock()
		t.r.serverDate, t.r.localDate = d, t.r.j.opts.now()
		t.r.mu.Unlock()
	}
	t.r.log(t.step, Debug, fmt.Sprintf("%-10s %s", "http", ms(time.Since(start))), fmt.Sprintf("%s → %s", what, resp.Status))
	resp.Body = &cappedBody{rc: resp.Body, host: req.URL.Host, left: maxHTTPBody}
	if isDiscovery(req.URL) && resp.StatusCode == http.StatusOK {
		return t.g.checkDiscovery(resp)
	}
	return resp, nil
}
