package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/mailoauth/mailoauth-tester/core/engine"
	"github.com/mailoauth/mailoauth-tester/core/preset"
	"github.com/mailoauth/mailoauth-tester/core/profile"
	"github.com/mailoauth/mailoauth-tester/core/report"
	"github.com/mailoauth/mailoauth-tester/core/setupscript"
	"github.com/mailoauth/mailoauth-tester/core/version"
)

// presetFlags are check's flags about product presets: --preset,
// --graph-send-only and --fix-script.
type presetFlags struct {
	preset    string
	sendOnly  bool
	fixScript string
	// changed reports whether the user gave a flag (its value is not
	// the default): set by the command before it runs.
	changed func(name string) bool
}

// register defines the flags; they join the groups of check's help.
func (pf *presetFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&pf.preset, "preset", "", "set up for a product (`NAME`, see mailoauth presets): its flow, protocols and redirect URI unless "+
		"given, and its requirements in the report")
	inGroup(fs, groupSignIn, "preset")
	fs.BoolVar(&pf.sendOnly, "graph-send-only", false, "check Graph for sending only (Mail.Send or an RBAC for Applications grant), "+
		"never reading the mailbox; presets that only send turn it on")
	inGroup(fs, groupProtocols, "graph-send-only")
	fs.StringVar(&pf.fixScript, "fix-script", "", "after a failed run, write a PowerShell `FILE` that repairs what it found, "+
		"with the run's real IDs (also with --hide-ids); mailoauth never runs it")
	inGroup(fs, groupOutput, "fix-script")
}

// completions are the flags' completion functions.
func (pf *presetFlags) completions() map[string]cobra.CompletionFunc {
	return map[string]cobra.CompletionFunc{"preset": presetNames, "fix-script": files("ps1")}
}

// presetNames completes a preset's ID, with its product as the
// description.
func presetNames(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	var out []string
	for _, p := range preset.All() {
		out = append(out, p.ID+"\t"+p.Product)
	}
	return out, cobra.ShellCompDirectiveNoFileComp
}

// apply fills p from the chosen preset before the profile is normalised:
// the flow and protocols unless their flags were given, the redirect URI
// unless given, the preset's ID and Graph's send-only mode. The flags the
// user typed always win. It reports bad input and returns exitUsage.
//
// A preset already in p (a saved profile's) is used when --preset is not
// given; changed must then also report the fields the profile set.
func (pf *presetFlags) apply(p *profile.Profile, st *streams) int {
	id := pf.preset
	if id == "" {
		id = p.Preset
	}
	if id == "" {
		p.GraphSendOnly = pf.sendOnly
		return exitOK
	}
	pr, err := preset.Find(id)
	if err != nil {
		fmt.Fprintf(st.err, "mailoauth: %s: unknown preset %s — mailoauth presets lists them (%s)\n",
			profile.FieldPreset, showArg(id), strings.Join(preset.IDs(), ", "))
		return exitUsage
	}
	p.Preset = pr.ID
	if !pf.changed("flow") {
		p.Flow = ""
	}
	if !pf.changed("protocols") {
		p.Protocols = nil
	}
	*p, _ = pr.Apply(*p)
	if pf.changed("graph-send-only") {
		p.GraphSendOnly = pf.sendOnly
	}
	if pf.changed("flow") && profile.Flow(strings.ToLower(strings.TrimSpace(string(p.Flow)))) != pr.Flow {
		fmt.Fprintf(st.err, "mailoauth: note: %s signs in with %s; --flow %s is tested as you asked\n", pr.Short, pr.Flow, p.Flow)
	}
	return exitOK
}

// explain adds to input problems what the preset says about the field:
// the form of the product's redirect URI, when it must be typed.
func (pf *presetFlags) explain(problems profile.Problems, w io.Writer) {
	pr, err := preset.Find(pf.preset)
	if pf.preset == "" || err != nil || pr.Redirect == nil {
		return
	}
	for _, x := range problems {
		if x.Field == profile.FieldRedirectURI {
			fmt.Fprintf(w, "mailoauth: %s: %s's redirect URI has the form %s — give yours with --redirect-uri\n",
				profile.FieldRedirectURI, pr.Short, pr.Redirect.Pattern)
			return
		}
	}
}

