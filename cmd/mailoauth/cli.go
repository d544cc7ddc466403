package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/mailoauth/mailoauth-tester/core/engine"
)

// diagnosesURL is the list of diagnosis IDs (docs/diagnoses.md).
const diagnosesURL = "https://github.com/mailoauth/mailoauth-tester/blob/main/docs/diagnoses.md"

// schemaURL is the JSON Schema of `check --output json`.
const schemaURL = "https://github.com/mailoauth/mailoauth-tester/blob/main/docs/schema/check-result.v1.json"

// Flag groups, in the order help shows them. Later flags join a group:
// --mailboxes and --profile go to Identity, --preset to Sign-in,
// --cert-thumbprint and --secret-file to Credentials, --proxy and
// --mail-proxy to Network, --parallel and --watch to Run, --fix-script to
// Output.
const (
	groupIdentity    = "Identity"
	groupSignIn      = "Sign-in"
	groupCredentials = "Credentials"
	groupProtocols   = "Protocols"
	groupEndpoints   = "Endpoints"
	groupNetwork     = "Network"
	groupRun         = "Run"
	groupOutput      = "Output"
	groupSimulation  = "Simulation"
	groupGlobal      = "Global"
)

// groupOrder is the order of the groups in help; a group without flags is
// not shown.
var groupOrder = []string{groupIdentity, groupSignIn, groupCredentials, groupProtocols, groupEndpoints, groupNetwork,
	groupSimulation, groupRun, groupOutput}

// groupKey is the pflag annotation that puts a flag in a group.
const groupKey = "mailoauth_group"

// inGroup puts the named flags of fs in group.
func inGroup(fs *pflag.FlagSet, group string, names ...string) {
	for _, n := range names {
		if err := fs.SetAnnotation(n, groupKey, []string{group}); err != nil {
			panic("inGroup: " + err.Error()) // a flag name typed wrong: a bug
		}
	}
}

// app is one invocation of the command: its streams, global options and
// exit code.
type app struct {
	st      *streams
	code    int
	noColor bool
	ascii   bool
	root    *cobra.Command
	// result is the finished run of check, nil before (or without) one.
	result *engine.Result
	// rawArgs are the arguments as given, for decisions made before the
	// flags are parsed (a usage error under --output nagios).
	rawArgs []string
}

// run runs the command line args and returns the exit code.
func run(ctx context.Context, args []string, st *streams) int {
	a := &app{st: st, rawArgs: args}
	a.styleStreams()
	a.root = a.newRoot()
	args = normalizeArgs(a.root, args)
	if args == nil {
		args = []string{} // cobra reads os.Args for a nil slice
	}
	a.root.SetArgs(args)
	a.root.SetIn(st.in)
	a.root.SetOut(st.out)
	a.root.SetErr(st.err)
	cmd, err := a.root.ExecuteContextC(ctx)
	if err != nil {
		return a.usageError(cmd, err)
	}
	return a.code
}

// styleStreams spells stdout and stderr in ASCII when asked (--ascii) or
// when they are a console that cannot show UTF-8.
func (a *app) styleStreams() {
	st := a.st
	outASCII, errASCII := !st.unicodeOK(st.outTTY), !st.unicodeOK(st.errTTY)
	st.out = &asciiWriter{w: st.out, on: func() bool { return a.ascii || outASCII }}
	st.err = &asciiWriter{w: st.err, on: func() bool { return a.ascii || errASCII }}
}

// style is how the run's lines on stdout are drawn.
func (a *app) style() style {
	st := a.st
	return style{
		colour: st.colourTTY && !a.noColor && st.getenv("NO_COLOR") == "" && st.getenv("TERM") != "dumb",
		ascii:  a.ascii || !st.unicodeOK(st.outTTY),
	}
}

