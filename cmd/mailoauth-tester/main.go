// Command mailoauth-tester is the desktop window of Mail OAuth Tester: it
// proves whether a Microsoft 365 mailbox works with an Entra ID app
// registration over IMAP, POP3, SMTP and Graph, and explains every failure.
//
//	mailoauth-tester [--demo SCENARIO] [--list-scenarios] [--version]
//
// main only wires: the window lives in package ui, the checks in core, and
// the demo's simulated tenant in core/demo.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"

	"fyne.io/fyne/v2/app"

	_ "github.com/mailoauth/mailoauth-tester/cmd/mailoauth-tester/internal/envlocale" // before Fyne reads the locale
	"github.com/mailoauth/mailoauth-tester/core/crashlog"
	"github.com/mailoauth/mailoauth-tester/core/demo"
	"github.com/mailoauth/mailoauth-tester/core/keyring"
	"github.com/mailoauth/mailoauth-tester/core/preset"
	"github.com/mailoauth/mailoauth-tester/core/profile"
	"github.com/mailoauth/mailoauth-tester/core/store"
	"github.com/mailoauth/mailoauth-tester/core/version"
	"github.com/mailoauth/mailoauth-tester/resources"
	"github.com/mailoauth/mailoauth-tester/ui"
)

// appID keys the preferences; it matches FyneApp.toml.
const appID = "dev.mailoauth.tester"

// memoryLimit is the Go heap the window aims to stay under: the garbage
// collector works harder near it and hands freed memory back to the
// system, instead of letting the heap double before collecting (GOGC).
// A run needs a few MB; the widgets of the last minute are kept by Fyne.
const memoryLimit = 64 << 20

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if printsOnly(args) && attachParentConsole() {
		stdout, stderr = os.Stdout, os.Stderr
	}
	fs := flag.NewFlagSet("mailoauth-tester", flag.ContinueOnError)
	demoName := fs.String("demo", "", "start a simulated tenant with this `scenario` and fill the form from it (see --list-scenarios)")
	list := fs.Bool("list-scenarios", false, "list the demo scenarios and exit")
	demoFlow := fs.String("demo-flow", "", "with --demo: show the scenario with this `flow` (client-credentials, interactive, device-code, auth-code, password, app-password)")
	manual := fs.Bool("demo-manual", false, "with --demo: the simulated person does nothing (the device code and browser prompts wait for you)")
	presetName := fs.String("preset", "", "choose this product `preset` in \"Set up for…\" and fill the form for it (mailoauth presets lists them)")
	shot := fs.String("screenshot", "", "after each run, save the window's screenshot (as File → Save screenshot does) to this PNG `file`")
	showVersion := fs.Bool("version", false, "print the version and exit")
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			usage(stdout, fs)
			return 0
		}
		if !printsOnly(args) && attachParentConsole() {
			stderr = os.Stderr
		}
		fmt.Fprintf(stderr, "mailoauth-tester: %v\nRun 'mailoauth-tester --help' for the options.\n", err)
		return 2
	}
	if *showVersion {
		fmt.Fprintln(stdout, "mailoauth-tester", version.Get())
		return 0
	}
	if *list {
		for _, s := range demo.Scenarios() {
			fmt.Fprintf(stdout, "%-28s %s\n", s.Name, s.Title)
		}
		return 0
	}
	if _, ok := demo.Lookup(*demoName); *demoName != "" && !ok {
		fmt.Fprintf(stderr, "mailoauth-tester: unknown demo scenario %q (see --list-scenarios)\n", *demoName)
		return 2
	}
	if *presetName != "" {
		if _, err := preset.Find(*presetName); err != nil {
			fmt.Fprintf(stderr, "mailoauth-tester: --preset: %v\n", err)
			return 2
		}
	}

	// From here on a crash leaves a log in the user's cache folder that the
	// next start offers to open (a crash prints no secret: see core/crashlog).
	var crashes []ui.CrashLog
	var crashSeen func()
	if store, err := crashlog.DefaultStore(); err == nil {
		if rec, err := store.Start("mailoauth-tester"); err == nil {
			defer rec.Close()
		} else {
			fmt.Fprintln(stderr, "mailoauth-tester:", err)
		}
		if pending, err := store.Pending(); err == nil && len(pending) > 0 {
			for _, l := range pending {
				crashes = append(crashes, ui.CrashLog{Path: l.Path, Started: l.Started, Summary: l.Summary})
			}
			crashSeen = func() { _ = store.MarkSeen(pending...) }
		}
	}

	debug.SetMemoryLimit(memoryLimit)
	a := app.NewWithID(appID)
	a.Settings().SetTheme(ui.Theme())
	a.SetIcon(resources.Icon)
	w := a.NewWindow(ui.AppTitle)
	w.SetIcon(resources.Icon)
	start := func(name string) (ui.Demo, error) {
		flow := ""
		if name == *demoName {
			flow = *demoFlow
		}
		t, err := demo.Start(name, profile.Flow(flow))
		if err != nil {
			return nil, err
		}
		if *manual {
			return manualDemo{t}, nil
		}
		return t, nil
	}
	var u *ui.UI
	opts := ui.Options{Demos: demoScenarios(), StartDemo: start, CrashLogs: crashes, CrashLogsSeen: crashSeen,
		Keyring: keyring.System(), Preset: *presetName}
	// Saved profiles live in the user's configuration folder, shared with
	// the mailoauth CLI; without one the window has no profile picker.
	if dir, err := store.DefaultDir(); err == nil {
		opts.Profiles = store.Open(dir)
	} else {
		fmt.Fprintln(stderr, "mailoauth-tester:", err)
	}
	if *shot != "" {
		opts.OnRunEnd = func() {
			if err := u.WriteScreenshot(*shot); err != nil {
				fmt.Fprintln(stderr, "mailoauth-tester:", err)
			}
		}
	}
	u = ui.New(a, w, opts)
	w.Resize(ui.WindowSize(a))
	w.SetCloseIntercept(func() {
		u.SaveWindowSize()
		u.Close()
		w.Close()
	})
	if *demoName != "" {
		u.StartDemo(*demoName)
	}
	w.ShowAndRun()
	u.Close()
	return 0
}

