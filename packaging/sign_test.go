package packaging

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
)

// signScript is the signing step scripts/build-release runs.
const signScript = "../scripts/sign-windows"

// signKit is a throwaway self-signed code-signing certificate in the forms
// the script takes, and an unsigned Windows executable.
type signKit struct {
	dir, cert, key, pfx, otherKey, exe string
}

const pfxPassword = "pfx-pass-7Hq2x9Lm"

// newSignKit makes the certificate with openssl and the executable with
// the go command (a tiny pure-Go program for windows/amd64).
func newSignKit(t *testing.T) signKit {
	t.Helper()
	for _, tool := range []string{"osslsigncode", "openssl"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is missing: apt-get install osslsigncode openssl", tool)
		}
	}
	dir := t.TempDir()
	k := signKit{dir: dir, cert: filepath.Join(dir, "cert.pem"), key: filepath.Join(dir, "key.pem"),
		pfx: filepath.Join(dir, "cert.pfx"), otherKey: filepath.Join(dir, "other.pem"), exe: filepath.Join(dir, "hello.exe")}
	run(t, dir, nil, "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", k.key, "-out", k.cert, "-days", "2",
		"-subj", "/CN=Mail OAuth Tester Test Signing", "-addext", "extendedKeyUsage=codeSigning")
	run(t, dir, nil, "openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", k.otherKey)
	pass := filepath.Join(dir, "pass")
	if err := os.WriteFile(pass, []byte(pfxPassword), 0o600); err != nil {
		t.Fatal(err)
	}
	run(t, dir, nil, "openssl", "pkcs12", "-export", "-in", k.cert, "-inkey", k.key, "-out", k.pfx, "-passout", "file:"+pass)
	src := filepath.Join(dir, "hello")
	if err := os.MkdirAll(src, 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(src, "go.mod"), "module hello\n\ngo 1.27\n")
	writeFile(t, filepath.Join(src, "main.go"), "package main\n\nfunc main() { println(\"hello\") }\n")
	run(t, src, []string{"GOOS=windows", "GOARCH=amd64", "CGO_ENABLED=0", "GOFLAGS=-buildvcs=false"}, "go", "build", "-o", k.exe, ".")
	return k
}

