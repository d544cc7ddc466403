package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mailoauth/mailoauth-tester/core/report"
	"github.com/mailoauth/mailoauth-tester/core/simulate"
)

// cli runs the command in-process with test streams.
type cli struct {
	env   map[string]string
	stdin string
}

func (c cli) run(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	st := &streams{in: strings.NewReader(c.stdin), out: &out, err: &errb,
		getenv: func(k string) string { return c.env[k] }}
	code = run(context.Background(), args, st)
	return code, out.String(), errb.String()
}

func startSim(t *testing.T, opts simulate.Options) *simulate.Tenant {
	t.Helper()
	sim, err := simulate.Start(opts)
	if err != nil {
		t.Fatalf("simulate.Start(%+v) = %v", opts, err)
	}
	t.Cleanup(func() { sim.Close() })
	return sim
}

// simArgs are the check flags that point at the simulated tenant.
func simArgs(sim *simulate.Tenant) []string {
	return []string{"check", "--tenant", sim.TenantID, "--client-id", sim.ClientID, "--mailbox", sim.Mailbox,
		"--authority-host", sim.AuthorityURL, "--imap-host", sim.IMAPAddr, "--pop-host", sim.POPAddr,
		"--smtp-host", sim.SMTPAddr, "--graph-url", sim.GraphURL, "--ca-file", sim.CAFile}
}

func secretCLI(sim *simulate.Tenant) cli {
	return cli{env: map[string]string{"MAILOAUTH_SECRET": sim.ClientSecret, "PFX_PASSWORD": sim.PFXPassword}}
}

// decodeReport decodes a --json report after checking it against the
// documented JSON Schema.
func decodeReport(t *testing.T, stdout string) report.JSONReport {
	t.Helper()
	validateReport(t, []byte(stdout))
	var rep report.JSONReport
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatalf("--json output is not one JSON document: %v\n%s", err, stdout)
	}
	return rep
}

// diagnosisIDs lists the diagnosis IDs of the steps with the given status.
func diagnosisIDs(rep report.JSONReport, status string) []string {
	var ids []string
	for _, s := range rep.Steps {
		if s.Status == status && s.Diagnosis != nil {
			ids = append(ids, s.Name+"="+s.Diagnosis.ID)
		}
	}
	return ids
}

// TestScenarios runs every misconfiguration through the CLI and checks the
// diagnosis, the exit code, and that no secret reached any output.
func TestScenarios(t *testing.T) {
	for _, sc := range simulate.Scenarios() {
		t.Run(sc.Name, func(t *testing.T) {
			sim := startSim(t, simulate.Options{Scenario: sc.Name})
			c := secretCLI(sim)
			args := append(simArgs(sim), "--secret-env", "MAILOAUTH_SECRET")
			if sc.Name == "cert-not-registered" {
				args = append(simArgs(sim), "--cert", sim.PFXFile, "--cert-password-env", "PFX_PASSWORD")
			}
			if strings.HasPrefix(sc.Name, "graph-") {
				args = append(args, "--protocols", "graph")
			}
			if sc.UserFlowsOnly {
				// Only username+password sign-ins notice this
				// misconfiguration; app-only access must pass.
				sc.WantID = ""
			}
			code, stdout, stderr := c.run(t, append(args, "--json")...)
			rep := decodeReport(t, stdout)
			wantCode := exitFailed
			if sc.WantID == "" {
				wantCode = exitOK
			}
			if code != wantCode {
				t.Errorf("exit code = %d, want %d\nstdout: %s\nstderr: %s", code, wantCode, stdout, stderr)
			}
			if rep.OK != (sc.WantID == "") {
				t.Errorf("ok = %v, want %v", rep.OK, sc.WantID == "")
			}
			fails := diagnosisIDs(rep, "fail")
			if sc.WantID == "" {
				if len(fails) > 0 || len(diagnosisIDs(rep, "warn")) > 0 {
					t.Errorf("scenario ok: diagnoses %v %v, want none", fails, diagnosisIDs(rep, "warn"))
				}
			} else {
				if len(fails) == 0 {
					t.Fatalf("no failed step with a diagnosis; steps: %+v", rep.Steps)
				}
				for _, f := range fails {
					if !strings.HasSuffix(f, "="+sc.WantID) {
						t.Errorf("failed step diagnosis %s, want %s", f, sc.WantID)
					}
				}
			}
			// The same run, human and verbose, for the secrets check.
			_, human, herr := c.run(t, args...)
			_, verbose, verr := c.run(t, append(args, "--verbose")...)
			_, vjson, _ := c.run(t, append(args, "--verbose", "--json")...)
			assertNoSecrets(t, sim, stdout+stderr+human+herr+verbose+verr+vjson)
			if sc.WantID != "" && !strings.Contains(human, "["+sc.WantID+"]") {
				t.Errorf("human output does not name the diagnosis %s:\n%s", sc.WantID, human)
			}
		})
	}
}

