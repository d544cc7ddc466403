package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/mailoauth/mailoauth-tester/core/cloud"
	"github.com/mailoauth/mailoauth-tester/core/engine"
	"github.com/mailoauth/mailoauth-tester/core/profile"
	"github.com/mailoauth/mailoauth-tester/core/report"
)

type checkFlags struct {
	tenant, clientID, mailbox, flow, protocols, mech string
	cert, certPasswordEnv, secretEnv                 string
	secretStdin, passwordStdin                       bool
	user, passwordEnv, redirectURI, provider, scope  string
	authority, imapHost, popHost, smtpHost, caFile   string
	graphURL, cloud                                  string
	timeout                                          time.Duration
	verbose, jsonOut, env, sendTestMail              bool
	output, reportFile                               string
	strict, hideIDs                                  bool
	presets                                          presetFlags
}

// Output formats of check.
const (
	outText     = "text"
	outJSON     = "json"
	outNagios   = "nagios"
	outMarkdown = "markdown"
	outHTML     = "html"
)

// register defines check's flags. Their names are a stable interface for
// scripts (README.md lists them): never rename one.
func (f *checkFlags) register(fs *pflag.FlagSet) {
	fs.SortFlags = false
	var flows []string
	for _, fl := range profile.AllFlows {
		flows = append(flows, string(fl))
	}
	fs.StringVar(&f.tenant, "tenant", "", "Directory (tenant) `ID` or verified domain, e.g. contoso.onmicrosoft.com")
	fs.StringVar(&f.clientID, "client-id", "", "Application (client) `ID` of the app registration")
	fs.StringVar(&f.mailbox, "mailbox", "", "`ADDRESS` of the mailbox to open, e.g. support@contoso.com (a shared mailbox works with --user)")
	fs.StringVar(&f.user, "user", "", "sign in as this `USER` (delegated flows); default: the mailbox. Use it to open a shared mailbox as its delegate")
	inGroup(fs, groupIdentity, "tenant", "client-id", "mailbox", "user")

	fs.StringVar(&f.flow, "flow", string(profile.ClientCredentials), "sign-in `FLOW`: "+strings.Join(flows, ", "))
	fs.StringVar(&f.redirectURI, "redirect-uri", "", "redirect `URI` registered on the app (auth-code; optional fixed loopback for interactive)")
	fs.StringVar(&f.provider, "provider", "", "app-password `PROVIDER`: microsoft365 (default), outlook.com, gmail, custom")
	fs.StringVar(&f.scope, "scope", "", "advanced: space-separated `SCOPES` to request instead of the flow's own")
	inGroup(fs, groupSignIn, "flow", "redirect-uri", "provider", "scope")

	fs.StringVar(&f.secretEnv, "secret-env", "", "`NAME` of the environment variable holding the client secret Value (never the value itself)")
	fs.BoolVar(&f.secretStdin, "secret-stdin", false, "read the client secret Value from the first line of standard input")
	fs.StringVar(&f.cert, "cert", "", "client certificate `FILE` instead of a secret: PEM (certificate + RSA key) or PFX/P12")
	fs.StringVar(&f.certPasswordEnv, "cert-password-env", "", "`NAME` of the environment variable holding the PFX password")
	fs.StringVar(&f.passwordEnv, "password-env", "", "`NAME` of the environment variable holding the user's password or app password (flows password, app-password)")
	fs.BoolVar(&f.passwordStdin, "password-stdin", false, "read the password from the first line of standard input")
	inGroup(fs, groupCredentials, "secret-env", "secret-stdin", "cert", "cert-password-env", "password-env", "password-stdin")

	fs.StringVar(&f.protocols, "protocols", "imap,pop,smtp", "comma-separated `LIST` of protocols to test: imap, pop, smtp, graph")
	fs.StringVar(&f.mech, "mech", "xoauth2", "SASL mechanism (`MECH`): xoauth2 or oauthbearer")
	fs.BoolVar(&f.sendTestMail, "send-test-mail", false, "send one test message from the mailbox to itself over SMTP and Graph")
	inGroup(fs, groupProtocols, "protocols", "mech", "send-test-mail")

	fs.StringVar(&f.cloud, "cloud", "global", "Microsoft `CLOUD`: "+strings.Join(cloud.Names(), ", ")+" (GCC moderate uses global); switches every host")
	fs.StringVar(&f.authority, "authority-host", "", "Entra ID authority `URL` (default per cloud: https://login.microsoftonline.com)")
	fs.StringVar(&f.imapHost, "imap-host", "", "IMAP server `HOST:PORT` (default per cloud: outlook.office365.com:993)")
	fs.StringVar(&f.popHost, "pop-host", "", "POP3 server `HOST:PORT` (default per cloud: outlook.office365.com:995)")
	fs.StringVar(&f.smtpHost, "smtp-host", "", "SMTP server `HOST:PORT` (default per cloud: smtp.office365.com:587)")
	fs.StringVar(&f.graphURL, "graph-url", "", "Microsoft Graph endpoint `URL` (default per cloud: https://graph.microsoft.com)")
	inGroup(fs, groupEndpoints, "cloud", "authority-host", "imap-host", "pop-host", "smtp-host", "graph-url")

	fs.StringVar(&f.caFile, "ca-file", "", "PEM `FILE` of extra trusted root certificates, e.g. a TLS-inspecting proxy's (system roots stay trusted)")
	inGroup(fs, groupNetwork, "ca-file")

	fs.DurationVar(&f.timeout, "timeout", profile.DefaultTimeout, "hard `DURATION` limit for the whole run (flows that wait for a person get 10 more minutes for them)")
	fs.BoolVar(&f.env, "env", false, "run the environment check only (no credentials)")
	fs.BoolVar(&f.strict, "strict", false, "a warning fails the run too (exit 1)")
	inGroup(fs, groupRun, "timeout", "env", "strict")

	fs.StringVarP(&f.output, "output", "o", outText, "`FORMAT` on standard output: text, json, nagios (monitoring plugin), markdown, html")
	fs.BoolVar(&f.jsonOut, "json", false, "same as --output json: one JSON document at the end (prompts still go to standard error)")
	fs.BoolVar(&f.verbose, "verbose", false, "show timings and the protocol transcripts (credentials masked)")
	fs.StringVar(&f.reportFile, "report", "", "also write the report to `FILE`: .html, .md, .json or .txt by its extension")
	fs.BoolVar(&f.hideIDs, "hide-ids", false, "mask tenant and client IDs and the local part of every address (for a public ticket)")
	inGroup(fs, groupOutput, "output", "json", "verbose", "report", "hide-ids")
	f.presets.register(fs)
}

