package simulate

import (
	"crypto/rand"
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestScenariosCatalogue(t *testing.T) {
	want := map[string]string{
		"ok": "", "secret-wrong": "client-secret-invalid", "secret-expired": "client-secret-expired",
		"app-unknown": "app-not-found", "tenant-unknown": "tenant-not-found", "no-admin-consent": "admin-consent-required",
		"exchange-sp-missing": "exchange-service-principal-missing", "mailbox-permission-missing": "exchange-service-principal-missing",
		"imap-disabled": "mailbox-not-connected", "pop-disabled": "mailbox-not-connected", "smtp-auth-disabled": "smtp-auth-disabled",
		"cert-not-registered": "certificate-not-registered", "app-disabled": "app-disabled",
		"graph-access-policy": "graph-access-policy", "graph-permission-missing": "graph-permission-denied",
		"graph-mailbox-missing": "mailbox-not-found", "graph-throttled": "", "federated-domain": "federated-password-grant",
		"client-sp-missing": "client-service-principal-missing", "graph-rbac-out-of-scope": "graph-permission-denied",
		"graph-cae-challenge": "cae-challenge", "smtp-auth-disabled-mailbox": "smtp-auth-disabled", "tls-legacy": "tls-version",
	}
	// Delegated-flow scenarios, appended in this order.
	userScenarios := []struct{ name, id string }{
		{"consent-missing", "consent-required"}, {"admin-consent-required", "admin-consent-required"},
		{"public-client-disabled", "public-client-flows-disabled"}, {"redirect-uri-mismatch", "redirect-uri-mismatch"},
		{"mfa-required", "mfa-required"}, {"password-wrong", "credentials-invalid"},
		{"refresh-expired", "refresh-token-expired"}, {"refresh-revoked", "refresh-token-expired"},
		{"consent-declined", "consent-declined"}, {"user-not-found", "user-not-found"},
		{"shared-mailbox-no-access", "mailbox-auth-rejected"}, {"basic-auth-disabled", "basic-auth-disabled"},
		{"app-password", ""}, {"smtp-basic-auth-removed", "basic-auth-disabled"},
		{"smtp-security-defaults", "conditional-access-blocked"}, {"smtp-conditional-access", "conditional-access-blocked"},
	}
	userOnly := map[string]bool{"federated-domain": true}
	for _, u := range userScenarios {
		want[u.name], userOnly[u.name] = u.id, true
	}
	got := Scenarios()
	for i, u := range userScenarios {
		if j := len(got) - len(userScenarios) + i; j < 0 || got[j].Name != u.name {
			t.Errorf("scenario %d is not %q", j, u.name)
		}
	}
	if len(got) != len(want) || got[0].Name != "ok" {
		t.Fatalf("Scenarios() = %d entries starting %q, want %d starting ok", len(got), got[0].Name, len(want))
	}
	for _, s := range got {
		if w, ok := want[s.Name]; !ok || w != s.WantID {
			t.Errorf("scenario %q WantID = %q, want %q", s.Name, s.WantID, w)
		}
		if s.UserFlowsOnly != userOnly[s.Name] || (userOnly[s.Name] && len(s.Flows) == 0) {
			t.Errorf("scenario %q UserFlowsOnly = %v", s.Name, s.UserFlowsOnly)
		}
		if s.Title == "" || s.Description == "" {
			t.Errorf("scenario %q lacks a title or description", s.Name)
		}
	}
}

func TestStartOptionsAndFiles(t *testing.T) {
	if _, err := Start(Options{Scenario: "nope"}); err == nil {
		t.Error("Start(unknown scenario) = nil error")
	}
	if _, err := Start(Options{Dialect: "cyrus"}); err == nil {
		t.Error("Start(unknown dialect) = nil error")
	}
	dir := t.TempDir()
	ten := startTenant(t, Options{Dir: dir, Scenario: "pop-disabled"})
	if ten.Scenario() != "pop-disabled" {
		t.Errorf("Scenario() = %q", ten.Scenario())
	}
	if err := ten.SetScenario("bogus"); err == nil || ten.Scenario() != "pop-disabled" {
		t.Errorf("SetScenario(bogus) = %v, scenario now %q", err, ten.Scenario())
	}
	if err := ten.SetScenario(""); err != nil || ten.Scenario() != "ok" {
		t.Errorf("SetScenario(\"\") = %v, scenario now %q", err, ten.Scenario())
	}
	for _, f := range []string{ten.CAFile, ten.CertFile, ten.PFXFile} {
		if filepath.Dir(f) != dir {
			t.Errorf("%s not in %s", f, dir)
		}
	}
	pemText, _ := os.ReadFile(ten.CertFile)
	if !strings.Contains(string(pemText), "-----BEGIN CERTIFICATE-----") || !strings.Contains(string(pemText), "-----BEGIN PRIVATE KEY-----") {
		t.Errorf("CertFile lacks the certificate or the unencrypted key")
	}
	if !regexp.MustCompile(`^[A-Za-z0-9]{3}[0-9]Q~[A-Za-z0-9_.~-]{34}$`).MatchString(ten.ClientSecret) {
		t.Errorf("ClientSecret %q does not look like an Entra secret", ten.ClientSecret)
	}
	if !guidRe.MatchString(ten.SecretID) || !guidRe.MatchString(ten.TenantID) || !guidRe.MatchString(ten.ClientID) {
		t.Errorf("IDs are not GUIDs: %s %s %s", ten.SecretID, ten.TenantID, ten.ClientID)
	}
	if ten.Mailbox != "support@"+ten.TenantDomain {
		t.Errorf("Mailbox = %q", ten.Mailbox)
	}

	tmp := startTenant(t, Options{})
	tmpDir := filepath.Dir(tmp.CAFile)
	if err := tmp.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(tmpDir); !os.IsNotExist(err) {
		t.Errorf("temporary dir %s survives Close: %v", tmpDir, err)
	}
	if err := tmp.Close(); err != nil {
		t.Errorf("second Close() = %v", err)
	}
}

// TestGarbageAndClose throws junk at every server and then closes the
// tenant with connections still open.
func TestGarbageAndClose(t *testing.T) {
	ten, err := Start(Options{})
	if err != nil {
		t.Fatal(err)
	}
	junk := make([]byte, 64<<10)
	rand.Read(junk)
	var conns []*rawConn
	for _, tc := range []struct {
		addr string
		tls  bool
	}{{ten.IMAPAddr, true}, {ten.POPAddr, true}, {ten.SMTPAddr, false}} {
		c := dialRaw(t, ten, tc.addr, tc.tls)
		c.line()
		c.nc.Write(junk)
		conns = append(conns, c)
		idle := dialRaw(t, ten, tc.addr, false) // never speaks TLS
		_ = idle
		half := dialRaw(t, ten, tc.addr, tc.tls)
		half.line()
		for _, l := range []string{"\x00\xff\r\n", "a AUTHENTICATE XOAUTH2 =", "AUTH XOAUTH2", "* * *", "a LIST {99999999}"} {
			half.nc.Write([]byte(l + "\r\n"))
		}
	}
	plain, err := net.Dial("tcp", strings.TrimPrefix(ten.AuthorityURL, "https://"))
	if err == nil {
		plain.Write([]byte("GET / HTTP/1.1\r\n\r\n"))
		defer plain.Close()
	}
	done := make(chan error, 1)
	go func() { done <- ten.Close() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Close() = %v", err)
		}
	case <-time.After(testTimeout):
		t.Fatal("Close() hangs with open connections")
	}
	for _, c := range conns {
		c.nc.SetDeadline(time.Now().Add(testTimeout))
		if _, err := io.Copy(io.Discard, c.r); err != nil && !errors.Is(err, net.ErrClosed) && !strings.Contains(err.Error(), "reset") {
			t.Errorf("connection not closed by Close(): %v", err)
		}
	}
	if st := ten.Connections(); st.IMAP != 3 || st.POP != 3 || st.SMTP != 3 {
		t.Errorf("Connections() = %+v, want 3 each", st)
	}
}

