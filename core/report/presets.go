package report

import (
	"fmt"
	"html/template"
	"strings"

	"github.com/mailoauth/mailoauth-tester/core/engine"
	"github.com/mailoauth/mailoauth-tester/core/preset"
)

// JSONPreset is the product preset a run was set up for (--preset, the
// window's "Set up for…") and what the run showed of each thing that
// product needs from the tenant. The field names are a public interface.
type JSONPreset struct {
	ID      string `json:"id"`      // e.g. "cisco-ece"
	Product string `json:"product"` // e.g. "Cisco Enterprise Chat and Email (ECE)"
	// Heading is "What Cisco ECE needs ↔ what your tenant has".
	Heading string           `json:"heading"`
	Counts  JSONPresetCounts `json:"counts"`
	// Rows are the requirements: missing first, then likely missing, in
	// place and not tested, each group in the preset's order.
	Rows []JSONRequirement `json:"rows"`
}

// JSONPresetCounts counts the rows by what the run showed.
type JSONPresetCounts struct {
	Missing       int `json:"missing"`
	LikelyMissing int `json:"likely_missing"`
	Met           int `json:"met"`
	NotTested     int `json:"not_tested"`
}

// JSONRequirement is one thing the product needs and what the run showed.
type JSONRequirement struct {
	Requirement string `json:"requirement"` // stable ID, e.g. "delegate-send-as"
	Text        string `json:"text"`        // what the product needs, with the run's mailbox and user
	State       string `json:"state"`       // met, unmet, not-tested
	Mark        string `json:"mark"`        // ✓, ✗ or – (! for likely missing)
	// LikelyMissing marks a not-tested requirement that the run's
	// diagnosis names as a likely cause.
	LikelyMissing bool   `json:"likely_missing,omitempty"`
	Step          string `json:"step,omitempty"`      // the step that proved or disproved it
	Diagnosis     string `json:"diagnosis,omitempty"` // the diagnosis ID that disproved it (or makes it likely)
	Detail        string `json:"detail"`              // what the run showed, in words
	// Fix names the setup-script pieces that create or repair it
	// (mailoauth setup-script, --fix-script).
	Fix []string `json:"fix,omitempty"`
}

// presetView is a run's preset section, redacted, as every rendering
// shows it.
type presetView struct {
	ID, Product, Heading string
	Counts               JSONPresetCounts
	Rows                 []presetRow
}

// presetRow is one requirement with the words and marks of the human
// renderings.
type presetRow struct {
	preset.Row
	Mark      string // ✓ ✗ ! –
	Class     string // ok, fail, warn, skipped (the HTML classes of steps)
	StepTitle string
	Result    string // "missing — SMTP failed with send-as-denied"
}

// presetOf evaluates the run's preset on the run, redacted; nil when the
// run had no (known) preset or was the environment check.
func presetOf(res *engine.Result, rd *Redactor) *presetView {
	if res == nil || res.Mode != "check" || res.Input.Preset == "" {
		return nil
	}
	p, err := preset.Find(res.Input.Preset)
	if err != nil {
		return nil
	}
	v := &presetView{ID: p.ID, Product: p.Product, Heading: p.Heading()}
	for _, x := range ByState(preset.Evaluate(p, res.PresetOutcome())) {
		r := presetRow{Row: x, StepTitle: x.Step}
		if s := res.Step(x.Step); s != nil {
			r.StepTitle = s.Title
		}
		r.Text, r.Detail, r.StepTitle = rd.Redact(x.Text), rd.Redact(x.Detail), rd.Redact(r.StepTitle)
		r.Mark, r.Class, r.Result = rowWords(r, stepStatus(res, x.Step))
		switch {
		case x.State == preset.Unmet:
			v.Counts.Missing++
		case x.Suspect:
			v.Counts.LikelyMissing++
		case x.State == preset.Met:
			v.Counts.Met++
		default:
			v.Counts.NotTested++
		}
		v.Rows = append(v.Rows, r)
	}
	return v
}

// stepStatus is the status of the named step, "" when it did not run.
func stepStatus(res *engine.Result, name string) engine.Status {
	if s := res.Step(name); s != nil {
		return s.Status
	}
	return ""
}

// rowWords are a row's mark, class and result in words.
func rowWords(r presetRow, st engine.Status) (mark, class, result string) {
	verb := "failed"
	if st == engine.Warn {
		verb = "warned"
	}
	switch {
	case r.State == preset.Unmet:
		return "✗", "fail", "missing — " + r.StepTitle + " " + verb + " with " + r.Diagnosis
	case r.Suspect:
		return "!", "warn", "likely missing — " + r.StepTitle + " " + verb + " with " + r.Diagnosis
	case r.State == preset.Met:
		return "✓", "ok", "in place — proved by " + r.StepTitle
	}
	return "–", "skipped", "not tested — " + r.Detail
}