// fresh copies the unsigned executable to a new name.
func (k signKit) fresh(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(k.exe)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(k.dir, name)
	if err := os.WriteFile(p, data, 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestSignWindows(t *testing.T) {
	k := newSignKit(t)
	var tsaHits atomic.Int32
	tsa := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && r.Header.Get("Content-Type") == "application/timestamp-query" {
			tsaHits.Add(1)
		}
		http.Error(w, "no time-stamping here", http.StatusServiceUnavailable)
	}))
	defer tsa.Close()

	tests := []struct {
		name       string
		env        []string
		wantOK     bool
		wantSigned bool
		wantOut    string
		prepare    func(path string) // e.g. sign once before
	}{
		{name: "no certificate: skipped", wantOK: true, wantOut: "no certificate given"},
		{name: "PEM certificate and key", env: []string{"MAILOAUTH_SIGN_CERT=" + k.cert, "MAILOAUTH_SIGN_KEY=" + k.key},
			wantOK: true, wantSigned: true, wantOut: "signed and verified"},
		{name: "PFX with password", env: []string{"MAILOAUTH_SIGN_PFX=" + k.pfx, "MAILOAUTH_SIGN_PFX_PASSWORD=" + pfxPassword},
			wantOK: true, wantSigned: true, wantOut: "signer"},
		{name: "PFX with a wrong password", env: []string{"MAILOAUTH_SIGN_PFX=" + k.pfx, "MAILOAUTH_SIGN_PFX_PASSWORD=wrong-" + pfxPassword},
			wantOut: "wrong MAILOAUTH_SIGN_PFX_PASSWORD"},
		{name: "key of another certificate", env: []string{"MAILOAUTH_SIGN_CERT=" + k.cert, "MAILOAUTH_SIGN_KEY=" + k.otherKey},
			wantOut: "signing failed"},
		{name: "not an executable", env: []string{"MAILOAUTH_SIGN_CERT=" + k.cert, "MAILOAUTH_SIGN_KEY=" + k.key},
			wantOut: "not a Windows executable", prepare: func(p string) { writeFile(t, p, "#!/bin/sh\n") }},
		{name: "certificate without key", env: []string{"MAILOAUTH_SIGN_CERT=" + k.cert}, wantOut: "set both"},
		{name: "PFX and PEM together", env: []string{"MAILOAUTH_SIGN_PFX=" + k.pfx, "MAILOAUTH_SIGN_CERT=" + k.cert, "MAILOAUTH_SIGN_KEY=" + k.key},
			wantOut: "use one"},
		{name: "missing certificate file", env: []string{"MAILOAUTH_SIGN_PFX=" + filepath.Join(k.dir, "nope.pfx")}, wantOut: "cannot read"},
		{name: "timestamp URL that is not one", env: []string{"MAILOAUTH_SIGN_CERT=" + k.cert, "MAILOAUTH_SIGN_KEY=" + k.key, "MAILOAUTH_SIGN_TIMESTAMP_URL=ftp://x"},
			wantOut: "not an http(s) address"},
		{name: "already signed", env: []string{"MAILOAUTH_SIGN_CERT=" + k.cert, "MAILOAUTH_SIGN_KEY=" + k.key},
			wantOut: "already signed", prepare: func(p string) {
				run(t, k.dir, nil, "osslsigncode", "sign", "-certs", k.cert, "-key", k.key, "-in", p, "-out", p+".s")
				if err := os.Rename(p+".s", p); err != nil {
					t.Fatal(err)
				}
			}},
		// Offline no server can time-stamp; the request must still reach
		// the one named, and its failure must stop the signing.
		{name: "time-stamping server asked", env: []string{"MAILOAUTH_SIGN_CERT=" + k.cert, "MAILOAUTH_SIGN_KEY=" + k.key, "MAILOAUTH_SIGN_TIMESTAMP_URL=" + tsa.URL},
			wantOut: "signing failed"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			exe := k.fresh(t, "app"+string(rune('a'+i))+".exe")
			if tt.prepare != nil {
				tt.prepare(exe)
			}
			before, _ := os.ReadFile(exe)
			cmd := exec.Command(signScript, exe)
			cmd.Env = append(signEnv(), tt.env...)
			out, err := cmd.CombinedOutput()
			if (err == nil) != tt.wantOK {
				t.Fatalf("sign-windows: err %v, want ok=%v\n%s", err, tt.wantOK, out)
			}
			if !strings.Contains(string(out), tt.wantOut) {
				t.Errorf("output lacks %q:\n%s", tt.wantOut, out)
			}
			if strings.Contains(string(out), pfxPassword) {
				t.Errorf("output shows the password:\n%s", out)
			}
			after, _ := os.ReadFile(exe)
			if changed := !bytes.Equal(before, after); changed != tt.wantSigned {
				t.Errorf("file changed = %v, want %v", changed, tt.wantSigned)
			}
			verify := exec.Command("osslsigncode", "verify", "-in", exe, "-CAfile", k.cert)
			vout, verr := verify.CombinedOutput()
			if tt.wantSigned && verr != nil {
				t.Errorf("osslsigncode verify of the signed file: %v\n%s", verr, vout)
			}
			if tt.wantSigned && !strings.Contains(string(vout), "Mail OAuth Tester Test Signing") {
				t.Errorf("signature is not by the test certificate:\n%s", vout)
			}
			if !tt.wantSigned && tt.prepare == nil && verr == nil {
				t.Errorf("the file verifies as signed, want it unsigned:\n%s", vout)
			}
		})
	}
	// A release signs both programs in one call.
	a, b := k.fresh(t, "window.exe"), k.fresh(t, "cli.exe")
	cmd := exec.Command(signScript, a, b)
	cmd.Env = append(signEnv(), "MAILOAUTH_SIGN_PFX="+k.pfx, "MAILOAUTH_SIGN_PFX_PASSWORD="+pfxPassword)
	if out, err := cmd.CombinedOutput(); err != nil || strings.Count(string(out), "signed and verified") != 2 {
		t.Errorf("signing two files: %v\n%s", err, out)
	}
	for _, p := range []string{a, b} {
		if out, err := exec.Command("osslsigncode", "verify", "-in", p, "-CAfile", k.cert).CombinedOutput(); err != nil {
			t.Errorf("%s does not verify: %v\n%s", filepath.Base(p), err, out)
		}
	}
	if tsaHits.Load() == 0 {
		t.Error("the time-stamping server got no RFC 3161 request")
	}
}

// signEnv is the test's environment without any MAILOAUTH_SIGN_ variable a
// developer may have set.
func signEnv() []string {
	var env []string
	for _, e := range os.Environ() {
		if !strings.HasPrefix(e, "MAILOAUTH_SIGN_") {
			env = append(env, e)
		}
	}
	return env
}

func run(t *testing.T, dir string, env []string, name string, args ...string) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
}

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}
