package diagnose

import (
	"bufio"
	"hash/fnv"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// corpusDir holds the real error texts the knowledge base is measured on:
// every entry has its public source and the diagnosis it must end on.
const corpusDir = "../../testdata/diagnose"

// corpusEntry is one real error text. Origin "v1" marks the texts the
// previous version's rules were written from, and "tuned" the texts that
// led to a change of a rule or a mapping while this corpus was collected;
// both are always in the training part, so the held-out part only holds
// texts no rule was written for.
type corpusEntry struct {
	file, name, src, want, origin, vocab string
	miss                                 string // why a training text is knowingly not recognised
	text                                 string
	line                                 int
}

// heldOut reports whether an entry belongs to the held-out fifth: chosen
// by a hash of its source and name when it is collected, never by looking
// at whether the rules get it right. Only counts of the held-out part are
// ever printed, so rules cannot be tuned to it by accident.
func (e corpusEntry) heldOut() bool {
	if e.origin == "v1" || e.origin == "tuned" {
		return false
	}
	h := fnv.New32a()
	h.Write([]byte(e.src + "\x00" + e.name))
	return h.Sum32()%5 == 0
}

// loadCorpus reads every *.txt file of corpusDir. An entry is
//
//	=== name
//	src: https://… (public source)
//	want: diagnosis-id
//	vocab: aadsts|oauth|smtp|imap|pop|graph|wrapper|network (optional)
//	origin: v1 (optional)
//	miss: reason (optional; a training text the rules knowingly do not
//	      recognise, e.g. a localised wording no rule can cover as a class)
//	---
//	the text, verbatim, up to the next "=== " line
func loadCorpus(t testing.TB) []corpusEntry {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(corpusDir, "*.txt"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no corpus files in %s: %v", corpusDir, err)
	}
	var out []corpusEntry
	for _, f := range files {
		out = append(out, parseCorpusFile(t, f)...)
	}
	// The same text twice would count twice: every text is unique, and a
	// GitHub thread gives at most one text per diagnosis (two excerpts of
	// one report are one sample).
	seen := map[string]string{}
	for _, e := range out {
		keys := []string{normalize(e.text)}
		if strings.HasPrefix(e.src, "https://github.com/") {
			keys = append(keys, e.src+" "+e.want)
		}
		for _, key := range keys {
			if prev, ok := seen[key]; ok {
				t.Errorf("%s %q repeats %s (same text, or same thread and diagnosis)", e.file, e.name, prev)
			}
			seen[key] = e.file + " " + e.name
		}
	}
	return out
}

func parseCorpusFile(t testing.TB, path string) []corpusEntry {
	t.Helper()
	fh, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	var out []corpusEntry
	var cur *corpusEntry
	inText := false
	var text []string
	flush := func() {
		if cur == nil {
			return
		}
		cur.text = strings.TrimRight(strings.Join(text, "\n"), "\n")
		out = append(out, *cur)
		cur, text, inText = nil, nil, false
	}
	sc := bufio.NewScanner(fh)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	n := 0
	base := filepath.Base(path)
	for sc.Scan() {
		n++
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "=== "):
			flush()
			cur = &corpusEntry{file: base, name: strings.TrimSpace(line[4:]), line: n}
		case cur == nil:
			continue // file header
		case inText:
			text = append(text, line)
		case line == "---":
			inText = true
		default:
			k, v, ok := strings.Cut(line, ":")
			if !ok {
				t.Errorf("%s:%d: header line %q is not key: value", base, n, line)
				continue
			}
			v = strings.TrimSpace(v)
			switch strings.TrimSpace(k) {
			case "src":
				cur.src = v
			case "want":
				cur.want = v
			case "origin":
				cur.origin = v
			case "vocab":
				cur.vocab = v
			case "miss":
				cur.miss = v
			default:
				t.Errorf("%s:%d: unknown header %q", base, n, k)
			}
		}
	}
	flush()
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestCorpusWellFormed: every entry names a public source, a known ID and
// has text; names are unique.
func TestCorpusWellFormed(t *testing.T) {
	seen := map[string]string{}
	for _, e := range loadCorpus(t) {
		where := e.file + ":" + e.name
		if prev, dup := seen[e.name]; dup {
			t.Errorf("%s: name also used in %s", where, prev)
		}
		seen[e.name] = where
		if !strings.HasPrefix(e.src, "https://") {
			t.Errorf("%s: src %q is not a public https URL", where, e.src)
		}
		if !Known(e.want) {
			t.Errorf("%s: want %q is not a diagnosis ID", where, e.want)
		}
		if strings.TrimSpace(e.text) == "" {
			t.Errorf("%s: no text", where)
		}
	}
}

