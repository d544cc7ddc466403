package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"strings"

	"github.com/mailoauth/mailoauth-tester/core/diagnose"
	"github.com/mailoauth/mailoauth-tester/core/report"
	"github.com/mailoauth/mailoauth-tester/core/secret"
)

// maxExplainInput bounds what explain reads from standard input.
const maxExplainInput = 1 << 20

// explainJSON is the JSON form of explain. Field names are a public
// interface.
type explainJSON struct {
	ID     string          `json:"id"`
	Title  string          `json:"title"`
	Cause  string          `json:"cause"`
	Fix    []string        `json:"fix"`
	Links  []diagnose.Link `json:"links"`
	Codes  []string        `json:"codes"`
	Script string          `json:"script,omitempty"`
}

func runExplain(ctx context.Context, args []string, st *streams) int {
	fs := flag.NewFlagSet("mailoauth explain", flag.ContinueOnError)
	jsonOut := fs.Bool("json", false, "print the diagnosis as JSON")
	var f diagnose.Facts
	fs.StringVar(&f.Tenant, "tenant", "", "tenant ID or domain, to fill links and PowerShell")
	fs.StringVar(&f.ClientID, "client-id", "", "application (client) ID, to fill links and PowerShell")
	fs.StringVar(&f.Mailbox, "mailbox", "", "mailbox, to fill PowerShell")
	fs.StringVar(&f.Protocol, "protocol", "", "imap, pop, smtp or graph, when the text does not say")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), "Usage: mailoauth explain [flags] [TEXT]\n\nExplains an error message from Entra ID, MSAL, an IMAP/POP3/SMTP server, Microsoft Graph or the\nnetwork. Without TEXT it reads standard input. Exit 0 when the cause is recognised, 1 when not.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if code, ok := parseFlags(fs, args, st); !ok {
		return code
	}
	text := strings.Join(fs.Args(), " ")
	if text == "" {
		b, err := readAll(ctx, st, maxExplainInput, "the error text")
		if ctx.Err() != nil {
			return exitCancelled
		}
		if err != nil {
			fmt.Fprintf(st.err, "mailoauth: explain: cannot read standard input: %v\n", err)
			return exitUsage
		}
		text = string(b)
	}
	if strings.TrimSpace(text) == "" {
		fmt.Fprintln(st.err, "mailoauth: explain: no text — paste the error message as an argument or on standard input")
		return exitUsage
	}
	d := diagnose.Recognize(text, f)
	// A pasted log may hold a token or a secret field: mask by shape.
	d.Evidence = secret.ScrubShapes(d.Evidence)
	if *jsonOut {
		out := explainJSON{ID: d.ID, Title: d.Title, Cause: d.Cause, Fix: d.Fix, Links: d.Links, Codes: d.Codes, Script: d.Script}
		if out.Fix == nil {
			out.Fix = []string{}
		}
		if out.Links == nil {
			out.Links = []diagnose.Link{}
		}
		if out.Codes == nil {
			out.Codes = []string{}
		}
		b, _ := json.MarshalIndent(out, "", "  ")
		fmt.Fprintln(st.out, string(b))
	} else {
		fmt.Fprint(st.out, report.DiagnosisText(&d, "", report.NewRedactor(report.Options{})))
	}
	if d.ID == diagnose.Unknown {
		return exitFailed
	}
	return exitOK
}
