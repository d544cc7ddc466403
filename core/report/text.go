package report

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mailoauth/mailoauth-tester/core/diagnose"
	"github.com/mailoauth/mailoauth-tester/core/engine"
)

// Symbol is a step status as one character: ✓ ✗ ! – or ….
func Symbol(s engine.Status) string {
	switch s {
	case engine.OK:
		return "✓"
	case engine.Fail:
		return "✗"
	case engine.Warn:
		return "!"
	case engine.Skipped:
		return "–"
	case engine.Running:
		return "…"
	}
	return "·"
}

// Duration formats a step duration compactly: "0.4 ms", "123 ms", "1.2 s".
func Duration(d time.Duration) string {
	switch {
	case d <= 0:
		return "–"
	case d < 10*time.Millisecond:
		return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000)
	case d < 10*time.Second:
		return fmt.Sprintf("%d ms", d.Milliseconds())
	}
	return fmt.Sprintf("%.1f s", d.Seconds())
}

// DiagnosisText renders a diagnosis as indented plain text (for the CLI and
// the clipboard): title and ID, cause, numbered fix steps, PowerShell,
// links.
func DiagnosisText(d *diagnose.Diagnosis, indent string, rd *Redactor) string {
	if d == nil {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s→ %s  [%s]\n", indent, rd.Redact(d.Title), rd.Redact(d.ID))
	if d.Cause != "" {
		fmt.Fprintf(&b, "%s  %s\n", indent, wrap(rd.Redact(d.Cause), 96, indent+"  "))
	}
	if len(d.Fix) > 0 {
		fmt.Fprintf(&b, "%s  Fix:\n", indent)
		for i, f := range d.Fix {
			fmt.Fprintf(&b, "%s    %d. %s\n", indent, i+1, wrap(rd.Redact(f), 92, indent+"       "))
		}
	}
	if d.Script != "" {
		fmt.Fprintf(&b, "%s  PowerShell:\n", indent)
		for _, l := range strings.Split(rd.Redact(d.Script), "\n") {
			fmt.Fprintf(&b, "%s    %s\n", indent, l)
		}
	}
	for _, l := range d.Links {
		fmt.Fprintf(&b, "%s  %s: %s\n", indent, rd.Redact(l.Title), rd.Redact(l.URL))
	}
	return b.String()
}

// wrap breaks s into lines of at most width runes, continuing with prefix.
func wrap(s string, width int, prefix string) string {
	words := strings.Fields(s)
	var b strings.Builder
	n := 0
	for i, w := range words {
		if i > 0 {
			if n+1+len([]rune(w)) > width {
				b.WriteString("\n" + prefix)
				n = 0
			} else {
				b.WriteByte(' ')
				n++
			}
		}
		b.WriteString(w)
		n += len([]rune(w))
	}
	return b.String()
}

// Text renders a finished run as plain text.
func Text(res *engine.Result, o Options) string {
	rd := forResult(res, o)
	var b strings.Builder
	fmt.Fprintf(&b, "Mail OAuth Tester — %s\n", rd.Redact(res.Verdict))
	in := res.Input
	if res.Mode == "check" {
		fmt.Fprintf(&b, "Tenant %s · client %s · mailbox %s · %s · %s\n", rd.Redact(in.Tenant), rd.Redact(in.ClientID), rd.Redact(in.Mailbox), rd.Redact(in.Flow), rd.Redact(in.Credential))
	}
	fmt.Fprintf(&b, "Started %s · took %s\n\n", res.Started.Format("2006-01-02 15:04:05 MST"), Duration(res.Duration))
	var titles []string
	for _, s := range res.Steps {
		titles = append(titles, rd.Redact(s.Title))
	}
	tw := Width(titles...)
	for i, s := range res.Steps {
		fmt.Fprintf(&b, "%s %s %8s  %s\n", Symbol(s.Status), Pad(titles[i], tw), Duration(s.Duration), rd.Redact(s.Detail))
		for _, m := range s.Messages {
			fmt.Fprintf(&b, "%s%s\n", strings.Repeat(" ", tw+13), rd.Redact(m))
		}
		b.WriteString(DiagnosisText(s.Diagnosis, "    ", rd))
		if o.Transcripts && len(s.Transcript) > 0 {
			for _, l := range s.Transcript {
				fmt.Fprintf(&b, "      %s\n", rd.Redact(l.String()))
			}
		}
	}
	if s := PresetText(res, rd); s != "" {
		b.WriteString("\n" + s)
	}
	b.WriteString("\n" + contextLine(toolOf(o), contextOf(res, rd)) + "\n")
	return b.String()
}

// Width is the widest of the texts in columns (runes), at least 8, so
// that columns of step titles line up whatever the titles are.
func Width(texts ...string) int {
	w := 8
	for _, t := range texts {
		w = max(w, utf8.RuneCountInString(t))
	}
	return w
}

// Pad fills s with spaces to width columns.
func Pad(s string, width int) string {
	if n := utf8.RuneCountInString(s); n < width {
		return s + strings.Repeat(" ", width-n)
	}
	return s
}