// ByState orders requirement rows as every face shows them: missing
// first, then likely missing, in place, and not tested; each group keeps
// the preset's order.
func ByState(rows []preset.Row) []preset.Row {
	rank := func(x preset.Row) int {
		switch {
		case x.State == preset.Unmet:
			return 0
		case x.Suspect:
			return 1
		case x.State == preset.Met:
			return 2
		}
		return 3
	}
	out := make([]preset.Row, 0, len(rows))
	for g := range 4 {
		for _, x := range rows {
			if rank(x) == g {
				out = append(out, x)
			}
		}
	}
	return out
}

// countLine counts the rows in words: "1 missing · 9 in place · 3 not
// tested by this run" (likely missing only when there are).
func (v *presetView) countLine() string {
	s := fmt.Sprintf("%d missing", v.Counts.Missing)
	if v.Counts.LikelyMissing > 0 {
		s += fmt.Sprintf(" · %d likely missing", v.Counts.LikelyMissing)
	}
	return s + fmt.Sprintf(" · %d in place · %d not tested by this run", v.Counts.Met, v.Counts.NotTested)
}

// Subtitle names the product and the preset under the heading, with the
// counts (the Markdown and HTML reports; the HTML template calls it).
func (v *presetView) Subtitle() string {
	return fmt.Sprintf("Set up for %s — preset %s: %s", v.Product, v.ID, v.countLine())
}

// json is the section of the JSON report.
func (v *presetView) json() *JSONPreset {
	if v == nil {
		return nil
	}
	out := &JSONPreset{ID: v.ID, Product: v.Product, Heading: v.Heading, Counts: v.Counts, Rows: []JSONRequirement{}}
	for _, r := range v.Rows {
		out.Rows = append(out.Rows, JSONRequirement{Requirement: r.Requirement, Text: r.Text, State: string(r.State), Mark: r.Mark,
			LikelyMissing: r.Suspect, Step: r.Step, Diagnosis: r.Diagnosis, Detail: r.Detail, Fix: r.Fix})
	}
	return out
}

// PresetText is the run's preset section as plain text, "" when the run
// had no preset: the heading, the counts, and one line per requirement
// with what the run showed under it. The CLI prints it after the verdict.
func PresetText(res *engine.Result, rd *Redactor) string {
	v := presetOf(res, rd)
	if v == nil {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s\nSet up for %s — preset %s\nIn your tenant: %s\n", v.Heading, v.Product, v.ID, v.countLine())
	for _, r := range v.Rows {
		fmt.Fprintf(&b, "  %s %s\n      %s\n", r.Mark, wrap(r.Text, 96, "    "), wrap(r.Result, 92, "      "))
	}
	return b.String()
}

// presetMarkdown is the section of the Markdown report, "" without a preset.
func presetMarkdown(v *presetView) string {
	if v == nil {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\n#### %s\n\n%s\n\n| | Requirement | Step | Result |\n|---|---|---|---|\n", mdText(v.Heading), mdText(v.Subtitle()))
	for _, r := range v.Rows {
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", r.Mark, mdText(r.Text), mdText(r.StepTitle), mdText(r.Result))
	}
	return b.String()
}

// presetHTML is the section of the HTML report; it reads .Preset, a
// *presetView (nil: nothing).
var _ = template.Must(htmlTmpl.New("preset").Parse(`{{with .Preset}}
<h2>{{.Heading}}</h2>
<p>{{.Subtitle}}</p>
<table class="preset">
<thead><tr><th></th><th>Requirement</th><th>Step</th><th>Result</th></tr></thead>
<tbody>
{{- range .Rows}}
<tr class="{{.Class}}" data-requirement="{{.Requirement}}"><td class="sym">{{.Mark}}</td><td>{{.Text}}</td><td>{{.StepTitle}}</td><td>{{.Result}}</td></tr>
{{- end}}
</tbody>
</table>
{{- end}}`))

// UnmetRequirements lists the requirements of the run's preset that the
// run disproved (✗), in the preset's order; nil without a preset. With a
// preset, the CLI fails a run that leaves one unmet even when the step
// only warned (XCALLY without offline_access still signs in).
func UnmetRequirements(res *engine.Result) []preset.Row {
	if res == nil || res.Mode != "check" || res.Input.Preset == "" {
		return nil
	}
	p, err := preset.Find(res.Input.Preset)
	if err != nil {
		return nil
	}
	var out []preset.Row
	for _, r := range preset.Evaluate(p, res.PresetOutcome()) {
		if r.State == preset.Unmet {
			out = append(out, r)
		}
	}
	return out
}