// assertNoSecrets fails if any secret of the simulated tenant or any issued
// token appears in out, as it is or base64-encoded inside anything (a SASL
// blob of either mechanism, at any alignment, from any offset).
func assertNoSecrets(t *testing.T, sim *simulate.Tenant, out string) {
	t.Helper()
	secrets := map[string]string{"client secret": sim.ClientSecret, "PFX password": sim.PFXPassword,
		"user password": sim.UserPassword, "delegate password": sim.DelegatePassword, "app password": sim.AppPassword}
	for i, tok := range sim.IssuedTokens() {
		name := "token " + string(rune('A'+i))
		secrets[name] = tok
		secrets[name+" signature"] = tok[strings.LastIndex(tok, ".")+1:]
	}
	for name, s := range secrets {
		if s == "" {
			continue
		}
		if strings.Contains(out, s) {
			t.Errorf("%s leaked into the output", name)
			continue
		}
		for _, form := range base64Forms(s) {
			if strings.Contains(out, form) {
				t.Errorf("%s leaked into the output base64-encoded (%.12s…)", name, form)
				break
			}
		}
	}
}

// base64Forms are the pieces of text that any base64 encoding (standard or
// URL alphabet) of anything containing s must contain: s encoded at each
// of the three alignments, without the characters at either end that
// depend on the neighbouring bytes.
func base64Forms(s string) []string {
	var forms []string
	for pad := 0; pad < 3; pad++ {
		enc := base64.StdEncoding.EncodeToString(append(make([]byte, pad), s...))
		start := (pad*4 + 2) / 3 // skip the characters that mix in the padding bytes
		end := len(strings.TrimRight(enc, "=")) - 4
		if end-start < 8 {
			continue
		}
		mid := enc[start+1 : end]
		forms = append(forms, mid, strings.NewReplacer("+", "-", "/", "_").Replace(mid))
	}
	return forms
}

func TestSecretFromStdinAndCertificatePEM(t *testing.T) {
	sim := startSim(t, simulate.Options{})
	c := cli{stdin: "  " + sim.ClientSecret + "  \n"}
	code, out, errOut := c.run(t, append(simArgs(sim), "--secret-stdin", "--protocols", "imap")...)
	if code != exitOK {
		t.Fatalf("--secret-stdin: exit %d\n%s%s", code, out, errOut)
	}
	code, out, errOut = cli{}.run(t, append(simArgs(sim), "--cert", sim.CertFile, "--protocols", "smtp", "--mech", "xoauth2")...)
	if code != exitOK {
		t.Fatalf("--cert PEM: exit %d\n%s%s", code, out, errOut)
	}
	if !strings.Contains(out, sim.CertThumbprint) {
		t.Errorf("output does not name the certificate thumbprint %s:\n%s", sim.CertThumbprint, out)
	}
	assertNoSecrets(t, sim, out+errOut)
}

