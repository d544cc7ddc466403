package simulate

import (
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
)

// signInTimestamp is the sign-in error page's timestamp layout.
const signInTimestamp = "2006-01-02T15:04:05Z"

// maxPage bounds a page Browse reads.
const maxPage = 1 << 20

// writeSignInError shows Entra's own error page ("Sorry, but we're having
// trouble signing you in.") with the troubleshooting block:
//
//	Request Id: <guid>
//	Correlation Id: <guid>
//	Timestamp: 2026-01-02T03:04:05Z
//	Message: AADSTS50011: ...
//
// title "" is the generic "Sign in" page; "Need admin approval" is the
// consent page's variant. Layout as quoted in public reports
// (unoplatform/uno.todo#180, microsoftgraph/microsoft-graph-docs#3917).
func (t *Tenant) writeSignInError(w http.ResponseWriter, r *http.Request, title string, e *aadError) {
	msg := fmt.Sprintf("AADSTS%d: %s", e.code, e.desc)
	corr := r.Header.Get("client-request-id")
	if !guidRe.MatchString(corr) {
		corr = newGUID()
	}
	lead := "Sorry, but we’re having trouble signing you in."
	heading := "Sign in"
	if title != "" {
		heading = title
		t.mu.Lock()
		name := ""
		if app := t.state.app(r.URL.Query().Get("client_id")); app != nil {
			name = app.DisplayName
		}
		t.mu.Unlock()
		lead = name + " needs permission to access resources in your organization that only an admin can grant. Please ask an admin to grant permission to this app before you can use it."
	}
	esc := html.EscapeString
	var b strings.Builder
	b.WriteString("<!DOCTYPE html>\n<html dir=\"ltr\" lang=\"en\"><head><meta charset=\"utf-8\"><title>Sign in to your account</title></head>\n<body><div id=\"lightbox\">\n")
	fmt.Fprintf(&b, "<div role=\"heading\" aria-level=\"1\" class=\"row title\">%s</div>\n", esc(heading))
	fmt.Fprintf(&b, "<div id=\"errorTitle\" class=\"row\">%s</div>\n", esc(lead))
	fmt.Fprintf(&b, "<div id=\"errorDescription\" class=\"row\"><p>%s</p></div>\n", esc(msg))
	b.WriteString("<div id=\"debugDetails\">\n<div class=\"debug-details-header\">Troubleshooting details</div>\n<div>If you contact your administrator, send this info to them.</div>\n")
	for _, kv := range [][2]string{{"Request Id", newGUID()}, {"Correlation Id", corr},
		{"Timestamp", t.now().UTC().Format(signInTimestamp)}, {"Message", msg}} {
		fmt.Fprintf(&b, "<div class=\"debug-item\"><span class=\"bold\">%s:</span> <span>%s</span></div>\n", kv[0], esc(kv[1]))
	}
	b.WriteString("</div>\n</div></body></html>\n")
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(e.status)
	io.WriteString(w, b.String())
}

// deliver sends the authorization response to the redirect URI: an
// auto-submitting form for response_mode=form_post, a fragment for
// fragment, else a 302 with the query.
func deliver(w http.ResponseWriter, r *http.Request, redirect, mode string, params url.Values) {
	switch mode {
	case "form_post":
		esc := html.EscapeString
		var b strings.Builder
		fmt.Fprintf(&b, "<html><head><title>Working...</title></head><body><form method=\"POST\" name=\"hiddenform\" action=\"%s\">", esc(redirect))
		for _, k := range []string{"code", "client_info", "state", "session_state", "error", "error_description", "error_uri"} {
			if v := params.Get(k); v != "" {
				fmt.Fprintf(&b, "<input type=\"hidden\" name=\"%s\" value=\"%s\" />", k, esc(v))
			}
		}
		b.WriteString("<noscript><p>Script is disabled. Click Submit to continue.</p><input type=\"submit\" value=\"Submit\" /></noscript></form><script language=\"javascript\">document.forms[0].submit();</script></body></html>")
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusOK)
		io.WriteString(w, b.String())
	case "fragment":
		http.Redirect(w, r, redirect+"#"+params.Encode(), http.StatusFound)
	default:
		sep := "?"
		if strings.Contains(redirect, "?") {
			sep = "&"
		}
		http.Redirect(w, r, redirect+sep+params.Encode(), http.StatusFound)
	}
}

