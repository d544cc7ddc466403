package report

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/mailoauth/mailoauth-tester/core/engine"
)

// timedRun is a run with a token step and an IMAP step that connects while
// the token is fetched, then waits for it before AUTHENTICATE, with the
// start offsets the engine records.
func timedRun() *engine.Result {
	t0 := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	ms := func(n float64) time.Duration { return time.Duration(n * float64(time.Millisecond)) }
	return &engine.Result{OK: true, Mode: "check", Started: t0, Duration: ms(120), Verdict: "All 3 checks passed",
		Input: engine.Input{Cloud: "global", AuthorityHost: "https://login.microsoftonline.com"},
		Steps: []engine.StepResult{
			{Name: "token", Title: "Token", Status: engine.OK, Start: ms(1), Duration: ms(60)},
			{Name: "claims", Title: "Claims", Status: engine.OK, Start: ms(61), Duration: ms(1)},
			{Name: "imap", Title: "IMAP", Status: engine.OK, Start: ms(2), Waited: ms(25), Duration: ms(90), Timings: []engine.Timing{
				{Name: "tcp", Start: ms(2), Duration: ms(5)}, {Name: "tls", Start: ms(7), Duration: ms(20)}, {Name: "greeting", Start: ms(27), Duration: ms(10)},
				// began at 62: waited for the token and its claims (the engine's order)
				{Name: "authenticate", Start: ms(62), Duration: ms(30)}, {Name: "examine", Start: ms(92), Duration: ms(25)}}},
			{Name: "pop", Title: "POP3", Status: engine.Skipped, Detail: "not asked"},
		}}
}

func TestTimelineOffsets(t *testing.T) {
	res := timedRun()
	rep := BuildJSON(res, Options{})
	want := map[string]float64{"token": 1, "claims": 61, "imap": 2, "pop": 0}
	for _, s := range rep.Steps {
		if s.StartMS != want[s.Name] {
			t.Errorf("step %s start_ms = %v, want %v", s.Name, s.StartMS, want[s.Name])
		}
	}
	var got []string
	for _, tm := range rep.Steps[2].Timings {
		got = append(got, tm.Name+"@"+strconv.FormatFloat(tm.StartMS, 'f', 0, 64))
	}
	if g := strings.Join(got, " "); g != "tcp@2 tls@7 greeting@27 authenticate@62 examine@92" {
		t.Errorf("IMAP stages = %s", g)
	}
	sp := spans(res)
	if w := sp[2].Stages[3]; w.Wait != 25*time.Millisecond || w.WaitedFor != 1 {
		t.Errorf("authenticate waited %s for step %d, want 25ms for the claims check (1), which ended just before", w.Wait, w.WaitedFor)
	}
}

// bars finds the waterfall's bars in an HTML page, in document order.
func bars(t *testing.T, page string) []map[string]string {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]string
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "g" {
			attrs := map[string]string{}
			for _, a := range n.Attr {
				attrs[a.Key] = a.Val
			}
			if strings.HasPrefix(attrs["class"], "bar ") {
				out = append(out, attrs)
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return out
}

func TestWaterfallHasOneBarPerStepInOrder(t *testing.T) {
	res := timedRun()
	page := HTML(res, Options{})
	bs := bars(t, page)
	if len(bs) != len(res.Steps) {
		t.Fatalf("%d bars, want %d (one per step)", len(bs), len(res.Steps))
	}
	for i, b := range bs {
		s := res.Steps[i]
		if b["data-step"] != s.Name || b["class"] != "bar "+string(s.Status) {
			t.Errorf("bar %d = %v, want step %s (%s)", i, b, s.Name, s.Status)
		}
	}
	if bs[2]["data-start-ms"] != "2.0" || bs[1]["data-start-ms"] != "61.0" || bs[2]["data-ms"] != "115.0" {
		t.Errorf("bars carry the wrong offsets: %v", bs)
	}
	for _, w := range []string{`<svg class="waterfall"`, `class="wait"`, `class="dep"`, "waited 25 ms for Claims", "authenticate: 30 ms at &#43;62 ms", "skipped"} {
		if !strings.Contains(page, w) {
			t.Errorf("the waterfall lacks %q", w)
		}
	}
	// Markdown shows the same offsets.
	md := Markdown(res, Options{})
	if !strings.Contains(md, "| ✓ | Claims | +61 ms | 1.0 ms |") {
		t.Errorf("Markdown lacks the start column:\n%s", md)
	}
}

func TestNagios(t *testing.T) {
	res := timedRun()
	tests := []struct {
		name  string
		edit  func(*engine.Result)
		state State
	}{
		{"ok", func(*engine.Result) {}, State{0, "OK"}},
		{"warn", func(r *engine.Result) { r.Steps[1].Status = engine.Warn }, State{1, "WARNING"}},
		{"fail", func(r *engine.Result) { r.OK = false; r.Steps[2].Status = engine.Fail }, State{2, "CRITICAL"}},
		{"cancelled", func(r *engine.Result) { r.OK = false; r.Cancelled = true }, State{3, "UNKNOWN"}},
	}
	for _, tt := range tests {
		r := *res
		r.Steps = append([]engine.StepResult(nil), res.Steps...)
		tt.edit(&r)
		if got := NagiosState(&r); got != tt.state {
			t.Errorf("%s: state %+v, want %+v", tt.name, got, tt.state)
		}
	}
	r := *res
	r.Verdict = "a | b — c"
	out := Nagios(&r, Options{})
	if want := "MAILOAUTH OK - a / b - c | total=0.120000s;;;0 token=0.060000s;;;0 claims=0.001000s;;;0 imap=0.090000s;;;0 pop=U;;;0\n"; !strings.HasPrefix(out, want) {
		t.Errorf("Nagios() = %q, want it to start %q", out, want)
	}
}