// minCorpus is the size the corpus must keep.
const minCorpus = 400

// Floors below which the knowledge base has regressed. The training part is
// what the rules were written against; the held-out part measures how they
// generalise and is reported, with a lower floor.
const (
	minTrainShare   = 0.95
	minHeldOutShare = 0.70
	maxUnknownShare = 0.05
)

// TestCorpus measures the knowledge base on every real text and prints
// the share recognised (the expected ID) and the share unknown, for the
// whole corpus, the training part and the held-out part, per vocabulary.
// Mismatches are listed for the training part only.
func TestCorpus(t *testing.T) {
	entries := loadCorpus(t)
	if len(entries) < minCorpus {
		t.Errorf("corpus has %d texts, want at least %d", len(entries), minCorpus)
	}
	type tally struct{ n, ok, unknown int }
	var all, train, held tally
	perVocab := map[string]*tally{}
	add := func(tl *tally, ok, unk bool) {
		tl.n++
		if ok {
			tl.ok++
		}
		if unk {
			tl.unknown++
		}
	}
	for _, e := range entries {
		d := Recognize(e.text, Facts{})
		ok, unk := d.ID == e.want, d.ID == Unknown
		add(&all, ok, unk)
		v := e.vocab
		if v == "" {
			v = "(none)"
		}
		if perVocab[v] == nil {
			perVocab[v] = &tally{}
		}
		add(perVocab[v], ok, unk)
		if e.heldOut() {
			add(&held, ok, unk)
			continue
		}
		add(&train, ok, unk)
		switch {
		case !ok && e.miss != "":
			t.Logf("known miss: %s %q = %s, want %s (%s)", e.file, e.name, d.ID, e.want, e.miss)
		case !ok:
			t.Errorf("%s %q = %s, want %s (%s)", e.file, e.name, d.ID, e.want, e.src)
		case e.miss != "":
			t.Errorf("%s %q is recognised now: drop its miss: line", e.file, e.name)
		}
	}
	pct := func(a, b int) float64 {
		if b == 0 {
			return 0
		}
		return 100 * float64(a) / float64(b)
	}
	t.Logf("corpus: %d texts: recognised %.1f%%, unknown %.1f%%", all.n, pct(all.ok, all.n), pct(all.unknown, all.n))
	t.Logf("training part: %d texts: recognised %.1f%%, unknown %.1f%%", train.n, pct(train.ok, train.n), pct(train.unknown, train.n))
	t.Logf("held-out part: %d texts: recognised %.1f%%, unknown %.1f%%", held.n, pct(held.ok, held.n), pct(held.unknown, held.n))
	var vocabs []string
	for v := range perVocab {
		vocabs = append(vocabs, v)
	}
	sort.Strings(vocabs)
	for _, v := range vocabs {
		tl := perVocab[v]
		t.Logf("  %-8s %3d texts: recognised %.1f%%, unknown %.1f%%", v, tl.n, pct(tl.ok, tl.n), pct(tl.unknown, tl.n))
	}
	for _, v := range []string{"aadsts", "oauth", "smtp", "imap", "pop", "graph", "wrapper", "network"} {
		if perVocab[v] == nil || perVocab[v].n < 5 {
			t.Errorf("vocabulary %s has fewer than 5 real texts", v)
		}
	}
	if s := float64(train.ok) / float64(max(train.n, 1)); s < minTrainShare {
		t.Errorf("training part recognised %.1f%%, floor %.0f%%", 100*s, 100*minTrainShare)
	}
	if s := float64(held.ok) / float64(max(held.n, 1)); held.n > 0 && s < minHeldOutShare {
		t.Errorf("held-out part recognised %.1f%%, floor %.0f%%", 100*s, 100*minHeldOutShare)
	}
	if s := float64(all.unknown) / float64(max(all.n, 1)); s > maxUnknownShare {
		t.Errorf("%.1f%% of the corpus is unknown, ceiling %.0f%%", 100*s, 100*maxUnknownShare)
	}
}
