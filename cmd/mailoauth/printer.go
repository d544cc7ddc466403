package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/mailoauth/mailoauth-tester/core/engine"
	"github.com/mailoauth/mailoauth-tester/core/report"
)

// printer writes events as lines: one per step as it ends, with the
// diagnosis of failures and warnings; with verbose, timings and masked
// transcripts too.
type printer struct {
	w       io.Writer
	prompts io.Writer // where prompts for the user go (stderr)
	verbose bool
	rd      *report.Redactor
	sty     style
	titles  map[string]string
	width   int // of the title column: the longest planned step title
	// tagWidth is the width of the [step] column of verbose lines.
	tagWidth int
}

// tag is a verbose line's step column, e.g. "[imap]  ".
func (p *printer) tag(step string) string { return report.Pad("["+step+"]", p.tagWidth) }

func newPrinter(w io.Writer, verbose bool, o report.Options, sty style) *printer {
	return &printer{w: w, verbose: verbose, rd: report.NewRedactor(o), sty: sty, titles: map[string]string{}, width: report.Width()}
}

// promptsOnly is the printer for --json runs: only what the user must act
// on is printed (on stderr), so stdout stays one JSON document.
func (p *printer) promptsOnly(e engine.Event) {
	if e.Kind == engine.PromptEvent {
		p.event(e)
	}
}

func (p *printer) event(e engine.Event) {
	switch e.Kind {
	case engine.PromptEvent:
		p.prompt(e.Prompt)
	case engine.RunStart:
		for _, s := range e.Steps {
			p.titles[s.Name] = p.rd.Redact(s.Title)
			p.width = max(p.width, report.Width(p.titles[s.Name]))
			p.tagWidth = max(p.tagWidth, len(s.Name)+2)
		}
		fmt.Fprintln(p.w, p.rd.Redact(e.Text))
	case engine.Log:
		if p.verbose || e.Level == engine.Warns {
			line := e.Text
			if e.Detail != "" {
				line += "  " + e.Detail
			}
			fmt.Fprintf(p.w, "    %s %s\n", p.tag(e.Step), p.rd.Redact(line))
		}
	case engine.Transcript:
		if p.verbose {
			fmt.Fprintf(p.w, "    %s %s\n", p.tag(e.Step), p.rd.Redact(e.Text))
		}
	case engine.StepEnd:
		fmt.Fprintf(p.w, "  %s %s %8s  %s\n", p.sty.symbol(e.Status), report.Pad(p.titles[e.Step], p.width), report.Duration(e.Duration), p.rd.Redact(e.Text))
		if e.Status == engine.Fail || e.Status == engine.Warn {
			fmt.Fprint(p.w, report.DiagnosisText(e.Diagnosis, "      ", p.rd))
		}
	case engine.RunEnd:
		fmt.Fprintln(p.w, strings.Repeat("─", 60))
		fmt.Fprintln(p.w, p.sty.paint(sgrBold+verdictColour(e.Result), p.rd.Redact(e.Text)))
		if rows := report.PresetText(e.Result, p.rd); rows != "" {
			fmt.Fprint(p.w, "\n"+rows)
		}
	}
}

// verdictColour is the colour of a run's verdict.
func verdictColour(res *engine.Result) string {
	switch {
	case res == nil || !res.OK:
		return sgrRed
	case warned(res):
		return sgrYellow
	}
	return sgrGreen
}

// prompt shows what the user must do to go on, on stderr, prominently.
func (p *printer) prompt(pr *engine.Prompt) {
	if pr == nil || p.prompts == nil {
		return
	}
	switch pr.Kind {
	case engine.PromptDeviceCode:
		lines := []string{"To sign in, open " + pr.URL, "and enter the code:   " + pr.Code}
		if !pr.Expires.IsZero() {
			lines = append(lines, fmt.Sprintf("(the code expires at %s)", pr.Expires.Local().Format("15:04:05")))
		}
		width := 0
		for _, l := range lines {
			width = max(width, len([]rune(l)))
		}
		fmt.Fprintf(p.prompts, "\n  ┌%s┐\n", strings.Repeat("─", width+2))
		for _, l := range lines {
			fmt.Fprintf(p.prompts, "  │ %s%s │\n", l, strings.Repeat(" ", width-len([]rune(l))))
		}
		fmt.Fprintf(p.prompts, "  └%s┘\n\n", strings.Repeat("─", width+2))
	case engine.PromptBrowser:
		fmt.Fprintf(p.prompts, "Sign in in the browser window that just opened. If none opened, open:\n  %s\n", pr.URL)
	}
}
