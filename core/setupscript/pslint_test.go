package setupscript

// A small PowerShell reader for the tests: it finds every cmdlet and every
// -Parameter a generated script uses (outside comments and strings, but
// inside $( ) subexpressions of double-quoted strings), so they can be
// checked against the table of Microsoft's published reference in
// testdata/powershell/cmdlets.tsv. It understands exactly the subset of
// PowerShell the generator writes, and fails loudly on anything else.

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

type tokKind int

const (
	tWord tokKind = iota
	tParam
	tOpen
	tClose
	tSep
)

type tok struct {
	kind tokKind
	text string
	line int
}

// lexer turns script text into tokens; problems collects lint findings.
type lexer struct {
	s        string
	i        int
	line     int
	toks     []tok
	problems []string
}

func lex(script string) ([]tok, []string) {
	l := &lexer{s: script, line: 1}
	l.code(false)
	return l.toks, l.problems
}

func (l *lexer) emit(k tokKind, text string) { l.toks = append(l.toks, tok{k, text, l.line}) }

func (l *lexer) peek(n int) string {
	if l.i+n > len(l.s) {
		return l.s[l.i:]
	}
	return l.s[l.i : l.i+n]
}

// code reads code until the end, or until the ')' that closes a $( when
// inSub is set.
func (l *lexer) code(inSub bool) {
	depth := 0
	for l.i < len(l.s) {
		c := l.s[l.i]
		switch {
		case l.peek(2) == "<#":
			end := strings.Index(l.s[l.i:], "#>")
			if end < 0 {
				l.problems = append(l.problems, fmt.Sprintf("line %d: unterminated <# comment", l.line))
				return
			}
			l.line += strings.Count(l.s[l.i:l.i+end], "\n")
			l.i += end + 2
		case c == '#':
			for l.i < len(l.s) && l.s[l.i] != '\n' {
				l.i++
			}
		case c == '`' && l.peek(2) == "`\n":
			l.i += 2
			l.line++
		case c == '\n':
			l.emit(tSep, "\n")
			l.i++
			l.line++
		case c == ' ' || c == '\t' || c == '\r' || c == ',' || c == '=' || c == '+' || c == '.' && l.i+1 < len(l.s) && l.s[l.i+1] == ' ':
			l.i++
		case c == ';' || c == '|':
			l.emit(tSep, string(c))
			l.i++
		case c == '\'':
			l.single()
		case c == '"':
			l.double()
		case l.peek(2) == "@(" || l.peek(2) == "@{" || l.peek(2) == "$(":
			l.emit(tOpen, l.peek(2))
			l.i += 2
			depth++
		case c == '(' || c == '{' || c == '[':
			l.emit(tOpen, string(c))
			l.i++
			depth++
		case c == ')' || c == '}' || c == ']':
			if inSub && depth == 0 && c == ')' {
				l.i++
				return
			}
			l.emit(tClose, string(c))
			l.i++
			depth--
		case c == '-' && l.i+1 < len(l.s) && isLetter(l.s[l.i+1]):
			j := l.i + 1
			for j < len(l.s) && (isLetter(l.s[j]) || l.s[j] >= '0' && l.s[j] <= '9') {
				j++
			}
			l.emit(tParam, l.s[l.i+1:j])
			if j < len(l.s) && l.s[j] == ':' {
				j++
			}
			l.i = j
		default:
			j := l.i
			for j < len(l.s) && !strings.ContainsRune(" \t\r\n()[]{};|,'\"=", rune(l.s[j])) {
				j++
			}
			if j == l.i {
				j++
			}
			l.emit(tWord, l.s[l.i:j])
			l.i = j
		}
	}
	if inSub {
		l.problems = append(l.problems, fmt.Sprintf("line %d: unterminated $( in a string", l.line))
	}
}

