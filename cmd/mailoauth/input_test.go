package main

import (
	"strings"
	"testing"

	"github.com/mailoauth/mailoauth-tester/core/simulate"
)

// TestSecretInTheWrongPlaceIsNeverEchoed: a secret pasted where a variable
// name belongs, as a stray argument, as a flag value or as a flag name is
// refused (exit 2, naming the field) without printing it, and nothing is
// sent anywhere.
func TestSecretInTheWrongPlaceIsNeverEchoed(t *testing.T) {
	sim := startSim(t, simulate.Options{})
	const leaked = "Zq8Q~kP3vN.x7-RtYw2_bLmC9dQeFgHiJkLmNoPq"
	const wordy = "hunterpass" // a password that happens to be a valid variable name
	tests := []struct {
		name  string
		args  []string
		field string
	}{
		{"secret as --secret-env", []string{"--secret-env", leaked}, "secret"},
		{"secret as --password-env", []string{"--flow", "password", "--password-env", leaked}, "password"},
		{"secret as --cert-password-env", []string{"--cert", sim.PFXFile, "--cert-password-env", leaked}, "cert-password"},
		{"lower-case name that is unset", []string{"--secret-env", wordy}, "secret"},
		{"stray argument", []string{"--secret-env", "S", leaked}, "unexpected argument"},
		{"flag value", []string{"--secret-env", "S", "--timeout", leaked}, "timeout"},
		{"bool flag value", []string{"--secret-env", "S", "--json=" + leaked}, "json"},
		{"undefined flag", []string{"--secret-env", "S", "-" + leaked}, "not defined"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := cli{env: map[string]string{"S": sim.ClientSecret}}
			args := append(simArgs(sim), tt.args...)
			code, out, errOut := c.run(t, args...)
			if code != exitUsage {
				t.Errorf("exit %d, want 2\n%s%s", code, out, errOut)
			}
			if !strings.Contains(errOut, tt.field) {
				t.Errorf("stderr does not name %q: %s", tt.field, errOut)
			}
			for _, s := range []string{leaked, leaked[:12], wordy} {
				if strings.Contains(out+errOut, s) {
					t.Errorf("output repeats %q:\n%s%s", s, out, errOut)
				}
			}
			if n := sim.Connections(); n != (simulate.Stats{}) {
				t.Errorf("connections made: %+v", n)
			}
		})
	}
	// Nor as the command.
	if code, out, errOut := (cli{}).run(t, leaked, "--tenant", "x"); code != exitUsage || strings.Contains(out+errOut, leaked[:12]) {
		t.Errorf("a secret as the command: exit %d, output %q", code, out+errOut)
	}
	// An ordinary stray word is still shown, to help.
	_, _, errOut := cli{env: map[string]string{"S": sim.ClientSecret}}.run(t, append(simArgs(sim), "--secret-env", "S", "imap")...)
	if !strings.Contains(errOut, `"imap"`) {
		t.Errorf("a stray plain word is not shown: %s", errOut)
	}
}

// TestPasswordLineEndings: one line end is taken off what --*-stdin reads;
// a carriage return left in a password (from an environment variable or a
// CRLF file) is a field error that does not print the password, and never
// reaches a server.
func TestPasswordLineEndings(t *testing.T) {
	sim := startSim(t, simulate.Options{Scenario: "app-password"})
	base := append(simArgs(sim), "--flow", "app-password", "--provider", "custom", "--protocols", "imap,pop", "--json")
	tests := []struct {
		name  string
		c     cli
		args  []string
		code  int
		field string
	}{
		{"stdin LF", cli{stdin: sim.AppPassword + "\n"}, []string{"--password-stdin"}, exitOK, ""},
		{"stdin CRLF", cli{stdin: sim.AppPassword + "\r\n"}, []string{"--password-stdin"}, exitOK, ""},
		{"stdin no line end", cli{stdin: sim.AppPassword}, []string{"--password-stdin"}, exitOK, ""},
		{"stdin CR CRLF", cli{stdin: sim.AppPassword + "\r\r\n"}, []string{"--password-stdin"}, exitUsage, "password"},
		{"env with CR", cli{env: map[string]string{"PW": sim.AppPassword + "\r"}}, []string{"--password-env", "PW"}, exitUsage, "password"},
		{"env with LF inside", cli{env: map[string]string{"PW": sim.AppPassword + "\nDELE 1"}}, []string{"--password-env", "PW"}, exitUsage, "password"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := sim.Connections()
			code, out, errOut := tt.c.run(t, append(append([]string(nil), base...), tt.args...)...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d\n%s%s", code, tt.code, out, errOut)
			}
			if strings.Contains(out+errOut, sim.AppPassword) {
				t.Errorf("the password was printed:\n%s%s", out, errOut)
			}
			if tt.field != "" {
				if !strings.Contains(errOut, tt.field+":") || !strings.Contains(errOut, "control character") {
					t.Errorf("stderr = %q, want a %s field error about a control character", errOut, tt.field)
				}
				if sim.Connections() != before {
					t.Errorf("connections made on bad input")
				}
			}
		})
	}
}
