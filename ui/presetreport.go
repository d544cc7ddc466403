package ui

import (
	"fmt"
	"html"
	"strings"

	"github.com/mailoauth/mailoauth-tester/core/preset"
)

// The window adds the run's product preset and its requirement rows to
// the reports it writes, the way it adds the custom endpoints: core/report
// does not know presets yet. Every text passes through the window's one
// redaction (secrets always, identities under Hide IDs).

// presetLine names the run's preset and counts its rows, or "".
func (u *UI) presetLine() string {
	if u.runPreset == nil || u.needs.p == nil {
		return ""
	}
	p := u.runPreset
	return fmt.Sprintf("Set up for %s (preset %s): %s", p.Product, p.ID, u.needs.countText())
}

// needCells are one requirement row's report cells: mark, requirement,
// step, result.
func (u *UI) needCells(x preset.Row) (mark, text, step, result string) {
	step = x.Step
	if t := u.stepTitle(x.Step); t != "" {
		step = t
	}
	result = x.Detail
	switch {
	case x.State == preset.Unmet:
		result = "missing: " + x.Detail
	case x.Suspect:
		mark, result = "!", "likely missing: "+strings.TrimPrefix(x.Detail, "likely: ")
	case x.State == preset.Met:
		result = "in place"
	}
	if mark == "" {
		mark = x.State.Mark()
	}
	return mark, u.redact(x.Text), step, u.redact(result)
}

// presetMarkdown is the requirement rows as a Markdown section, or "".
func (u *UI) presetMarkdown() string {
	line := u.presetLine()
	if line == "" {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "#### %s\n\n%s\n\n| | Requirement | Step | Result |\n|---|---|---|---|\n", mdCell(u.runPreset.Heading()), mdCell(line))
	for _, x := range u.needs.rows {
		mark, text, step, result := u.needCells(x)
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", mark, mdCell(text), mdCell(step), mdCell(result))
	}
	return b.String()
}

// withPresetMarkdown puts the section after the report's step table,
// before the first diagnosis; at the end when there is none.
func withPresetMarkdown(md, section string) string {
	if section == "" {
		return md
	}
	if i := strings.Index(md, "\n#### "); i >= 0 {
		return md[:i+1] + section + md[i:]
	}
	return strings.TrimRight(md, "\n") + "\n\n" + section
}

// mdCell escapes text for a Markdown table cell or heading: it is shown
// exactly, never interpreted (core/report does the same for its own
// cells; this section moves there when the reports learn presets).
var mdCellEscaper = strings.NewReplacer(`\`, `\\`, "`", "\\`", "*", `\*`, "_", `\_`, "[", `\[`, "]", `\]`, "<", `\<`, ">", `\>`,
	"|", `\|`, "#", `\#`, "!", `\!`, "~", `\~`, "&", `\&`, "@", `\@`, "://", `:\/\/`, "\r\n", " ", "\n", " ", "\r", " ")

func mdCell(s string) string { return mdCellEscaper.Replace(s) }

// presetHTML is the requirement rows as an HTML section, or "".
func (u *UI) presetHTML() string {
	line := u.presetLine()
	if line == "" {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "<h2>%s</h2>\n<p>%s</p>\n<table>\n<thead><tr><th></th><th>Requirement</th><th>Step</th><th>Result</th></tr></thead>\n<tbody>\n",
		html.EscapeString(u.runPreset.Heading()), html.EscapeString(line))
	for _, x := range u.needs.rows {
		mark, text, step, result := u.needCells(x)
		class := "skipped"
		switch {
		case x.State == preset.Unmet:
			class = "fail"
		case x.Suspect:
			class = "warn"
		case x.State == preset.Met:
			class = "ok"
		}
		fmt.Fprintf(&b, "<tr class=\"%s\"><td class=\"sym\">%s</td><td>%s</td><td>%s</td><td>%s</td></tr>\n",
			class, html.EscapeString(mark), html.EscapeString(text), html.EscapeString(step), html.EscapeString(result))
	}
	b.WriteString("</tbody>\n</table>\n")
	return b.String()
}

// withPresetHTML puts the section after the report's step table; before
// the end of the body when the table is not found.
func withPresetHTML(doc, section string) string {
	if section == "" {
		return doc
	}
	if i := strings.Index(doc, "<h2>Steps</h2>"); i >= 0 {
		if j := strings.Index(doc[i:], "</table>"); j >= 0 {
			at := i + j + len("</table>")
			return doc[:at] + "\n" + section + doc[at:]
		}
	}
	if i := strings.LastIndex(doc, "</body>"); i >= 0 {
		return doc[:i] + section + doc[i:]
	}
	return doc + section
}
