package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mailoauth/mailoauth-tester/core/simulate"
)

// terminal is a person at the terminal: a browser (the simulated tenant's
// Browse), eyes on stderr (a device code is approved as soon as it is
// printed) and hands that paste into stdin what the browser shows.
type terminal struct {
	sim   *simulate.Tenant
	user  string
	stdin *io.PipeWriter
	mu    sync.Mutex
	err   bytes.Buffer
	seen  map[string]bool
}

var deviceCodeRE = regexp.MustCompile(`enter the code:\s+(\S+)`)

func (tm *terminal) Write(p []byte) (int, error) {
	tm.mu.Lock()
	defer tm.mu.Unlock()
	tm.err.Write(p)
	for _, m := range deviceCodeRE.FindAllStringSubmatch(tm.err.String(), -1) {
		if !tm.seen[m[1]] {
			tm.seen[m[1]] = true
			go tm.sim.ApproveDevice(m[1], tm.user)
		}
	}
	return len(p), nil
}

func (tm *terminal) open(u string) error {
	go func() {
		res, err := simulate.Browse(context.Background(), tm.sim.HTTPClient(), u)
		switch {
		case err != nil:
		case res.ErrorText != "":
			fmt.Fprintln(tm.stdin, strings.ReplaceAll(res.ErrorText, "\n", " "))
		case !res.Delivered && res.FinalURL != "":
			fmt.Fprintln(tm.stdin, res.FinalURL)
		}
	}()
	return nil
}

func runTerminal(t *testing.T, sim *simulate.Tenant, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	r, w := io.Pipe()
	tm := &terminal{sim: sim, stdin: w, seen: map[string]bool{}}
	defer w.Close()
	var out bytes.Buffer
	st := &streams{in: r, out: &out, err: tm, getenv: func(k string) string { return env[k] }, openURL: tm.open}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	code := run(ctx, args, st)
	tm.mu.Lock()
	defer tm.mu.Unlock()
	return code, out.String(), tm.err.String()
}

func flowArgs(sim *simulate.Tenant, flow string) ([]string, map[string]string) {
	args := append(simArgs(sim), "--flow", flow, "--protocols", "imap,pop,smtp,graph")
	env := map[string]string{"MAILOAUTH_SECRET": sim.ClientSecret, "PW": sim.UserPassword, "APP_PW": sim.AppPassword}
	switch flow {
	case "auth-code":
		args = append(args, "--secret-env", "MAILOAUTH_SECRET", "--redirect-uri", "https://app.contoso-sim.test/oauth/callback")
	case "password":
		args = append(args, "--password-env", "PW")
	case "app-password":
		args = append(simArgs(sim), "--flow", flow, "--password-env", "APP_PW", "--provider", "custom")
	}
	return args, env
}

// assertNoUserSecrets extends assertNoSecrets with the user's passwords and
// every code and refresh token the tenant issued.
func assertNoUserSecrets(t *testing.T, sim *simulate.Tenant, out string) {
	t.Helper()
	assertNoSecrets(t, sim, out)
	for name, s := range map[string]string{"user password": sim.UserPassword, "delegate password": sim.DelegatePassword, "app password": sim.AppPassword} {
		if s != "" && strings.Contains(out, s) {
			t.Errorf("%s leaked into the output", name)
		}
	}
	for _, g := range sim.IssuedGrants() {
		if strings.Contains(out, g) {
			t.Errorf("an issued code or refresh token (%d chars) leaked into the output", len(g))
		}
	}
}

func TestEveryFlowThroughTheCLI(t *testing.T) {
	for _, flow := range []string{"interactive", "device-code", "auth-code", "password", "app-password"} {
		t.Run(flow, func(t *testing.T) {
			sc := simulate.Options{}
			if flow == "app-password" {
				sc.Scenario = "app-password"
			}
			sim := startSim(t, sc)
			args, env := flowArgs(sim, flow)
			code, out, errOut := runTerminal(t, sim, env, append(args, "--json")...)
			if code != exitOK {
				t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
			}
			rep := decodeReport(t, out)
			if flow != "app-password" && (findStep(rep, "refresh") == nil || findStep(rep, "refresh").Status != "ok") {
				t.Errorf("no passing refresh step: %+v", findStep(rep, "refresh"))
			}
			if flow == "device-code" && !strings.Contains(errOut, "enter the code:") {
				t.Errorf("the device code was not shown on stderr:\n%s", errOut)
			}
			_, human, herr := runTerminal(t, sim, env, append(args, "--verbose")...)
			assertNoUserSecrets(t, sim, out+errOut+human+herr)
		})
	}
	t.Run("auth-code on a loopback redirect", func(t *testing.T) {
		sim := startSim(t, simulate.Options{})
		l, _ := net.Listen("tcp", "127.0.0.1:0")
		port := l.Addr().(*net.TCPAddr).Port
		l.Close()
		redirect := fmt.Sprintf("http://localhost:%d/callback", port)
		sim.Update(func(s *simulate.State) {
			for _, a := range s.Apps {
				a.Web = append(a.Web, redirect)
			}
		})
		args, env := flowArgs(sim, "auth-code")
		code, out, errOut := runTerminal(t, sim, env, append(args, "--redirect-uri", redirect)...)
		if code != exitOK {
			t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
		}
		assertNoUserSecrets(t, sim, out+errOut)
	})
}

// TestFlowScenariosThroughTheCLI: every delegated-flow misconfiguration
// ends with its diagnosis and exit code 1.
func TestFlowScenariosThroughTheCLI(t *testing.T) {
	for _, sc := range simulate.Scenarios() {
		for _, flow := range sc.Flows {
			if flow == "refresh" {
				flow = "interactive"
			}
			t.Run(sc.Name+"/"+flow, func(t *testing.T) {
				sim := startSim(t, simulate.Options{Scenario: sc.Name})
				args, env := flowArgs(sim, flow)
				if sc.Name == "shared-mailbox-no-access" {
					args = append(args, "--user", sim.DelegateUser, "--mailbox", sim.SharedMailbox, "--protocols", "imap,pop,smtp")
					env["PW"] = sim.DelegatePassword
				}
				if sc.Name == "redirect-uri-mismatch" && flow == "auth-code" {
					l, _ := net.Listen("tcp", "127.0.0.1:0")
					port := l.Addr().(*net.TCPAddr).Port
					l.Close()
					args = append(args, "--redirect-uri", fmt.Sprintf("http://localhost:%d/callback", port))
				}
				code, out, errOut := runTerminal(t, sim, env, append(args, "--json")...)
				want := exitFailed
				if sc.WantID == "" {
					want = exitOK
				}
				if code != want {
					t.Fatalf("exit %d, want %d\n%s\n%s", code, want, out, errOut)
				}
				if sc.WantID != "" {
					rep := decodeReport(t, out)
					var ids []string
					found := false
					for _, s := range rep.Steps {
						if s.Diagnosis != nil {
							ids = append(ids, s.Name+"="+s.Diagnosis.ID)
							found = found || s.Diagnosis.ID == sc.WantID
						}
					}
					if !found {
						t.Errorf("diagnoses %v, want %s", ids, sc.WantID)
					}
				}
				assertNoUserSecrets(t, sim, out+errOut)
			})
		}
	}
}