const checkExitCodes = `  0    every check passed
  1    a check failed (with --strict: or warned)
  2    bad input: the field is named, and nothing was sent over the network
  130  interrupted (Ctrl+C ends any prompt or wait within a second)
  With --output nagios: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (bad input, interrupted).`

func (a *app) newCheck() *cobra.Command {
	f := &checkFlags{}
	c := &cobra.Command{
		Use:   "check [flags]",
		Short: "Sign in and log in over IMAP, POP3, SMTP and Graph; with no credentials, check this computer",
		Long: `Sign in to Entra ID with the app's credentials through MSAL, check the token's claims, and log in to
the mailbox over IMAP, POP3 and SMTP (and Microsoft Graph) the way a mail-connected product would.
Every step is timed and every failure ends in a diagnosis: the cause, numbered fix steps, links
and the PowerShell to run. With no tenant, client ID, mailbox or secret, check runs the environment
check: can this computer reach the sign-in and mail endpoints over verified TLS, through which
proxy, with a sane clock?

The client secret is never a flag value: use --secret-env NAME, --secret-stdin, or answer the
hidden prompt.`,
		Example: `  # App-only (client credentials) with a secret from a variable
  export MAILOAUTH_SECRET='…'
  mailoauth check --tenant contoso.onmicrosoft.com --client-id 396c2760-2fa5-4948-b9d5-9839a7440836 \
    --mailbox support@contoso.com --secret-env MAILOAUTH_SECRET

  # With a certificate, IMAP and Graph only, in GCC High
  mailoauth check --cloud usgov --tenant … --client-id … --mailbox … --cert app.pfx --cert-password-env PFX_PW \
    --protocols imap,graph

  # A person signs in with a device code; open a shared mailbox as its delegate
  mailoauth check --flow device-code --tenant … --client-id … --user agent@contoso.com --mailbox shared@contoso.com

  # Monitoring: Nagios/Icinga plugin output, warnings count
  mailoauth check … --secret-env MAILOAUTH_SECRET --output nagios --strict

  # A report for a public ticket
  mailoauth check … --secret-env MAILOAUTH_SECRET --report ticket.html --hide-ids

  # What Cisco ECE needs ↔ what the tenant has, and a script that repairs what is missing
  mailoauth check --preset cisco-ece --redirect-uri https://ece.contoso.com/web/view/mail/admin/account/showauthcode.jsp \
    --tenant … --client-id … --user ece-service@contoso.com --mailbox support@contoso.com --secret-env ECE_SECRET \
    --send-test-mail --fix-script fix-ece.ps1`,
		Annotations: map[string]string{"exit-codes": checkExitCodes},
		Args:        cobra.ArbitraryArgs,
		RunE: func(c *cobra.Command, args []string) error {
			f.presets.changed = c.Flags().Changed
			a.code = a.check(c.Context(), f, args)
			return nil
		},
	}
	f.register(c.Flags())
	complete(c, f.presets.completions())
	var flows []string
	for _, fl := range profile.AllFlows {
		flows = append(flows, string(fl))
	}
	complete(c, map[string]cobra.CompletionFunc{
		"flow": fixed(flows...), "cloud": fixed(cloud.Names()...), "mech": fixed("xoauth2", "oauthbearer"),
		"provider":  fixed("microsoft365", "outlook.com", "gmail", "custom"),
		"protocols": fixed("imap,pop,smtp", "imap,pop,smtp,graph", "imap", "pop", "smtp", "graph"),
		"output":    fixed(outText, outJSON, outNagios, outMarkdown, outHTML),
		"report":    files("html", "md", "json", "txt"), "cert": files("pem", "pfx", "p12"), "ca-file": files("pem", "crt", "cer"),
		"secret-env": noFiles, "password-env": noFiles, "cert-password-env": noFiles, "tenant": noFiles, "client-id": noFiles,
		"mailbox": noFiles, "user": noFiles,
	})
	return c
}

