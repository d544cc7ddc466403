package report

import (
	"bytes"
	"html/template"
	"regexp"
	"strings"

	"github.com/mailoauth/mailoauth-tester/core/engine"
)

// htmlStep is one step as the HTML template sees it.
type htmlStep struct {
	JSONStep
	Symbol string
	Start  string // offset from the run's start
	Time   string
	Class  string // ok, warn, fail, skipped
	Cause  template.HTML
	Fix    []template.HTML
}

type htmlDoc struct {
	JSONReport
	Class     string
	Started   string
	Took      string
	Check     bool
	Protocols string
	Steps     []htmlStep
	Waterfall waterfall
	Stages    []htmlStage
	ToolLine  string
	CloudLine string
	Preset    *presetView // the product preset's requirements, nil without one
}

// htmlStage is one row of the stage timings table.
type htmlStage struct {
	Step, Name, Start, Time, Detail string
}

// HTML renders a finished run as one self-contained HTML page (inline CSS,
// no scripts, no external resources) that opens in any browser and follows
// the reader's light or dark preference. Like every rendering it passes
// through the redaction of o; the page never holds a secret.
func HTML(res *engine.Result, o Options) string {
	rep := BuildJSON(res, o)
	doc := htmlDoc{
		JSONReport: rep,
		Class:      "fail",
		Started:    res.Started.Format("2006-01-02 15:04:05 MST"),
		Took:       Duration(res.Duration),
		Check:      res.Mode == "check",
		Protocols:  strings.Join(rep.Input.Protocols, ", "),
	}
	if res.OK {
		doc.Class = "ok"
		for _, s := range res.Steps {
			if s.Status == engine.Warn {
				doc.Class = "warn"
			}
		}
	}
	rd := forResult(res, o)
	sp := spans(res)
	var titles []string
	for _, s := range rep.Steps {
		titles = append(titles, s.Title)
	}
	doc.Waterfall = buildWaterfall(res, sp, titles, rd)
	doc.ToolLine, doc.CloudLine = toolLine(rep.Tool), cloudLabel(rep.Context)
	doc.Preset = presetOf(res, rd)
	for i, s := range rep.Steps {
		for k, t := range s.Timings {
			doc.Stages = append(doc.Stages, htmlStage{Step: s.Title, Name: t.Name, Start: plus(sp[i].Stages[k].Start), Time: Duration(res.Steps[i].Timings[k].Duration), Detail: t.Detail})
		}
		hs := htmlStep{JSONStep: s, Symbol: Symbol(res.Steps[i].Status), Start: offset(sp[i]), Time: Duration(res.Steps[i].Duration), Class: s.Status}
		if d := s.Diagnosis; d != nil {
			hs.Cause = inlineMarkdown(d.Cause)
			for _, f := range d.Fix {
				hs.Fix = append(hs.Fix, inlineMarkdown(f))
			}
		}
		doc.Steps = append(doc.Steps, hs)
	}
	var b bytes.Buffer
	if err := htmlTmpl.Execute(&b, doc); err != nil {
		// The template is fixed and the data plain strings: an error
		// here is a bug, shown rather than hidden.
		return "<!doctype html><title>Mail OAuth Tester report</title><p>report error: " + template.HTMLEscapeString(err.Error())
	}
	return b.String()
}

var (
	mdBold = regexp.MustCompile(`\*\*([^*]+)\*\*`)
	mdCode = regexp.MustCompile("`([^`]+)`")
)

// inlineMarkdown turns the knowledge base's inline Markdown (**bold** and
// `code`) into HTML. The text is escaped first, so nothing in it can become
// markup of its own.
func inlineMarkdown(s string) template.HTML {
	s = template.HTMLEscapeString(s)
	s = mdCode.ReplaceAllString(s, "<code>$1</code>")
	s = mdBold.ReplaceAllString(s, "<strong>$1</strong>")
	return template.HTML(s) //nolint:gosec // escaped above; only <code> and <strong> are added
}

