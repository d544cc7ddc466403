package main

import (
	"os"
	"reflect"
	"strings"
	"testing"
)

// The rows below imitate the shapes of Microsoft's table (a name and a dash,
// a name glued to its dash, a bare name, no name at all); the sentences are
// placeholders, not Microsoft's.
const sampleDoc = `| Error | Description |
|---|---|
| AADSTS50011 | InvalidReplyTo - placeholder text. |
| AADSTS50078 | UserStrongAuthExpired- placeholder text.|
| AADSTS50086 | SasNonRetryableError |
| AADSTS50056 | Placeholder sentence without a symbolic name - more text. |
| AADSTS9999999 | NewCode - placeholder. |
not a row
`

func TestParseTable(t *testing.T) {
	got, err := parseTable(strings.NewReader(sampleDoc))
	if err != nil {
		t.Fatal(err)
	}
	want := map[int]string{
		50011:   "InvalidReplyTo",
		50078:   "UserStrongAuthExpired",
		50086:   "SasNonRetryableError",
		50056:   "-",
		9999999: "NewCode",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("parseTable = %v, want %v", got, want)
	}
}

func TestDiff(t *testing.T) {
	doc := map[int]string{1: "A", 2: "B2", 3: "C"}
	ours := map[int]string{1: "A", 2: "B", 4: "D"}
	got := diff(doc, ours)
	if len(got) != 3 || !strings.HasPrefix(got[0], "renamed\t2") || !strings.HasPrefix(got[1], "new\t3") || !strings.HasPrefix(got[2], "gone\t4") {
		t.Errorf("diff = %q", got)
	}
}

// The data file parses and every code has a name column.
func TestOurTableParses(t *testing.T) {
	f, err := os.Open("../../data/aadsts.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m, err := parseTSV(f)
	if err != nil {
		t.Fatal(err)
	}
	if len(m) < 300 {
		t.Errorf("aadsts.tsv has %d codes", len(m))
	}
}
