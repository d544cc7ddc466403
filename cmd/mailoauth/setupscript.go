package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mailoauth/mailoauth-tester/core/cloud"
	"github.com/mailoauth/mailoauth-tester/core/preset"
	"github.com/mailoauth/mailoauth-tester/core/profile"
	"github.com/mailoauth/mailoauth-tester/core/setupscript"
)

// setupFlags are setup-script's flags. None takes a secret: a setup
// script never holds one.
type setupFlags struct {
	preset, cloud, tenant, clientID, user, redirectURI, protocols string
	credential, grant, appName, out                               string
	mailboxes                                                     []string
	vendorOptional                                                bool
}

// Values of setup-script --grant.
const (
	grantRBAC  = "rbac"
	grantEntra = "entra"
)

func (a *app) newSetupScript() *cobra.Command {
	f := &setupFlags{}
	c := &cobra.Command{
		Use:   "setup-script --preset NAME --tenant ID [flags]",
		Short: "Write the PowerShell that sets up (or repairs) everything a product needs in Microsoft 365",
		Long: `Write a PowerShell script that an administrator reviews and runs to create or repair the Microsoft 365
side of a product preset: the app registration (or the existing one of --client-id), a client secret
or a self-signed certificate, the API permissions and admin consent, the redirect URI, the enterprise
application, the Exchange service principal, mailbox rights (Full Access, Send As) or an RBAC for
Applications scope, and SMTP AUTH where the product needs it. It connects with the cloud's own
environment names (Microsoft Graph PowerShell and ExchangeOnlineManagement), looks before it changes
anything, never deletes anything and can be run again. mailoauth only writes it; it never runs it.`,
		Example: `  mailoauth setup-script --preset cisco-ece --tenant contoso.onmicrosoft.com --mailbox support@contoso.com \
    --mailbox sales@contoso.com --user ece-service@contoso.com --redirect-uri https://ece.contoso.com/web/view/mail/admin/account/showauthcode.jsp \
    --out setup-ece.ps1
  mailoauth setup-script --preset opexus-ecase --cloud usgov --tenant … --client-id … --mailbox noreply@agency.gov`,
		Annotations: map[string]string{"exit-codes": `  0  written
  1  the file could not be written
  2  bad input: the field is named`},
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			a.code = a.setupScript(c, f)
			return nil
		},
	}
	fs := c.Flags()
	fs.SortFlags = false
	fs.StringVar(&f.preset, "preset", "", "the product (`NAME`, see mailoauth presets); required")
	fs.StringVar(&f.cloud, "cloud", "global", "Microsoft `CLOUD`: "+strings.Join(cloud.Names(), ", "))
	fs.StringVar(&f.tenant, "tenant", "", "Directory (tenant) `ID` or verified domain; required")
	fs.StringVar(&f.clientID, "client-id", "", "Application (client) `ID` of an existing app registration (default: find it by name, or create it)")
	fs.StringVar(&f.appName, "app-name", "", "display `NAME` of the app registration (default: \"<product> mail (OAuth)\")")
	inGroup(fs, groupIdentity, "preset", "cloud", "tenant", "client-id", "app-name")
	fs.StringArrayVar(&f.mailboxes, "mailbox", nil, "`ADDRESS` of a mailbox the product opens or sends from; repeat it or separate with commas")
	fs.StringVar(&f.user, "user", "", "the account that signs in (`USER`, delegated products: ECE's service account)")
	fs.StringVar(&f.redirectURI, "redirect-uri", "", "the product's real redirect `URI` (default: the preset's pattern, for you to fill in)")
	inGroup(fs, groupSignIn, "mailbox", "user", "redirect-uri")
	fs.StringVar(&f.protocols, "protocols", "", "comma-separated `LIST` instead of the preset's protocols: imap, pop, smtp, graph")
	fs.StringVar(&f.credential, "credential", "", "`KIND` of credential to create: secret or certificate (default: the preset's)")
	fs.StringVar(&f.grant, "grant", "", "how the app gets Graph mail permissions (`HOW`): rbac (an Exchange role assignment scoped to the mailboxes) "+
		"or entra (a tenant-wide application permission); default: the preset's advice")
	fs.BoolVar(&f.vendorOptional, "vendor-optional", false, "also add the permissions the vendor lists that the protocols do not need")
	inGroup(fs, groupProtocols, "protocols", "credential", "grant", "vendor-optional")
	fs.StringVar(&f.out, "out", "", "write the script to `FILE` (default: standard output)")
	inGroup(fs, groupOutput, "out")
	complete(c, map[string]cobra.CompletionFunc{
		"preset": presetNames, "cloud": fixed(cloud.Names()...), "credential": fixed(string(preset.Secret), string(preset.Certificate)),
		"grant": fixed(grantRBAC, grantEntra), "out": files("ps1"), "protocols": fixed("imap", "pop", "smtp", "graph", "pop,smtp", "imap,smtp"),
		"tenant": noFiles, "client-id": noFiles, "mailbox": noFiles, "user": noFiles, "app-name": noFiles, "redirect-uri": noFiles,
	})
	return c
}

