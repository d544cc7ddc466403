package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"strings"

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

func runSimulate(ctx context.Context, args []string, st *streams) int {
	fs := flag.NewFlagSet("mailoauth simulate", flag.ContinueOnError)
	scenario := fs.String("scenario", "ok", "misconfiguration to simulate (see --list)")
	dialect := fs.String("dialect", simulate.DialectExchange, "server texts: exchange, or dovecot for a standards-compliant non-Microsoft server")
	latency := fs.Duration("latency", 0, "emulated network round-trip time, e.g. 50ms")
	cloudName := fs.String("cloud", "global", "simulate a tenant of this cloud: global, usgov, usgov-dod, china (route its host names to the simulator yourself)")
	dir := fs.String("dir", "", "folder for ca.pem and the app certificate (default: a temporary folder removed on exit)")
	jsonOut := fs.Bool("json", false, "print the connection details as one JSON object on the first line")
	list := fs.Bool("list", false, "list the scenarios and exit")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), "Usage: mailoauth simulate [flags]\n\nRuns a simulated Microsoft 365 tenant (Entra ID + Exchange IMAP/POP3/SMTP) on 127.0.0.1\nuntil interrupted, and prints what to paste into the tester. Everything in it is fake.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if code, ok := parseFlags(fs, args, st); !ok {
		return code
	}
	if *list {
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
		return exitOK
	}
	t, err := simulate.Start(simulate.Options{Scenario: *scenario, Dialect: *dialect, Latency: *latency, Dir: *dir, Cloud: *cloudName})
	if err != nil {
		fmt.Fprintf(st.err, "mailoauth: simulate: %v (see mailoauth simulate --list)\n", err)
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
	if *jsonOut {
		b, _ := json.Marshal(info)
		fmt.Fprintln(st.out, string(b))
	} else {
		printSimInfo(st, info)
	}
	<-ctx.Done()
	if !*jsonOut {
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
	fmt.Fprintf(w, "\nOther scenarios: %s\nPress Ctrl+C to stop.\n", strings.Join(i.Scenarios, ", "))
}
