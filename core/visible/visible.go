// Package visible makes text that came from a server safe to show: control
// characters are written out as escapes (ESC becomes `\x1b`) instead of
// reaching a terminal, a window or a report, where they could clear the
// screen, move the cursor, hide a hyperlink or fake a line of output.
package visible

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Text returns s with every character that could be interpreted instead of
// shown written as a visible escape: C0 controls except line feed and tab,
// DEL, C1 controls (U+0080–U+009F), the Unicode bidirectional overrides
// and isolates (which reorder what is displayed), and invalid UTF-8 bytes.
// Line feeds stay, for multi-line text such as a server's full answer; a
// carriage return is escaped (it can overwrite a line on a terminal).
func Text(s string) string { return escape(s, false) }

// Line is Text for a one-line field: line feeds are escaped too, so a
// server cannot start a line of its own in a log or a checklist.
func Line(s string) string { return escape(s, true) }

func escape(s string, oneLine bool) string {
	if clean(s, oneLine) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\n' && oneLine:
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case unsafeRune(r):
			if r < 0x100 {
				fmt.Fprintf(&b, `\x%02x`, r)
			} else {
				fmt.Fprintf(&b, `\u%04x`, r)
			}
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// clean reports whether s needs no escaping (the common case, without
// allocating).
func clean(s string, oneLine bool) bool {
	for i := 0; i < len(s); {
		r, size := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				return false
			}
		}
		if r == '\r' || r == '\n' && oneLine || unsafeRune(r) {
			return false
		}
		i += size
	}
	return true
}

// unsafeRune reports the characters that are interpreted rather than shown
// (other than line feed, carriage return and tab, which callers handle).
func unsafeRune(r rune) bool {
	switch {
	case r < 0x20 && r != '\t' && r != '\n' && r != '\r':
		return true
	case r == 0x7f, r >= 0x80 && r <= 0x9f:
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x200e, r == 0x200f, r == 0x061c:
		return true // bidirectional embeddings, overrides, isolates and marks
	}
	return false
}

// Plural returns one when n is 1 and many otherwise, for counts in text
// shown to people ("1 message", "3 messages").
func Plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
