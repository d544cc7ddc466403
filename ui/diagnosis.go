package ui

import (
	"fmt"
	"net/url"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/mailoauth/mailoauth-tester/core/diagnose"
	"github.com/mailoauth/mailoauth-tester/core/engine"
)

// finding is one cause: a diagnosis and the steps that failed (or warned)
// with it.
type finding struct {
	steps  []string // step names, in the order they are given
	titles []string // their titles
	status engine.Status
	detail string // the first step's own detail (the server's answer)
	d      *diagnose.Diagnosis
}

// addFinding adds a failed or warned step's diagnosis to fs: a step with
// the diagnosis ID of an earlier finding joins it (one card per cause).
func addFinding(fs []finding, step, title string, st engine.Status, detail string, d *diagnose.Diagnosis) []finding {
	for i := range fs {
		if fs[i].d.ID == d.ID {
			fs[i].steps = append(fs[i].steps, step)
			fs[i].titles = append(fs[i].titles, title)
			if st == engine.Fail {
				fs[i].status = engine.Fail
			}
			return fs
		}
	}
	return append(fs, finding{steps: []string{step}, titles: []string{title}, status: st, detail: detail, d: d})
}

// findingsOf are a finished run's causes in the order the engine gives its
// steps (the engine orders them causally: what failed first, and what
// others depend on, comes first), one per diagnosis ID.
func findingsOf(res *engine.Result) []finding {
	var fs []finding
	for _, s := range res.Steps {
		if s.Diagnosis != nil && (s.Status == engine.Fail || s.Status == engine.Warn) {
			fs = addFinding(fs, s.Name, s.Title, s.Status, s.Detail, s.Diagnosis)
		}
	}
	return fs
}

// has reports whether the finding covers step.
func (f finding) has(step string) bool {
	for _, s := range f.steps {
		if s == step {
			return true
		}
	}
	return false
}

// text is the finding as plain text: what "Copy" on its card copies.
func (f finding) text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s (%s: %s)\n\n%s\n", plain(f.d.Title), strings.Join(f.titles, ", "), f.d.ID, plain(f.d.Cause))
	if len(f.d.Fix) > 0 {
		b.WriteString("\nHow to fix:\n")
		for i, fx := range f.d.Fix {
			fmt.Fprintf(&b, "%d. %s\n", i+1, plain(fx))
		}
	}
	if f.detail != "" {
		fmt.Fprintf(&b, "\nServer answer: %s\n", f.detail)
	}
	for _, l := range f.d.Links {
		fmt.Fprintf(&b, "%s: %s\n", l.Title, l.URL)
	}
	return b.String()
}

// plain drops the knowledge base's Markdown marks (**bold**, `code`): the
// cards show selectable, wrapping plain text.
func plain(s string) string {
	s = strings.ReplaceAll(s, "**", "")
	s = strings.ReplaceAll(s, "`", "")
	return strings.Join(strings.Fields(s), " ")
}

// portalLink picks the link the main button opens: the first one into the
// Azure, Entra or Exchange admin portal.
func portalLink(links []diagnose.Link) (diagnose.Link, bool) {
	for _, l := range links {
		u, err := url.Parse(l.URL)
		if err != nil {
			continue
		}
		h := u.Host
		if strings.HasPrefix(h, "portal.") || strings.HasPrefix(h, "entra.") || strings.HasPrefix(h, "admin.") {
			return l, true
		}
	}
	return diagnose.Link{}, false
}

// cardActions are what a card's buttons do.
type cardActions struct {
	open     func(url string)
	copy     func(text string) // copies as shown (redacted)
	copyReal func(text string) // copies with the real IDs (PowerShell)
}

// card draws a finding: the cause as its headline, the steps it failed,
// the buttons, the cause, the numbered fix, the server's answer and the
// links. All its text is selectable.
func card(f finding, redact func(string) string, act cardActions) fyne.CanvasObject {
	dg := f.d
	kind := bannerError
	if f.status == engine.Warn {
		kind = bannerWarning
	}
	heading := &widget.Label{Text: redact(plain(dg.Title)), Wrapping: fyne.TextWrapWord, Selectable: true,
		TextStyle: fyne.TextStyle{Bold: true}, SizeName: theme.SizeNameSubHeadingText}
	meta := &widget.Label{Text: fmt.Sprintf("%s · diagnosis %s", strings.Join(f.titles, ", "), dg.ID),
		SizeName: theme.SizeNameCaptionText, Wrapping: fyne.TextWrapWord, Selectable: true}

	var buttons []fyne.CanvasObject
	if l, ok := portalLink(dg.Links); ok {
		buttons = append(buttons, &widget.Button{Text: "Open in portal", Icon: theme.ComputerIcon(), Importance: widget.HighImportance, OnTapped: func() { act.open(l.URL) }})
	}
	if dg.Script != "" {
		script := dg.Script
		buttons = append(buttons, &widget.Button{Text: "Copy PowerShell", Icon: theme.ContentCopyIcon(), OnTapped: func() { act.copyReal(script) }})
	}
	buttons = append(buttons, &widget.Button{Text: "Copy", Icon: theme.ContentCopyIcon(), Importance: widget.LowImportance, OnTapped: func() { act.copy(f.text()) }})

	objs := []fyne.CanvasObject{heading, meta, container.NewHBox(buttons...),
		&widget.Label{Text: redact(plain(dg.Cause)), Wrapping: fyne.TextWrapWord, Selectable: true}}
	if len(dg.Fix) > 0 {
		objs = append(objs, &widget.Label{Text: "How to fix", TextStyle: fyne.TextStyle{Bold: true}})
		for i, fx := range dg.Fix {
			objs = append(objs, &widget.Label{Text: fmt.Sprintf("%d. %s", i+1, redact(plain(fx))), Wrapping: fyne.TextWrapWord, Selectable: true})
		}
	}
	if f.detail != "" {
		objs = append(objs, &widget.Label{Text: "Server answer: " + redact(f.detail), Wrapping: fyne.TextWrapWord, Selectable: true,
			SizeName: theme.SizeNameCaptionText, TextStyle: fyne.TextStyle{Monospace: true}})
	}
	for _, l := range dg.Links {
		h := &widget.Hyperlink{Text: l.Title, OnTapped: func() { act.open(l.URL) }}
		h.ExtendBaseWidget(h)
		h.Wrapping = fyne.TextWrapWord
		objs = append(objs, h)
	}

	frame := newBanner() // the banner's tint and edge, reused as the card frame
	frame.set(kind, "")
	frame.label.Hide()
	frame.icon.Hide()
	return container.NewStack(frame, container.NewPadded(container.NewPadded(container.NewVBox(objs...))))
}