func isLetter(b byte) bool { return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' }

func (l *lexer) single() {
	l.i++
	for l.i < len(l.s) {
		if l.s[l.i] == '\'' {
			if l.peek(2) == "''" {
				l.i += 2
				continue
			}
			l.i++
			l.emit(tWord, "'string'")
			return
		}
		if l.s[l.i] == '\n' {
			l.line++
		}
		l.i++
	}
	l.problems = append(l.problems, "unterminated single-quoted string")
}

// varColonRE finds "$name:" in a double-quoted string: PowerShell reads it
// as a scoped variable or drive and fails.
var varColonRE = regexp.MustCompile(`^\$[A-Za-z_][A-Za-z0-9_]*:`)

func (l *lexer) double() {
	l.i++
	for l.i < len(l.s) {
		switch {
		case l.s[l.i] == '`':
			l.i += 2
		case l.s[l.i] == '"':
			l.i++
			l.emit(tWord, "\"string\"")
			return
		case l.peek(2) == "$(":
			l.i += 2
			l.emit(tOpen, "$(")
			l.code(true)
			l.emit(tClose, ")")
		case l.s[l.i] == '$':
			if m := varColonRE.FindString(l.s[l.i:]); m != "" && !strings.HasPrefix(m, "$env:") {
				l.problems = append(l.problems, fmt.Sprintf("line %d: %q in a double-quoted string is read as a scoped variable; write $(%s)", l.line, m, strings.TrimSuffix(m, ":")))
			}
			l.i++
		default:
			if l.s[l.i] == '\n' {
				l.line++
			}
			l.i++
		}
	}
	l.problems = append(l.problems, "unterminated double-quoted string")
}

// operators are the PowerShell operators that look like parameters.
var operators = map[string]bool{}

func init() {
	for _, op := range strings.Fields("eq ne gt ge lt le like notlike match notmatch contains notcontains in notin replace split join " +
		"and or not xor is isnot as f band bor ceq cne clike cnotlike cmatch ccontains cnotcontains") {
		operators[op] = true
	}
}

var cmdletRE = regexp.MustCompile(`^[A-Z][A-Za-z]+-[A-Z][A-Za-z0-9]+$`)

// use is one cmdlet or parameter use in a script.
type use struct {
	Cmdlet, Param string
	Line          int
}

// uses lists every cmdlet call and parameter in the script. Calls of
// functions the script defines itself are left out.
func uses(script string) ([]use, []string) {
	toks, problems := lex(script)
	local := map[string]bool{}
	for i, t := range toks {
		if t.kind == tWord && t.text == "function" && i+1 < len(toks) {
			local[toks[i+1].text] = true
		}
	}
	var out []use
	stack := []string{""}
	for i, t := range toks {
		top := len(stack) - 1
		switch t.kind {
		case tOpen:
			stack = append(stack, "")
		case tClose:
			if top == 0 {
				problems = append(problems, fmt.Sprintf("line %d: unbalanced %s", t.line, t.text))
				continue
			}
			stack = stack[:top]
		case tSep:
			stack[top] = ""
		case tWord:
			if i > 0 && toks[i-1].kind == tWord && toks[i-1].text == "function" {
				continue
			}
			if cmdletRE.MatchString(t.text) {
				stack[top] = t.text
				if !local[t.text] {
					out = append(out, use{Cmdlet: t.text, Line: t.line})
				}
			}
		case tParam:
			cmd := stack[top]
			switch {
			case cmd == "" && operators[strings.ToLower(t.text)]:
			case cmd == "":
				problems = append(problems, fmt.Sprintf("line %d: -%s is neither an operator nor a parameter of a command", t.line, t.text))
			case local[cmd]:
			default:
				out = append(out, use{Cmdlet: cmd, Param: t.text, Line: t.line})
			}
		}
	}
	if len(stack) != 1 {
		problems = append(problems, "unbalanced brackets at the end of the script")
	}
	return out, problems
}

// cmdletTable reads testdata/powershell/cmdlets.tsv: cmdlet → parameter
// names (lower case) → true; "*" holds the common parameters.
func cmdletTable(t *testing.T) map[string]map[string]bool {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "..", "testdata", "powershell", "cmdlets.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	table := map[string]map[string]bool{}
	sc := bufio.NewScanner(f)
	header := false
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") || line == "" {
			continue
		}
		cols := strings.Split(line, "\t")
		if len(cols) != 4 {
			t.Fatalf("cmdlets.tsv: %q has %d columns, want 4", line, len(cols))
		}
		if !header {
			header = true
			continue
		}
		if !strings.HasPrefix(cols[3], "MicrosoftDocs/") || !strings.Contains(cols[3], "@") || !strings.HasSuffix(cols[3], ".md") {
			t.Fatalf("cmdlets.tsv: row %q does not name its reference page as MicrosoftDocs/<repo>@<commit>:<path>.md", line)
		}
		name := strings.ToLower(cols[0])
		if table[name] == nil {
			table[name] = map[string]bool{}
		}
		if cols[1] != "" {
			table[name][strings.ToLower(cols[1])] = true
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return table
}

// checkScript reports every cmdlet or parameter missing from the table.
func checkScript(table map[string]map[string]bool, script string) []string {
	us, problems := uses(script)
	for _, u := range us {
		params, ok := table[strings.ToLower(u.Cmdlet)]
		switch {
		case !ok:
			problems = append(problems, fmt.Sprintf("line %d: cmdlet %s is not in the reference table", u.Line, u.Cmdlet))
		case u.Param != "" && !params[strings.ToLower(u.Param)] && !table["*"][strings.ToLower(u.Param)]:
			problems = append(problems, fmt.Sprintf("line %d: %s has no parameter -%s in its reference page", u.Line, u.Cmdlet, u.Param))
		}
	}
	return problems
}

// TestChecker makes sure the checker itself catches what it is for.
func TestChecker(t *testing.T) {
	table := map[string]map[string]bool{"get-mgapplication": {"filter": true}, "write-host": {"foregroundcolor": true}, "*": {"erroraction": true}}
	tests := []struct {
		script string
		want   string // "" = clean
	}{
		{`$a = Get-MgApplication -Filter "appId eq '$x'" -ErrorAction Stop`, ""},
		{`Get-MgApplication -Filtr 'x'`, "no parameter -Filtr"},
		{`Get-MgApp -Filter 'x'`, "cmdlet Get-MgApp"},
		{`Write-Host "$(Get-MgApplication -Top 1)"`, "no parameter -Top"},
		{`Write-Host 'Get-Nothing -Here'`, ""},
		{"# Remove-Everything -Now\nWrite-Host 'x'", ""},
		{"<#\nRemove-Everything -Now\n#>", ""},
		{`if (-not $x -and $y -eq 1) { Write-Host 'x' -ForegroundColor Red }`, ""},
		{`$x -bogus 1`, "neither an operator"},
		{`Write-Host "$AppName: done"`, "scoped variable"},
		{`Write-Host "$($AppName): done $env:TEMP"`, ""},
		{"function Write-Step([string]$Text) { Write-Host $Text }\nWrite-Step -Text 'a'", ""},
		{"Get-MgApplication `\n    -Filter 'x'", ""},
		{`Write-Host (Get-MgApplication -Search 'x')`, "no parameter -Search"},
		{`Write-Host ( 'x'`, "unbalanced"},
	}
	for _, tt := range tests {
		problems := checkScript(table, tt.script)
		got := strings.Join(problems, "; ")
		if tt.want == "" && got != "" || tt.want != "" && !strings.Contains(got, tt.want) {
			t.Errorf("check(%q) = %q, want %q", tt.script, got, tt.want)
		}
	}
}