func (a *app) newRoot() *cobra.Command {
	var showVersion bool
	root := &cobra.Command{
		Use:   "mailoauth",
		Short: "Test a Microsoft 365 mailbox with an Entra ID app registration",
		Long: `mailoauth tests whether a Microsoft 365 mailbox really works with an Entra ID app registration:
it signs in through MSAL, checks the token's claims, logs in over IMAP, POP3 and SMTP and reads the
mailbox through Microsoft Graph, and explains every failure with its cause and numbered fix steps.`,
		Example: `  # Test a mailbox with an app's client secret (taken from a variable, never from the command line)
  export MAILOAUTH_SECRET='…'
  mailoauth check --tenant contoso.onmicrosoft.com --client-id 396c2760-… --mailbox support@contoso.com --secret-env MAILOAUTH_SECRET

  # Can this computer reach Microsoft 365 at all? (no credentials needed)
  mailoauth check

  # Explain an error message copied from another product
  pbpaste | mailoauth explain

  # Try everything offline against a simulated tenant
  mailoauth simulate --scenario smtp-auth-disabled`,
		SilenceErrors:     true,
		SilenceUsage:      true,
		CompletionOptions: cobra.CompletionOptions{HiddenDefaultCmd: false},
		Args:              cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if showVersion {
				a.printVersion(c.OutOrStdout(), false)
				return nil
			}
			return c.Help()
		},
	}
	root.Flags().BoolVar(&showVersion, "version", false, "print the version and exit")
	root.PersistentFlags().BoolP("help", "h", false, "show help for a command")
	root.PersistentFlags().BoolVar(&a.noColor, "no-color", false, "no colours (also when NO_COLOR is set, or output is not a terminal)")
	root.PersistentFlags().BoolVar(&a.ascii, "ascii", false, "ASCII only (automatic where the console cannot show UTF-8)")
	root.SetHelpFunc(a.help)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return err })
	root.SetHelpCommand(a.newHelp())
	root.AddCommand(a.newCheck(), a.newExplain(), a.newSimulate(), a.newVersion(), a.newPresets(), a.newSetupScript())
	return root
}

