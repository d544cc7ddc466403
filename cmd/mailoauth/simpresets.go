package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/mailoauth/mailoauth-tester/core/simulate"
)

// presetScenario returns the preset scenario of that name.
func presetScenario(name string) (simulate.PresetScenario, bool) {
	for _, s := range simulate.PresetScenarios() {
		if s.Name == name {
			return s, true
		}
	}
	return simulate.PresetScenario{}, false
}

// presetScenarioArgs are the check flags a preset scenario is run with,
// besides those that point at the simulated tenant: the preset, its
// redirect URI, the delegate and alias, a test message.
func presetScenarioArgs(s simulate.PresetScenario, user, shared string) []string {
	args := []string{"--preset", s.Preset}
	if s.RedirectURI != "" {
		args = append(args, "--redirect-uri", s.RedirectURI)
	}
	if s.AsDelegate {
		args = append(args, "--user", user, "--mailbox", shared)
	}
	if s.SendTestMail {
		args = append(args, "--send-test-mail")
	}
	return args
}

// listPresetScenarios is the product presets' part of simulate --list.
func listPresetScenarios(w io.Writer) {
	fmt.Fprintln(w, "\nProduct presets (mailoauth check --preset NAME):")
	for _, s := range simulate.PresetScenarios() {
		want := s.WantID
		if want == "" {
			want = "passes"
		}
		how := strings.Join(presetScenarioArgs(s, "DELEGATE", "SHARED"), " ")
		fmt.Fprintf(w, "%-42s %s (→ %s; %s)\n", s.Name, s.Title, want, how)
	}
}

// presetScenarioHint tells how to run a preset scenario, after the
// simulated tenant's connection details.
func presetScenarioHint(w io.Writer, i simInfo) {
	s, ok := presetScenario(i.Scenario)
	if !ok {
		return
	}
	fmt.Fprintf(w, "\nThis scenario is set up for the preset %s; add: %s\n", s.Preset,
		strings.Join(presetScenarioArgs(s, i.DelegateUser, i.SharedMailbox), " "))
}