// check runs `mailoauth check` and returns the exit code; under --output
// nagios every code is the plugin's.
func (a *app) check(ctx context.Context, f *checkFlags, args []string) int {
	if f.output != outNagios {
		return a.runCheck(ctx, f, args)
	}
	last := &lastLine{w: a.st.err}
	a.st.err = last
	code := a.runCheck(ctx, f, args)
	switch {
	case a.result != nil:
		return report.NagiosState(a.result).Code
	case code == exitUsage:
		fmt.Fprintf(a.st.out, "MAILOAUTH UNKNOWN - bad input: %s\n", nagiosText(strings.TrimPrefix(last.line(), "mailoauth: ")))
	case code == exitCancelled:
		fmt.Fprintln(a.st.out, "MAILOAUTH UNKNOWN - interrupted before the check ran")
	}
	return nagiosUnknown
}

func (a *app) runCheck(ctx context.Context, f *checkFlags, args []string) int {
	st := a.st
	for _, e := range []struct{ field, flag, value string }{
		{profile.FieldSecret, "secret-env", f.secretEnv}, {profile.FieldPassword, "password-env", f.passwordEnv},
		{profile.FieldCertPassword, "cert-password-env", f.certPasswordEnv},
	} {
		if msg := envNameError(e.flag, e.value); msg != "" {
			fmt.Fprintf(st.err, "mailoauth: %s: %s\n", e.field, msg)
			return exitUsage
		}
	}
	if len(args) > 0 {
		fmt.Fprintf(st.err, "mailoauth: unexpected argument %s (a secret is never given as an argument; use --secret-env NAME or --secret-stdin)\n", showArg(args[0]))
		return exitUsage
	}
	out, err := outputFormat(f)
	if err != nil {
		fmt.Fprintf(st.err, "mailoauth: output: %v\n", err)
		return exitUsage
	}
	render, err := reportRenderer(f.reportFile)
	if err != nil {
		fmt.Fprintf(st.err, "mailoauth: report: %v\n", err)
		return exitUsage
	}
	p := profile.Profile{
		Tenant: f.tenant, ClientID: f.clientID, Mailbox: f.mailbox, Flow: profile.Flow(f.flow),
		Mechanism: profile.Mechanism(f.mech), Cloud: f.cloud, CertFile: f.cert,
		AuthorityHost: f.authority, IMAPHost: f.imapHost, POPHost: f.popHost, SMTPHost: f.smtpHost, CAFile: f.caFile,
		GraphURL: f.graphURL, SendTestMail: f.sendTestMail, Timeout: f.timeout, Transcript: f.verbose,
		User: f.user, RedirectURI: f.redirectURI, Provider: f.provider,
	}
	if f.scope != "" {
		p.Scopes = strings.Fields(f.scope)
	}
	if f.timeout == 0 {
		fmt.Fprintf(st.err, "mailoauth: %s: timeout 0s leaves no time for a sign-in — use a positive duration such as 20s\n", profile.FieldTimeout)
		return exitUsage
	}
	for _, pr := range strings.Split(f.protocols, ",") {
		p.Protocols = append(p.Protocols, profile.Protocol(pr))
	}
	if err := checkFixScriptPath(f.presets.fixScript); err != nil {
		fmt.Fprintf(st.err, "mailoauth: fix-script: %v\n", err)
		return exitUsage
	}
	if code := f.presets.apply(&p, st); code != exitOK {
		return code
	}
	if f.env {
		p.Tenant, p.ClientID, p.Mailbox, p.CertFile = "", "", "", ""
	} else if p.HasCredentials() || f.secretEnv != "" || f.secretStdin {
		if code := readSecrets(ctx, &p, f, st); code != exitOK {
			return code
		}
	}
	opts := engine.Options{OpenURL: st.openURL, Paste: pasteFrom(st)}
	job, problems := engine.Prepare(p, opts)
	if len(problems) > 0 {
		for _, pr := range problems {
			fmt.Fprintf(st.err, "mailoauth: %s\n", pr)
		}
		f.presets.explain(problems, st.err)
		return exitUsage
	}
	var file *os.File
	if f.reportFile != "" {
		if file, err = createReport(f.reportFile); err != nil {
			fmt.Fprintf(st.err, "mailoauth: report: %v\n", err)
			return exitUsage
		}
		defer file.Close()
	}
	ro := report.Options{Scrubber: job.Scrubber(), HideIDs: f.hideIDs, Transcripts: f.verbose, Program: "mailoauth",
		IDs: []string{p.Tenant, p.ClientID, p.Mailbox, p.User}}
	pr := newPrinter(st.out, f.verbose, ro, a.style())
	pr.prompts = st.err
	show := pr.event
	if out != outText {
		show = pr.promptsOnly
	}
	res := job.Run(ctx, show)
	a.result = res
	if code := writeOutput(st.out, out, res, ro); code != exitOK {
		return code
	}
	if file != nil {
		fo := ro
		fo.Transcripts = true // a file for a ticket carries the masked transcripts
		if _, err := io.WriteString(file, render(res, fo)); err != nil {
			fmt.Fprintf(st.err, "mailoauth: report: cannot write %s: %v\n", f.reportFile, err)
			return exitFailed
		}
		if err := file.Close(); err != nil {
			fmt.Fprintf(st.err, "mailoauth: report: cannot write %s: %v\n", f.reportFile, err)
			return exitFailed
		}
	}
	return f.presets.finish(st, res, exitCode(res, f.strict))
}

