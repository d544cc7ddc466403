package engine

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/mailoauth/mailoauth-tester/core/cloud"
	"github.com/mailoauth/mailoauth-tester/core/diagnose"
	"github.com/mailoauth/mailoauth-tester/core/probe"
	"github.com/mailoauth/mailoauth-tester/core/protocol"
)

// RefusedError is a request the tester would not send, or a response it
// would not follow, because it would take credentials to a place the user
// did not name: plain HTTP, another host (by a redirect, or by an OpenID
// configuration that names it). URLs in it have no query string.
type RefusedError struct {
	Step StepName
	What string // what was refused, e.g. "a redirect from https://a/x to http://a/x"
}

var _ error = (*RefusedError)(nil)

func (e *RefusedError) Error() string { return "engine: refused " + e.What }

// BodyLimitError is an HTTP response body longer than maxHTTPBody.
type BodyLimitError struct {
	Host  string
	Limit int64
}

var _ error = (*BodyLimitError)(nil)

func (e *BodyLimitError) Error() string {
	return fmt.Sprintf("engine: %s sent an answer larger than %d KB; stopped reading", e.Host, e.Limit>>10)
}

// guard keeps one step's HTTP requests on its own hosts, over https.
type guard struct {
	r     *run
	step  StepName
	hosts []string // host[:port] keys the step may contact
}

// hostKind is which shared transport a step's requests use: the
// protocol's own for a protocol that is a web service (Graph), the
// authority's for every other step.
func (r *run) hostKind(step StepName) string {
	if s, ok := r.j.table.Lookup(protocol.Name(step)); ok && s.Addressing == protocol.GraphUsers {
		return string(s.Name)
	}
	return "authority"
}

// allowedHosts are the hosts a step may send requests to: Graph's host for
// the Graph step, the authority's host and its aliases for the others.
func (r *run) allowedHosts(step StepName) []string {
	if kind := r.hostKind(step); kind != "authority" {
		return []string{hostKey(r.j.hosts[protocol.Name(kind)])}
	}
	key := hostKey(r.j.cloud.AuthorityHost)
	hosts := []string{key}
	if u, err := url.Parse(r.j.cloud.AuthorityHost); err == nil && (u.Port() == "" || u.Port() == "443") {
		for _, a := range cloud.AuthorityAliases(u.Hostname()) {
			if a != key {
				hosts = append(hosts, a)
			}
		}
	}
	return hosts
}

// hostKey is a URL's host in lower case, without the default https port.
func hostKey(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return urlHostKey(u)
}

func urlHostKey(u *url.URL) string {
	h := strings.ToLower(u.Hostname())
	if p := u.Port(); p != "" && p != "443" {
		return h + ":" + p
	}
	return h
}

// shortURL shows a URL without its query or fragment (which may hold a
// code or a token) and without user information.
func shortURL(u *url.URL) string {
	return u.Scheme + "://" + u.Host + u.EscapedPath()
}

func (g *guard) allowed(u *url.URL) bool {
	k := urlHostKey(u)
	for _, h := range g.hosts {
		if h == k {
			return true
		}
	}
	return false
}

// checkRequest refuses a request over plain HTTP or to a host the step may
// not contact, before anything is sent.
func (g *guard) checkRequest(req *http.Request) error {
	switch {
	case req.URL.Scheme != "https":
		return g.refuse(fmt.Sprintf("to send a request over plain HTTP to %s", shortURL(req.URL)))
	case !g.allowed(req.URL):
		return g.refuse(fmt.Sprintf("to send a request to %s, which is not %s", shortURL(req.URL), strings.Join(g.hosts, " or ")))
	}
	return nil
}

// checkRedirect follows a redirect only on the same host over https.
func (g *guard) checkRedirect(req *http.Request, via []*http.Request) error {
	from := via[len(via)-1].URL
	if req.URL.Scheme != "https" || urlHostKey(req.URL) != urlHostKey(via[0].URL) {
		return g.refuse(fmt.Sprintf("a redirect from %s to %s", shortURL(from), shortURL(req.URL)))
	}
	if len(via) >= maxRedirects {
		return fmt.Errorf("engine: stopped after %d redirects (last to %s)", maxRedirects, shortURL(req.URL))
	}
	return nil
}

// refuse logs and returns a refusal.
func (g *guard) refuse(what string) error {
	err := &RefusedError{Step: g.step, What: what}
	g.r.log(g.step, Warns, "refused "+what, "credentials go only to the hosts you named, over https")
	return err
}

// isDiscovery reports an OpenID configuration request.
func isDiscovery(u *url.URL) bool {
	return strings.HasSuffix(u.Path, "/.well-known/openid-configuration")
}

// discoveryEndpoints are the OpenID configuration's fields that say where
// credentials and users are sent.
var discoveryEndpoints = []string{"token_endpoint", "authorization_endpoint", "device_authorization_endpoint"}

// checkDiscovery reads an OpenID configuration and refuses it when an
// endpoint that receives credentials or users is not https on the
// authority's own host (or an alias).
func (g *guard) checkDiscovery(resp *http.Response) (*http.Response, error) {
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	var doc map[string]any
	if json.Unmarshal(body, &doc) == nil {
		for _, field := range discoveryEndpoints {
			v, _ := doc[field].(string)
			if v == "" {
				continue
			}
			u, err := url.Parse(v)
			if err != nil || u.Scheme != "https" || !g.allowed(u) {
				shown := "an address that is not a URL"
				if err == nil {
					shown = shortURL(u)
				}
				return nil, g.refuse(fmt.Sprintf("the OpenID configuration's %s %s: it must be https on %s", field, shown, strings.Join(g.hosts, " or ")))
			}
		}
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return resp, nil
}

// cappedBody fails a read past its limit with a *BodyLimitError.
type cappedBody struct {
	rc   io.ReadCloser
	host string
	left int64
}

func (b *cappedBody) Read(p []byte) (int, error) {
	if b.left < 0 {
		return 0, &BodyLimitError{Host: b.host, Limit: maxHTTPBody}
	}
	if int64(len(p)) > b.left+1 {
		p = p[:b.left+1]
	}
	n, err := b.rc.Read(p)
	b.left -= int64(n)
	if b.left < 0 {
		return n + int(b.left), &BodyLimitError{Host: b.host, Limit: maxHTTPBody}
	}
	return n, err
}

func (b *cappedBody) Close() error { return b.rc.Close() }

// guardDiagnosis explains a failure caused by the tester's own safeguards
// (a refused redirect or endpoint, an over-long answer) with their
// diagnosis; ok is false for any other error.
func (r *run) guardDiagnosis(err error, p protocol.Name) (d *diagnose.Diagnosis, text string, ok bool) {
	var re *RefusedError
	var be *BodyLimitError
	var le *probe.LimitError
	switch {
	case errors.As(err, &re):
		d, text = r.diag(diagnose.RedirectRefused, p), "refused "+re.What+": credentials go only to the hosts you named, over https"
	case errors.As(err, &be):
		d, text = r.diag(diagnose.ResponseTooLarge, p), be.Error()[len("engine: "):]
	case errors.As(err, &le):
		d, text = r.diag(diagnose.ResponseTooLarge, p), le.Error()[len("probe: "):]
	default:
		return nil, "", false
	}
	d.Evidence = err.Error()
	return d, text, true
}
