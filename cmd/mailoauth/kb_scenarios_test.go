package main

import (
	"strings"
	"testing"

	"github.com/mailoauth/mailoauth-tester/core/simulate"
)

// kbScenario is one knowledge-base class the simulated tenant can send,
// run end to end through the CLI: the run must fail on the diagnosis ID,
// and the server's own code or wording must reach the report.
type kbScenario struct {
	scenario  string
	flow      string // "" = client credentials with the secret
	protocols string // "" = the default protocols
	wantID    string
	evidence  string // what the server said, as it must appear in the report
}

var kbScenarios = []kbScenario{
	{scenario: "client-sp-missing", wantID: "client-service-principal-missing", evidence: "7000229"},
	{scenario: "graph-rbac-out-of-scope", protocols: "graph", wantID: "graph-permission-denied", evidence: "ErrorAccessDenied"},
	{scenario: "graph-cae-challenge", protocols: "graph", wantID: "cae-challenge", evidence: "TokenCreatedWithOutdatedPolicies"},
	{scenario: "tls-legacy", protocols: "imap,pop,smtp", wantID: "tls-version", evidence: "4.7.66"},
	{scenario: "smtp-basic-auth-removed", flow: "app-password", wantID: "basic-auth-disabled", evidence: "5.7.30"},
	// The three 5.7.139 wordings Exchange Online gives a refused SMTP AUTH.
	{scenario: "smtp-auth-disabled", protocols: "smtp", wantID: "smtp-auth-disabled", evidence: "SmtpClientAuthentication is disabled"},
	{scenario: "smtp-auth-disabled-mailbox", protocols: "smtp", wantID: "smtp-auth-disabled", evidence: "SmtpClientAuthentication is disabled for the Mailbox"},
	{scenario: "smtp-security-defaults", flow: "app-password", wantID: "conditional-access-blocked", evidence: "security defaults"},
	{scenario: "smtp-conditional-access", flow: "app-password", wantID: "conditional-access-blocked", evidence: "did not meet the criteria"},
}

// TestKnowledgeBaseScenariosThroughTheCLI runs each new class of server
// answer through `mailoauth check --json` and checks that the run ends on
// its diagnosis, that the report carries the server's code or wording, and
// that no secret leaks.
func TestKnowledgeBaseScenariosThroughTheCLI(t *testing.T) {
	for _, kb := range kbScenarios {
		t.Run(kb.scenario, func(t *testing.T) {
			sim := startSim(t, simulate.Options{Scenario: kb.scenario})
			var (
				code      int
				out, eout string
			)
			if kb.flow == "" {
				args := append(simArgs(sim), "--secret-env", "MAILOAUTH_SECRET")
				if kb.protocols != "" {
					args = append(args, "--protocols", kb.protocols)
				}
				code, out, eout = secretCLI(sim).run(t, append(args, "--json")...)
			} else {
				args, env := flowArgs(sim, kb.flow)
				code, out, eout = runTerminal(t, sim, env, append(args, "--json")...)
			}
			if code != exitFailed {
				t.Fatalf("exit %d, want %d\n%s\n%s", code, exitFailed, out, eout)
			}
			rep := decodeReport(t, out)
			fails := diagnosisIDs(rep, "fail")
			found := false
			for _, f := range fails {
				found = found || strings.HasSuffix(f, "="+kb.wantID)
			}
			if !found {
				t.Fatalf("failed steps %v, want one diagnosed %s", fails, kb.wantID)
			}
			if !strings.Contains(out, kb.evidence) {
				t.Errorf("the report does not carry the server's %q:\n%s", kb.evidence, out)
			}
			assertNoUserSecrets(t, sim, out+eout)
		})
	}
}

// TestKnowledgeBaseScenariosListed checks that `mailoauth simulate --list`
// offers every scenario above.
func TestKnowledgeBaseScenariosListed(t *testing.T) {
	code, out, eout := cli{}.run(t, "simulate", "--list")
	if code != exitOK {
		t.Fatalf("simulate --list exit %d\n%s", code, eout)
	}
	for _, kb := range kbScenarios {
		if !strings.Contains(out, kb.scenario) {
			t.Errorf("simulate --list does not show %s", kb.scenario)
		}
	}
}