// handleDeviceLogin serves the device login page: GET shows the code form,
// POST with otc=<user code> signs in as Tenant.User (or loginfmt=<upn>)
// and approves the device.
func (t *Tenant) handleDeviceLogin(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if r.Method == http.MethodGet {
		io.WriteString(w, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Enter code</title></head><body>"+
			"<div role=\"heading\" aria-level=\"1\">Enter code</div><div>Enter the code displayed on your app or device.</div>"+
			"<form method=\"post\" action=\"/devicelogin\"><input type=\"text\" name=\"otc\" placeholder=\"Code\" />"+
			"<input type=\"submit\" value=\"Next\" /></form></body></html>\n")
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad form", http.StatusBadRequest)
		return
	}
	err := t.ApproveDevice(r.PostForm.Get("otc"), r.PostForm.Get("loginfmt"))
	switch {
	case errors.Is(err, ErrUnknownUserCode):
		w.WriteHeader(http.StatusBadRequest)
		io.WriteString(w, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Enter code</title></head><body>"+
			"<div id=\"error\">That code didn't work. Check the code and try again.</div></body></html>\n")
	case err != nil:
		msg := strings.TrimPrefix(err.Error(), "simulate: ")
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Sign in to your account</title></head><body>"+
			"<div role=\"heading\" aria-level=\"1\">Sign in</div><div>Sorry, but we’re having trouble signing you in.</div>"+
			"<div class=\"debug-item\"><span>Message:</span> <span>%s</span></div></body></html>\n", html.EscapeString(msg))
	default:
		t.mu.Lock()
		name := t.AppName
		for _, dc := range t.grants.devices {
			if strings.EqualFold(dc.userCode, strings.TrimSpace(r.PostForm.Get("otc"))) {
				if app := t.state.app(dc.clientID); app != nil {
					name = app.DisplayName
				}
			}
		}
		t.mu.Unlock()
		fmt.Fprintf(w, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>%s</title></head><body>"+
			"<div role=\"heading\" aria-level=\"1\">%s</div><div>You have signed in to the %s application on your device. You may now close this window.</div></body></html>\n",
			html.EscapeString(name), html.EscapeString(name), html.EscapeString(name))
	}
}

// BrowseResult is what the simulated system browser saw.
type BrowseResult struct {
	// FinalURL is the last URL requested (the redirect URI when the
	// response was delivered).
	FinalURL string
	// Code and State are the authorization code and state delivered to
	// the redirect URI; Error and ErrorDescription an OAuth error
	// delivered there instead.
	Code, State             string
	Error, ErrorDescription string
	// Delivered is true when the redirect URI's server answered the POST
	// (form_post) or GET (query) with any HTTP status.
	Delivered bool
	// Status and Body are the redirect URI server's answer (Body bounded
	// to 1 MiB), or Entra's own page when it showed an error.
	Status int
	Body   string
	// ErrorText is Entra's own sign-in error page, reduced to its
	// troubleshooting block as plain text ("Request Id: …\nCorrelation
	// Id: …\nTimestamp: …\nMessage: AADSTS…"); "" when no such page.
	ErrorText string
}

// Browse is a test-harness system browser for interactive sign-ins: it
// GETs authorizeURL (following redirects only within the authority's
// host), and when the page is an auto-submitting form it POSTs the form's
// fields to the form's action (for example MSAL's loopback listener); when
// the authority answers with a redirect to another host it GETs that URL
// once. When the authority shows its own error page, ErrorText holds the
// page's troubleshooting block. client must trust the simulated CA
// (Tenant.HTTPClient). The sign-in needs no password: the simulated user
// is the login_hint, else Tenant.User.
func Browse(ctx context.Context, client *http.Client, authorizeURL string) (*BrowseResult, error) {
	start, err := url.Parse(authorizeURL)
	if err != nil {
		return nil, fmt.Errorf("simulate: browse: %w", err)
	}
	c := *client
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	res := &BrowseResult{}
	next := start
	for hops := 0; ; hops++ {
		if hops > 10 {
			return nil, errors.New("simulate: browse: too many redirects")
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, next.String(), nil)
		if err != nil {
			return nil, fmt.Errorf("simulate: browse: %w", err)
		}
		resp, err := c.Do(req)
		if err != nil {
			return nil, fmt.Errorf("simulate: browse: %w", err)
		}
		body, _ := io.ReadAll(io.LimitReader(resp.Body, maxPage))
		resp.Body.Close()
		res.FinalURL, res.Status, res.Body = next.String(), resp.StatusCode, string(body)
		if loc := resp.Header.Get("Location"); resp.StatusCode >= 300 && resp.StatusCode < 400 && loc != "" {
			target, err := next.Parse(loc)
			if err != nil {
				return nil, fmt.Errorf("simulate: browse: bad redirect %q: %w", loc, err)
			}
			if target.Host == start.Host {
				next = target
				continue
			}
			params := target.Query()
			if target.Fragment != "" {
				params, _ = url.ParseQuery(target.Fragment)
			}
			res.fill(params)
			res.FinalURL = target.String()
			return res, res.get(ctx, &c, target.String())
		}
		if action, fields, ok := parseAutoForm(res.Body); ok {
			target, err := next.Parse(action)
			if err != nil {
				return nil, fmt.Errorf("simulate: browse: bad form action %q: %w", action, err)
			}
			res.fill(fields)
			res.FinalURL = target.String()
			return res, res.post(ctx, &c, target.String(), fields)
		}
		res.ErrorText = troubleshooting(res.Body)
		return res, nil
	}
}

