// Command aadstsdiff compares core/diagnose/data/aadsts.tsv with a copy of
// Microsoft's AADSTS error code table and lists what a refresh has to do:
// codes Microsoft added (each needs a diagnosis ID and a meaning written in
// our own words), codes Microsoft removed (move them to aadsts-extra.tsv if
// they are still seen in the wild) and codes whose symbolic name changed.
//
// The table is docs/identity-platform/reference-error-codes.md in
// https://github.com/MicrosoftDocs/entra-docs (published at
// https://learn.microsoft.com/entra/identity-platform/reference-error-codes).
//
//	go run ./core/diagnose/internal/aadstsdiff -doc reference-error-codes.md
//
// It exits 1 when the two differ, so a scheduled job can notice. It only
// reads; it never edits the data file and never copies Microsoft's
// sentences (only codes and symbolic names).
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

var (
	reRow   = regexp.MustCompile(`^\|\s*AADSTS(\d+)\s*\|\s*(.*)$`)
	reIdent = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
)

// parseTable returns code → symbolic name ("-" when the row has none) for
// every "| AADSTSnnnn | Name - text |" row of Microsoft's Markdown table.
func parseTable(r io.Reader) (map[int]string, error) {
	out := map[int]string{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		m := reRow.FindStringSubmatch(strings.TrimSpace(sc.Text()))
		if m == nil {
			continue
		}
		code, err := strconv.Atoi(m[1])
		if err != nil {
			continue
		}
		out[code] = symbolicName(m[2])
	}
	return out, sc.Err()
}

// symbolicName takes the description cell and returns the identifier
// before its first dash ("InvalidReplyTo - The reply…", "UserStrongAuthExpired-
// Presented…"), or the whole cell when it is one identifier, else "-".
func symbolicName(cell string) string {
	cell = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(cell), "|"))
	head := cell
	if i := strings.Index(cell, "-"); i > 0 {
		head = cell[:i]
	}
	head = strings.TrimSpace(head)
	if reIdent.MatchString(head) {
		return head
	}
	return "-"
}

// parseTSV returns code → name of our data file (comment lines skipped).
func parseTSV(r io.Reader) (map[int]string, error) {
	out := map[int]string{}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		code, err := strconv.Atoi(f[0])
		if err != nil || len(f) < 2 {
			return nil, fmt.Errorf("malformed row %q", line)
		}
		out[code] = f[1]
	}
	return out, sc.Err()
}

// diff describes what a refresh has to change, one line per item.
func diff(doc, ours map[int]string) []string {
	var lines []string
	for _, c := range sortedKeys(doc) {
		name, ok := ours[c]
		switch {
		case !ok:
			lines = append(lines, fmt.Sprintf("new\t%d\t%s\t(add to aadsts.tsv: diagnosis ID and a meaning in our own words)", c, doc[c]))
		case name != doc[c]:
			lines = append(lines, fmt.Sprintf("renamed\t%d\t%s -> %s", c, name, doc[c]))
		}
	}
	for _, c := range sortedKeys(ours) {
		if _, ok := doc[c]; !ok {
			lines = append(lines, fmt.Sprintf("gone\t%d\t%s\t(no longer in Microsoft's table: move to aadsts-extra.tsv with a source, or drop)", c, ours[c]))
		}
	}
	return lines
}

func sortedKeys(m map[int]string) []int {
	keys := make([]int, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Ints(keys)
	return keys
}

func main() {
	docPath := flag.String("doc", "", "path to a copy of reference-error-codes.md")
	tsvPath := flag.String("tsv", "core/diagnose/data/aadsts.tsv", "path to aadsts.tsv")
	flag.Parse()
	if *docPath == "" {
		fmt.Fprintln(os.Stderr, "usage: aadstsdiff -doc reference-error-codes.md [-tsv core/diagnose/data/aadsts.tsv]")
		os.Exit(2)
	}
	doc, err := readWith(*docPath, parseTable)
	if err != nil {
		fail(err)
	}
	ours, err := readWith(*tsvPath, parseTSV)
	if err != nil {
		fail(err)
	}
	lines := diff(doc, ours)
	fmt.Printf("Microsoft's table: %d codes; aadsts.tsv: %d codes; %d differences\n", len(doc), len(ours), len(lines))
	for _, l := range lines {
		fmt.Println(l)
	}
	if len(lines) > 0 {
		os.Exit(1)
	}
}

func readWith(path string, parse func(io.Reader) (map[int]string, error)) (map[int]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	m, err := parse(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return m, nil
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "aadstsdiff:", err)
	os.Exit(2)
}