// newHelp is `mailoauth help [command]`.
func (a *app) newHelp() *cobra.Command {
	return &cobra.Command{
		Use:   "help [command]",
		Short: "Show help for a command",
		ValidArgsFunction: func(c *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
			var names []string
			for _, sub := range c.Root().Commands() {
				if sub.IsAvailableCommand() && len(args) == 0 && strings.HasPrefix(sub.Name(), toComplete) {
					names = append(names, sub.Name()+"\t"+sub.Short)
				}
			}
			return names, cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(c *cobra.Command, args []string) error {
			target, rest, err := c.Root().Find(args)
			if err != nil || len(rest) > 0 {
				return fmt.Errorf("no help topic %s (the commands are listed by mailoauth help)", showArg(strings.Join(args, " ")))
			}
			target.InitDefaultHelpFlag()
			return target.Help()
		},
	}
}

// usageError reports a command line that cannot run: the message (with
// any value that may be a secret left out) and where help is. Nothing
// was sent over the network.
func (a *app) usageError(cmd *cobra.Command, err error) int {
	name := "mailoauth"
	if cmd != nil {
		name = cmd.CommandPath()
	}
	fmt.Fprintf(a.st.err, "mailoauth: %s\nRun '%s --help' for usage.\n", usageMessage(err), name)
	if wantsNagios(a.rawArgs) {
		fmt.Fprintf(a.st.out, "MAILOAUTH UNKNOWN - bad input: %s\n", nagiosText(usageMessage(err)))
		return nagiosUnknown
	}
	return exitUsage
}

// usageMessage words a command-line error without repeating a value or a
// flag name that may be a secret pasted in the wrong place.
func usageMessage(err error) string {
	var (
		notExist *pflag.NotExistError
		required *pflag.ValueRequiredError
		invalid  *pflag.InvalidValueError
		syntax   *pflag.InvalidSyntaxError
	)
	switch {
	case errors.As(err, &notExist):
		if n := notExist.GetSpecifiedName(); n != "" {
			return "flag provided but not defined: " + flagName(n)
		}
		return "flag provided but not defined: -" + notExist.GetSpecifiedShortnames()
	case errors.As(err, &required):
		return "flag needs an argument: --" + required.GetFlag().Name
	case errors.As(err, &invalid):
		v := invalid.GetValue()
		shown := strings.TrimSpace(v)
		if looksSecret(v) || shown == "" {
			shown = "(value not printed)"
		}
		cause := ""
		if c := errors.Unwrap(err); c != nil {
			cause = ": " + flagErrorLine(c.Error())
		}
		return fmt.Sprintf("invalid value %s for --%s%s", shown, invalid.GetFlag().Name, cause)
	case errors.As(err, &syntax):
		return "bad flag syntax: " + flagName(strings.TrimLeft(syntax.GetSpecifiedFlag(), "-"))
	}
	return flagErrorLine(err.Error())
}

// flagName shows an unknown flag's name, or says it looks like a secret.
func flagName(n string) string {
	if looksSecret(n) {
		return "(not printed: it looks like a secret value)"
	}
	return "--" + n
}

// normalizeArgs rewrites the single-dash long flags of earlier versions
// (-tenant X, -json) to the GNU form (--tenant X, --json), so scripts
// written for them keep working. Flag values are never touched, nor
// anything after "--", nor the words of `explain` after its text begins.
func normalizeArgs(root *cobra.Command, args []string) []string {
	if len(args) == 0 || strings.HasPrefix(args[0], "__complete") {
		return args
	}
	cmd := root
	if !strings.HasPrefix(args[0], "-") {
		if c, _, err := root.Find(args[:1]); err == nil && c != nil {
			cmd = c
		}
	}
	textFrom := cmd.Annotations["text-args"] == "true"
	lookup := func(name string, short bool) *pflag.Flag {
		for _, fs := range []*pflag.FlagSet{cmd.Flags(), cmd.InheritedFlags()} {
			if short {
				if f := fs.ShorthandLookup(name); f != nil {
					return f
				}
			} else if f := fs.Lookup(name); f != nil {
				return f
			}
		}
		return nil
	}
	out := make([]string, 0, len(args))
	for i := 0; i < len(args); i++ {
		arg := args[i]
		if arg == "--" || (textFrom && i > 0 && !strings.HasPrefix(arg, "-")) {
			return append(out, args[i:]...)
		}
		if !strings.HasPrefix(arg, "-") || arg == "-" {
			out = append(out, arg)
			continue
		}
		body := strings.TrimPrefix(strings.TrimPrefix(arg, "-"), "-")
		name, _, hasValue := strings.Cut(body, "=")
		short := !strings.HasPrefix(arg, "--") && len(name) == 1
		if !strings.HasPrefix(arg, "--") && len(name) > 1 {
			arg = "-" + arg
		}
		out = append(out, arg)
		if f := lookup(name, short); f != nil && !hasValue && f.NoOptDefVal == "" && i+1 < len(args) {
			out = append(out, args[i+1]) // the flag's value, whatever it looks like
			i++
		}
	}
	return out
}

// wantsNagios reports whether the command line asks for --output nagios
// (checked on the raw arguments, so that even a command line that does
// not parse answers in the plugin convention).
func wantsNagios(args []string) bool {
	for i, a := range args {
		a = strings.TrimLeft(a, "-")
		if a == "output=nagios" || (a == "output" && i+1 < len(args) && args[i+1] == "nagios") {
			return true
		}
	}
	return false
}

// fixed completes a flag from a fixed list of values.
func fixed(values ...string) cobra.CompletionFunc {
	return func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return values, cobra.ShellCompDirectiveNoFileComp
	}
}

// files completes a flag with file names of the given extensions.
func files(exts ...string) cobra.CompletionFunc {
	return func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return exts, cobra.ShellCompDirectiveFilterFileExt
	}
}

// noFiles completes a flag that takes a name, not a file.
func noFiles(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return nil, cobra.ShellCompDirectiveNoFileComp
}

// complete registers completion functions for flags of c.
func complete(c *cobra.Command, funcs map[string]cobra.CompletionFunc) {
	for name, f := range funcs {
		if err := c.RegisterFlagCompletionFunc(name, f); err != nil {
			panic("complete: " + err.Error()) // a flag name typed wrong: a bug
		}
	}
}
