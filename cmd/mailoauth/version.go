package main

import (
	"encoding/json"
	"fmt"
	"io"
	"runtime/debug"

	"github.com/spf13/cobra"

	"github.com/mailoauth/mailoauth-tester/core/version"
)

// mainPackage is this command's import path, for `go install` (the build
// information says it too, when there is any).
const mainPackage = "github.com/mailoauth/mailoauth-tester/cmd/mailoauth"

// versionJSON is `mailoauth version --json`. Field names are a public
// interface.
type versionJSON struct {
	version.Info
	Package string `json:"package"`
}

func (a *app) newVersion() *cobra.Command {
	var jsonOut bool
	c := &cobra.Command{
		Use:   "version",
		Short: "Print the version, commit and build date",
		Long:  "Print the version of mailoauth, the commit it was built from, the build date and the Go version.",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			a.printVersion(c.OutOrStdout(), jsonOut)
			return nil
		},
	}
	c.Flags().BoolVar(&jsonOut, "json", false, "print the version as JSON")
	inGroup(c.Flags(), groupOutput, "json")
	return c
}

// printVersion writes "mailoauth 1.2.3 (commit …, date, go1.27.3)" and the
// package path, or the same as JSON.
func (a *app) printVersion(w io.Writer, asJSON bool) {
	pkg := mainPackage
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Path != "" && bi.Path != "command-line-arguments" {
		pkg = bi.Path
	}
	v := version.Get()
	if asJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.Encode(versionJSON{Info: v, Package: pkg})
		return
	}
	fmt.Fprintf(w, "mailoauth %s\n%s\n", v.String(), pkg)
}
