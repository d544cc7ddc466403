package ui

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/mailoauth/mailoauth-tester/core/engine"
	"github.com/mailoauth/mailoauth-tester/core/report"
)

// logLine is one event as the log shows it. text has been scrubbed by the
// engine; it is redacted again (IDs) when drawn, so Hide IDs applies to
// lines already shown.
type logLine struct {
	time   time.Time
	step   string
	level  engine.Level
	indent bool // a transcript line, shown under its step
	text   string
}

// logView is the live log: a virtualised list that is refreshed at most
// once per delivered batch, never once per line.
type logView struct {
	redact func(string) string
	titles map[string]string

	lines     []logLine
	last      map[string]int // index of each step's last line, to fold lines under it
	dirty     bool
	refreshes int // list refreshes so far (tests assert it stays small)

	list    *widget.List
	content fyne.CanvasObject
}

// newLogView builds the Log tab: the lines (each selectable; Ctrl+C
// copies a selection) and a button that copies the whole log as shown.
func newLogView(redact func(string) string, copyText func(string)) *logView {
	v := &logView{redact: redact, titles: map[string]string{}, last: map[string]int{}}
	v.list = widget.NewList(
		func() int { return len(v.lines) },
		func() fyne.CanvasObject {
			ts := &widget.Label{Text: "00:00:00.000", TextStyle: fyne.TextStyle{Monospace: true}, Importance: widget.LowImportance}
			txt := &widget.Label{TextStyle: fyne.TextStyle{Monospace: true}, Truncation: fyne.TextTruncateEllipsis, Selectable: true}
			return container.NewBorder(nil, nil, ts, nil, txt)
		},
		func(id widget.ListItemID, o fyne.CanvasObject) {
			if id >= len(v.lines) {
				return
			}
			l := v.lines[id]
			c := o.(*fyne.Container)
			txt, ts := c.Objects[0].(*widget.Label), c.Objects[1].(*widget.Label)
			ts.SetText(l.time.Format("15:04:05.000"))
			txt.Text, txt.Importance = v.render(l), levelImportance(l.level)
			txt.Refresh()
		},
	)
	v.list.HideSeparators = true
	copyAll := &widget.Button{Text: "Copy log", Icon: theme.ContentCopyIcon(), Importance: widget.LowImportance, OnTapped: func() { copyText(v.rawText()) }}
	tip := &widget.Label{Text: "Transcripts appear here when Advanced → Transcript is on. Tokens and secrets are masked.", SizeName: theme.SizeNameCaptionText, Truncation: fyne.TextTruncateEllipsis}
	v.content = container.NewBorder(container.NewBorder(nil, nil, nil, copyAll, tip), nil, nil, nil, v.list)
	return v
}

// levelImportance colours a line: success, error, warning, foreground,
// and the disabled colour for debug lines.
func levelImportance(l engine.Level) widget.Importance {
	switch l {
	case engine.Good:
		return widget.SuccessImportance
	case engine.Error:
		return widget.DangerImportance
	case engine.Warns:
		return widget.WarningImportance
	case engine.Debug:
		return widget.LowImportance
	}
	return widget.MediumImportance
}

// render is a line's text as drawn.
func (v *logView) render(l logLine) string {
	tag := ""
	if l.step != "" {
		tag = v.titles[l.step]
		if tag == "" {
			tag = l.step
		}
	}
	pad := fmt.Sprintf("%-8s ", tag)
	if l.indent {
		pad += "    "
	}
	return pad + v.redact(l.text)
}

// clear empties the log for a new run.
func (v *logView) clear() {
	v.lines, v.last, v.titles = nil, map[string]int{}, map[string]string{}
	v.dirty = true
}

// add turns an event into a line. Lines of a step are kept together
// (after the step's last line) so concurrent steps read one at a time and
// each transcript sits under its step.
func (v *logView) add(e engine.Event) {
	l := logLine{time: e.Time, step: e.Step, level: e.Level, text: lineText(e)}
	switch e.Kind {
	case engine.RunStart:
		for _, s := range e.Steps {
			v.titles[s.Name] = s.Title
		}
	case engine.Transcript:
		l.indent = true
	}
	v.dirty = true
	at, ok := v.last[e.Step]
	if e.Step == "" || !ok || at == len(v.lines)-1 {
		v.lines = append(v.lines, l)
		if e.Step != "" {
			v.last[e.Step] = len(v.lines) - 1
		}
		return
	}
	v.lines = slices.Insert(v.lines, at+1, l)
	for s, i := range v.last {
		if i > at {
			v.last[s] = i + 1
		}
	}
	v.last[e.Step] = at + 1
}

// lineText is the one-line form of an event.
func lineText(e engine.Event) string {
	t := e.Text
	switch e.Kind {
	case engine.StepEnd:
		t = fmt.Sprintf("%s %s %s", report.Symbol(e.Status), statusWord(e.Status), stepDuration(e))
		if e.Text != "" {
			t += " — " + e.Text
		}
	case engine.Log:
		if e.Detail != "" {
			t += "  " + e.Detail
		}
	case engine.RunEnd:
		t = "■ " + e.Text
	case engine.RunStart:
		t = "▶ " + e.Text
	}
	return strings.ReplaceAll(t, "\n", " ⏎ ")
}

func statusWord(st engine.Status) string {
	switch st {
	case engine.OK:
		return "passed in"
	case engine.Fail:
		return "failed after"
	case engine.Warn:
		return "passed with a warning in"
	}
	return string(st)
}

// commit refreshes the list once if lines were added since the last call,
// and keeps the newest line in view.
func (v *logView) commit() {
	if !v.dirty {
		return
	}
	v.dirty = false
	v.refreshes++
	v.list.Refresh()
	v.list.ScrollToBottom()
}

// refresh redraws every visible line (after Hide IDs changes).
func (v *logView) refresh() {
	v.dirty = true
	v.commit()
}

// text returns the log as drawn, one line per entry.
func (v *logView) text() string { return v.redact(v.rawText()) }

// rawText is the log with its engine-scrubbed texts, before the window's
// redaction (copyText applies it).
func (v *logView) rawText() string {
	var b strings.Builder
	for _, l := range v.lines {
		fmt.Fprintf(&b, "%s %s\n", l.time.Format("15:04:05.000"), v.render(l))
	}
	return b.String()
}