func TestWrongPFXPasswordIsBadInput(t *testing.T) {
	sim := startSim(t, simulate.Options{})
	c := cli{env: map[string]string{"P": "not-the-password"}}
	code, out, errOut := c.run(t, append(simArgs(sim), "--cert", sim.PFXFile, "--cert-password-env", "P")...)
	if code != exitUsage || !strings.Contains(errOut, "cert-password") {
		t.Fatalf("exit %d, stderr %q; want 2 naming cert-password", code, errOut)
	}
	if strings.Contains(out+errOut, "not-the-password") {
		t.Error("the PFX password leaked into the output")
	}
	if n := sim.Connections(); n != (simulate.Stats{}) {
		t.Errorf("connections made on bad input: %+v", n)
	}
}

func TestOAUTHBEARERAgainstStandardServer(t *testing.T) {
	sim := startSim(t, simulate.Options{Dialect: simulate.DialectDovecot})
	c := secretCLI(sim)
	for _, mech := range []string{"oauthbearer", "xoauth2"} {
		code, out, errOut := c.run(t, append(simArgs(sim), "--secret-env", "MAILOAUTH_SECRET", "--mech", mech, "--verbose")...)
		if code != exitOK {
			t.Errorf("--mech %s against a standards-compliant server: exit %d\n%s%s", mech, code, out, errOut)
		}
		assertNoSecrets(t, sim, out+errOut)
	}
}

func TestStandardServerRejectionDoesNotHang(t *testing.T) {
	// Dovecot answers a bad token with a SASL error challenge; the client
	// must answer it (empty for XOAUTH2, %x01 for OAUTHBEARER) and get NO.
	sim := startSim(t, simulate.Options{Dialect: simulate.DialectDovecot, Scenario: "exchange-sp-missing"})
	c := secretCLI(sim)
	for _, mech := range []string{"oauthbearer", "xoauth2"} {
		start := time.Now()
		code, out, _ := c.run(t, append(simArgs(sim), "--secret-env", "MAILOAUTH_SECRET", "--mech", mech, "--json", "--timeout", "10s")...)
		if took := time.Since(start); took > 8*time.Second {
			t.Errorf("--mech %s: took %s; the error challenge was not answered", mech, took)
		}
		rep := decodeReport(t, out)
		if code != exitFailed {
			t.Errorf("--mech %s: exit %d, want 1", mech, code)
		}
		for _, name := range []string{"imap", "pop", "smtp"} {
			s := findStep(rep, name)
			if s == nil || s.Status != "fail" || s.Diagnosis == nil || s.Diagnosis.ID != "exchange-service-principal-missing" {
				t.Errorf("--mech %s: step %s = %+v, want fail exchange-service-principal-missing", mech, name, s)
			}
		}
	}
}

func findStep(rep report.JSONReport, name string) *report.JSONStep {
	for i := range rep.Steps {
		if rep.Steps[i].Name == name {
			return &rep.Steps[i]
		}
	}
	return nil
}

func TestJSONShape(t *testing.T) {
	sim := startSim(t, simulate.Options{Scenario: "smtp-auth-disabled"})
	_, out, _ := secretCLI(sim).run(t, append(simArgs(sim), "--secret-env", "MAILOAUTH_SECRET", "--json")...)
	var raw map[string]any
	if err := json.Unmarshal([]byte(out), &raw); err != nil {
		t.Fatal(err)
	}
	if _, ok := raw["ok"].(bool); !ok {
		t.Errorf(`"ok" is not a bool: %v`, raw["ok"])
	}
	steps, _ := raw["steps"].([]any)
	var names []string
	for _, s := range steps {
		m := s.(map[string]any)
		names = append(names, m["name"].(string))
		for _, k := range []string{"name", "status", "ms", "detail"} {
			if _, ok := m[k]; !ok {
				t.Errorf("step %v lacks %q", m["name"], k)
			}
		}
		if m["status"] == "fail" || m["status"] == "warn" {
			d, ok := m["diagnosis"].(map[string]any)
			if !ok {
				t.Fatalf("step %v: no diagnosis", m["name"])
			}
			if _, ok := d["fix"].([]any); !ok || d["id"] == "" || d["title"] == "" {
				t.Errorf("step %v: diagnosis lacks id/title/fix: %v", m["name"], d)
			}
		}
	}
	if got := strings.Join(names, ","); got != "tenant,token,claims,imap,pop,smtp" {
		t.Errorf("steps = %s, want tenant,token,claims,imap,pop,smtp", got)
	}
}

