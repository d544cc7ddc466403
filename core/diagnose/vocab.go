package diagnose

import (
	"embed"
	"fmt"
	"strconv"
	"strings"
)

// The vocabularies are data: tab-separated files under data/, embedded at
// build time. data/README.md says where each comes from and how to refresh
// it. The files are parsed once at start-up; a malformed file is a build
// defect, caught by the package's tests, so parsing panics with the file and
// line instead of returning an error nobody could act on.
//
//go:embed data/*.tsv
var dataFS embed.FS

// CodeInfo is one entry of a code vocabulary: the code as the server writes
// it, Microsoft's symbolic name (empty when none is published), the
// diagnosis ID it maps to and the project's own one-line meaning.
type CodeInfo struct {
	Code    string
	Name    string
	ID      string
	Meaning string
	Source  string // where the code was seen, for codes outside a published table
}

// smtpRule is one row of data/smtp.tsv.
type smtpRule struct {
	reply    int    // 0 = any
	lo, hi   [3]int // enhanced code range; lo[0] == 0 = any
	wording  string // lower case; "" = any
	id, name string
	meaning  string
}

// msgRule maps a code plus optional wording (lower case, "" = any).
type msgRule struct {
	code, wording, id, meaning string
}

// textRule maps a lower-case needle to an ID.
type textRule struct {
	id, needle, who string
	// weak rules only say that signing in failed, as a wrapper words it;
	// they are tried after the OAuth error class, which says why.
	weak bool
}

// vocab holds every vocabulary; built once by loadVocab, never changed.
type vocab struct {
	aadsts      map[int]CodeInfo // Microsoft's table
	aadstsExtra map[int]CodeInfo // codes seen in public reports, not in the table
	aadstsOrder []int            // table codes in file order
	smtp        []smtpRule
	imap        map[string]CodeInfo
	pop         map[string]CodeInfo
	graph       []msgRule
	oauth       map[string]CodeInfo
	texts       []textRule
}

var vocabulary = loadVocab()

func loadVocab() *vocab {
	v := &vocab{
		aadsts: map[int]CodeInfo{}, aadstsExtra: map[int]CodeInfo{},
		imap: map[string]CodeInfo{}, pop: map[string]CodeInfo{}, oauth: map[string]CodeInfo{},
	}
	for _, r := range rows("aadsts.tsv", 4) {
		c := r.atoi(0)
		if _, dup := v.aadsts[c]; dup {
			r.fail("duplicate code %d", c)
		}
		v.aadsts[c] = CodeInfo{Code: r.f[0], Name: dash(r.f[1]), ID: r.f[2], Meaning: r.f[3]}
		v.aadstsOrder = append(v.aadstsOrder, c)
	}
	for _, r := range rows("aadsts-extra.tsv", 5) {
		c := r.atoi(0)
		if _, dup := v.aadsts[c]; dup {
			r.fail("code %d is already in aadsts.tsv", c)
		}
		if _, dup := v.aadstsExtra[c]; dup {
			r.fail("duplicate code %d", c)
		}
		v.aadstsExtra[c] = CodeInfo{Code: r.f[0], Name: dash(r.f[1]), ID: r.f[2], Meaning: r.f[3], Source: r.f[4]}
	}
	for _, r := range rows("smtp.tsv", 6) {
		v.smtp = append(v.smtp, r.smtpRule())
	}
	for name, m := range map[string]map[string]CodeInfo{"imap.tsv": v.imap, "pop.tsv": v.pop, "oauth.tsv": v.oauth} {
		for _, r := range rows(name, 3) {
			if _, dup := m[r.f[0]]; dup {
				r.fail("duplicate code %q", r.f[0])
			}
			m[r.f[0]] = CodeInfo{Code: r.f[0], Name: r.f[0], ID: r.f[1], Meaning: r.f[2]}
		}
	}
	for _, r := range rows("graph.tsv", 4) {
		v.graph = append(v.graph, msgRule{code: r.f[0], wording: star(r.f[1]), id: r.f[2], meaning: r.f[3]})
	}
	for _, r := range rows("texts.tsv", 3) {
		id, weak := strings.CutPrefix(r.f[0], "~")
		v.texts = append(v.texts, textRule{id: id, needle: unescape(r.f[1]), who: r.f[2], weak: weak})
	}
	return v
}

