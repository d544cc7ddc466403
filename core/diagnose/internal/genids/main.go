// Command genids writes core/diagnose/ids.go from docs/diagnoses.md:
//
//	cd core/diagnose && go generate
package main

import (
	"fmt"
	"os"

	"github.com/mailoauth/mailoauth-tester/core/diagnose/internal/idlist"
)

func main() {
	if err := run("../../docs/diagnoses.md", "ids.go"); err != nil {
		fmt.Fprintln(os.Stderr, "genids:", err)
		os.Exit(1)
	}
}

func run(in, out string) error {
	f, err := os.Open(in)
	if err != nil {
		return err
	}
	defer f.Close()
	entries, err := idlist.Parse(f)
	if err != nil {
		return err
	}
	src, err := idlist.Source(entries)
	if err != nil {
		return err
	}
	return os.WriteFile(out, src, 0o644)
}
