package ui

import (
	"strings"
	"testing"
)

// The preset section goes after the report's step table, and still goes
// in (at the end) when the report's shape changes.
func TestPresetSectionPlacement(t *testing.T) {
	const section = "#### What X needs ↔ what your tenant has\n\n| | Requirement |\n"
	for _, tt := range []struct {
		name, md, before, after string
	}{
		{"before the first diagnosis", "### verdict\n\n| | Step |\n|---|\n| ✓ | Token |\n\n#### ✗ SMTP: off\n", "| ✓ | Token |", "#### ✗ SMTP"},
		{"at the end without diagnoses", "### verdict\n\n| | Step |\n| ✓ | Token |\n", "| ✓ | Token |", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := withPresetMarkdown(tt.md, section)
			at := strings.Index(got, section)
			if at < 0 || at < strings.Index(got, tt.before) || tt.after != "" && at > strings.Index(got, tt.after) {
				t.Errorf("withPresetMarkdown =\n%s", got)
			}
			if withPresetMarkdown(tt.md, "") != tt.md {
				t.Error("an empty section changed the report")
			}
		})
	}
	for _, tt := range []struct {
		name, doc, before, after string
	}{
		{"after the steps table", "<body><h2>Steps</h2><table><tr></tr></table><section class=\"card\"></section></body>", "</table>", "<section"},
		{"before the end of the body", "<body><h1>r</h1></body>", "<h1>", "</body>"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := withPresetHTML(tt.doc, "<h2>NEEDS</h2>")
			at := strings.Index(got, "<h2>NEEDS</h2>")
			if at < 0 || at < strings.Index(got, tt.before) || at > strings.Index(got, tt.after) {
				t.Errorf("withPresetHTML = %s", got)
			}
		})
	}
}

// Text from the run (a mailbox, a detail) is shown in a Markdown cell,
// never interpreted.
func TestMarkdownCellEscapes(t *testing.T) {
	got := mdCell("a_b|c *d* [x](https://evil.example) <b>\nnext")
	for i := 0; i < len(got); i++ {
		if strings.IndexByte("_|*[]<>`", got[i]) >= 0 && (i == 0 || got[i-1] != '\\') {
			t.Errorf("mdCell left %q unescaped at %d in %q", got[i], i, got)
		}
	}
	if strings.Contains(got, "\n") || strings.Contains(got, "://") {
		t.Errorf("mdCell left a line break or an autolink in %q", got)
	}
}
