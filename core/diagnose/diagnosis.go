// Package diagnose is the knowledge base: it turns a token-endpoint error,
// an MSAL error, a mail-protocol reply, a network failure or any pasted error
// text into a Diagnosis with a stable ID (see docs/diagnoses.md), a
// plain-language cause, numbered fix steps, links and a PowerShell snippet
// filled with the run's own IDs.
//
// The package is pure: no network, no globals that change, no Fyne.
package diagnose

// Link is a place the user can open to fix or read about a problem.
type Link struct {
	Title string `json:"title"`
	URL   string `json:"url"`
}

// Diagnosis explains one failure. ID is stable and machine-readable; the
// other fields are for people. Evidence carries the raw text the diagnosis
// was recognised from; callers must pass it through report redaction before
// showing it, because a pasted text may contain a token.
type Diagnosis struct {
	ID       ID       `json:"id"`
	Title    string   `json:"title"`
	Cause    string   `json:"cause"`
	Fix      []string `json:"fix"`
	Links    []Link   `json:"links,omitempty"`
	Script   string   `json:"script,omitempty"`
	Codes    []string `json:"codes,omitempty"`
	Evidence string   `json:"evidence,omitempty"`
	// Steps names the steps of a run this one cause explains, when it
	// stopped more than one (see Consolidate). MergedInto, when set, names
	// the step whose card explains this one: faces show one card per
	// cause and skip diagnoses that have MergedInto.
	Steps      []string `json:"steps,omitempty"`
	MergedInto string   `json:"merged_into,omitempty"`
}

// Facts are the values of the current run that fill links and scripts.
// Empty fields are left as readable placeholders such as <client-id>.
// None of these fields is secret.
type Facts struct {
	Tenant   string // as typed: GUID or domain
	TenantID string // GUID from the token's tid claim, when known
	ClientID string // application (client) ID
	Mailbox  string // mailbox to open
	User     string // signed-in user for delegated flows
	Protocol string // "imap", "pop", "smtp", "graph" or ""
	// Cloud is the run's cloud by name (see core/cloud: "global", "usgov",
	// "usgov-dod", "china"). Every host, portal and PowerShell parameter a
	// diagnosis names comes from it. Empty means the cloud of
	// ExchangeResource, else Worldwide.
	Cloud            string
	PortalHost       string // e.g. "portal.azure.com"; the cloud's when empty
	AuthorityHost    string // e.g. "login.microsoftonline.com"; the cloud's when empty
	ExchangeResource string // e.g. "https://outlook.office365.com"; the cloud's when empty
}

// ID is a diagnosis ID: stable, machine-readable, listed in
// docs/diagnoses.md and declared as a constant for each entry (ids.go,
// generated from that list). Code names IDs only by these constants, so a
// misspelt ID does not compile. It is a plain string underneath (an alias)
// because reports, JSON and the faces carry it as one.
type ID = string

//go:generate go run ./internal/genids

// Map returns a copy of d with line applied to its one-line texts (title,
// cause, each fix step) and text to its multi-line ones (evidence,
// script): one place where every face and report passes a diagnosis
// through its scrubbing.
func (d Diagnosis) Map(line, text func(string) string) Diagnosis {
	d.Title, d.Cause = line(d.Title), line(d.Cause)
	d.Evidence, d.Script = text(d.Evidence), text(d.Script)
	d.Fix = append([]string(nil), d.Fix...)
	for i, f := range d.Fix {
		d.Fix[i] = line(f)
	}
	return d
}
