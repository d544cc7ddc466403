package report

import (
	"fmt"
	"math"
	"time"
	"unicode/utf8"

	"github.com/mailoauth/mailoauth-tester/core/engine"
)

// The waterfall's geometry, in SVG user units (about CSS pixels).
const (
	wfWidth   = 880.0 // whole drawing
	wfLabelW  = 130.0 // step titles on the left
	wfRightW  = 64.0  // room for the last bar's duration
	wfTop     = 22.0  // axis labels
	wfRowH    = 24.0  // one step
	wfBarH    = 14.0  // its bar
	wfBottom  = 6.0
	wfCharW   = 6.2 // width of a character of the 11px labels, for fitting
	wfStageCl = 5   // stage colours, cycled
)

// waterfall is the data of the inline SVG: one bar per step, in the
// result's order, with its timed stages and the waits between them.
type waterfall struct {
	Width, Height string
	AxisY, GridY2 string
	Ticks         []wfTick
	Bars          []wfBar
	Label         string // a text alternative for screen readers
}

type wfTick struct{ X, Label string }

type wfBar struct {
	Name, Title, Class string
	StartMS, MS        string // data attributes: offsets in milliseconds
	RowY, TextY, BarY  string
	X, W               string
	BarH               string
	Time               string // duration label
	TimeX              string
	Tip                string
	Skipped            bool
	Stages             []wfStage
	Waits              []wfWait
	Deps               []wfDep
}

// wfDep is a vertical line from the end of the step a stage waited for to
// the stage's row.
type wfDep struct{ X, Y1, Y2 string }

type wfStage struct {
	X, W, Class, Tip string
	Label, LabelX    string // shown inside when it fits
}

type wfWait struct {
	X1, X2, Y     string
	Label, LabelX string // "waits for Token", when it fits
}

func f1(v float64) string { return fmt.Sprintf("%.1f", v) }

// buildWaterfall lays out the steps of res on one time axis.
func buildWaterfall(res *engine.Result, sp []span, titles []string, rd *Redactor) waterfall {
	total := res.Duration
	for _, s := range sp {
		total = max(total, s.End())
		for _, st := range s.Stages {
			total = max(total, st.Start+st.Duration)
		}
	}
	total = max(total, time.Millisecond)
	chartW := wfWidth - wfLabelW - wfRightW
	x := func(d time.Duration) float64 { return wfLabelW + chartW*float64(d)/float64(total) }
	height := wfTop + wfRowH*float64(len(sp)) + wfBottom
	w := waterfall{Width: f1(wfWidth), Height: f1(height), AxisY: f1(wfTop - 8), GridY2: f1(height - wfBottom),
		Label: fmt.Sprintf("Timeline of %d steps over %s", len(sp), Duration(total))}
	step := tickStep(total)
	for t := time.Duration(0); t <= total; t += step {
		label := "0"
		if t > 0 {
			label = Duration(t)
		}
		w.Ticks = append(w.Ticks, wfTick{X: f1(x(t)), Label: label})
	}
	for i, s := range sp {
		row := wfTop + wfRowH*float64(i)
		barY := row + (wfRowH-wfBarH)/2
		rs := res.Steps[i]
		b := wfBar{Name: rs.Name, Title: titles[i], Class: string(rs.Status), StartMS: f1(msOf(s.Start)), MS: f1(msOf(s.Duration)),
			RowY: f1(row), TextY: f1(row + wfRowH/2 + 4), BarY: f1(barY), BarH: f1(wfBarH),
			X: f1(x(s.Start)), W: f1(max(1, x(s.End())-x(s.Start))), Skipped: rs.Status == engine.Skipped && s.Duration == 0}
		end := s.End()
		for _, st := range s.Stages {
			end = max(end, st.Start+st.Duration)
		}
		b.Time, b.TimeX = Duration(s.Duration), f1(x(end)+4)
		b.Tip = fmt.Sprintf("%s: %s, from %s", titles[i], Duration(s.Duration), at(s))
		if b.Skipped {
			b.Time, b.TimeX, b.W = "skipped", f1(x(s.Start)+4), "0"
		}
		for k, st := range s.Stages {
			st.Name, st.Detail = rd.Redact(st.Name), rd.Redact(st.Detail)
			x0, x1 := x(st.Start), x(st.Start+st.Duration)
			ws := wfStage{X: f1(x0), W: f1(max(1, x1-x0)), Class: fmt.Sprintf("s%d", k%wfStageCl),
				Tip: fmt.Sprintf("%s: %s at +%s", st.Name, Duration(st.Duration), Duration(st.Start))}
			if st.Detail != "" {
				ws.Tip += " — " + st.Detail
			}
			if fits(st.Name, x1-x0) {
				ws.Label, ws.LabelX = st.Name, f1(x0+3)
			}
			b.Stages = append(b.Stages, ws)
			if st.Wait > 0 {
				g0 := x(st.Start - st.Wait)
				wt := wfWait{X1: f1(g0), X2: f1(x0), Y: f1(barY + wfBarH/2)}
				if st.WaitedFor >= 0 {
					label := "waits for " + titles[st.WaitedFor]
					if fits(label, x0-g0) {
						wt.Label, wt.LabelX = label, f1(g0+3)
					}
					ws.Tip += " (waited " + Duration(st.Wait) + " for " + titles[st.WaitedFor] + ")"
					b.Stages[len(b.Stages)-1] = ws
					// A line from the end of the step it waited for.
					from := wfTop + wfRowH*float64(st.WaitedFor) + wfRowH/2
					b.Deps = append(b.Deps, wfDep{X: f1(x(sp[st.WaitedFor].End())), Y1: f1(from), Y2: f1(barY + wfBarH/2)})
				}
				b.Waits = append(b.Waits, wt)
			}
		}
		w.Bars = append(w.Bars, b)
	}
	return w
}

// at describes where a span starts.
func at(s span) string {
	if !s.Known {
		return "an unrecorded start"
	}
	if s.Start <= 0 {
		return "the start"
	}
	return "+" + Duration(s.Start)
}

// fits reports whether label fits in width units.
func fits(label string, width float64) bool {
	return float64(utf8.RuneCountInString(label))*wfCharW+6 <= width
}

// tickStep is a round interval (1, 2 or 5 times a power of ten
// milliseconds) giving about six ticks over total.
func tickStep(total time.Duration) time.Duration {
	raw := float64(total) / 6
	exp := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*exp >= raw {
			return max(time.Microsecond, time.Duration(m*exp))
		}
	}
	return time.Duration(10 * exp)
}
