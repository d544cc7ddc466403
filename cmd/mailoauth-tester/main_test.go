package main

import (
	"bytes"
	"strings"
	"testing"
)

// The window's text-only options print and exit without opening a window.
func TestTextOnlyOptions(t *testing.T) {
	tests := []struct {
		args     []string
		code     int
		stdout   []string
		stderr   string
		noStdout bool
	}{
		{args: []string{"--help"}, stdout: []string{"Usage:", "--demo SCENARIO", "--list-scenarios", "--version", "--preset PRESET", "Examples:"}},
		{args: []string{"-h"}, stdout: []string{"--demo-flow FLOW"}},
		{args: []string{"--version"}, stdout: []string{"mailoauth-tester ", "go1."}},
		{args: []string{"--list-scenarios"}, stdout: []string{"smtp-auth-disabled", "no-admin-consent"}},
		{args: []string{"--bogus"}, code: 2, stderr: "Run 'mailoauth-tester --help'", noStdout: true},
		{args: []string{"--demo", "no-such-scenario"}, code: 2, stderr: `unknown demo scenario "no-such-scenario"`, noStdout: true},
		{args: []string{"--preset", "no-such-product"}, code: 2, stderr: "cisco-ece", noStdout: true},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			var out, errb bytes.Buffer
			if code := run(tt.args, &out, &errb); code != tt.code {
				t.Fatalf("run(%q) = %d, want %d (stderr %q)", tt.args, code, tt.code, errb.String())
			}
			for _, want := range tt.stdout {
				if !strings.Contains(out.String(), want) {
					t.Errorf("stdout lacks %q:\n%s", want, out.String())
				}
			}
			if tt.noStdout && out.Len() > 0 {
				t.Errorf("stdout = %q, want nothing", out.String())
			}
			if !strings.Contains(errb.String(), tt.stderr) {
				t.Errorf("stderr = %q, want %q", errb.String(), tt.stderr)
			}
		})
	}
}