// checkFixScriptPath refuses a --fix-script path that cannot be written,
// before anything is sent: its folder must exist and it must not be one.
func checkFixScriptPath(path string) error {
	if path == "" {
		return nil
	}
	if fi, err := os.Stat(path); err == nil && !fi.Mode().IsRegular() {
		return fmt.Errorf("%s is not a regular file", showFile(path))
	}
	if fi, err := os.Stat(filepath.Dir(path)); err != nil || !fi.IsDir() {
		return fmt.Errorf("the folder of %s does not exist — create it first", showFile(path))
	}
	return nil
}

// showFile shows a file name the user gave for a script: as it is, quoted,
// when it is a path or a .ps1 name; otherwise like any stray argument
// (described when it may be a secret pasted in the wrong place).
func showFile(path string) string {
	if strings.ContainsAny(path, `/\`) || strings.EqualFold(filepath.Ext(path), ".ps1") {
		return strconv.Quote(path)
	}
	return showArg(path)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// finish ends a check with a preset or a fix script: it writes the fix
// script (saying so on stderr, and that mailoauth never runs it), and a
// requirement of the preset that the run disproved fails the run even
// when its step only warned. It returns the exit code.
func (pf *presetFlags) finish(st *streams, res *engine.Result, code int) int {
	if pf.fixScript != "" && !res.Cancelled {
		if c := pf.writeFixScript(st, res); c != exitOK && code == exitOK {
			code = c
		}
	}
	if unmet := report.UnmetRequirements(res); code == exitOK && len(unmet) > 0 {
		fmt.Fprintf(st.err, "mailoauth: the run fails: %d %s of the preset %s %s missing (✗ above), though its steps only warned\n",
			len(unmet), plural(len(unmet), "requirement", "requirements"), res.Input.Preset, plural(len(unmet), "is", "are"))
		code = exitFailed
	}
	return code
}

// generator names this program in a script's header.
func generator() string { return "mailoauth " + version.Get().Version }

// writeFixScript writes --fix-script after a run.
func (pf *presetFlags) writeFixScript(st *streams, res *engine.Result) int {
	if len(res.RepairIDs()) == 0 {
		why := "this run found nothing a script can repair"
		if res.OK {
			why = "nothing to repair"
		}
		fmt.Fprintf(st.err, "mailoauth: no fix script written to %s: %s\n", showFile(pf.fixScript), why)
		return exitOK
	}
	ids, text, err := res.FixScript(generator())
	if err != nil {
		fmt.Fprintf(st.err, "mailoauth: fix-script: %s\n", strings.TrimPrefix(err.Error(), "setupscript: "))
		return exitFailed
	}
	if err := writeFile(pf.fixScript, text); err != nil {
		fmt.Fprintf(st.err, "mailoauth: fix-script: %v\n", err)
		return exitFailed
	}
	fmt.Fprintf(st.err, "Fix script written to %s: it repairs %s with this run's real IDs and holds no secret.\n"+
		"Review it, run it with -WhatIf first, then as an Entra and Exchange administrator. mailoauth never runs it.\n",
		showFile(pf.fixScript), strings.Join(ids, ", "))
	return exitOK
}

// writeFile writes a script to path (readable by the user only: it names
// the tenant's IDs), with the byte-order mark PowerShell 5.1 needs for
// UTF-8.
func writeFile(path, text string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return fmt.Errorf("cannot create %s: %v", showFile(path), err)
	}
	if err := setupscript.Write(f, text); err != nil {
		f.Close()
		return fmt.Errorf("cannot write %s: %v", showFile(path), err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("cannot write %s: %v", showFile(path), err)
	}
	return nil
}

// newPresets is `mailoauth presets` and `mailoauth presets show NAME`.
func (a *app) newPresets() *cobra.Command {
	var jsonOut bool
	c := &cobra.Command{
		Use:   "presets",
		Short: "List the product presets (Cisco ECE, Sytel Softdial, XCALLY, eCASE, …) and what each needs",
		Long: `List the product presets: for each product that reads mail from or sends mail through Microsoft 365,
the flow, protocols, permissions, redirect URI, mailbox rights and limits its own guide prescribes.
check --preset NAME tests a tenant against one and reports every requirement as met, missing or not
tested; setup-script --preset NAME writes the PowerShell that sets it all up.`,
		Example: `  mailoauth presets
  mailoauth presets show cisco-ece
  mailoauth presets --json`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			a.code = a.listPresets(c.OutOrStdout(), jsonOut)
			return nil
		},
	}
	c.Flags().BoolVar(&jsonOut, "json", false, "print the presets as JSON")
	inGroup(c.Flags(), groupOutput, "json")
	c.AddCommand(a.newPresetShow())
	return c
}

func (a *app) newPresetShow() *cobra.Command {
	var jsonOut bool
	c := &cobra.Command{
		Use:   "show NAME",
		Short: "Show what one product needs: flow, protocols, permissions, redirect URI, mailbox rights, limits",
		Example: `  mailoauth presets show cisco-ece
  mailoauth presets show opexus-ecase --json`,
		Annotations: map[string]string{"exit-codes": "  0  shown\n  2  unknown preset"},
		Args:        cobra.ExactArgs(1),
		ValidArgsFunction: func(c *cobra.Command, args []string, s string) ([]string, cobra.ShellCompDirective) {
			return presetNames(c, args, s)
		},
		RunE: func(c *cobra.Command, args []string) error {
			p, err := preset.Find(args[0])
			if err != nil {
				fmt.Fprintf(a.st.err, "mailoauth: unknown preset %s — mailoauth presets lists them (%s)\n", showArg(args[0]), strings.Join(preset.IDs(), ", "))
				a.code = exitUsage
				return nil
			}
			if jsonOut {
				a.code = printJSON(c.OutOrStdout(), p)
				return nil
			}
			fmt.Fprint(c.OutOrStdout(), presetDetail(p))
			return nil
		},
	}
	c.Flags().BoolVar(&jsonOut, "json", false, "print the preset as JSON (the format of core/preset/presets/FORMAT.md)")
	inGroup(c.Flags(), groupOutput, "json")
	return c
}

func printJSON(w io.Writer, v any) int {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		fmt.Fprintf(w, "mailoauth: %v\n", err)
		return exitFailed
	}
	return exitOK
}

// listPresets prints every preset: its ID, product and summary.
func (a *app) listPresets(w io.Writer, jsonOut bool) int {
	all := preset.All()
	if jsonOut {
		return printJSON(w, all)
	}
	width := 0
	for _, p := range all {
		width = max(width, len(p.ID))
	}
	fmt.Fprintln(w, "Product presets — mailoauth check --preset NAME tests a tenant against one:")
	generic := false
	for _, p := range all {
		if p.Generic && !generic {
			generic = true
			fmt.Fprintln(w, "\nGeneric:")
		}
		fmt.Fprintf(w, "\n  %s  %s\n  %s  %s\n", pad(p.ID, width), p.Product, strings.Repeat(" ", width),
			wrapText(p.Summary, helpWidth-width-4, strings.Repeat(" ", width+4)))
	}
	fmt.Fprintln(w, "\nWhat one needs: mailoauth presets show NAME · its setup script: mailoauth setup-script --preset NAME …")
	return exitOK
}

// presetDetail is `presets show`: everything the product needs.
func presetDetail(p preset.Preset) string {
	var b strings.Builder
	row := func(label, text string) {
		if text != "" {
			fmt.Fprintf(&b, "  %-16s %s\n", label, wrapText(text, helpWidth-19, strings.Repeat(" ", 19)))
		}
	}
	heading := func(s string) { fmt.Fprintf(&b, "\n%s\n", s) }
	title := p.Product + " — preset " + p.ID
	if p.Vendor != "" {
		title += " (" + p.Vendor + ")"
	}
	fmt.Fprintf(&b, "%s\n%s\n", title, wrapText(p.Summary, helpWidth, ""))

	heading("What it uses")
	row("Sign-in flow", fmt.Sprintf("%s · --flow %s", p.Flow.Title(), p.Flow))
	row("Protocols", protocolList(p.Protocols))
	for _, alt := range p.Alternatives {
		row("  or", alt.Title+": "+alt.Note)
	}
	row("Credential", credentialText(p))
	row("Signs in", p.SignIn)
	if r := p.Redirect; r != nil {
		row("Redirect URI", r.Pattern+" ("+map[string]string{"web": "Web", "public": "Mobile and desktop"}[r.Platform]+" platform)")
		row("", r.Note)
	}
	if p.PublicClient {
		row("Public client", "\"Allow public client flows\" must be on")
	}
	if p.RefreshToken {
		row("Refresh token", "needed: offline_access, so the product renews its token without a person")
	}
	for _, m := range p.MailboxRights {
		who := "the account that signs in"
		if m.Grantee == preset.GranteeApp {
			who = "the app"
		}
		var rights []string
		for _, r := range m.Rights {
			rights = append(rights, map[string]string{preset.FullAccess: "Full Access", preset.SendAs: "Send As"}[r])
		}
		row("Mailbox rights", fmt.Sprintf("%s needs %s on %s", who, strings.Join(rights, " and "), m.On))
	}
	if p.SMTPAuth {
		row("SMTP AUTH", "must be enabled on the sending mailbox (Set-CASMailbox -SmtpClientAuthenticationDisabled $false)")
	}
	if p.GraphSendOnly() {
		row("Graph", "sends only: checked for Mail.Send, the mailbox is never read (--graph-send-only)")
	}
	if r := p.RBAC; r != nil {
		text := "Exchange RBAC for Applications role \"" + r.Role + "\""
		if r.Recommended {
			text += " (recommended)"
		}
		row("RBAC", text+": "+r.Note)
	}

	heading("API permissions")
	perms := func(optional bool) {
		for _, perm := range p.Permissions {
			if perm.Optional != optional {
				continue
			}
			line := fmt.Sprintf("%s, %s: %s", perm.API.Title(), perm.Kind, perm.Value)
			if len(perm.Protocols) > 0 {
				line += " (" + protocolList(perm.Protocols) + " only)"
			}
			if perm.Why != "" {
				line += " — " + perm.Why
			}
			fmt.Fprintf(&b, "  %s\n", wrapText(line, helpWidth-4, "    "))
		}
	}
	perms(false)
	if slices.ContainsFunc(p.Permissions, func(x preset.Permission) bool { return x.Optional }) {
		b.WriteString("  Listed by the vendor, not needed by the protocols (setup-script --vendor-optional adds them):\n")
		perms(true)
	}

	heading("What mailoauth check --preset " + p.ID + " tests")
	for _, r := range preset.Evaluate(p, preset.Outcome{}) {
		fmt.Fprintf(&b, "  - %s\n", wrapText(r.Text, helpWidth-6, "    "))
	}
	for _, group := range []struct {
		title string
		notes []preset.Note
	}{{"Notes", p.Notes}, {"Limits", p.Limits}} {
		if len(group.notes) == 0 {
			continue
		}
		heading(group.title)
		for _, n := range group.notes {
			fmt.Fprintf(&b, "  %s\n", wrapText(n.Title+": "+n.Text, helpWidth-4, "    "))
		}
	}
	if len(p.Docs) > 0 || p.DocsNote != "" {
		heading("Vendor documentation")
		for _, l := range p.Docs {
			fmt.Fprintf(&b, "  %s\n    %s\n", l.Title, l.URL)
		}
		if p.DocsNote != "" {
			fmt.Fprintf(&b, "  %s\n", wrapText(p.DocsNote, helpWidth-4, "  "))
		}
	}
	if p.Unverified != "" {
		fmt.Fprintf(&b, "  Not confirmed: %s\n", wrapText(p.Unverified, helpWidth-18, "    "))
	}
	heading("Next")
	redirect := ""
	if p.Redirect != nil && p.Flow == profile.AuthCode {
		redirect = " --redirect-uri …"
	}
	fmt.Fprintf(&b, "  Test a tenant:  mailoauth check --preset %s --tenant … --client-id … --mailbox …%s --secret-env VAR\n", p.ID, redirect)
	fmt.Fprintf(&b, "  Set it up:      mailoauth setup-script --preset %s --tenant … --mailbox … --out setup-%s.ps1\n", p.ID, p.ID)
	return b.String()
}

func credentialText(p preset.Preset) string {
	switch p.Credential {
	case preset.Secret:
		s := "client secret (the product stores its Value)"
		if p.SecretMaxMonths > 0 {
			s += fmt.Sprintf(", at most %d months", p.SecretMaxMonths)
		}
		return s
	case preset.Certificate:
		return "certificate with its private key"
	case preset.NoCredential:
		return "none (public client)"
	case preset.AppPassword:
		return "an app password (no OAuth)"
	}
	return string(p.Credential)
}

func protocolList(ps []profile.Protocol) string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Title())
	}
	return strings.Join(out, ", ")
}
