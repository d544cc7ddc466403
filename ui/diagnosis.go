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

// finding is a failed or warned step with its diagnosis.
type finding struct {
	title  string // step title
	status engine.Status
	detail string // the step's own detail (the server's answer)
	d      *diagnose.Diagnosis
}

// diagnoses shows one card per finding: title, cause, numbered fix steps,
// the server's answer, and buttons to open the portal and copy the
// PowerShell.
type diagnoses struct {
	redact  func(string) string
	openURL func(*url.URL) error
	copy    func(string)

	found   []finding
	box     *fyne.Container
	content fyne.CanvasObject
}

func newDiagnoses(redact func(string) string, openURL func(*url.URL) error, copyText func(string)) *diagnoses {
	d := &diagnoses{redact: redact, openURL: openURL, copy: copyText}
	d.box = container.NewVBox()
	d.content = container.NewVScroll(d.box)
	return d
}

func (d *diagnoses) clear() {
	d.found = nil
	d.rebuild()
}

func (d *diagnoses) add(f finding) {
	d.found = append(d.found, f)
	d.box.Add(d.card(f))
}

// rebuild redraws every card (after Hide IDs changes).
func (d *diagnoses) rebuild() {
	d.box.Objects = nil
	for _, f := range d.found {
		d.box.Objects = append(d.box.Objects, d.card(f))
	}
	d.box.Refresh()
}

// portalLink picks the link the main button opens: the first one into the
// Azure or Entra portal, else the first link.
func portalLink(links []diagnose.Link) (diagnose.Link, bool) {
	for _, l := range links {
		if u, err := url.Parse(l.URL); err == nil && (strings.HasPrefix(u.Host, "portal.") || strings.HasPrefix(u.Host, "entra.")) {
			return l, true
		}
	}
	return diagnose.Link{}, false
}

func (d *diagnoses) card(f finding) fyne.CanvasObject {
	dg := f.d
	kind := bannerError
	if f.status == engine.Warn {
		kind = bannerWarning
	}
	heading := widget.NewRichText(&widget.TextSegment{
		Text:  fmt.Sprintf("%s: %s", f.title, d.redact(dg.Title)),
		Style: widget.RichTextStyle{SizeName: theme.SizeNameSubHeadingText, TextStyle: fyne.TextStyle{Bold: true}},
	})
	heading.Wrapping = fyne.TextWrapWord
	id := &widget.Label{Text: "Diagnosis ID: " + dg.ID, SizeName: theme.SizeNameCaptionText, TextStyle: fyne.TextStyle{Monospace: true}}

	var md strings.Builder
	md.WriteString(escapeMarkdownLine(d.redact(dg.Cause)))
	if len(dg.Fix) > 0 {
		md.WriteString("\n\n**How to fix**\n\n")
		for i, fx := range dg.Fix {
			fmt.Fprintf(&md, "%d. %s\n", i+1, escapeMarkdownLine(d.redact(fx)))
		}
	}
	body := widget.NewRichTextFromMarkdown(md.String())
	body.Wrapping = fyne.TextWrapWord

	objs := []fyne.CanvasObject{heading, id, body}
	if f.detail != "" {
		answer := widget.NewRichText(
			&widget.TextSegment{Text: "Server answer: ", Style: widget.RichTextStyle{Inline: true, ColorName: theme.ColorNamePlaceHolder, SizeName: theme.SizeNameCaptionText}},
			&widget.TextSegment{Text: d.redact(f.detail), Style: widget.RichTextStyle{ColorName: theme.ColorNamePlaceHolder, SizeName: theme.SizeNameCaptionText, TextStyle: fyne.TextStyle{Monospace: true}}},
		)
		answer.Wrapping = fyne.TextWrapWord
		objs = append(objs, answer)
	}

	var buttons []fyne.CanvasObject
	if l, ok := portalLink(dg.Links); ok {
		buttons = append(buttons, &widget.Button{Text: "Open in Azure portal", Icon: theme.ComputerIcon(), Importance: widget.HighImportance, OnTapped: func() { d.open(l.URL) }})
	}
	if dg.Script != "" {
		script := dg.Script
		buttons = append(buttons, &widget.Button{Text: "Copy PowerShell", Icon: theme.ContentCopyIcon(), OnTapped: func() { d.copy(script) }})
	}
	if len(buttons) > 0 {
		// The actions go right under the title, visible without scrolling.
		objs = append(objs[:2], append([]fyne.CanvasObject{container.NewHBox(buttons...)}, objs[2:]...)...)
	}
	var links []fyne.CanvasObject
	for _, l := range dg.Links {
		l := l
		h := &widget.Hyperlink{Text: l.Title, OnTapped: func() { d.open(l.URL) }}
		h.ExtendBaseWidget(h)
		h.Wrapping = fyne.TextWrapWord
		links = append(links, h)
	}
	if len(links) > 0 {
		objs = append(objs, container.NewVBox(links...))
	}

	b := newBanner() // the banner's tint and edge, reused as the card frame
	b.set(kind, "")
	b.label.Hide()
	b.icon.Hide()
	return container.NewStack(b, container.NewPadded(container.NewPadded(container.NewVBox(objs...))))
}

// open opens u in the system browser through the window's opener.
func (d *diagnoses) open(raw string) {
	u, err := url.Parse(raw)
	if err != nil || d.openURL == nil {
		return
	}
	_ = d.openURL(u)
}

// escapeMarkdownLine keeps a knowledge-base text on one Markdown line.
// The texts are Markdown already (**bold**, `code`); only line breaks and
// a leading list or heading marker could change their meaning.
func escapeMarkdownLine(s string) string {
	s = strings.ReplaceAll(strings.TrimSpace(s), "\n", " ")
	if strings.HasPrefix(s, "#") || strings.HasPrefix(s, "- ") || strings.HasPrefix(s, "* ") {
		s = `\` + s
	}
	return s
}

// text returns the cards' text, for tests.
func (d *diagnoses) text() string {
	var b strings.Builder
	for _, f := range d.found {
		fmt.Fprintf(&b, "%s: %s\n%s\n", f.title, d.redact(f.d.Title), d.redact(f.d.Cause))
		for i, fx := range f.d.Fix {
			fmt.Fprintf(&b, "%d. %s\n", i+1, d.redact(fx))
		}
	}
	return b.String()
}