func TestBadInputMakesNoConnection(t *testing.T) {
	sim := startSim(t, simulate.Options{})
	base := map[string]string{"--tenant": sim.TenantID, "--client-id": sim.ClientID, "--mailbox": sim.Mailbox}
	tests := []struct {
		name, flag, value, field string
		env                      map[string]string
	}{
		{"empty tenant", "--tenant", "", "tenant", nil},
		{"url tenant", "--tenant", "https://login.microsoftonline.com/" + sim.TenantID + "/v2.0", "tenant", nil},
		{"placeholder tenant", "--tenant", "<tenant-id>", "tenant", nil},
		{"zero tenant", "--tenant", "00000000-0000-0000-0000-000000000000", "tenant", nil},
		{"common tenant", "--tenant", "common", "tenant", nil},
		{"client id not a guid", "--client-id", "my-app", "client-id", nil},
		{"client id is an email", "--client-id", "admin@contoso.com", "client-id", nil},
		{"mailbox without @", "--mailbox", "support", "mailbox", nil},
		{"mailbox with spaces", "--mailbox", "sup port@contoso.com", "mailbox", nil},
		{"unknown protocol", "--protocols", "imap,exchange", "protocols", nil},
		{"negative timeout", "--timeout", "-5s", "timeout", nil},
		{"zero timeout", "--timeout", "0s", "timeout", nil},
		{"port out of range", "--imap-host", "127.0.0.1:70000", "imap-host", nil},
		{"port zero", "--smtp-host", "127.0.0.1:0", "smtp-host", nil},
		{"host is a url", "--pop-host", "https://outlook.office365.com", "pop-host", nil},
		{"empty secret", "--secret-env", "EMPTY", "secret", map[string]string{"EMPTY": "   "}},
		{"unset secret variable", "--secret-env", "NOPE", "secret", nil},
		{"unknown mechanism", "--mech", "plain", "mech", nil},
		{"http authority", "--authority-host", "http://127.0.0.1:1", "authority-host", nil},
		{"missing CA file", "--ca-file", "/nonexistent/ca.pem", "ca-file", nil},
		{"missing cert file", "--cert", "/nonexistent/app.pfx", "cert", nil},
		{"host with a space", "--imap-host", "outlook office365.com:993", "imap-host", nil},
		{"host with a tab", "--pop-host", "outlook\toffice365.com:995", "pop-host", nil},
		{"host with an escape", "--smtp-host", "smtp\x1b[2J.office365.com:587", "smtp-host", nil},
		{"wildcard host", "--pop-host", "*.office365.com:995", "pop-host", nil},
		{"empty port", "--imap-host", "127.0.0.1:", "imap-host", nil},
		{"authority without a host", "--authority-host", "https://:443", "authority-host", nil},
		{"authority with a password", "--authority-host", "https://admin:Hunter2Pass@login.microsoftonline.com", "authority-host", nil},
		{"graph URL with a password", "--graph-url", "https://admin:Hunter2Pass@graph.microsoft.com", "graph-url", nil},
		{"EC key", "--cert", ecCertFile(t), "cert", nil},
		{"10,000-character local part", "--mailbox", strings.Repeat("a", 10000) + "@contoso.com", "mailbox", nil},
		{"CA file is a device", "--ca-file", "/dev/zero", "ca-file", nil},
		{"cert is a device", "--cert", "/dev/zero", "cert", nil},
		{"secret with a line break inside", "--secret-env", "S2", "secret", map[string]string{"S2": "Hunter2Pass\nabcdefghijklmnopqrstuvwxyz"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := []string{"check", "--authority-host", sim.AuthorityURL, "--imap-host", sim.IMAPAddr, "--pop-host", sim.POPAddr, "--smtp-host", sim.SMTPAddr, "--ca-file", sim.CAFile}
			vals := map[string]string{}
			for k, v := range base {
				vals[k] = v
			}
			vals[tt.flag] = tt.value
			for k, v := range vals {
				args = append(args, k, v)
			}
			env := map[string]string{"S": sim.ClientSecret}
			for k, v := range tt.env {
				env[k] = v
			}
			if tt.flag != "--secret-env" && tt.flag != "--cert" {
				args = append(args, "--secret-env", "S")
			}
			code, out, errOut := cli{env: env}.run(t, args...)
			if code != exitUsage {
				t.Errorf("exit %d, want 2\nstdout: %s\nstderr: %s", code, out, errOut)
			}
			if !strings.Contains(errOut, tt.field+":") && !strings.Contains(errOut, "-"+tt.field) {
				t.Errorf("stderr does not name the field %q: %s", tt.field, errOut)
			}
			if n := sim.Connections(); n != (simulate.Stats{}) {
				t.Errorf("bad input made connections: %+v", n)
			}
			if strings.Contains(out+errOut, "Hunter2Pass") || strings.Contains(out+errOut, sim.ClientSecret) || len(errOut) > 2000 || strings.ContainsRune(errOut, 0x1b) {
				t.Errorf("the message shows a password, a raw escape or the whole value:\n%.500s", errOut)
			}
		})
	}
}