var htmlTmpl = template.Must(template.New("report").Parse(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="{{.ToolLine}}">
<title>Mail OAuth Tester — {{.Verdict}}</title>
<style>
:root { color-scheme: light dark; --bg:#fff; --fg:#1f2328; --muted:#59636e; --line:#d1d9e0; --card:#f6f8fa;
  --ok:#1a7f37; --okbg:#dafbe1; --warn:#9a6700; --warnbg:#fff8c5; --fail:#cf222e; --failbg:#ffebe9;
  --s0:#0969da; --s1:#8250df; --s2:#1b7c83; --s3:#bf3989; --s4:#953800; }
@media (prefers-color-scheme: dark) { :root { --bg:#0d1117; --fg:#e6edf3; --muted:#9198a1; --line:#3d444d; --card:#151b23;
  --ok:#3fb950; --okbg:#12261e; --warn:#d29922; --warnbg:#272115; --fail:#f85149; --failbg:#25171c;
  --s0:#4493f8; --s1:#ab7df8; --s2:#39c5cf; --s3:#f778ba; --s4:#db6d28; } }
body { background:var(--bg); color:var(--fg); font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif; margin:0 auto; max-width:60rem; padding:1.5rem; }
h1 { font-size:1.3rem; margin:0 0 1rem; }
h2 { font-size:1.1rem; margin:1.5rem 0 .5rem; }
.verdict { border-left:6px solid; border-radius:6px; padding:.8rem 1rem; font-weight:600; font-size:1.1rem; }
.verdict.ok { border-color:var(--ok); background:var(--okbg); } .verdict.warn { border-color:var(--warn); background:var(--warnbg); }
.verdict.fail { border-color:var(--fail); background:var(--failbg); }
table { border-collapse:collapse; width:100%; margin:.5rem 0; }
th, td { text-align:left; padding:.35rem .6rem; border-bottom:1px solid var(--line); vertical-align:top; }
th { color:var(--muted); font-weight:600; }
td.num { text-align:right; white-space:nowrap; font-variant-numeric:tabular-nums; }
.sym { font-weight:700; width:1.5rem; } .ok .sym, .sym.ok { color:var(--ok); } .warn .sym, .sym.warn { color:var(--warn); } .fail .sym, .sym.fail { color:var(--fail); }
.skipped { color:var(--muted); }
dl { display:grid; grid-template-columns:max-content 1fr; gap:.2rem 1rem; margin:.5rem 0; } dt { color:var(--muted); } dd { margin:0; overflow-wrap:anywhere; }
.card { background:var(--card); border:1px solid var(--line); border-left:6px solid var(--fail); border-radius:6px; padding:.8rem 1.1rem; margin:1rem 0; }
.card.warn { border-left-color:var(--warn); }
.card h3 { margin:0 0 .4rem; font-size:1.05rem; } .card .id { color:var(--muted); font-weight:400; font-size:.85rem; }
code, pre { font-family:ui-monospace,SFMono-Regular,Consolas,"Liberation Mono",monospace; font-size:.88em; }
code { background:var(--bg); border:1px solid var(--line); border-radius:4px; padding:0 .25em; }
pre { background:var(--bg); border:1px solid var(--line); border-radius:6px; padding:.7rem; overflow-x:auto; white-space:pre-wrap; overflow-wrap:anywhere; }
a { color:inherit; }
svg.waterfall { width:100%; height:auto; display:block; font:11px system-ui,-apple-system,"Segoe UI",Roboto,sans-serif; }
svg.waterfall text { fill:var(--fg); } svg.waterfall .tick text, svg.waterfall .time { fill:var(--muted); }
svg.waterfall .tick line { stroke:var(--line); stroke-width:1; }
svg.waterfall .row { fill:var(--card); } svg.waterfall .bar:nth-child(odd) .row { fill:transparent; }
svg.waterfall .span { fill:var(--line); } svg.waterfall .ok .span { fill:var(--okbg); stroke:var(--ok); }
svg.waterfall .warn .span { fill:var(--warnbg); stroke:var(--warn); } svg.waterfall .fail .span { fill:var(--failbg); stroke:var(--fail); }
svg.waterfall .s0 { fill:var(--s0); } svg.waterfall .s1 { fill:var(--s1); } svg.waterfall .s2 { fill:var(--s2); }
svg.waterfall .s3 { fill:var(--s3); } svg.waterfall .s4 { fill:var(--s4); }
svg.waterfall text.stage { fill:#fff; font-size:10px; }
svg.waterfall .dep { stroke:var(--fg); stroke-width:1; stroke-dasharray:1 2; opacity:.7; }
svg.waterfall .wait { stroke:var(--muted); stroke-dasharray:3 2; stroke-width:1.2; } svg.waterfall text.waitfor { fill:var(--muted); font-size:10px; font-style:italic; }
footer { color:var(--muted); font-size:.85rem; margin-top:2rem; border-top:1px solid var(--line); padding-top:.5rem; }
footer dl { margin:.2rem 0 .5rem; } footer p { margin:0; }
@page { margin:14mm 12mm; }
@media print {
  :root { color-scheme:light; --bg:#fff; --fg:#000; --muted:#444; --line:#bbb; --card:#f6f8fa;
    --ok:#1a7f37; --okbg:#dafbe1; --warn:#9a6700; --warnbg:#fff8c5; --fail:#cf222e; --failbg:#ffebe9;
    --s0:#0969da; --s1:#8250df; --s2:#1b7c83; --s3:#bf3989; --s4:#953800; }
  * { -webkit-print-color-adjust:exact; print-color-adjust:exact; }
  body { max-width:none; padding:0; font-size:10.5pt; }
  h2, h3, summary { break-after:avoid; } tr, svg.waterfall, footer, .card h3 { break-inside:avoid; }
  details > summary { list-style:none; font-weight:600; } details > summary::-webkit-details-marker { display:none; }
  details::details-content { display:contents; content-visibility:visible; }
  pre { white-space:pre-wrap; overflow:visible; }
  a[href]::after { content:" (" attr(href) ")"; font-size:.85em; color:var(--muted); overflow-wrap:anywhere; }
  footer { margin-top:1rem; }
  body > :last-child { margin-bottom:0; padding-bottom:0; }
}
</style>
</head>
<body>
<h1>Mail OAuth Tester report</h1>
<div class="verdict {{.Class}}">{{.Verdict}}</div>
<dl>
{{- if .Check}}
<dt>Tenant</dt><dd><code>{{.Input.Tenant}}</code></dd>
<dt>Client ID</dt><dd><code>{{.Input.ClientID}}</code></dd>
<dt>Mailbox</dt><dd><code>{{.Input.Mailbox}}</code></dd>
<dt>Flow</dt><dd>{{.Input.Flow}} ({{.Input.Credential}})</dd>
<dt>Protocols</dt><dd>{{.Protocols}} ({{.Input.Mechanism}})</dd>
{{- else}}
<dt>Mode</dt><dd>Environment check (no credentials given)</dd>
{{- end}}
<dt>Cloud</dt><dd>{{.Input.Cloud}} ({{.Input.AuthorityHost}})</dd>
<dt>Run</dt><dd>{{.Started}}, took {{.Took}}</dd>
</dl>
<h2>Steps</h2>
<table>
<thead><tr><th></th><th>Step</th><th>Start</th><th>Time</th><th>Result</th></tr></thead>
<tbody>
{{- range .Steps}}
<tr class="{{.Class}}"><td class="sym">{{.Symbol}}</td><td>{{.Title}}</td><td class="num">{{.Start}}</td><td class="num">{{.Time}}</td><td>{{.Detail}}{{range .Messages}}<br>{{.}}{{end}}</td></tr>
{{- end}}
</tbody>
</table>
{{- template "preset" .}}
{{- with .Waterfall}}{{if .Bars}}
<h2>Timeline</h2>
<svg class="waterfall" viewBox="0 0 {{.Width}} {{.Height}}" role="img" aria-label="{{.Label}}">
<g class="axis">
{{- range .Ticks}}
<g class="tick"><line x1="{{.X}}" y1="{{$.Waterfall.AxisY}}" x2="{{.X}}" y2="{{$.Waterfall.GridY2}}"/><text x="{{.X}}" y="10" text-anchor="middle">{{.Label}}</text></g>
{{- end}}
</g>
<g class="bars">
{{- range $bar := .Bars}}
<g class="bar {{.Class}}" data-step="{{.Name}}" data-start-ms="{{.StartMS}}" data-ms="{{.MS}}">
<title>{{.Tip}}</title>
<rect class="row" x="0" y="{{.RowY}}" width="{{$.Waterfall.Width}}" height="24"/>
<text x="4" y="{{.TextY}}">{{.Title}}</text>
{{- if not .Skipped}}
<rect class="span" x="{{.X}}" y="{{.BarY}}" width="{{.W}}" height="{{.BarH}}" rx="2"/>
{{- end}}
{{- range .Deps}}
<line class="dep" x1="{{.X}}" y1="{{.Y1}}" x2="{{.X}}" y2="{{.Y2}}"/>
{{- end}}
{{- range .Waits}}
<line class="wait" x1="{{.X1}}" y1="{{.Y}}" x2="{{.X2}}" y2="{{.Y}}"/>{{if .Label}}<text class="waitfor" x="{{.LabelX}}" y="{{.Y}}" dy="-3">{{.Label}}</text>{{end}}
{{- end}}
{{- range .Stages}}
<rect class="{{.Class}}" x="{{.X}}" y="{{$bar.BarY}}" width="{{.W}}" height="{{$bar.BarH}}"><title>{{.Tip}}</title></rect>{{if .Label}}<text class="stage" x="{{.LabelX}}" y="{{$bar.TextY}}">{{.Label}}</text>{{end}}
{{- end}}
<text class="time" x="{{.TimeX}}" y="{{.TextY}}">{{.Time}}</text>
</g>
{{- end}}
</g>
</svg>
{{- end}}{{end}}
{{- if .Stages}}
<details class="stages"><summary>Stage timings</summary>
<table>
<thead><tr><th>Step</th><th>Stage</th><th>Start</th><th>Time</th><th>Detail</th></tr></thead>
<tbody>
{{- range .Stages}}
<tr><td>{{.Step}}</td><td>{{.Name}}</td><td class="num">{{.Start}}</td><td class="num">{{.Time}}</td><td>{{.Detail}}</td></tr>
{{- end}}
</tbody>
</table>
</details>
{{- end}}
{{- range .Steps}}{{if .Diagnosis}}
<section class="card {{.Class}}">
<h3><span class="sym {{.Class}}">{{.Symbol}}</span> {{.Title}}: {{.Diagnosis.Title}} <span class="id">{{.Diagnosis.ID}}</span></h3>
<p>{{.Cause}}</p>
{{- if .Fix}}
<ol>{{range .Fix}}<li>{{.}}</li>{{end}}</ol>
{{- end}}
{{- if .Diagnosis.Script}}
<p>PowerShell:</p>
<pre>{{.Diagnosis.Script}}</pre>
{{- end}}
{{- if .Diagnosis.Links}}
<ul>{{range .Diagnosis.Links}}<li><a href="{{.URL}}" rel="noreferrer">{{.Title}}</a></li>{{end}}</ul>
{{- end}}
{{- if .Diagnosis.Evidence}}
<details><summary>Server answer</summary><pre>{{.Diagnosis.Evidence}}</pre></details>
{{- end}}
</section>
{{- end}}{{end}}
{{- range .Steps}}{{if .Transcript}}
<details class="transcript"><summary>{{.Title}} transcript</summary><pre>{{range .Transcript}}{{.}}
{{end}}</pre></details>
{{- end}}{{end}}
<footer>
<dl>
<dt>Tool</dt><dd>{{.ToolLine}}</dd>
<dt>System</dt><dd>{{.Context.OS}}/{{.Context.Arch}}</dd>
<dt>Cloud</dt><dd>{{.CloudLine}}</dd>
<dt>Proxy</dt><dd>{{.Context.Proxy}}</dd>
<dt>Custom endpoints</dt><dd>{{range $i, $e := .Context.CustomEndpoints}}{{if $i}}<br>{{end}}{{$e.Name}} <code>{{$e.Host}}</code> (default <code>{{$e.Default}}</code>){{else}}none{{end}}</dd>
</dl>
<p>Generated by Mail OAuth Tester. Secrets are masked.</p>
</footer>
</body>
</html>
`))
