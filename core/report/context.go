package report

import (
	"runtime"
	"strings"

	"github.com/mailoauth/mailoauth-tester/core/cloud"
	"github.com/mailoauth/mailoauth-tester/core/engine"
	"github.com/mailoauth/mailoauth-tester/core/version"
)

// SchemaVersion is the version of the JSON report's layout, described by
// docs/schema/check-result.v1.json. The minor number grows when a field
// is added; the major number (and the schema file's name) only when a
// field changes meaning or goes away, which scripts must be told of.
// 1.1 added "preset" (the product preset's requirement rows) and the
// input's "preset" and "graph_send_only".
const SchemaVersion = "1.1"

// DefaultProgram names the program in a report when Options.Program is
// empty.
const DefaultProgram = "mailoauth-tester"

// systemDefaultProxy is what the context says while the result does not
// carry the run's proxy decision: requests went wherever the system's and
// the environment's proxy settings sent them.
const systemDefaultProxy = "system default"

// JSONTool names the build that wrote a report.
type JSONTool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	Commit  string `json:"commit,omitempty"`
}

// JSONContext is where a run ran: what a ticket reader needs to compare
// two reports.
type JSONContext struct {
	OS    string `json:"os"`
	Arch  string `json:"arch"`
	Cloud string `json:"cloud"`
	// CloudTitle is the cloud's name for people, e.g. "US Government GCC High".
	CloudTitle string `json:"cloud_title,omitempty"`
	// Proxy is how requests left this computer, credentials hidden.
	Proxy string `json:"proxy"`
	// CustomEndpoints are the hosts that differ from the cloud's (or the
	// app-password provider's) defaults.
	CustomEndpoints []JSONEndpoint `json:"custom_endpoints"`
}

// JSONEndpoint is one host given instead of its default.
type JSONEndpoint struct {
	Name    string `json:"name"`    // authority, imap, pop, smtp, graph
	Host    string `json:"host"`    // what the run used
	Default string `json:"default"` // what it would have used
}

// toolOf describes the running build.
func toolOf(o Options) JSONTool {
	v := version.Get()
	name := o.Program
	if name == "" {
		name = DefaultProgram
	}
	return JSONTool{Name: name, Version: v.Version, Commit: v.Commit}
}

// proxyInUse is the run's proxy decision as one line. The result does not
// carry it yet; when the engine records it (from core/netenv), this is the
// one place to read it from.
func proxyInUse(*engine.Result) string { return systemDefaultProxy }

// contextOf describes where res ran, redacted.
func contextOf(res *engine.Result, rd *Redactor) JSONContext {
	in := res.Input
	c := JSONContext{OS: runtime.GOOS, Arch: runtime.GOARCH, Cloud: rd.Redact(in.Cloud), Proxy: rd.Redact(proxyInUse(res)), CustomEndpoints: []JSONEndpoint{}}
	def, err := cloud.Lookup(in.Cloud)
	if err != nil {
		return c
	}
	c.CloudTitle = def.Title
	defaults := map[string]string{"authority": def.AuthorityHost, "imap": def.IMAPHost, "pop": def.POPHost, "smtp": def.SMTPHost, "graph": def.GraphHost}
	if in.Provider != "" {
		if p, err := cloud.LookupProvider(in.Provider); err == nil {
			defaults["imap"], defaults["pop"], defaults["smtp"] = p.IMAPHost, p.POPHost, p.SMTPHost
		}
	}
	for _, e := range []struct{ name, host string }{
		{"authority", in.AuthorityHost}, {"imap", in.IMAPHost}, {"pop", in.POPHost}, {"smtp", in.SMTPHost}, {"graph", in.GraphURL},
	} {
		if e.host == "" || sameEndpoint(e.host, defaults[e.name]) {
			continue
		}
		c.CustomEndpoints = append(c.CustomEndpoints, JSONEndpoint{Name: e.name, Host: rd.Redact(e.host), Default: rd.Redact(defaults[e.name])})
	}
	return c
}

// sameEndpoint compares two hosts or URLs as a person would: case and a
// trailing slash do not matter.
func sameEndpoint(a, b string) bool {
	norm := func(s string) string { return strings.TrimSuffix(strings.ToLower(strings.TrimSpace(s)), "/") }
	return norm(a) == norm(b)
}

// contextLine is the context as one line for a footer: tool, OS, cloud,
// proxy and custom endpoints.
func contextLine(t JSONTool, c JSONContext) string {
	parts := []string{toolLine(t), c.OS + "/" + c.Arch, "cloud " + cloudLabel(c), "proxy: " + c.Proxy}
	if eps := endpointsLine(c); eps != "" {
		parts = append(parts, "custom endpoints: "+eps)
	}
	return strings.Join(parts, " · ")
}

// toolLine is "Mail OAuth Tester 1.2.3 (mailoauth, commit 3f2a9c1d0b7e)".
func toolLine(t JSONTool) string {
	s := "Mail OAuth Tester " + t.Version + " (" + t.Name
	if t.Commit != "" {
		c := t.Commit
		if len(c) > 12 {
			c = c[:12]
		}
		s += ", commit " + c
	}
	return s + ")"
}

func cloudLabel(c JSONContext) string {
	if c.CloudTitle != "" {
		return c.Cloud + " (" + c.CloudTitle + ")"
	}
	return c.Cloud
}

// endpointsLine lists the custom endpoints, "" when there are none.
func endpointsLine(c JSONContext) string {
	var eps []string
	for _, e := range c.CustomEndpoints {
		eps = append(eps, e.Name+" "+e.Host)
	}
	return strings.Join(eps, ", ")
}