// ecCertFile writes a PEM certificate with an EC private key, which MSAL
// cannot sign with.
func ecCertFile(t *testing.T) string {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "app"}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		t.Fatal(err)
	}
	kb, _ := x509.MarshalECPrivateKey(key)
	path := filepath.Join(t.TempDir(), "ec.pem")
	data := append(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb})...)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestPastedValuesAreTrimmed(t *testing.T) {
	sim := startSim(t, simulate.Options{})
	c := cli{env: map[string]string{"S": "\t" + sim.ClientSecret + " \r\n"}}
	args := []string{"check", "--tenant", "  " + sim.TenantID + "\u00a0", "--client-id", "\u200b" + sim.ClientID + " ",
		"--mailbox", " " + sim.Mailbox + "\t", "--authority-host", sim.AuthorityURL + " ", "--imap-host", " " + sim.IMAPAddr,
		"--pop-host", sim.POPAddr + " ", "--smtp-host", sim.SMTPAddr, "--ca-file", sim.CAFile + " ", "--secret-env", "S",
		"--protocols", " imap , POP ,smtp "}
	code, out, errOut := c.run(t, args...)
	if code != exitOK {
		t.Fatalf("exit %d, want 0\n%s%s", code, out, errOut)
	}
}

func TestSecretIDWarning(t *testing.T) {
	sim := startSim(t, simulate.Options{})
	c := cli{env: map[string]string{"S": sim.SecretID}}
	code, out, _ := c.run(t, append(simArgs(sim), "--secret-env", "S", "--json")...)
	rep := decodeReport(t, out)
	if code != exitFailed {
		t.Errorf("exit %d, want 1", code)
	}
	in := findStep(rep, "input")
	if in == nil || in.Status != "warn" || in.Diagnosis == nil || in.Diagnosis.ID != "client-secret-invalid" || !strings.Contains(in.Detail, "SECRET ID") {
		t.Errorf("input step = %+v, want a loud Secret ID warning", in)
	}
	if tok := findStep(rep, "token"); tok == nil || tok.Diagnosis == nil || tok.Diagnosis.ID != "client-secret-invalid" {
		t.Errorf("token step = %+v, want client-secret-invalid confirmed by the server", tok)
	}
}