// readSecrets fills the secret and certificate password from the
// environment, standard input or a prompt. It never accepts a value on the
// command line, never prints one, and every wait ends with ctx (exit 130).
func readSecrets(ctx context.Context, p *profile.Profile, f *checkFlags, st *streams) int {
	bad := func(field, msg string) int {
		fmt.Fprintf(st.err, "mailoauth: %s: %s\n", field, msg)
		return exitUsage
	}
	if f.certPasswordEnv != "" {
		v, ok := lookup(st, f.certPasswordEnv)
		if !ok {
			return bad(profile.FieldCertPassword, envName("cert-password-env", f.certPasswordEnv)+" is not set — export it, or leave out --cert-password-env")
		}
		p.CertPassword = v
	}
	flow := profile.Flow(strings.ToLower(strings.TrimSpace(string(p.Flow)))) // the preset's, unless --flow was given
	if flow == profile.Password || flow == profile.AppPassword {
		if code := readPassword(ctx, p, f, st, bad); code != exitOK {
			return code
		}
	}
	if flow == profile.Interactive || flow == profile.DeviceCode || flow == profile.AppPassword ||
		(flow == profile.Password && f.secretEnv == "" && !f.secretStdin) {
		return exitOK // no client secret in these flows
	}
	if f.cert != "" {
		if f.secretEnv != "" || f.secretStdin {
			return bad(profile.FieldSecret, "give either --cert or a client secret, not both")
		}
		return exitOK
	}
	var v string
	var err error
	switch {
	case f.secretEnv != "" && f.secretStdin:
		return bad(profile.FieldSecret, "give either --secret-env or --secret-stdin, not both")
	case f.secretEnv != "":
		var ok bool
		v, ok = lookup(st, f.secretEnv)
		if !ok || profile.Clean(v) == "" {
			return bad(profile.FieldSecret, envName("secret-env", f.secretEnv)+" is empty or not set — export it with the client secret's Value")
		}
	case f.secretStdin && st.readSecret == nil:
		v, err = readLine(ctx, st, "the client secret")
	case st.readSecret != nil:
		// --secret-stdin on a terminal asks without echo too.
		v, err = st.readSecret(ctx, "Client secret (Value, input hidden): ")
	default:
		return bad(profile.FieldSecret, "no client secret given — use --secret-env NAME, --secret-stdin, or run in a terminal to be asked (or use --cert)")
	}
	switch {
	case errors.Is(err, context.Canceled) || ctx.Err() != nil:
		return exitCancelled
	case err != nil && err != io.EOF:
		return bad(profile.FieldSecret, "cannot read the secret: "+err.Error())
	}
	p.ClientSecret = v
	return exitOK
}