// usage prints the help in GNU style (--long options) on stdout.
func usage(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprint(w, `Mail OAuth Tester — does this Microsoft 365 mailbox really work with this Entra ID app registration?

Usage:
  mailoauth-tester [options]

Starts the window. The command line is 'mailoauth' (see 'mailoauth --help').

Options:
`)
	fs.VisitAll(func(f *flag.Flag) {
		name, help := flag.UnquoteUsage(f)
		left := "--" + f.Name
		if name != "" {
			left += " " + strings.ToUpper(name)
		}
		fmt.Fprintf(w, "  %-26s %s\n", left, help)
	})
	fmt.Fprint(w, `
Examples:
  mailoauth-tester --demo smtp-auth-disabled      show a misconfiguration against the built-in simulated tenant
  mailoauth-tester --preset cisco-ece             start set up for Cisco ECE (flow, protocols and what it needs)
  mailoauth-tester --list-scenarios               list the demo scenarios
`)
}

// printsOnly reports whether the arguments ask for text and no window
// (--help, --version, --list-scenarios): then the output must reach the
// console the program was started from.
func printsOnly(args []string) bool {
	for _, a := range args {
		switch strings.TrimLeft(a, "-") {
		case "h", "help", "version", "list-scenarios":
			return true
		}
	}
	return false
}

// demoScenarios are the Demo menu's entries.
func demoScenarios() []ui.DemoScenario {
	var out []ui.DemoScenario
	for _, s := range demo.Scenarios() {
		out = append(out, ui.DemoScenario{Name: s.Name, Title: s.Title, Flow: s.Flow})
	}
	return out
}

// manualDemo is a demo whose simulated person does nothing: the sign-in
// prompts wait for the real user (or for a screenshot to be taken).
type manualDemo struct{ *demo.Tenant }

func (manualDemo) Browse(context.Context, string) string { return "" }
func (manualDemo) ApproveDevice(string, string) error    { return nil }
