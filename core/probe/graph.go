package probe

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/mailoauth/mailoauth-tester/core/visible"
)

// Graph throttling: honour Retry-After, but never wait longer than this for
// one retry, nor retry more often than maxGraphRetries.
const (
	maxGraphRetryWait = 30 * time.Second
	maxGraphRetries   = 3
)

// maxGraphBody caps a Graph answer: a mail folder is a few hundred bytes.
const maxGraphBody = 1 << 20

// GraphError is a Microsoft Graph error response: the HTTP status, the
// envelope's code and message, and Retry-After when throttled. Body is the
// raw envelope (it never contains the token).
type GraphError struct {
	Status     int
	Code       string
	Message    string
	RequestID  string
	RetryAfter time.Duration
	Body       string
	// Challenge is the WWW-Authenticate header of a 401: a continuous
	// access evaluation claims challenge carries error="insufficient_claims"
	// and the claims to ask for.
	Challenge string
}

// InsufficientClaims reports a claims challenge (continuous access
// evaluation): the token was revoked by a policy or account change and a
// new one must be asked for with the claims the challenge names.
func (e *GraphError) InsufficientClaims() bool {
	return strings.Contains(strings.ToLower(e.Challenge), `error="insufficient_claims"`)
}

var _ error = (*GraphError)(nil)

func (e *GraphError) Error() string {
	return fmt.Sprintf("probe: graph: HTTP %d %s: %s", e.Status, e.Code, e.Message)
}

// Graph probes Microsoft Graph mail: the inbox folder of a mailbox and,
// when asked, a test message to the mailbox itself. It records a
// transcript of requests and responses without the Authorization header.
type Graph struct {
	BaseURL    string // e.g. "https://graph.microsoft.com"
	Mailbox    string
	Me         bool // use /me (delegated tokens) instead of /users/{mailbox}
	Client     *http.Client
	Transcript *Transcript
	OnTiming   func(Timing)
	// OnThrottle, when set, is told about each wait for Retry-After.
	OnThrottle func(wait time.Duration, e *GraphError)
	// SendTest makes Login send one test message to the mailbox.
	SendTest bool
	// SendOnly makes Login skip reading the inbox: a product that only
	// sends may hold no permission to read (Mail.Send alone). Without
	// SendTest such a Login sends nothing either.
	SendOnly bool

	status int // HTTP status of the request Connect made without a token
}

func (g *Graph) timing(name string, start time.Time, detail string) {
	if g.OnTiming != nil {
		g.OnTiming(Timing{Name: name, Began: start, Duration: time.Since(start), Detail: detail})
	}
}

// graphReachPath is what Connect asks for without a token: any Graph
// resource answers 401, which proves the path and TLS work.
const graphReachPath = "/v1.0/organization"

// Connect opens the connection to Graph before the token exists: it
// sends one request without a token (Graph answers 401) and leaves the
// connection in the client's pool for the requests Login makes. Errors
// are the transport's (guard refusals and body limits included), wrapped
// in a *NetError.
func (g *Graph) Connect(ctx context.Context) error {
	start := time.Now()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimSuffix(g.BaseURL, "/")+graphReachPath, nil)
	if err != nil {
		return err
	}
	g.note(FromClient, "GET "+graphReachPath+" (no token: opens the connection)")
	resp, err := g.Client.Do(req)
	if err != nil {
		return &NetError{Stage: StageTCP, Addr: req.URL.Host, Err: err}
	}
	defer resp.Body.Close()
	// Read the answer to the end, so the connection can be used again.
	if _, err := io.Copy(io.Discard, io.LimitReader(resp.Body, maxGraphBody+1)); err != nil {
		return &NetError{Stage: StageGreeting, Addr: req.URL.Host, Err: err}
	}
	g.status = resp.StatusCode
	g.note(FromServer, resp.Status)
	g.timing("connect", start, fmt.Sprintf("%s answered %s without a token", req.URL.Host, resp.Status))
	return nil
}

// Status is the HTTP status Graph answered Connect with.
func (g *Graph) Status() int { return g.status }

// Offers implements Prober: Graph takes bearer tokens only, in a header.
func (g *Graph) Offers(Mechanism) bool { return true }

// Login reads the inbox with the token (unless SendOnly) and, when
// SendTest is set, sends the test message. Errors are *GraphError or
// transport errors.
func (g *Graph) Login(ctx context.Context, token string) (string, error) {
	if g.SendOnly {
		if !g.SendTest {
			return "nothing sent, the mailbox not read: only a test message proves sending", nil
		}
		if err := g.SendMessage(ctx, token, TestSubject); err != nil {
			return "", err
		}
		return "test message sent as " + g.Mailbox + " to itself (the mailbox was not read)", nil
	}
	summary, err := g.Inbox(ctx, token)
	if err != nil || !g.SendTest {
		return summary, err
	}
	if err := g.SendMessage(ctx, token, TestSubject); err != nil {
		return "", err
	}
	return summary + "; test message sent to " + g.Mailbox, nil
}

// LoginPassword implements Prober: Graph has no password login.
func (g *Graph) LoginPassword(context.Context, string, string) (string, error) {
	return "", ErrNoPasswordLogin
}