// setupScript runs `mailoauth setup-script`.
func (a *app) setupScript(c *cobra.Command, f *setupFlags) int {
	st := a.st
	bad := func(field, msg string) int {
		fmt.Fprintf(st.err, "mailoauth: setup-script: %s: %s\n", field, msg)
		return exitUsage
	}
	if f.preset == "" {
		return bad(profile.FieldPreset, "required — mailoauth presets lists them ("+strings.Join(preset.IDs(), ", ")+")")
	}
	p, err := preset.Find(f.preset)
	if err != nil {
		return bad(profile.FieldPreset, "unknown preset "+showArg(f.preset)+" — mailoauth presets lists them ("+strings.Join(preset.IDs(), ", ")+")")
	}
	cl, err := cloud.Lookup(f.cloud)
	if err != nil {
		return bad(profile.FieldCloud, strings.TrimPrefix(err.Error(), "cloud: "))
	}
	o := setupscript.Options{Cloud: cl, Tenant: f.tenant, ClientID: f.clientID, AppName: f.appName, Mailboxes: f.mailboxes,
		SignInUser: f.user, RedirectURI: f.redirectURI, Credential: preset.Credential(strings.ToLower(strings.TrimSpace(f.credential))),
		VendorOptional: f.vendorOptional, Generator: generator()}
	for _, pr := range strings.FieldsFunc(f.protocols, func(r rune) bool { return r == ',' || r == ' ' }) {
		o.Protocols = append(o.Protocols, profile.Protocol(strings.ToLower(pr)))
	}
	switch strings.ToLower(strings.TrimSpace(f.grant)) {
	case "":
	case grantRBAC, grantEntra:
		if p.RBAC == nil {
			return bad("grant", p.Short+" does not use Graph application permissions that RBAC for Applications can scope; leave --grant out")
		}
		scoped := strings.EqualFold(strings.TrimSpace(f.grant), grantRBAC)
		o.Scoped = &scoped
	default:
		return bad("grant", showArg(f.grant)+" is neither rbac nor entra")
	}
	text, err := setupscript.Setup(p, o)
	var oe *setupscript.OptionError
	switch {
	case errors.As(err, &oe):
		return bad(oe.Field, oe.Message)
	case err != nil:
		fmt.Fprintf(st.err, "mailoauth: setup-script: %v\n", err)
		return exitUsage
	}
	if f.out == "" {
		if err := setupscript.Write(c.OutOrStdout(), text); err != nil {
			fmt.Fprintf(st.err, "mailoauth: setup-script: %v\n", err)
			return exitFailed
		}
		return exitOK
	}
	if err := checkFixScriptPath(f.out); err != nil {
		return bad("out", err.Error())
	}
	if err := writeFile(f.out, text); err != nil {
		fmt.Fprintf(st.err, "mailoauth: setup-script: %v\n", err)
		return exitFailed
	}
	fmt.Fprintf(st.err, "Setup script for %s written to %s. It holds no secret. Review it, run it with -WhatIf first, then as an\n"+
		"Entra and Exchange administrator. mailoauth never runs it.\n", p.Short, showFile(f.out))
	return exitOK
}
