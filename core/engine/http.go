package engine

import (
	"crypto/tls"
	"fmt"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"time"

	"github.com/mailoauth/mailoauth-tester/core/probe"
)

// httpClient returns the client MSAL uses: the run's roots, the proxy from
// the environment, and a trace that logs DNS, TCP, TLS and each request
// under step.
func (r *run) httpClient(step string) *http.Client {
	var tr *http.Transport
	if r.j.opts.HTTPTransport != nil {
		tr = r.j.opts.HTTPTransport.Clone()
	} else {
		d := &net.Dialer{Timeout: connectTimeout, Resolver: r.j.opts.Resolver}
		tr = &http.Transport{Proxy: http.ProxyFromEnvironment, DialContext: d.DialContext,
			TLSHandshakeTimeout: connectTimeout, ForceAttemptHTTP2: true, MaxIdleConns: 4, IdleConnTimeout: 30 * time.Second}
	}
	tr.TLSClientConfig = &tls.Config{RootCAs: r.j.roots, MinVersion: tls.VersionTLS12}
	return &http.Client{Transport: &tracing{base: tr, r: r, step: step}, Timeout: tokenTimeout}
}

// logProxy says which proxy, if any, requests to host go through.
func (r *run) logProxy(step, host string) {
	u, err := url.Parse(host)
	if err != nil {
		return
	}
	p, err := http.ProxyFromEnvironment(&http.Request{URL: u})
	if err == nil && p != nil {
		r.log(step, Info, "proxy "+p.Redacted(), "from the HTTPS_PROXY/HTTP_PROXY environment variables")
	}
}

type tracing struct {
	base http.RoundTripper
	r    *run
	step string
}

func (t *tracing) RoundTrip(req *http.Request) (*http.Response, error) {
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
	return resp, nil
}
