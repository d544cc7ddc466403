package visible

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestText(t *testing.T) {
	tests := []struct{ name, in, text, line string }{
		{"plain", "NO AUTHENTICATE failed.", "NO AUTHENTICATE failed.", "NO AUTHENTICATE failed."},
		{"unicode stays", "Inbox → 3 items … ✓ ü 日本", "Inbox → 3 items … ✓ ü 日本", "Inbox → 3 items … ✓ ü 日本"},
		{"tab stays", "a\tb", "a\tb", "a\tb"},
		{"clear screen", "\x1b[2J\x1b[HAll checks passed", `\x1b[2J\x1b[HAll checks passed`, `\x1b[2J\x1b[HAll checks passed`},
		{"hidden hyperlink (OSC 8)", "\x1b]8;;https://evil.example\x07click\x1b]8;;\x07", `\x1b]8;;https://evil.example\x07click\x1b]8;;\x07`, `\x1b]8;;https://evil.example\x07click\x1b]8;;\x07`},
		{"line feed", "one\ntwo", "one\ntwo", `one\ntwo`},
		{"carriage return overwrites", "bad\r✓ good", `bad\r✓ good`, `bad\r✓ good`},
		{"nul and bell", "a\x00b\x07", `a\x00b\x07`, `a\x00b\x07`},
		{"del", "a\x7fb", `a\x7fb`, `a\x7fb`},
		{"C1 CSI", "a\u009b2Jb", `a\x9b2Jb`, `a\x9b2Jb`},
		{"bidi override", "exe.\u202etxt", `exe.\u202etxt`, `exe.\u202etxt`},
		{"invalid utf-8", "a\xffb", `a\xffb`, `a\xffb`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Text(tt.in); got != tt.text {
				t.Errorf("Text(%q) = %q, want %q", tt.in, got, tt.text)
			}
			if got := Line(tt.in); got != tt.line {
				t.Errorf("Line(%q) = %q, want %q", tt.in, got, tt.line)
			}
		})
	}
}

func FuzzLine(f *testing.F) {
	f.Add("\x1b[2J ok")
	f.Add("a\r\nb\u202e\u0085")
	f.Fuzz(func(t *testing.T, s string) {
		out := Line(s)
		if !utf8.ValidString(out) {
			t.Fatalf("Line(%q) = %q is not valid UTF-8", s, out)
		}
		for _, r := range out {
			if r < 0x20 && r != '\t' || r == 0x7f || r >= 0x80 && r <= 0x9f || r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069 {
				t.Fatalf("Line(%q) = %q still holds %U", s, out, r)
			}
		}
		if txt := Text(s); strings.ContainsAny(txt, "\x1b\r") {
			t.Fatalf("Text(%q) = %q still holds ESC or CR", s, txt)
		}
	})
}
