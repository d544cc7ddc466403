// Package report renders a finished run as JSON, plain text or Markdown.
// Every rendering passes through Redact, the one function that removes
// secrets (and, on request, the tenant, client and mailbox IDs for public
// screenshots) from what leaves the program.
package report

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strings"
	"time"

	"github.com/mailoauth/mailoauth-tester/core/diagnose"
	"github.com/mailoauth/mailoauth-tester/core/engine"
	"github.com/mailoauth/mailoauth-tester/core/secret"
	"github.com/mailoauth/mailoauth-tester/core/visible"
)

// Options control a rendering.
type Options struct {
	// Scrubber knows the run's secrets; nil scrubs token shapes only.
	Scrubber *secret.Scrubber
	// HideIDs masks every identity for a public screenshot or ticket:
	// every GUID (tenant, client, object IDs), the local part of every
	// e-mail address (mailbox, sign-in user, the account that signed in),
	// and the IDs listed in IDs.
	HideIDs bool
	// Transcripts includes the masked protocol transcripts.
	Transcripts bool
	// IDs are further identifiers HideIDs masks (a tenant given as a
	// domain, say). The renderings add the run's own tenant, client ID,
	// mailbox and user.
	IDs []string
	// Program names the program in the report's tool section, e.g.
	// "mailoauth"; "" means DefaultProgram.
	Program string
}

// Redactor applies Options to any text.
type Redactor struct {
	o  Options
	re *regexp.Regexp
}

// NewRedactor builds the redaction for o.
func NewRedactor(o Options) *Redactor {
	rd := &Redactor{o: o}
	if o.HideIDs {
		var alts []string
		for _, id := range o.IDs {
			if id = strings.TrimSpace(id); len(id) >= 3 {
				alts = append(alts, regexp.QuoteMeta(id))
				if local, _, ok := strings.Cut(id, "@"); ok && len(local) > 0 {
					alts = append(alts, regexp.QuoteMeta(local)+"@")
				}
			}
		}
		// Every GUID is an ID of someone's tenant, app or object, and
		// every address names a person or a mailbox.
		alts = append(alts, `[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}`, emailRE)
		rd.re = regexp.MustCompile(`(?i)` + strings.Join(alts, "|"))
	}
	return rd
}

// emailRE matches an e-mail address (its local part is what HideID masks).
const emailRE = `[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+`

// Redact removes secrets, and IDs when asked, from s, and writes out the
// control characters a server may have put in it (a report never passes
// on an escape sequence).
func (rd *Redactor) Redact(s string) string {
	s = rd.o.Scrubber.Scrub(s)
	if rd.re != nil {
		s = rd.re.ReplaceAllStringFunc(s, HideID)
	}
	return visible.Text(s)
}

// forResult returns the redaction of o for a rendering of res: with Hide
// IDs, the run's own tenant, client ID, mailbox and user are hidden even
// when the caller did not list them.
func forResult(res *engine.Result, o Options) *Redactor {
	if o.HideIDs {
		in := res.Input
		o.IDs = append(append([]string(nil), o.IDs...), in.Tenant, in.ClientID, in.Mailbox, in.User)
	}
	return NewRedactor(o)
}

// HideID masks one identifier: a GUID keeps its first 4 characters, an
// address keeps its domain, anything else its first character.
func HideID(s string) string {
	if local, domain, ok := strings.Cut(s, "@"); ok {
		_ = local
		return "•••@" + domain
	}
	if len(s) == 36 && strings.Count(s, "-") == 4 {
		return s[:4] + "••••-••••-••••-••••-••••••••••••"
	}
	if len(s) <= 1 {
		return "•"
	}
	return s[:1] + strings.Repeat("•", min(len(s)-1, 8))
}

// Redact is the one redaction function: secrets always, IDs when asked.
func Redact(s string, o Options) string { return NewRedactor(o).Redact(s) }

// JSONStep is one step in the JSON report. The field names are a public
// interface (scripts parse them): never rename one.
type JSONStep struct {
	Name   string `json:"name"`
	Title  string `json:"title"`
	Status string `json:"status"`
	// StartMS is when the step began, in milliseconds after the run
	// began; MS how long it took.
	StartMS float64 `json:"start_ms"`
	// WaitedMS is how long the step waited for the steps it reads (the
	// token, the claims) before it could go on.
	WaitedMS   float64        `json:"waited_ms,omitempty"`
	MS         int64          `json:"ms"`
	Detail     string         `json:"detail"`
	Diagnosis  *JSONDiagnosis `json:"diagnosis,omitempty"`
	Messages   []string       `json:"messages,omitempty"`
	Timings    []JSONTiming   `json:"timings,omitempty"`
	Transcript []string       `json:"transcript,omitempty"`
}

