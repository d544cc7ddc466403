package report

import (
	"fmt"
	"strings"

	"github.com/mailoauth/mailoauth-tester/core/engine"
)

// State is a monitoring plugin's verdict: its exit code and word.
type State struct {
	Code int    // 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN
	Word string // "OK", "WARNING", "CRITICAL", "UNKNOWN"
}

// NagiosState is the plugin state of a run: CRITICAL when a check failed,
// WARNING when one warned, UNKNOWN when the run was interrupted (it says
// nothing about the service), else OK.
func NagiosState(res *engine.Result) State {
	switch {
	case res.Cancelled:
		return State{3, "UNKNOWN"}
	case !res.OK:
		return State{2, "CRITICAL"}
	}
	for _, s := range res.Steps {
		if s.Status == engine.Warn {
			return State{1, "WARNING"}
		}
	}
	return State{0, "OK"}
}

// Nagios renders a run as monitoring-plugin output (Nagios, Icinga,
// Naemon, Checkmk): a status line with performance data — the run's and
// each step's time in seconds ("U" for a step that did not run) — then
// one line per step. It is ASCII, and no text holds a "|" (which would
// start performance data).
func Nagios(res *engine.Result, o Options) string {
	rd := forResult(res, o)
	st := NagiosState(res)
	clean := func(s string) string {
		return strings.NewReplacer("|", "/", "\r", " ", "\n", " ").Replace(asciiLine(rd.Redact(s)))
	}
	perf := []string{fmt.Sprintf("total=%.6fs;;;0", res.Duration.Seconds())}
	for _, s := range res.Steps {
		v := "U"
		if s.Status != engine.Skipped || s.Duration > 0 {
			v = fmt.Sprintf("%.6fs", s.Duration.Seconds())
		}
		perf = append(perf, fmt.Sprintf("%s=%s;;;0", perfLabel(s.Name), v))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "MAILOAUTH %s - %s | %s\n", st.Word, clean(res.Verdict), strings.Join(perf, " "))
	for _, s := range res.Steps {
		word := map[engine.Status]string{engine.OK: "OK", engine.Warn: "WARN", engine.Fail: "FAIL", engine.Skipped: "SKIP"}[s.Status]
		line := fmt.Sprintf("[%s] %s (%s): %s", word, clean(s.Title), clean(Duration(s.Duration)), clean(s.Detail))
		if d := s.Diagnosis; d != nil && (s.Status == engine.Fail || s.Status == engine.Warn) {
			line += fmt.Sprintf(" -- %s [%s]", clean(d.Title), clean(d.ID))
		}
		b.WriteString(line + "\n")
	}
	return b.String()
}

// perfLabel quotes a performance-data label when it needs it.
func perfLabel(s string) string {
	s = asciiLine(s)
	if strings.ContainsAny(s, " '=") {
		return "'" + strings.ReplaceAll(s, "'", "''") + "'"
	}
	return s
}

// asciiLine replaces the typographic characters the reports use with
// ASCII and anything else outside ASCII with "?".
func asciiLine(s string) string {
	s = strings.NewReplacer("—", "-", "–", "-", "…", "...", "·", "-", "→", "->", "•", "*", "’", "'", "‘", "'", "“", `"`, "”", `"`, "\u00a0", " ").Replace(s)
	return strings.Map(func(r rune) rune {
		if r >= 0x80 {
			return '?'
		}
		return r
	}, s)
}
