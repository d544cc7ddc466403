// Package demo runs the simulated tenant of core/simulate as a demo for
// the window: it starts a scenario and hands over what a user would type
// (a profile), the engine options that reach the simulated tenant, and a
// scripted person who uses the browser and approves device codes.
// cmd/mailoauth-tester wires it into the window; the window itself never
// imports core/simulate.
package demo

import (
	"context"
	"fmt"

	"github.com/mailoauth/mailoauth-tester/core/engine"
	"github.com/mailoauth/mailoauth-tester/core/profile"
	"github.com/mailoauth/mailoauth-tester/core/simulate"
)

// Scenario is one demo: a simulated misconfiguration and the flow it is
// shown with.
type Scenario struct {
	Name  string
	Title string
	Flow  profile.Flow
}

// Scenarios lists every scenario of the simulated tenant.
func Scenarios() []Scenario {
	var out []Scenario
	for _, s := range simulate.Scenarios() {
		out = append(out, Scenario{Name: s.Name, Title: s.Title, Flow: flowOf(s)})
	}
	return out
}

// Lookup returns the named scenario.
func Lookup(name string) (Scenario, bool) {
	for _, s := range Scenarios() {
		if s.Name == name {
			return s, true
		}
	}
	return Scenario{}, false
}

// flowOf is the flow a scenario is shown with: client credentials when
// it applies to every flow, else the first flow it is about (a refresh
// scenario with browser sign-in).
func flowOf(s simulate.Scenario) profile.Flow {
	if len(s.Flows) == 0 {
		return profile.ClientCredentials
	}
	if f := s.Flows[0]; f != simulate.FlowRefresh {
		return profile.Flow(f)
	}
	return profile.Interactive
}

func flowKnown(f profile.Flow) bool {
	for _, x := range profile.AllFlows {
		if x == f {
			return true
		}
	}
	return false
}

// Tenant is a running demo.
type Tenant struct {
	Scenario
	sim *simulate.Tenant
}

// Start starts the simulated tenant with the named scenario ("" means
// "ok"), shown with flow ("" means the scenario's own). It takes a moment
// (it generates keys).
func Start(name string, flow profile.Flow) (*Tenant, error) {
	if name == "" {
		name = "ok"
	}
	sc, ok := Lookup(name)
	if !ok {
		return nil, fmt.Errorf("demo: unknown scenario %q", name)
	}
	if flow != "" {
		if !flowKnown(flow) {
			return nil, fmt.Errorf("demo: unknown flow %q", flow)
		}
		sc.Flow = flow
	}
	sim, err := simulate.Start(simulate.Options{Scenario: name})
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	return &Tenant{Scenario: sc, sim: sim}, nil
}

// Sim is the simulated tenant (tests read its users and secrets).
func (t *Tenant) Sim() *simulate.Tenant { return t.sim }

// redirectURI is the web redirect URI the simulated app registers.
const redirectURI = "https://app.contoso-sim.test/oauth/callback"

// Profile is what a user would type for the scenario, in its flow. It
// holds the simulated tenant's secrets (client secret, passwords):
// worthless anywhere else, but shown only in password fields all the same.
func (t *Tenant) Profile() profile.Profile {
	s := t.sim
	p := s.Profile()
	if t.Flow == profile.ClientCredentials {
		return p
	}
	p.Flow, p.ClientSecret, p.User = t.Flow, "", s.User
	switch t.Flow {
	case profile.Password:
		p.Password = s.UserPassword
	case profile.AuthCode:
		p.ClientSecret, p.RedirectURI = s.ClientSecret, redirectURI
	case profile.AppPassword:
		p.User, p.Password, p.Provider = "", s.AppPassword, "custom"
		p.Protocols = profile.MailProtocols
	}
	if t.Name == "shared-mailbox-no-access" {
		p.User, p.Mailbox = s.DelegateUser, s.SharedMailbox
		if t.Flow == profile.Password {
			p.Password = s.DelegatePassword
		}
	}
	return p
}

// Engine are the engine options of a run against the demo: the simulated
// tenant's CA is trusted (the profile's CA file says the same).
func (t *Tenant) Engine() engine.Options {
	return engine.Options{RootCAs: t.sim.RootCAs()}
}

// Browse plays the person at the browser: it signs in on the simulated
// tenant's page. When the page shows an error, or lands on a web site
// instead of this computer, it returns what the person would paste back;
// else "".
func (t *Tenant) Browse(ctx context.Context, authorizeURL string) string {
	res, err := simulate.Browse(ctx, t.sim.HTTPClient(), authorizeURL)
	switch {
	case err != nil:
		return "browser error: " + err.Error()
	case res.ErrorText != "":
		return res.ErrorText
	case !res.Delivered && res.FinalURL != "":
		return res.FinalURL // carries the code: handed over, never shown
	}
	return ""
}

// ApproveDevice plays the person who enters a device code; user signs in.
func (t *Tenant) ApproveDevice(code, user string) error { return t.sim.ApproveDevice(code, user) }

// Close stops the simulated tenant.
func (t *Tenant) Close() error { return t.sim.Close() }
