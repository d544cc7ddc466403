package main

import (
	"io"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/mailoauth/mailoauth-tester/core/engine"
)

// style is how output is drawn: colours (only on a terminal, never with
// NO_COLOR or --no-color) and ASCII instead of UTF-8 (--ascii, or a
// console that cannot show UTF-8).
type style struct {
	colour bool
	ascii  bool
}

// ANSI SGR sequences.
const (
	sgrReset  = "\x1b[0m"
	sgrBold   = "\x1b[1m"
	sgrDim    = "\x1b[2m"
	sgrRed    = "\x1b[31m"
	sgrGreen  = "\x1b[32m"
	sgrYellow = "\x1b[33m"
)

// paint wraps s in the SGR sequence when colours are on.
func (s style) paint(sgr, text string) string {
	if !s.colour || text == "" {
		return text
	}
	return sgr + text + sgrReset
}

// statusColour is the colour of a status.
func statusColour(st engine.Status) string {
	switch st {
	case engine.OK:
		return sgrGreen
	case engine.Fail:
		return sgrRed
	case engine.Warn:
		return sgrYellow
	}
	return sgrDim
}

// symbol is a step status as the printer shows it: one Unicode character,
// or a word of four letters in ASCII.
func (s style) symbol(st engine.Status) string {
	if s.ascii {
		word := map[engine.Status]string{engine.OK: "OK", engine.Fail: "FAIL", engine.Warn: "WARN", engine.Skipped: "SKIP", engine.Running: "..."}[st]
		if word == "" {
			word = "-"
		}
		return s.paint(statusColour(st), pad(word, 4))
	}
	sym := map[engine.Status]string{engine.OK: "✓", engine.Fail: "✗", engine.Warn: "!", engine.Skipped: "–", engine.Running: "…"}[st]
	if sym == "" {
		sym = "·"
	}
	return s.paint(statusColour(st), sym)
}

func pad(s string, n int) string {
	if k := utf8.RuneCountInString(s); k < n {
		return s + strings.Repeat(" ", n-k)
	}
	return s
}

// utf8Locale reports whether a Unix locale (LC_ALL, else LC_CTYPE, else
// LANG) uses UTF-8. With none set the locale is "C", which is ASCII.
func utf8Locale(getenv func(string) string) bool {
	for _, name := range []string{"LC_ALL", "LC_CTYPE", "LANG"} {
		if v := getenv(name); v != "" {
			v = strings.ToLower(v)
			return strings.Contains(v, "utf-8") || strings.Contains(v, "utf8")
		}
	}
	return false
}

// asciiFor spells the characters the program itself draws in ASCII.
var asciiFor = map[rune]string{
	'✓': "OK", '✗': "X", '…': "...", '→': "->", '←': "<-", '⇒': "=>", '─': "-", '━': "-", '│': "|",
	'┌': "+", '┐': "+", '└': "+", '┘': "+", '├': "+", '┤': "+", '┬': "+", '┴': "+", '┼': "+",
	'↔': "<->", '—': "--", '–': "-", '‒': "-", '−': "-", '·': "-", '•': "*", '●': "*", '‘': "'", '’': "'", '‚': ",",
	'“': `"`, '”': `"`, '„': `"`, '«': `"`, '»': `"`, '×': "x", '≥': ">=", '≤': "<=", '≠': "!=", '±': "+/-",
	'\u00a0': " ", '\u2009': " ", '\u202f': " ", '\u200b': "", '\ufeff': "", '°': " deg", '©': "(c)", '®': "(R)", '™': "(TM)",
}

// toASCII spells s in ASCII: the program's own symbols by asciiFor,
// accented letters without their accents, anything else as "?".
func toASCII(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r < utf8.RuneSelf:
			b.WriteRune(r)
		case asciiFor[r] != "" || r == '\u200b' || r == '\ufeff':
			b.WriteString(asciiFor[r])
		default:
			b.WriteString(stripMarks(r))
		}
	}
	return b.String()
}

// stripMarks decomposes r and keeps its ASCII base letter ("é" → "e"),
// or returns "?".
func stripMarks(r rune) string {
	var out []rune
	for _, d := range norm.NFKD.String(string(r)) {
		switch {
		case d < utf8.RuneSelf:
			out = append(out, d)
		case unicode.Is(unicode.Mn, d):
		default:
			return "?"
		}
	}
	if len(out) == 0 {
		return "?"
	}
	return string(out)
}

// asciiWriter spells everything written through it in ASCII while on()
// says so. A character split across two writes is kept until it is
// whole.
type asciiWriter struct {
	w       io.Writer
	on      func() bool
	pending []byte
}

func (a *asciiWriter) Write(p []byte) (int, error) {
	if !a.on() {
		return a.w.Write(p)
	}
	buf := append(a.pending, p...)
	cut := len(buf)
	// Keep an incomplete last character for the next write.
	for i := len(buf) - 1; i >= 0 && i >= len(buf)-utf8.UTFMax; i-- {
		if utf8.RuneStart(buf[i]) {
			if !utf8.FullRune(buf[i:]) {
				cut = i
			}
			break
		}
	}
	a.pending = append([]byte(nil), buf[cut:]...)
	if _, err := io.WriteString(a.w, toASCII(string(buf[:cut]))); err != nil {
		return 0, err
	}
	return len(p), nil
}
