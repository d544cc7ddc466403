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
	verbose bool
	rd      *report.Redactor
	titles  map[string]string
}

func newPrinter(w io.Writer, verbose bool, job *engine.Job) *printer {
	return &printer{w: w, verbose: verbose, rd: report.NewRedactor(report.Options{Scrubber: job.Scrubber()}), titles: map[string]string{}}
}

func (p *printer) event(e engine.Event) {
	switch e.Kind {
	case engine.RunStart:
		for _, s := range e.Steps {
			p.titles[s.Name] = s.Title
		}
		fmt.Fprintln(p.w, p.rd.Redact(e.Text))
	case engine.Log:
		if p.verbose || e.Level == engine.Warns {
			line := e.Text
			if e.Detail != "" {
				line += "  " + e.Detail
			}
			fmt.Fprintf(p.w, "    %-7s %s\n", "["+e.Step+"]", p.rd.Redact(line))
		}
	case engine.Transcript:
		if p.verbose {
			fmt.Fprintf(p.w, "    %-7s %s\n", "["+e.Step+"]", p.rd.Redact(e.Text))
		}
	case engine.StepEnd:
		fmt.Fprintf(p.w, "  %s %-8s %8s  %s\n", report.Symbol(e.Status), p.titles[e.Step], report.Duration(e.Duration), p.rd.Redact(e.Text))
		if e.Status == engine.Fail || e.Status == engine.Warn {
			fmt.Fprint(p.w, report.DiagnosisText(e.Diagnosis, "      ", p.rd))
		}
	case engine.RunEnd:
		fmt.Fprintln(p.w, strings.Repeat("─", 60))
		fmt.Fprintln(p.w, p.rd.Redact(e.Text))
	}
}