// row is one parsed line of a data file.
type row struct {
	file string
	line int
	f    []string
}

func (r row) fail(format string, args ...any) {
	panic(fmt.Sprintf("diagnose: data/%s line %d: %s", r.file, r.line, fmt.Sprintf(format, args...)))
}

func (r row) atoi(i int) int {
	n, err := strconv.Atoi(r.f[i])
	if err != nil || n <= 0 {
		r.fail("column %d: %q is not a positive number", i+1, r.f[i])
	}
	return n
}

// rows reads a data file: one record per line, tab-separated, '#' starts a
// comment line, blank lines are skipped. Every record must have n fields.
func rows(name string, n int) []row {
	b, err := dataFS.ReadFile("data/" + name)
	if err != nil {
		panic("diagnose: " + err.Error())
	}
	var out []row
	for i, line := range strings.Split(string(b), "\n") {
		line = strings.TrimRight(line, "\r")
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		r := row{file: name, line: i + 1, f: strings.Split(line, "\t")}
		if len(r.f) != n {
			r.fail("%d fields, want %d", len(r.f), n)
		}
		for j, v := range r.f {
			if strings.TrimSpace(v) != v || v == "" {
				r.fail("field %d is empty or has spaces around it", j+1)
			}
		}
		out = append(out, r)
	}
	return out
}

func (r row) smtpRule() smtpRule {
	s := smtpRule{wording: star(r.f[2]), id: r.f[3], name: r.f[4], meaning: r.f[5]}
	if r.f[0] != "*" {
		s.reply = r.atoi(0)
		if s.reply < 200 || s.reply > 599 {
			r.fail("reply %d out of range", s.reply)
		}
	}
	if r.f[1] != "*" {
		lo, hi, ok := parseEnhancedRange(r.f[1])
		if !ok {
			r.fail("enhanced code %q is not x.y.z or x.y.a-b", r.f[1])
		}
		s.lo, s.hi = lo, hi
	}
	return s
}

// parseEnhancedRange reads "5.7.3" or "5.7.500-699".
func parseEnhancedRange(s string) (lo, hi [3]int, ok bool) {
	base, upper, isRange := strings.Cut(s, "-")
	lo, ok = parseEnhanced(base)
	if !ok {
		return lo, hi, false
	}
	hi = lo
	if isRange {
		n, err := strconv.Atoi(upper)
		if err != nil || n < lo[2] {
			return lo, hi, false
		}
		hi[2] = n
	}
	return lo, hi, true
}

// parseEnhanced reads an RFC 3463 code "class.subject.detail".
func parseEnhanced(s string) ([3]int, bool) {
	var out [3]int
	parts := strings.Split(s, ".")
	if len(parts) != 3 {
		return out, false
	}
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 || n > 999 || len(p) > 3 {
			return out, false
		}
		out[i] = n
	}
	return out, out[0] >= 2 && out[0] <= 5
}

func (s smtpRule) matches(reply int, enh [3]int, hasEnh bool, low string) bool {
	if s.reply != 0 && s.reply != reply {
		return false
	}
	if s.lo[0] != 0 {
		if !hasEnh || enh[0] != s.lo[0] || enh[1] != s.lo[1] || enh[2] < s.lo[2] || enh[2] > s.hi[2] {
			return false
		}
	}
	return s.wording == "" || strings.Contains(low, s.wording)
}

func dash(s string) string {
	if s == "-" {
		return ""
	}
	return s
}

func star(s string) string {
	if s == "*" {
		return ""
	}
	return s
}

// unescape turns the two escapes the data files use, \x01 and \t, into
// their bytes.
func unescape(s string) string {
	return strings.NewReplacer(`\x01`, "\x01", `\t`, "\t").Replace(s)
}

// AADSTSInfo returns what the vocabulary knows about an Entra error code:
// Microsoft's table first, then codes seen in public reports.
func AADSTSInfo(code int) (CodeInfo, bool) {
	if c, ok := vocabulary.aadsts[code]; ok {
		return c, true
	}
	c, ok := vocabulary.aadstsExtra[code]
	return c, ok
}

// AADSTSTable lists every code of Microsoft's published table, in the
// table's order. The caller may modify the returned slice.
func AADSTSTable() []int {
	return append([]int(nil), vocabulary.aadstsOrder...)
}
