// Command mailoauth-tester is the desktop window of Mail OAuth Tester: it
// proves whether a Microsoft 365 mailbox works with an Entra ID app
// registration over IMAP, POP3 and SMTP, and explains every failure.
//
//	mailoauth-tester [--demo SCENARIO] [--list-scenarios]
//
// main only wires: the window lives in package ui, the checks in core.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"

	"fyne.io/fyne/v2/app"

	"github.com/mailoauth/mailoauth-tester/core/simulate"
	"github.com/mailoauth/mailoauth-tester/resources"
	"github.com/mailoauth/mailoauth-tester/ui"
)

// appID keys the preferences; it matches FyneApp.toml.
const appID = "dev.mailoauth.tester"

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("mailoauth-tester", flag.ContinueOnError)
	fs.SetOutput(stderr)
	demo := fs.String("demo", "", "start a simulated tenant with this scenario and fill the form from it (see --list-scenarios)")
	list := fs.Bool("list-scenarios", false, "list the demo scenarios and exit")
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return 0
		}
		return 2
	}
	if *list {
		for _, s := range simulate.Scenarios() {
			fmt.Fprintf(stdout, "%-28s %s\n", s.Name, s.Title)
		}
		return 0
	}
	if *demo != "" && simulate.ScenarioTitle(*demo) == "" {
		fmt.Fprintf(stderr, "mailoauth-tester: unknown demo scenario %q (see --list-scenarios)\n", *demo)
		return 2
	}

	a := app.NewWithID(appID)
	a.SetIcon(resources.Icon)
	w := a.NewWindow(ui.AppTitle)
	w.SetIcon(resources.Icon)
	u := ui.New(a, w, ui.Options{})
	w.Resize(ui.WindowSize(a))
	w.SetCloseIntercept(func() {
		u.SaveWindowSize()
		u.Close()
		w.Close()
	})
	if *demo != "" {
		u.StartDemo(*demo)
	}
	w.ShowAndRun()
	u.Close()
	return 0
}
