// Package report renders a finished run as JSON, plain text or Markdown.
// Every rendering passes through Redact, the one function that removes
// secrets (and, on request, the tenant, client and mailbox IDs for public
// screenshots) from what leaves the program.
package report

import (
	"encoding/json"
	"regexp"
	"strings"
	"time"

	"github.com/mailoauth/mailoauth-tester/core/diagnose"
	"github.com/mailoauth/mailoauth-tester/core/engine"
	"github.com/mailoauth/mailoauth-tester/core/secret"
)

// Options control a rendering.
type Options struct {
	// Scrubber knows the run's secrets; nil scrubs token shapes only.
	Scrubber *secret.Scrubber
	// HideIDs masks the tenant ID, client ID and the mailbox's local part.
	HideIDs bool
	// Transcripts includes the masked protocol transcripts.
	Transcripts bool
	// IDs are the identifiers HideIDs masks (tenant, client ID, mailbox).
	IDs []string
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
		// Every GUID is an ID of someone's tenant, app or object.
		alts = append(alts, `[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}`)
		rd.re = regexp.MustCompile(`(?i)` + strings.Join(alts, "|"))
	}
	return rd
}

// Redact removes secrets, and IDs when asked, from s.
func (rd *Redactor) Redact(s string) string {
	s = rd.o.Scrubber.Scrub(s)
	if rd.re != nil {
		s = rd.re.ReplaceAllStringFunc(s, HideID)
	}
	return s
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
	Name       string         `json:"name"`
	Title      string         `json:"title"`
	Status     string         `json:"status"`
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

// JSONTiming is one timed stage.
type JSONTiming struct {
	Name   string  `json:"name"`
	MS     float64 `json:"ms"`
	Detail string  `json:"detail,omitempty"`
}

// JSONReport is the whole JSON document.
type JSONReport struct {
	OK         bool         `json:"ok"`
	Mode       string       `json:"mode"`
	Cancelled  bool         `json:"cancelled,omitempty"`
	Verdict    string       `json:"verdict"`
	Started    time.Time    `json:"started"`
	DurationMS int64        `json:"duration_ms"`
	Input      engine.Input `json:"input"`
	Steps      []JSONStep   `json:"steps"`
}

// BuildJSON converts a result to the JSON report model, redacted.
func BuildJSON(res *engine.Result, o Options) JSONReport {
	rd := NewRedactor(o)
	in := res.Input
	in.Tenant, in.ClientID, in.Mailbox, in.Credential = rd.Redact(in.Tenant), rd.Redact(in.ClientID), rd.Redact(in.Mailbox), rd.Redact(in.Credential)
	rep := JSONReport{OK: res.OK, Mode: res.Mode, Cancelled: res.Cancelled, Verdict: rd.Redact(res.Verdict),
		Started: res.Started.UTC(), DurationMS: res.Duration.Milliseconds(), Input: in, Steps: []JSONStep{}}
	for _, s := range res.Steps {
		js := JSONStep{Name: s.Name, Title: s.Title, Status: string(s.Status), MS: s.Duration.Milliseconds(), Detail: rd.Redact(s.Detail)}
		for _, m := range s.Messages {
			js.Messages = append(js.Messages, rd.Redact(m))
		}
		for _, t := range s.Timings {
			js.Timings = append(js.Timings, JSONTiming{Name: t.Name, MS: float64(t.Duration.Microseconds()) / 1000, Detail: rd.Redact(t.Detail)})
		}
		if o.Transcripts {
			for _, l := range s.Transcript {
				js.Transcript = append(js.Transcript, rd.Redact(l.String()))
			}
		}
		if d := s.Diagnosis; d != nil {
			js.Diagnosis = &JSONDiagnosis{ID: d.ID, Title: d.Title, Cause: rd.Redact(d.Cause), Script: rd.Redact(d.Script),
				Codes: d.Codes, Evidence: rd.Redact(d.Evidence), Fix: []string{}}
			for _, f := range d.Fix {
				js.Diagnosis.Fix = append(js.Diagnosis.Fix, rd.Redact(f))
			}
			for _, l := range d.Links {
				js.Diagnosis.Links = append(js.Diagnosis.Links, diagnose.Link{Title: l.Title, URL: rd.Redact(l.URL)})
			}
		}
		rep.Steps = append(rep.Steps, js)
	}
	return rep
}

// JSON renders the result as an indented JSON document.
func JSON(res *engine.Result, o Options) ([]byte, error) {
	return json.MarshalIndent(BuildJSON(res, o), "", "  ")
}