// readPassword fills the user's password from the environment, standard
// input or a prompt; never from the command line.
func readPassword(ctx context.Context, p *profile.Profile, f *checkFlags, st *streams, bad func(field, msg string) int) int {
	var v string
	var err error
	switch {
	case f.passwordEnv != "" && f.passwordStdin:
		return bad(profile.FieldPassword, "give either --password-env or --password-stdin, not both")
	case f.passwordStdin && f.secretStdin:
		return bad(profile.FieldPassword, "standard input can carry only one secret: use --password-env or --secret-env for the other")
	case f.passwordEnv != "":
		var ok bool
		if v, ok = lookup(st, f.passwordEnv); !ok {
			return bad(profile.FieldPassword, envName("password-env", f.passwordEnv)+" is empty or not set")
		}
	case f.passwordStdin && st.readSecret == nil:
		v, err = readLine(ctx, st, "the password")
	case st.readSecret != nil:
		v, err = st.readSecret(ctx, "Password for "+p.SignInUser()+" (input hidden): ")
	default:
		return bad(profile.FieldPassword, "no password given — use --password-env NAME, --password-stdin, or run in a terminal to be asked")
	}
	switch {
	case errors.Is(err, context.Canceled) || ctx.Err() != nil:
		return exitCancelled
	case err != nil && err != io.EOF:
		return bad(profile.FieldPassword, "cannot read the password: "+err.Error())
	}
	p.Password = v
	return exitOK
}

// pasteFrom asks on stderr for the redirected address (authorization-code
// flow with a redirect URI that is not this computer) and reads one line
// of standard input.
func pasteFrom(st *streams) func(ctx context.Context, pr engine.Prompt) (string, error) {
	if st.in == nil {
		return nil
	}
	return func(ctx context.Context, pr engine.Prompt) (string, error) {
		fmt.Fprintf(st.err, "\n%s\nPaste it here and press Enter:\n> ", pr.Message)
		l, err := readLine(ctx, st, "")
		if err != nil && l == "" {
			if ctx.Err() != nil {
				return "", ctx.Err()
			}
			return "", fmt.Errorf("no answer on standard input: %w", err)
		}
		return l, nil
	}
}

func lookup(st *streams, name string) (string, bool) {
	v := st.getenv(name)
	return v, v != ""
}