// JSONDiagnosis is a diagnosis in the JSON report.
type JSONDiagnosis struct {
	ID       string          `json:"id"`
	Title    string          `json:"title"`
	Cause    string          `json:"cause"`
	Fix      []string        `json:"fix"`
	Links    []diagnose.Link `json:"links,omitempty"`
	Script   string          `json:"script,omitempty"`
	Codes    []string        `json:"codes,omitempty"`
	Evidence string          `json:"evidence,omitempty"`
}

// JSONTiming is one timed stage; StartMS is when it began, in
// milliseconds after the run began.
type JSONTiming struct {
	Name    string  `json:"name"`
	StartMS float64 `json:"start_ms"`
	MS      float64 `json:"ms"`
	Detail  string  `json:"detail,omitempty"`
}

// JSONReport is the whole JSON document, described by
// docs/schema/check-result.v1.json.
type JSONReport struct {
	SchemaVersion string       `json:"schema_version"`
	Tool          JSONTool     `json:"tool"`
	OK            bool         `json:"ok"`
	Mode          string       `json:"mode"`
	Cancelled     bool         `json:"cancelled,omitempty"`
	Verdict       string       `json:"verdict"`
	Started       time.Time    `json:"started"`
	DurationMS    int64        `json:"duration_ms"`
	Input         engine.Input `json:"input"`
	Context       JSONContext  `json:"context"`
	Steps         []JSONStep   `json:"steps"`
	// Preset is the product preset's requirements (schema 1.1); absent
	// when the run was set up for none.
	Preset *JSONPreset `json:"preset,omitempty"`
}

// redactInput passes every field of the input through the redaction.
func redactInput(in engine.Input, rd *Redactor) engine.Input {
	for _, f := range []*string{&in.Tenant, &in.ClientID, &in.Mailbox, &in.Flow, &in.Credential, &in.User, &in.Provider,
		&in.RedirectURI, &in.Mechanism, &in.Cloud, &in.AuthorityHost, &in.IMAPHost, &in.POPHost, &in.SMTPHost, &in.GraphURL, &in.Preset} {
		*f = rd.Redact(*f)
	}
	in.Protocols = append([]string(nil), in.Protocols...)
	for i, p := range in.Protocols {
		in.Protocols[i] = rd.Redact(p)
	}
	return in
}

// BuildJSON converts a result to the JSON report model, redacted.
func BuildJSON(res *engine.Result, o Options) JSONReport {
	rd := forResult(res, o)
	in := redactInput(res.Input, rd)
	rep := JSONReport{SchemaVersion: SchemaVersion, Tool: toolOf(o), OK: res.OK, Mode: res.Mode, Cancelled: res.Cancelled, Verdict: rd.Redact(res.Verdict),
		Started: res.Started.UTC(), DurationMS: res.Duration.Milliseconds(), Input: in, Context: contextOf(res, rd), Steps: []JSONStep{}}
	sp := spans(res)
	for i, s := range res.Steps {
		js := JSONStep{Name: rd.Redact(s.Name), Title: rd.Redact(s.Title), Status: string(s.Status), StartMS: msOf(sp[i].Start), WaitedMS: msOf(s.Waited),
			MS: s.Duration.Milliseconds(), Detail: rd.Redact(s.Detail)}
		for _, m := range s.Messages {
			js.Messages = append(js.Messages, rd.Redact(m))
		}
		for k, t := range s.Timings {
			js.Timings = append(js.Timings, JSONTiming{Name: rd.Redact(t.Name), StartMS: msOf(sp[i].Stages[k].Start), MS: msOf(t.Duration), Detail: rd.Redact(t.Detail)})
		}
		if o.Transcripts {
			for _, l := range s.Transcript {
				js.Transcript = append(js.Transcript, rd.Redact(l.String()))
			}
		}
		if d := s.Diagnosis; d != nil {
			js.Diagnosis = &JSONDiagnosis{ID: rd.Redact(d.ID), Title: rd.Redact(d.Title), Cause: rd.Redact(d.Cause), Script: rd.Redact(d.Script),
				Evidence: rd.Redact(d.Evidence), Fix: []string{}}
			for _, c := range d.Codes {
				js.Diagnosis.Codes = append(js.Diagnosis.Codes, rd.Redact(c))
			}
			for _, f := range d.Fix {
				js.Diagnosis.Fix = append(js.Diagnosis.Fix, rd.Redact(f))
			}
			for _, l := range d.Links {
				js.Diagnosis.Links = append(js.Diagnosis.Links, diagnose.Link{Title: rd.Redact(l.Title), URL: rd.Redact(l.URL)})
			}
		}
		rep.Steps = append(rep.Steps, js)
	}
	rep.Preset = presetOf(res, rd).json()
	return rep
}

// msOf is d in milliseconds, to the microsecond.
func msOf(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// JSON renders the result as an indented JSON document. Characters such
// as < and & are written as they are (not as \u003c): the document is
// data for scripts, never embedded in a page.
func JSON(res *engine.Result, o Options) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(BuildJSON(res, o)); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}
