package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/mailoauth/mailoauth-tester/core/cloud"
	"github.com/mailoauth/mailoauth-tester/core/simulate"
)

// simInfo is the first line of `simulate --json`. Field names are a public
// interface.
type simInfo struct {
	Scenario      string   `json:"scenario"`
	Dialect       string   `json:"dialect"`
	TenantID      string   `json:"tenant_id"`
	TenantDomain  string   `json:"tenant_domain"`
	ClientID      string   `json:"client_id"`
	ClientSecret  string   `json:"client_secret"`
	SecretID      string   `json:"secret_id"`
	Mailbox       string   `json:"mailbox"`
	AuthorityHost string   `json:"authority_host"`
	IMAPHost      string   `json:"imap_host"`
	POPHost       string   `json:"pop_host"`
	SMTPHost      string   `json:"smtp_host"`
	GraphURL      string   `json:"graph_url"`
	Cloud         string   `json:"cloud"`
	User          string   `json:"user"`
	UserPassword  string   `json:"user_password"`
	SharedMailbox string   `json:"shared_mailbox"`
	DelegateUser  string   `json:"delegate_user"`
	DelegatePass  string   `json:"delegate_password"`
	AppPassword   string   `json:"app_password"`
	RedirectURI   string   `json:"redirect_uri"`
	CAFile        string   `json:"ca_file"`
	CertFile      string   `json:"cert_file"`
	PFXFile       string   `json:"pfx_file"`
	PFXPassword   string   `json:"pfx_password"`
	Thumbprint    string   `json:"cert_thumbprint"`
	Scenarios     []string `json:"scenarios"`
}

// simFlags are simulate's flags.
type simFlags struct {
	scenario, dialect, cloud, dir string
	latency                       time.Duration
	jsonOut, list                 bool
}

func (a *app) newSimulate() *cobra.Command {
	f := &simFlags{}
	c := &cobra.Command{
		Use:   "simulate [flags]",
		Short: "Run a simulated tenant to try the tool offline",
		Long: `Run a simulated Microsoft 365 tenant (Entra ID, Exchange IMAP/POP3/SMTP and Graph) on 127.0.0.1
over real TLS until interrupted, and print what to paste into the tester. Each scenario is one real
misconfiguration, answered with Exchange's and Entra ID's own texts. Everything in it is fake.`,
		Example: `  mailoauth simulate --list
  mailoauth simulate --scenario smtp-auth-disabled
  mailoauth simulate --scenario ok --dir ./sim --json    # connection details as JSON on the first line`,
		Annotations: map[string]string{"exit-codes": `  0  stopped with Ctrl+C (or --list)
  2  bad input (an unknown scenario, a folder that cannot be used)`},
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			a.code = a.simulate(c.Context(), f)
			return nil
		},
	}
	fs := c.Flags()
	fs.SortFlags = false
	fs.StringVar(&f.scenario, "scenario", "ok", "`SCENARIO` to simulate: a misconfiguration (see --list)")
	fs.StringVar(&f.dialect, "dialect", simulate.DialectExchange, "server texts (`DIALECT`): exchange, or dovecot for a standards-compliant non-Microsoft server")
	fs.StringVar(&f.cloud, "cloud", "global", "simulate a tenant of this `CLOUD`: global, usgov, usgov-dod, china (route its host names to the simulator yourself)")
	fs.DurationVar(&f.latency, "latency", 0, "emulated network round-trip time (`DURATION`), e.g. 50ms")
	inGroup(fs, groupSimulation, "scenario", "dialect", "cloud", "latency")
	fs.StringVar(&f.dir, "dir", "", "`folder` for ca.pem and the app certificate, created if missing (default: a temporary folder removed on exit)")
	fs.BoolVar(&f.jsonOut, "json", false, "print the connection details as one JSON object on the first line")
	fs.BoolVar(&f.list, "list", false, "list the scenarios and exit")
	inGroup(fs, groupOutput, "dir", "json", "list")
	var names []string
	for _, s := range simulate.Scenarios() {
		names = append(names, s.Name+"\t"+s.Title)
	}
	for _, s := range simulate.PresetScenarios() {
		names = append(names, s.Name+"\t"+s.Title)
	}
	complete(c, map[string]cobra.CompletionFunc{"scenario": fixed(names...), "dialect": fixed(simulate.DialectExchange, simulate.DialectDovecot),
		"cloud": fixed(cloud.Names()...), "dir": func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
			return nil, cobra.ShellCompDirectiveFilterDirs
		}})
	return c
}

// knownScenario reports whether name is a scenario of the simulator.
func knownScenario(name string) bool {
	for _, s := range simulate.Scenarios() {
		if s.Name == name {
			return true
		}
	}
	_, ok := presetScenario(name)
	return ok
}

// simDir makes sure the --dir folder exists (creating it and its parents,
// readable by the user only) and is a folder.
func simDir(dir string) error {
	if dir == "" {
		return nil
	}
	if fi, err := os.Stat(dir); err == nil && !fi.IsDir() {
		return fmt.Errorf("%s is a file, not a folder", showArg(dir))
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return fmt.Errorf("cannot create the folder %s: %v", showArg(dir), err)
	}
	return nil
}

