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
// scheme or host, no OpenID configuration that names another host.
func (r *run) httpClient(step string) *http.Client {
	var tr *http.Transport
	if r.j.opts.HTTPTransport != nil {
		tr = r.j.opts.HTTPTransport.Clone()
	} else {
		d := &net.Dialer{Timeout: connectTimeout, Resolver: r.j.opts.Resolver}
		tr = &http.Transport{Proxy: netenv.Func(), DialContext: d.DialContext,
			TLSHandshakeTimeout: connectTimeout, ForceAttemptHTTP2: true, MaxIdleConns: 4, IdleConnTimeout: 30 * time.Second}
	}
	if r.j.opts.DialContext != nil {
		tr.DialContext = r.j.opts.DialContext
	}
	tr.TLSClientConfig = &tls.Config{RootCAs: r.j.roots, MinVersion: tls.VersionTLS12}
	tr.MaxResponseHeaderBytes = maxHTTPHeader
	r.mu.Lock()
	r.transports = append(r.transports, tr)
	r.mu.Unlock()
	g := &guard{r: r, step: step, hosts: r.allowedHosts(step)}
	return &http.Client{Transport: &tracing{base: tr, r: r, step: step, g: g}, Timeout: tokenTimeout, CheckRedirect: g.checkRedirect}
}

// closeIdle closes the idle keep-alive connections of the run's HTTP
// transports: a finished run keeps no connection (and no goroutine) open,
// so a window that runs the test again and again does not grow.
func (r *run) closeIdle() {
	r.mu.Lock()
	trs := r.transports
	r.transports = nil
	r.mu.Unlock()
	for _, tr := range trs {
		tr.CloseIdleConnections()
	}
}

// logProxy says which proxy, if any, requests to host go through.
func (r *run) logProxy(step, host string) {
	if r.j.opts.HTTPTransport != nil || r.j.opts.DialContext != nil {
		return // the caller routes connections itself
	}
	r.log(step, Info, netenv.For(host).Describe(), "")
}

// noteTLS checks a verified TLS session for signs of interception and
// remembers the finding for the step.
func (r *run) noteTLS(step, host string, st tls.ConnectionState) {
	f := netenv.Interception(host, st)
	if f == "" {
		return
	}
	r.mu.Lock()
	if r.tlsFindings == nil {
		r.tlsFindings = map[string]string{}
	}
	first := r.tlsFindings[step] == ""
	r.tlsFindings[step] = f
	r.mu.Unlock()
	if first {
		r.log(step, Warns, "TLS inspection: "+f, "")
	}
}

// tlsFinding returns the interception finding of a step, if any.
func (r *run) tlsFinding(step string) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.tlsFindings[step]
}

type tracing struct {
	base http.RoundTripper
	r    *run
	step string
	g    *guard
}

func (t *tracing) RoundTrip(req *http.Request) (*http.Response, error) {
	if err := t.g.checkRequest(req); err != nil {
		return nil, err
	}
	var dnsStart, connStart, tlsStart time.Time
	tm := func(name string, since time.Time, detail string) {
		t.r.timing(t.step, probe.Timing{Name: name, Duration: time.Since(since), Detail: detail})
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
