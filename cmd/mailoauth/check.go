package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

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
}

func (f *checkFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.tenant, "tenant", "", "Directory (tenant) ID or domain, e.g. contoso.onmicrosoft.com")
	fs.StringVar(&f.clientID, "client-id", "", "Application (client) ID of the app registration")
	fs.StringVar(&f.mailbox, "mailbox", "", "mailbox to open, e.g. support@contoso.com")
	var flows []string
	for _, fl := range profile.AllFlows {
		flows = append(flows, string(fl))
	}
	fs.StringVar(&f.flow, "flow", string(profile.ClientCredentials), "sign-in flow: "+strings.Join(flows, ", "))
	fs.StringVar(&f.user, "user", "", "sign in as this user (delegated flows); default: the mailbox. Use it to open a shared mailbox as its delegate")
	fs.StringVar(&f.passwordEnv, "password-env", "", "name of the environment variable holding the user's password or app password (flows password, app-password)")
	fs.BoolVar(&f.passwordStdin, "password-stdin", false, "read the password from the first line of standard input")
	fs.StringVar(&f.redirectURI, "redirect-uri", "", "redirect URI registered on the app (auth-code; optional fixed loopback for interactive)")
	fs.StringVar(&f.provider, "provider", "", "app-password provider: microsoft365 (default), outlook.com, gmail, custom")
	fs.StringVar(&f.scope, "scope", "", "advanced: space-separated scopes to request instead of the flow's own")
	fs.StringVar(&f.protocols, "protocols", "imap,pop,smtp", "comma-separated protocols to test: imap, pop, smtp, graph")
	fs.StringVar(&f.mech, "mech", "xoauth2", "SASL mechanism: xoauth2 or oauthbearer")
	fs.StringVar(&f.cert, "cert", "", "client certificate instead of a secret: PEM (certificate + key) or PFX/P12 file")
	fs.StringVar(&f.certPasswordEnv, "cert-password-env", "", "name of the environment variable holding the PFX password")
	fs.StringVar(&f.secretEnv, "secret-env", "", "name of the environment variable holding the client secret value")
	fs.BoolVar(&f.secretStdin, "secret-stdin", false, "read the client secret value from the first line of standard input")
	fs.StringVar(&f.authority, "authority-host", "", "Entra ID authority URL (default per cloud: https://login.microsoftonline.com)")
	fs.StringVar(&f.imapHost, "imap-host", "", "IMAP server host:port (default outlook.office365.com:993)")
	fs.StringVar(&f.popHost, "pop-host", "", "POP3 server host:port (default outlook.office365.com:995)")
	fs.StringVar(&f.smtpHost, "smtp-host", "", "SMTP server host:port (default smtp.office365.com:587)")
	fs.StringVar(&f.graphURL, "graph-url", "", "Microsoft Graph endpoint (default per cloud: https://graph.microsoft.com)")
	fs.StringVar(&f.caFile, "ca-file", "", "PEM file of extra trusted root certificates (system roots stay trusted)")
	fs.StringVar(&f.cloud, "cloud", "global", "Microsoft cloud: "+strings.Join(cloud.Names(), ", ")+" (GCC moderate uses global)")
	fs.BoolVar(&f.sendTestMail, "send-test-mail", false, "send one test message from the mailbox to itself over SMTP and Graph (off by default)")
	fs.DurationVar(&f.timeout, "timeout", profile.DefaultTimeout, "time limit for the whole run")
	fs.BoolVar(&f.verbose, "verbose", false, "show timings and the protocol transcripts (credentials masked)")
	fs.BoolVar(&f.jsonOut, "json", false, "print one JSON document at the end instead of lines")
	fs.BoolVar(&f.env, "env", false, "run the environment check only (no credentials)")
}

func runCheck(ctx context.Context, args []string, st *streams) int {
	fs := flag.NewFlagSet("mailoauth check", flag.ContinueOnError)
	var f checkFlags
	f.register(fs)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), "Usage: mailoauth check [flags]\n\nThe client secret is never a flag value: use --secret-env NAME, --secret-stdin, or answer the prompt.\nWith no tenant, client ID, mailbox or secret, check runs the environment check.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if code, ok := parseFlags(fs, args, st); !ok {
		return code
	}
	for _, e := range []struct{ field, flag, value string }{
		{profile.FieldSecret, "secret-env", f.secretEnv}, {profile.FieldPassword, "password-env", f.passwordEnv},
		{profile.FieldCertPassword, "cert-password-env", f.certPasswordEnv},
	} {
		if msg := envNameError(e.flag, e.value); msg != "" {
			fmt.Fprintf(st.err, "mailoauth: %s: %s\n", e.field, msg)
			return exitUsage
		}
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(st.err, "mailoauth: unexpected argument %s (a secret is never given as an argument; use --secret-env NAME or --secret-stdin)\n", showArg(fs.Arg(0)))
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
	if f.env {
		p.Tenant, p.ClientID, p.Mailbox, p.CertFile = "", "", "", ""
	} else if p.HasCredentials() || f.secretEnv != "" || f.secretStdin {
		if code := readSecrets(ctx, &p, &f, st); code != exitOK {
			return code
		}
	}
	opts := engine.Options{OpenURL: st.openURL, Paste: pasteFrom(st)}
	job, problems := engine.Prepare(p, opts)
	if len(problems) > 0 {
		for _, pr := range problems {
			fmt.Fprintf(st.err, "mailoauth: %s\n", pr)
		}
		return exitUsage
	}
	pr := newPrinter(st.out, f.verbose, job)
	pr.prompts = st.err
	emit := pr.event
	if f.jsonOut {
		emit = pr.promptsOnly
	}
	res := job.Run(ctx, emit)
	if f.jsonOut {
		b, err := report.JSON(res, report.Options{Scrubber: job.Scrubber(), Transcripts: f.verbose})
		if err != nil {
			fmt.Fprintf(st.err, "mailoauth: %v\n", err)
			return exitFailed
		}
		fmt.Fprintln(st.out, string(b))
	}
	switch {
	case res.Cancelled:
		return exitCancelled
	case res.OK:
		return exitOK
	}
	return exitFailed
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
	flow := profile.Flow(strings.ToLower(strings.TrimSpace(f.flow)))
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