func (a *app) simulate(ctx context.Context, f *simFlags) int {
	st := a.st
	if f.list {
		for _, s := range simulate.Scenarios() {
			want := s.WantID
			if want == "" {
				want = "passes"
			}
			flows := "client-credentials"
			if len(s.Flows) > 0 {
				flows = strings.ReplaceAll(strings.Join(s.Flows, ", "), "refresh", "any delegated flow (its refresh step)")
			}
			fmt.Fprintf(st.out, "%-28s %s (→ %s; --flow %s)\n", s.Name, s.Title, want, flows)
		}
		listPresetScenarios(st.out)
		return exitOK
	}
	if !knownScenario(f.scenario) {
		fmt.Fprintf(st.err, "mailoauth: simulate: scenario: unknown scenario %s (mailoauth simulate --list shows them)\n", showArg(f.scenario))
		return exitUsage
	}
	if err := simDir(f.dir); err != nil {
		fmt.Fprintf(st.err, "mailoauth: simulate: dir: %v\n", err)
		return exitUsage
	}
	t, err := simulate.Start(simulate.Options{Scenario: f.scenario, Dialect: f.dialect, Latency: f.latency, Dir: f.dir, Cloud: f.cloud})
	if err != nil {
		fmt.Fprintf(st.err, "mailoauth: %s\n", strings.TrimPrefix(err.Error(), "mailoauth: "))
		return exitUsage
	}
	defer t.Close()
	info := simInfo{Scenario: t.Scenario(), Dialect: t.Dialect, TenantID: t.TenantID, TenantDomain: t.TenantDomain,
		ClientID: t.ClientID, ClientSecret: t.ClientSecret, SecretID: t.SecretID, Mailbox: t.Mailbox,
		AuthorityHost: t.AuthorityURL, IMAPHost: t.IMAPAddr, POPHost: t.POPAddr, SMTPHost: t.SMTPAddr, CAFile: t.CAFile,
		GraphURL: t.GraphURL, Cloud: t.Cloud, User: t.User, UserPassword: t.UserPassword, SharedMailbox: t.SharedMailbox,
		DelegateUser: t.DelegateUser, DelegatePass: t.DelegatePassword, AppPassword: t.AppPassword,
		RedirectURI: "https://app.contoso-sim.test/oauth/callback",
		CertFile:    t.CertFile, PFXFile: t.PFXFile, PFXPassword: t.PFXPassword, Thumbprint: t.CertThumbprint}
	for _, s := range simulate.Scenarios() {
		info.Scenarios = append(info.Scenarios, s.Name)
	}
	if f.jsonOut {
		b, _ := json.Marshal(info)
		fmt.Fprintln(st.out, string(b))
	} else {
		printSimInfo(st, info)
	}
	<-ctx.Done()
	if !f.jsonOut {
		fmt.Fprintln(st.err, "simulated tenant stopped")
	}
	return exitOK
}

func printSimInfo(st *streams, i simInfo) {
	w := st.out
	fmt.Fprintf(w, "Simulated Microsoft 365 tenant running — scenario %q (%s texts). Everything here is fake.\n\n", i.Scenario, i.Dialect)
	rows := [][2]string{
		{"Tenant ID", i.TenantID + "   (or " + i.TenantDomain + ")"},
		{"Client ID", i.ClientID},
		{"Client secret", i.ClientSecret + "   (simulated; its Secret ID is " + i.SecretID + ")"},
		{"Mailbox", i.Mailbox},
		{"Authority", i.AuthorityHost},
		{"IMAP", i.IMAPHost + "   (implicit TLS)"},
		{"POP3", i.POPHost + "   (implicit TLS)"},
		{"SMTP", i.SMTPHost + "   (STARTTLS)"},
		{"Graph", i.GraphURL},
		{"User", i.User + "   (password " + i.UserPassword + "; app password " + i.AppPassword + ")"},
		{"Shared mailbox", i.SharedMailbox + "   (delegate " + i.DelegateUser + ", password " + i.DelegatePass + ")"},
		{"Redirect URI", i.RedirectURI + "   (auth-code flow; paste the address the browser reaches)"},
		{"CA file", i.CAFile},
		{"Certificate", i.CertFile + "   (PEM) or " + i.PFXFile + " (PFX, password " + i.PFXPassword + ")"},
	}
	for _, r := range rows {
		fmt.Fprintf(w, "  %-14s %s\n", r[0]+":", r[1])
	}
	fmt.Fprintf(w, "\nTry it from another terminal:\n\n  export MAILOAUTH_SECRET='%s'\n  mailoauth check --tenant %s --client-id %s --mailbox %s \\\n    --secret-env MAILOAUTH_SECRET --authority-host %s \\\n    --imap-host %s --pop-host %s --smtp-host %s --graph-url %s --ca-file %s\n",
		i.ClientSecret, i.TenantID, i.ClientID, i.Mailbox, i.AuthorityHost, i.IMAPHost, i.POPHost, i.SMTPHost, i.GraphURL, i.CAFile)
	fmt.Fprintf(w, "\nFor a user sign-in add --flow device-code (or interactive, password with --password-env, auth-code with\n--redirect-uri); the simulated sign-in page signs %s in by itself, and a device code is approved at\n%s/devicelogin.\n", i.User, i.AuthorityHost)
	presetScenarioHint(w, i)
	fmt.Fprintf(w, "\nOther scenarios: %s\nPress Ctrl+C to stop.\n", strings.Join(i.Scenarios, ", "))
}