func TestLatency(t *testing.T) {
	const rtt = 80 * time.Millisecond
	ten := startTenant(t, Options{Latency: rtt})

	start := time.Now()
	token(t, ten)
	// TCP + TLS + openid-configuration + token = 4 round trips.
	if d := time.Since(start); d < 4*rtt {
		t.Errorf("token took %v, want >= %v", d, 4*rtt)
	}

	start = time.Now()
	c := dialRaw(t, ten, ten.IMAPAddr, true)
	c.line()
	// TCP + TLS + greeting = 3 round trips.
	if d := time.Since(start); d < 3*rtt {
		t.Errorf("IMAP greeting after %v, want >= %v", d, 3*rtt)
	}
	start = time.Now()
	c.send("a NOOP")
	c.expect("a OK NOOP completed.")
	if d := time.Since(start); d < rtt {
		t.Errorf("NOOP took %v, want >= %v", d, rtt)
	}

	start = time.Now()
	s := dialRaw(t, ten, ten.SMTPAddr, false)
	s.line()
	if d := time.Since(start); d < rtt {
		t.Errorf("SMTP greeting after %v, want >= %v", d, rtt)
	}
}

func FuzzIMAPTokens(f *testing.F) {
	for _, s := range []string{`a LIST "" "*"`, `a STATUS "Sent Items" (MESSAGES UIDNEXT)`, `a "unterminated`, `((((`, `a LOGIN {5+}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		imapTokens(s)
		literalSuffix(s)
		listPattern(s)
	})
}

func FuzzSASL(f *testing.F) {
	f.Add([]byte("user=a@b\x01auth=Bearer t\x01\x01"))
	f.Add([]byte("n,a=a@b,\x01auth=Bearer t\x01\x01"))
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, mech := range []string{mechXOAuth2, mechOAuthBearer} {
			if c, err := parseBearer(mech, b); err == nil && c.token == "" {
				t.Errorf("parseBearer(%q, %q) accepted an empty token", mech, b)
			}
		}
		parseJWT(string(b))
	})
}
