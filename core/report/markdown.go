package report

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/mailoauth/mailoauth-tester/core/engine"
)

// Markdown renders a finished run for a ticket: a verdict, a table of
// steps and a section per diagnosis. Text that may come from a server is
// escaped so that it can never become a link, an image, HTML or a table
// break, and every block of server text is fenced with more backticks than
// it holds.
func Markdown(res *engine.Result, o Options) string {
	rd := forResult(res, o)
	var b strings.Builder
	fmt.Fprintf(&b, "### Mail OAuth Tester: %s\n\n", mdText(rd.Redact(res.Verdict)))
	in := redactInput(res.Input, rd)
	if res.Mode == "check" {
		fmt.Fprintf(&b, "- Tenant: %s\n- Client ID: %s\n- Mailbox: %s\n- Flow: %s (%s)\n- Protocols: %s (%s)\n",
			codeSpan(in.Tenant), codeSpan(in.ClientID), codeSpan(in.Mailbox), mdText(in.Flow), mdText(in.Credential),
			mdText(strings.Join(in.Protocols, ", ")), mdText(in.Mechanism))
	}
	fmt.Fprintf(&b, "- Cloud: %s (%s)\n- Run: %s, %s\n\n", mdText(in.Cloud), codeSpan(in.AuthorityHost), res.Started.Format("2006-01-02 15:04:05 MST"), Duration(res.Duration))
	b.WriteString("| | Step | Start | Time | Result |\n|---|---|---:|---:|---|\n")
	sp := spans(res)
	for i, s := range res.Steps {
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", Symbol(s.Status), mdText(rd.Redact(s.Title)), offset(sp[i]), Duration(s.Duration), mdText(rd.Redact(s.Detail)))
	}
	b.WriteString(presetMarkdown(presetOf(res, rd)))
	for _, s := range res.Steps {
		d := s.Diagnosis
		if d == nil {
			continue
		}
		fmt.Fprintf(&b, "\n#### %s %s: %s (%s)\n\n%s\n\n", Symbol(s.Status), mdText(rd.Redact(s.Title)), mdProse(rd.Redact(d.Title)), codeSpan(rd.Redact(d.ID)), mdProse(rd.Redact(d.Cause)))
		for i, f := range d.Fix {
			fmt.Fprintf(&b, "%d. %s\n", i+1, mdProse(rd.Redact(f)))
		}
		if d.Script != "" {
			fmt.Fprintf(&b, "\n%s\n", fence(rd.Redact(d.Script), "powershell"))
		}
		for _, l := range d.Links {
			fmt.Fprintf(&b, "- [%s](%s)\n", mdText(rd.Redact(l.Title)), linkURL(rd.Redact(l.URL)))
		}
		if d.Evidence != "" {
			fmt.Fprintf(&b, "\n<details><summary>Server answer</summary>\n\n%s\n</details>\n", fence(rd.Redact(d.Evidence), ""))
		}
	}
	fmt.Fprintf(&b, "\n---\n%s\n", mdText(contextLine(toolOf(o), contextOf(res, rd))))
	return b.String()
}

// offset is a step's start for a table: "+12 ms", or "–" when the run's
// events were not recorded.
func offset(s span) string {
	if !s.Known {
		return "–"
	}
	return plus(s.Start)
}

// plus is an offset from the run's start: "0" or "+12 ms".
func plus(d time.Duration) string {
	if d < 100*time.Microsecond {
		return "0"
	}
	return "+" + Duration(d)
}

// mdEscaper escapes every character that can start Markdown (or HTML)
// inline markup, and breaks the patterns GitHub-style autolinks look for.
var mdEscaper = strings.NewReplacer(
	`\`, `\\`, "`", "\\`", "*", `\*`, "_", `\_`, "[", `\[`, "]", `\]`, "<", `\<`, ">", `\>`, "!", `\!`,
	"|", `\|`, "~", `\~`, "#", `\#`, "(", `\(`, ")", `\)`, "{", `\{`, "}", `\}`, "&", `\&`, "@", `\@`,
	"://", `:\/\/`, "www.", `www\.`, "\r\n", " ", "\n", " ", "\r", " ")

// mdText escapes text (a step's detail, a verdict) for a Markdown table
// cell or paragraph: it is shown exactly, never interpreted.
func mdText(s string) string { return mdEscaper.Replace(s) }

// proseEscaper escapes, outside code spans, what could make a link, an
// image or HTML of the knowledge base's prose (which keeps its **bold**).
var proseEscaper = strings.NewReplacer(
	`\`, `\\`, "[", `\[`, "]", `\]`, "<", `\<`, ">", `\>`, "!", `\!`, "|", `\|`, "&", `\&`, "@", `\@`,
	"://", `:\/\/`, "www.", `www\.`, "\r\n", " ", "\n", " ", "\r", " ")

// codeSpanRE finds the knowledge base's inline code spans.
var codeSpanRE = regexp.MustCompile("`[^`\n]+`")

// mdProse renders the knowledge base's prose (a cause, a fix step) with its
// **bold** and `code` kept and everything else escaped: facts filled in
// from the run, or a server's words quoted in it, cannot become markup.
func mdProse(s string) string {
	var b strings.Builder
	last := 0
	for _, m := range codeSpanRE.FindAllStringIndex(s, -1) {
		b.WriteString(proseEscaper.Replace(s[last:m[0]]))
		b.WriteString(codeSpan(s[m[0]+1 : m[1]-1]))
		last = m[1]
	}
	b.WriteString(proseEscaper.Replace(s[last:]))
	return b.String()
}

// longestRun is the length of the longest run of c in s.
func longestRun(s string, c byte) int {
	best, n := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			n++
			best = max(best, n)
		} else {
			n = 0
		}
	}
	return best
}

// codeSpan puts s in an inline code span delimited by more backticks than
// any run inside it, so nothing in s can close it.
func codeSpan(s string) string {
	s = strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ").Replace(s)
	if s == "" {
		return "` `"
	}
	tick := strings.Repeat("`", longestRun(s, '`')+1)
	pad := ""
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		pad = " "
	}
	return tick + pad + s + pad + tick
}

// fence puts s in a fenced code block whose fence is longer than any run of
// backticks in s (at least three), so s cannot end the block.
func fence(s, lang string) string {
	f := strings.Repeat("`", max(3, longestRun(s, '`')+1))
	return f + lang + "\n" + strings.TrimRight(s, "\n") + "\n" + f
}

// linkURL keeps a link target from breaking out of its parentheses.
func linkURL(u string) string {
	return strings.NewReplacer("(", "%28", ")", "%29", " ", "%20", "<", "%3C", ">", "%3E", "\n", "", "\r", "").Replace(u)
}