// Close implements Prober; the client's pool keeps the connection.
func (g *Graph) Close() {}

func (g *Graph) userPath() string {
	if g.Me {
		return "/v1.0/me"
	}
	return "/v1.0/users/" + url.PathEscape(g.Mailbox)
}

// Inbox reads the mailbox's Inbox folder and returns a summary such as
// "Inbox: 3 items, 1 unread". Errors are *GraphError or transport errors.
func (g *Graph) Inbox(ctx context.Context, token string) (string, error) {
	start := time.Now()
	body, err := g.do(ctx, token, http.MethodGet, g.userPath()+"/mailFolders/inbox", nil)
	if err != nil {
		return "", err
	}
	var f struct {
		Total  int `json:"totalItemCount"`
		Unread int `json:"unreadItemCount"`
	}
	if err := json.Unmarshal(body, &f); err != nil {
		return "", fmt.Errorf("probe: graph: unexpected inbox reply: %w", err)
	}
	s := fmt.Sprintf("Inbox: %d %s, %d unread", f.Total, visible.Plural(f.Total, "item", "items"), f.Unread)
	g.timing("inbox", start, s)
	return s, nil
}

// SendMessage sends one short message from the mailbox to itself with
// sendMail (not saved to Sent Items).
func (g *Graph) SendMessage(ctx context.Context, token, subject string) error {
	start := time.Now()
	msg := map[string]any{
		"message": map[string]any{
			"subject":      subject,
			"body":         map[string]string{"contentType": "Text", "content": "This message was sent by Mail OAuth Tester to prove that the app can send mail as this mailbox through Microsoft Graph. It can be deleted."},
			"toRecipients": []any{map[string]any{"emailAddress": map[string]string{"address": g.Mailbox}}},
		},
		"saveToSentItems": false,
	}
	b, _ := json.Marshal(msg)
	if _, err := g.do(ctx, token, http.MethodPost, g.userPath()+"/sendMail", b); err != nil {
		return err
	}
	g.timing("sendMail", start, "test message sent to "+g.Mailbox)
	return nil
}

// do sends one request, honouring Retry-After on 429 and 503.
func (g *Graph) do(ctx context.Context, token, method, path string, body []byte) ([]byte, error) {
	for attempt := 0; ; attempt++ {
		req, err := http.NewRequestWithContext(ctx, method, strings.TrimSuffix(g.BaseURL, "/")+path, bytes.NewReader(body))
		if err != nil {
			return nil, err
		}
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Accept", "application/json")
		req.Header.Set("client-request-id", newRequestID())
		if body != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		g.note(FromClient, method+" "+path)
		resp, err := g.Client.Do(req)
		if err != nil {
			return nil, err
		}
		data, err := io.ReadAll(io.LimitReader(resp.Body, maxGraphBody+1))
		resp.Body.Close()
		if err != nil {
			return nil, err
		}
		if len(data) > maxGraphBody {
			return nil, &LimitError{Addr: req.URL.Host, What: "response", Limit: maxGraphBody}
		}
		g.note(FromServer, fmt.Sprintf("%s %s", resp.Status, oneLine(string(data), 400)))
		if resp.StatusCode < 300 {
			return data, nil
		}
		ge := parseGraphError(resp, data)
		if (resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable) &&
			attempt < maxGraphRetries && ge.RetryAfter > 0 && ge.RetryAfter <= maxGraphRetryWait {
			if dl, ok := ctx.Deadline(); !ok || time.Until(dl) > ge.RetryAfter {
				if g.OnThrottle != nil {
					g.OnThrottle(ge.RetryAfter, ge)
				}
				select {
				case <-time.After(ge.RetryAfter):
					continue
				case <-ctx.Done():
					return nil, ctx.Err()
				}
			}
		}
		return nil, ge
	}
}

func (g *Graph) note(dir Direction, text string) {
	if g.Transcript == nil {
		return
	}
	g.Transcript.mu.Lock()
	defer g.Transcript.mu.Unlock()
	g.Transcript.appendLocked(rawLine{time: time.Now(), dir: dir, text: g.Transcript.scrubText(text), masked: true})
}

func parseGraphError(resp *http.Response, data []byte) *GraphError {
	ge := &GraphError{Status: resp.StatusCode, Body: strings.TrimSpace(string(data)), RequestID: resp.Header.Get("request-id"),
		Challenge: resp.Header.Get("WWW-Authenticate")}
	var env struct {
		Error struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	if json.Unmarshal(data, &env) == nil {
		ge.Code, ge.Message = env.Error.Code, env.Error.Message
	}
	if ge.Code == "" {
		ge.Code = http.StatusText(resp.StatusCode)
	}
	if ra := resp.Header.Get("Retry-After"); ra != "" {
		if n, err := strconv.Atoi(ra); err == nil && n >= 0 {
			ge.RetryAfter = time.Duration(n) * time.Second
		} else if t, err := http.ParseTime(ra); err == nil {
			ge.RetryAfter = time.Until(t)
		}
	}
	return ge
}

func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

// IsGraphError reports whether err is a *GraphError and returns it.
func IsGraphError(err error) (*GraphError, bool) {
	var ge *GraphError
	ok := errors.As(err, &ge)
	return ge, ok
}
