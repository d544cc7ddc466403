package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

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

func (a *app) newExplain() *cobra.Command {
	var jsonOut bool
	var f diagnose.Facts
	c := &cobra.Command{
		Use:   "explain [flags] [TEXT]",
		Short: "Explain an error message copied from anywhere (reads standard input without TEXT)",
		Long: `Explain an error message from Entra ID, MSAL (Go, .NET, Node, Python, Java), the browser sign-in
page, an IMAP/POP3/SMTP server as MailKit, nodemailer or imaplib print it, Microsoft Graph, or the
network, and print the diagnosis: cause, numbered fix steps, links and PowerShell. Without TEXT it
reads standard input. Everything after the first word of TEXT is text, flags included.`,
		Example: `  mailoauth explain "AADSTS7000215: Invalid client secret provided."
  pbpaste | mailoauth explain --client-id 396c2760-2fa5-4948-b9d5-9839a7440836
  mailoauth explain --json < error.txt`,
		Annotations: map[string]string{"text-args": "true", "exit-codes": `  0  the cause is recognised
  1  not recognised (unknown; with Microsoft's lookup link when an AADSTS code is present)
  2  bad input (no text)
  130  interrupted`},
		Args: cobra.ArbitraryArgs,
		RunE: func(c *cobra.Command, args []string) error {
			a.code = a.explain(c.Context(), args, jsonOut, f)
			return nil
		},
	}
	fs := c.Flags()
	fs.SortFlags = false
	fs.SetInterspersed(false)
	fs.BoolVar(&jsonOut, "json", false, "print the diagnosis as JSON")
	inGroup(fs, groupOutput, "json")
	fs.StringVar(&f.Tenant, "tenant", "", "tenant `ID` or domain, to fill links and PowerShell")
	fs.StringVar(&f.ClientID, "client-id", "", "application (client) `ID`, to fill links and PowerShell")
	fs.StringVar(&f.Mailbox, "mailbox", "", "mailbox `ADDRESS`, to fill PowerShell")
	fs.StringVar(&f.Protocol, "protocol", "", "`PROTOCOL` when the text does not say: imap, pop, smtp or graph")
	inGroup(fs, groupIdentity, "tenant", "client-id", "mailbox", "protocol")
	complete(c, map[string]cobra.CompletionFunc{"protocol": fixed("imap", "pop", "smtp", "graph"), "tenant": noFiles, "client-id": noFiles, "mailbox": noFiles})
	return c
}

func (a *app) explain(ctx context.Context, args []string, jsonOut bool, f diagnose.Facts) int {
	st := a.st
	text := strings.Join(args, " ")
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
	if jsonOut {
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
		enc := json.NewEncoder(st.out)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		enc.Encode(out)
	} else {
		fmt.Fprint(st.out, report.DiagnosisText(&d, "", report.NewRedactor(report.Options{})))
	}
	if d.ID == diagnose.Unknown {
		return exitFailed
	}
	return exitOK
}