// TestNetworkFaults: a closed port, a server that never greets and an
// untrusted certificate each end with their diagnosis within the timeout.
func TestNetworkFaults(t *testing.T) {
	sim := startSim(t, simulate.Options{})
	closed := freePort(t)
	silent := silentServer(t)
	tests := []struct {
		name   string
		args   []string
		step   string
		wantID string
	}{
		{"closed port", []string{"--imap-host", closed, "--protocols", "imap"}, "imap", "network-unreachable"},
		{"never greets (implicit TLS)", []string{"--imap-host", silent, "--protocols", "imap"}, "imap", "wrong-port"},
		{"never greets (POP3)", []string{"--pop-host", silent, "--protocols", "pop"}, "pop", "wrong-port"},
		{"never greets (SMTP)", []string{"--smtp-host", silent, "--protocols", "smtp"}, "smtp", "wrong-port"},
		{"plain text where TLS is expected", []string{"--imap-host", sim.SMTPAddr, "--protocols", "imap"}, "imap", "wrong-port"},
		{"untrusted certificate", []string{"--ca-file", ""}, "token", "tls-interception"},
		{"untrusted certificate (mail)", []string{"--ca-file", ""}, "imap", "tls-interception"},
		{"unresolvable host", []string{"--smtp-host", "smtp.invalid:587", "--protocols", "smtp"}, "smtp", "network-unreachable"},
	}
	const timeout = 2 * time.Second
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append(simArgs(sim), tt.args...)
			args = append(args, "--secret-env", "MAILOAUTH_SECRET", "--json", "--timeout", timeout.String())
			start := time.Now()
			code, out, errOut := secretCLI(sim).run(t, args...)
			took := time.Since(start)
			if took > timeout+time.Second {
				t.Errorf("took %s, want within the %s timeout", took, timeout)
			}
			if code != exitFailed {
				t.Fatalf("exit %d, want 1\n%s%s", code, out, errOut)
			}
			rep := decodeReport(t, out)
			s := findStep(rep, tt.step)
			if s == nil || s.Diagnosis == nil || s.Diagnosis.ID != tt.wantID {
				t.Errorf("step %s = %+v, want diagnosis %s", tt.step, s, tt.wantID)
			}
		})
	}
}

// freePort returns an address where nothing listens.
func freePort(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// silentServer accepts connections and never says a word.
func silentServer(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	var conns []net.Conn
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			conns = append(conns, c)
		}
	}()
	t.Cleanup(func() {
		l.Close()
		close(done)
		for _, c := range conns {
			c.Close()
		}
	})
	return l.Addr().String()
}

func TestSimulateJSONFirstLine(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	dir := t.TempDir()
	r, w, _ := os.Pipe()
	defer r.Close()
	st := &streams{in: strings.NewReader(""), out: w, err: &bytes.Buffer{}, getenv: os.Getenv}
	done := make(chan int)
	go func() {
		done <- run(ctx, []string{"simulate", "--json", "--scenario", "imap-disabled", "--dir", dir}, st)
	}()
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	var info simInfo
	if err := json.Unmarshal([]byte(line), &info); err != nil {
		t.Fatalf("first line is not JSON: %v: %q", err, line)
	}
	if info.Scenario != "imap-disabled" || info.ClientSecret == "" || info.IMAPHost == "" || info.CAFile != filepath.Join(dir, "ca.pem") {
		t.Errorf("simulate --json = %+v", info)
	}
	// The printed values work as they are.
	c := cli{env: map[string]string{"S": info.ClientSecret}}
	code, out, _ := c.run(t, "check", "--tenant", info.TenantID, "--client-id", info.ClientID, "--mailbox", info.Mailbox,
		"--secret-env", "S", "--authority-host", info.AuthorityHost, "--imap-host", info.IMAPHost, "--pop-host", info.POPHost,
		"--smtp-host", info.SMTPHost, "--ca-file", info.CAFile, "--json")
	rep := decodeReport(t, out)
	if s := findStep(rep, "imap"); code != exitFailed || s == nil || s.Diagnosis == nil || s.Diagnosis.ID != "mailbox-not-connected" {
		t.Errorf("check against simulate imap-disabled: exit %d, imap %+v", code, s)
	}
	cancel()
	if code := <-done; code != exitOK {
		t.Errorf("simulate exit %d after interrupt, want 0", code)
	}
	w.Close()
}
