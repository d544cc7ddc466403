package simulate

import (
	"bufio"
	"context"
	"crypto/tls"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/confidential"
	msalerrors "github.com/AzureAD/microsoft-authentication-library-for-go/apps/errors"
)

// testTimeout bounds every network step of a test; loopback answers in ms.
const testTimeout = 10 * time.Second

// exchangeScope is the scope the tester requests.
const exchangeScope = "https://outlook.office365.com/.default"

// startTenant starts a simulated tenant and closes it when the test ends.
func startTenant(t *testing.T, opts Options) *Tenant {
	t.Helper()
	ten, err := Start(opts)
	if err != nil {
		t.Fatalf("Start(%+v) = %v", opts, err)
	}
	t.Cleanup(func() {
		if err := ten.Close(); err != nil {
			t.Errorf("Close() = %v", err)
		}
	})
	return ten
}

// clock is a settable clock for Options.Now.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// xoauth2 is the XOAUTH2 SASL client the library notes describe: it answers
// a server error challenge with an empty response, never an error.
type xoauth2 struct {
	user, token string
	serverErr   []byte
}

func (c *xoauth2) Start() (string, []byte, error) {
	return "XOAUTH2", []byte("user=" + c.user + "\x01auth=Bearer " + c.token + "\x01\x01"), nil
}

func (c *xoauth2) Next(ch []byte) ([]byte, error) {
	c.serverErr = ch
	return []byte{}, nil
}

// oauthBearer is an RFC 7628 client that answers an error challenge with
// the required %x01 (go-sasl's own client returns an error instead).
type oauthBearer struct {
	user, token string
	serverErr   []byte
}

func (c *oauthBearer) Start() (string, []byte, error) {
	return "OAUTHBEARER", []byte("n,a=" + c.user + ",\x01host=127.0.0.1\x01auth=Bearer " + c.token + "\x01\x01"), nil
}

func (c *oauthBearer) Next(ch []byte) ([]byte, error) {
	c.serverErr = ch
	return []byte{1}, nil
}

// newApp builds an MSAL confidential client for the tenant.
func newApp(t *testing.T, ten *Tenant, tenant, clientID string, cred confidential.Credential) confidential.Client {
	t.Helper()
	app, err := confidential.New(ten.AuthorityURL+"/"+tenant, clientID, cred,
		confidential.WithHTTPClient(ten.HTTPClient()), confidential.WithInstanceDiscovery(false))
	if err != nil {
		t.Fatalf("confidential.New() = %v", err)
	}
	return app
}

// secretCred returns the printed secret as an MSAL credential.
func secretCred(t *testing.T, secret string) confidential.Credential {
	t.Helper()
	cred, err := confidential.NewCredFromSecret(secret)
	if err != nil {
		t.Fatalf("NewCredFromSecret() = %v", err)
	}
	return cred
}

// acquire gets an app-only token for scope.
func acquire(t *testing.T, app confidential.Client, scope string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	res, err := app.AcquireTokenByCredential(ctx, []string{scope})
	return res.AccessToken, err
}

// token acquires an Exchange token with the printed secret or fails the test.
func token(t *testing.T, ten *Tenant) string {
	t.Helper()
	tok, err := acquire(t, newApp(t, ten, ten.TenantID, ten.ClientID, secretCred(t, ten.ClientSecret)), exchangeScope)
	if err != nil {
		t.Fatalf("AcquireTokenByCredential() = %v", err)
	}
	return tok
}

// aadBody is the decoded JSON of an Entra error.
type aadBody struct {
	Error            string `json:"error"`
	ErrorDescription string `json:"error_description"`
	ErrorCodes       []int  `json:"error_codes"`
	Timestamp        string `json:"timestamp"`
	TraceID          string `json:"trace_id"`
	CorrelationID    string `json:"correlation_id"`
	ErrorURI         string `json:"error_uri"`
}

// callErrBody extracts the Entra JSON from an MSAL error and the status.
func callErrBody(t *testing.T, err error) (aadBody, int) {
	t.Helper()
	var ce msalerrors.CallErr
	if !errors.As(err, &ce) {
		t.Fatalf("error %v (%T) is not an errors.CallErr", err, err)
	}
	raw, rerr := io.ReadAll(ce.Resp.Body)
	if rerr != nil {
		t.Fatalf("read CallErr body: %v", rerr)
	}
	var b aadBody
	if err := json.Unmarshal(raw, &b); err != nil {
		t.Fatalf("CallErr body %q is not JSON: %v", raw, err)
	}
	return b, ce.Resp.StatusCode
}

// claims decodes a JWT payload without verifying it.
func claims(t *testing.T, tok string) map[string]any {
	t.Helper()
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		t.Fatalf("token %q is not a JWT", tok)
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatalf("decode payload: %v", err)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("payload JSON: %v", err)
	}
	return m
}

// rawConn is a line-oriented test client.
type rawConn struct {
	t  *testing.T
	nc net.Conn
	r  *bufio.Reader
}

// dialRaw connects; with implicitTLS it handshakes first.
func dialRaw(t *testing.T, ten *Tenant, addr string, implicitTLS bool) *rawConn {
	t.Helper()
	nc, err := net.DialTimeout("tcp", addr, testTimeout)
	if err != nil {
		t.Fatalf("dial %s: %v", addr, err)
	}
	if implicitTLS {
		nc = tls.Client(nc, ten.TLSConfig(""))
	}
	nc.SetDeadline(time.Now().Add(testTimeout))
	t.Cleanup(func() { nc.Close() })
	return &rawConn{t: t, nc: nc, r: bufio.NewReader(nc)}
}

// startTLS upgrades the raw connection.
func (c *rawConn) startTLS(ten *Tenant) {
	c.t.Helper()
	tc := tls.Client(c.nc, ten.TLSConfig(""))
	if err := tc.Handshake(); err != nil {
		c.t.Fatalf("TLS handshake: %v", err)
	}
	c.nc, c.r = tc, bufio.NewReader(tc)
}

// send writes one line.
func (c *rawConn) send(line string) {
	c.t.Helper()
	if _, err := io.WriteString(c.nc, line+"\r\n"); err != nil {
		c.t.Fatalf("write %q: %v", line, err)
	}
}

// line reads one line without CRLF.
func (c *rawConn) line() string {
	c.t.Helper()
	l, err := c.r.ReadString('\n')
	if err != nil {
		c.t.Fatalf("read line: %v (partial %q)", err, l)
	}
	return strings.TrimSuffix(l, "\r\n")
}

// expect reads len(want) lines and compares them exactly.
func (c *rawConn) expect(want ...string) {
	c.t.Helper()
	for _, w := range want {
		if got := c.line(); got != w {
			c.t.Fatalf("line = %q, want %q", got, w)
		}
	}
}

// expectPrefix reads one line and checks its prefix.
func (c *rawConn) expectPrefix(prefix string) string {
	c.t.Helper()
	got := c.line()
	if !strings.HasPrefix(got, prefix) {
		c.t.Fatalf("line = %q, want prefix %q", got, prefix)
	}
	return got
}

// expectClosed checks that the server closed the connection.
func (c *rawConn) expectClosed() {
	c.t.Helper()
	if l, err := c.r.ReadString('\n'); err == nil {
		c.t.Fatalf("read %q, want connection closed", l)
	}
}

// xoauth2B64 is the base64 XOAUTH2 initial response.
func xoauth2B64(user, tok string) string {
	return base64.StdEncoding.EncodeToString([]byte("user=" + user + "\x01auth=Bearer " + tok + "\x01\x01"))
}