// fill copies the OAuth response fields.
func (b *BrowseResult) fill(v url.Values) {
	b.Code, b.State, b.Error, b.ErrorDescription = v.Get("code"), v.Get("state"), v.Get("error"), v.Get("error_description")
}

// get delivers a query response; a host that cannot be reached leaves
// Delivered false without an error when a code or error was delivered.
func (b *BrowseResult) get(ctx context.Context, c *http.Client, u string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return fmt.Errorf("simulate: browse: %w", err)
	}
	return b.finish(c.Do(req))
}

// post delivers a form_post response.
func (b *BrowseResult) post(ctx context.Context, c *http.Client, u string, fields url.Values) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, strings.NewReader(fields.Encode()))
	if err != nil {
		return fmt.Errorf("simulate: browse: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.finish(c.Do(req))
}

// finish records the redirect URI server's answer.
func (b *BrowseResult) finish(resp *http.Response, err error) error {
	if err != nil {
		b.Status, b.Body = 0, ""
		if b.Code != "" || b.Error != "" {
			return nil
		}
		return fmt.Errorf("simulate: browse: deliver: %w", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, maxPage))
	b.Delivered, b.Status, b.Body = true, resp.StatusCode, string(body)
	return nil
}

var (
	formRe   = regexp.MustCompile(`(?is)<form[^>]*method="post"[^>]*action="([^"]*)"[^>]*>(.*?)</form>`)
	inputRe  = regexp.MustCompile(`(?is)<input[^>]*type="hidden"[^>]*>`)
	nameRe   = regexp.MustCompile(`(?i)\bname="([^"]*)"`)
	valueRe  = regexp.MustCompile(`(?i)\bvalue="([^"]*)"`)
	tagRe    = regexp.MustCompile(`(?s)<[^>]*>`)
	breakRe  = regexp.MustCompile(`(?i)</div>|<br\s*/?>|</p>`)
	debugKey = []string{"Request Id:", "Correlation Id:", "Timestamp:", "Message:", "App name:", "App id:", "Device identifier:", "Advanced diagnostics:"}
)

// parseAutoForm extracts an auto-submitting form's action and hidden
// fields.
func parseAutoForm(page string) (string, url.Values, bool) {
	if !strings.Contains(page, "document.forms[0].submit()") {
		return "", nil, false
	}
	m := formRe.FindStringSubmatch(page)
	if m == nil {
		return "", nil, false
	}
	fields := url.Values{}
	for _, in := range inputRe.FindAllString(m[2], -1) {
		n, v := nameRe.FindStringSubmatch(in), valueRe.FindStringSubmatch(in)
		if n != nil && v != nil {
			fields.Add(html.UnescapeString(n[1]), html.UnescapeString(v[1]))
		}
	}
	return html.UnescapeString(m[1]), fields, true
}

// troubleshooting reduces an Entra error page to its troubleshooting
// block, one "Key: value" per line.
func troubleshooting(page string) string {
	text := html.UnescapeString(tagRe.ReplaceAllString(breakRe.ReplaceAllString(page, "\n"), ""))
	var out []string
	for _, line := range strings.Split(text, "\n") {
		line = strings.Join(strings.Fields(line), " ")
		for _, k := range debugKey {
			if strings.HasPrefix(line, k) {
				out = append(out, line)
				break
			}
		}
	}
	if len(out) == 0 || !strings.HasPrefix(out[0], "Request Id:") && !strings.HasPrefix(out[len(out)-1], "Message:") {
		return ""
	}
	return strings.Join(out, "\n")
}
