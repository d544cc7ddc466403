// Package preset holds one data file per product that reads mail from or
// sends mail through Microsoft 365 (Cisco ECE, Sytel Softdial, XCALLY
// Motion, OPEXUS eCASE, Cisco Unity Connection and generic readers and
// senders): the flow, protocols, permissions, redirect URI pattern, mailbox
// rights, SMTP AUTH and RBAC needs, notes and limits that product's own
// guide prescribes, and the requirements a test run proves or disproves.
//
// The files live in presets/ (embedded; the format is described in
// presets/FORMAT.md). Apply fills a profile from a preset without touching
// what the user typed; Evaluate turns a finished run into rows "What the
// product needs ↔ what your tenant has".
//
// The package is pure data and logic: no network, no Fyne, and it does not
// import core/engine (a run's outcome comes in as a plain Outcome).
package preset

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/mailoauth/mailoauth-tester/core/profile"
	"github.com/mailoauth/mailoauth-tester/core/protocol"
)

// Preset is one product's Microsoft 365 mail setup. No field is secret: a
// preset never holds a tenant, client ID, secret or password.
type Preset struct {
	ID      string `json:"id"`                // stable, lower-case: "cisco-ece"
	Product string `json:"product"`           // full name: "Cisco Enterprise Chat and Email (ECE)"
	Short   string `json:"short"`             // short name for headings: "Cisco ECE"
	Vendor  string `json:"vendor,omitempty"`  // "" for generic presets
	Generic bool   `json:"generic,omitempty"` // not tied to one product
	Summary string `json:"summary"`           // one line for pickers and `mailoauth presets`

	Flow         profile.Flow       `json:"flow"`
	Protocols    []profile.Protocol `json:"protocols"`
	Alternatives []Alternative      `json:"alternatives,omitempty"`

	Credential      Credential     `json:"credential"`
	SecretMaxMonths int            `json:"secret_max_months,omitempty"`
	Permissions     []Permission   `json:"permissions"`
	Redirect        *Redirect      `json:"redirect,omitempty"`
	PublicClient    bool           `json:"public_client,omitempty"` // "Allow public client flows" must be on
	RefreshToken    bool           `json:"refresh_token"`           // the product needs offline_access and renews unattended
	SignIn          string         `json:"sign_in,omitempty"`       // who signs in, for delegated flows, in words
	MailboxRights   []MailboxRight `json:"mailbox_rights,omitempty"`
	SMTPAuth        bool           `json:"smtp_auth,omitempty"` // SMTP AUTH must be enabled on the sending mailbox
	RBAC            *RBAC          `json:"rbac,omitempty"`

	Requirements []string `json:"requirements"` // IDs from presets/requirements.json
	Notes        []Note   `json:"notes,omitempty"`
	Limits       []Note   `json:"limits,omitempty"`
	Docs         []Link   `json:"docs,omitempty"`
	DocsNote     string   `json:"docs_note,omitempty"`  // why a vendor link is missing or what it is
	Unverified   string   `json:"unverified,omitempty"` // what could not be confirmed from the vendor
	LearnedFrom  string   `json:"learned_from,omitempty"`
}

// Credential is how a confidential app proves itself.
type Credential string

// Credentials.
const (
	Secret       Credential = "secret"       // client secret (the product stores its Value)
	Certificate  Credential = "certificate"  // certificate with private key
	NoCredential Credential = "none"         // public client: no secret
	AppPassword  Credential = "app-password" // basic login with an app password (no OAuth)
)

// Alternative is another way the product can be set up, shown as a note
// (for example Sytel's Gmail and Outlook.com app-password paths).
type Alternative struct {
	Title     string             `json:"title"`
	Flow      profile.Flow       `json:"flow"`
	Provider  string             `json:"provider,omitempty"` // app-password flow: cloud.Providers name
	Protocols []profile.Protocol `json:"protocols,omitempty"`
	Note      string             `json:"note"`
}

// Permission is one API permission the app registration needs.
type Permission struct {
	API   API    `json:"api"`
	Kind  Kind   `json:"kind"`
	Value string `json:"value"`
	// Protocols limits the permission to runs that use one of them
	// (IMAP.AccessAsApp only when IMAP is used); empty = always.
	Protocols []profile.Protocol `json:"protocols,omitempty"`
	// Optional marks permissions the vendor's guide lists that the
	// protocols themselves do not need.
	Optional bool   `json:"optional,omitempty"`
	Why      string `json:"why,omitempty"`
}

// Redirect is the redirect URI the product registers.
type Redirect struct {
	Platform string `json:"platform"` // "web" (confidential, code flow) or "public" (mobile and desktop)
	Pattern  string `json:"pattern"`  // with <placeholders> for the customer's host
	Note     string `json:"note,omitempty"`
}

// Placeholder reports whether the pattern still holds a <placeholder> the
// customer must replace.
func (r Redirect) Placeholder() bool { return strings.ContainsAny(r.Pattern, "<>") }

// Grantees of mailbox rights.
const (
	GranteeApp        = "app"          // the app's service principal (app-only)
	GranteeSignInUser = "sign-in-user" // the account that signs in (service account, delegate)
)

// Mailbox rights.
const (
	FullAccess = "FullAccess"
	SendAs     = "SendAs"
)

// MailboxRight is a mailbox permission someone needs.
type MailboxRight struct {
	Grantee string   `json:"grantee"`
	Rights  []string `json:"rights"`
	On      string   `json:"on"` // which mailboxes, in words
}

// RBAC describes Exchange "RBAC for Applications" use: an Exchange role
// assignment scoped to some mailboxes instead of a tenant-wide Entra grant.
type RBAC struct {
	Role        string `json:"role"`        // e.g. "Application Mail.Send"
	Recommended bool   `json:"recommended"` // setup scripts use it unless told otherwise
	Note        string `json:"note,omitempty"`
}

// Note is a titled paragraph of product notes or limits.
type Note struct {
	Title string `json:"title"`
	Text  string `json:"text"`
}

// Link is a place to read more.
type Link struct {
	Title string `json:"title"`
	URL   string `json:"url"`
}

// PermissionsFor returns the permissions needed when the given protocols
// are used (nil = the preset's own), optional ones included when asked.
func (p Preset) PermissionsFor(protocols []profile.Protocol, optional bool) []Permission {
	if len(protocols) == 0 {
		protocols = p.Protocols
	}
	var out []Permission
	for _, perm := range p.Permissions {
		if perm.Optional && !optional {
			continue
		}
		if len(perm.Protocols) > 0 && !overlaps(perm.Protocols, protocols) {
			continue
		}
		out = append(out, perm)
	}
	return out
}

func overlaps(a, b []profile.Protocol) bool {
	for _, x := range a {
		for _, y := range b {
			if x == y {
				return true
			}
		}
	}
	return false
}

// Heading is the title of the requirement rows for this preset: "What
// Cisco ECE needs ↔ what your tenant has".
func (p Preset) Heading() string { return p.NeedsTitle() + " ↔ what your tenant has" }

// NeedsTitle is the first half of Heading, for faces whose font has no
// "↔": "What Cisco ECE needs", "What an unattended reader needs". A
// generic preset's short name is a phrase ("An unattended reader"), so
// its first letter is lower-cased inside the sentence; a product's name
// is kept as it is spelt.
func (p Preset) NeedsTitle() string {
	name := p.Short
	if p.Generic && name != "" {
		r, n := utf8.DecodeRuneInString(name)
		name = string(unicode.ToLower(r)) + name[n:]
	}
	return "What " + name + " needs"
}

// GraphSendOnly reports whether the preset only sends through Microsoft
// Graph: it uses Graph and none of its Graph permissions reads mail
// (eCASE, the generic Graph sender). Such a run checks Mail.Send and
// never reads the mailbox (profile.Profile.GraphSendOnly).
func (p Preset) GraphSendOnly() bool {
	if !slices.Contains(p.Protocols, profile.Graph) {
		return false
	}
	sends := false
	for _, perm := range p.PermissionsFor(nil, false) {
		if perm.API != Graph || !strings.HasPrefix(perm.Value, "Mail.") {
			continue
		}
		if !strings.HasPrefix(perm.Value, "Mail.Send") {
			return false
		}
		sends = true
	}
	return sends
}

// Apply fills the fields of prof that the user left empty with the
// preset's settings and returns the new profile and the names of the
// fields it filled (profile.Field… names). Call it on the profile as typed,
// before profile.Normalize: an empty Flow or Protocols means "not set".
// Fields the user set are never changed, and nothing secret is ever set.
// A redirect URI pattern that still holds a <placeholder> is not copied
// (the customer's own host must be typed); show Redirect.Pattern as a hint.
// Last, Mark records the preset's ID and Graph's send-only mode; those
// are not form fields and are not listed in filled.
func (p Preset) Apply(prof profile.Profile) (profile.Profile, []string) {
	var filled []string
	if profile.Clean(string(prof.Flow)) == "" {
		prof.Flow = p.Flow
		filled = append(filled, profile.FieldFlow)
	}
	if len(prof.Protocols) == 0 && len(p.Protocols) > 0 {
		prof.Protocols = append([]profile.Protocol(nil), p.Protocols...)
		filled = append(filled, profile.FieldProtocols)
	}
	if profile.Clean(prof.RedirectURI) == "" && p.Redirect != nil && !p.Redirect.Placeholder() && p.Flow.Delegated() {
		prof.RedirectURI = p.Redirect.Pattern
		filled = append(filled, profile.FieldRedirectURI)
	}
	return p.Mark(prof), filled
}

// Mark records the preset on a profile whose fields are already chosen
// (Apply calls it; the window calls it on its form's profile): the
// preset's ID when none is set, and Graph's send-only mode when the
// preset only sends through Graph and the profile tests Graph. It never
// turns send-only off: a user's --graph-send-only stays.
func (p Preset) Mark(prof profile.Profile) profile.Profile {
	if profile.Clean(prof.Preset) == "" {
		prof.Preset = p.ID
	}
	if p.GraphSendOnly() && testsGraph(prof.Protocols) {
		prof.GraphSendOnly = true
	}
	return prof
}

// testsGraph reports whether Microsoft Graph is among protocols as typed
// (any case, an alias such as msgraph).
func testsGraph(protocols []profile.Protocol) bool {
	for _, pr := range protocols {
		if s, ok := protocol.Default().Lookup(pr); ok && s.Name == profile.Graph {
			return true
		}
	}
	return false
}

//go:embed presets/*.json
var files embed.FS

// requirementsFile holds the shared requirement library; every other JSON
// file in presets/ is one preset.
const requirementsFile = "requirements.json"

var (
	loadOnce sync.Once
	loaded   []Preset
	loadErr  error
)

func load() {
	loadOnce.Do(func() {
		if _, err := requirementLibrary(); err != nil {
			loadErr = err
			return
		}
		loaded, loadErr = parsePresets(files)
	})
}

// All returns every preset, products first, then the generic ones, each
// group in the order of their IDs. It panics if the embedded files are
// broken, which the package tests rule out.
func All() []Preset {
	load()
	if loadErr != nil {
		panic("preset: embedded preset files are broken: " + loadErr.Error())
	}
	out := make([]Preset, len(loaded))
	copy(out, loaded)
	return out
}

// Find returns the preset with the given ID (case-insensitive). The error
// lists the known IDs.
func Find(id string) (Preset, error) {
	want := strings.ToLower(strings.TrimSpace(id))
	var ids []string
	for _, p := range All() {
		if p.ID == want {
			return p, nil
		}
		ids = append(ids, p.ID)
	}
	return Preset{}, fmt.Errorf("preset: unknown preset %q (known: %s)", id, strings.Join(ids, ", "))
}

// IDs lists the preset IDs in the order All returns them.
func IDs() []string {
	var ids []string
	for _, p := range All() {
		ids = append(ids, p.ID)
	}
	return ids
}

func parsePresets(fsys fs.FS) ([]Preset, error) {
	names, err := fs.Glob(fsys, "presets/*.json")
	if err != nil {
		return nil, err
	}
	var out []Preset
	var errs []error
	for _, name := range names {
		if path.Base(name) == requirementsFile {
			continue
		}
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		p, err := Parse(data)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", path.Base(name), err))
			continue
		}
		if want := strings.TrimSuffix(path.Base(name), ".json"); p.ID != want {
			errs = append(errs, fmt.Errorf("%s: id %q does not match the file name", path.Base(name), p.ID))
		}
		out = append(out, p)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Generic != out[j].Generic {
			return !out[i].Generic
		}
		return out[i].ID < out[j].ID
	})
	return out, nil
}

// Parse decodes one preset file strictly (an unknown field is an error, so
// a misspelt or secret-bearing field cannot slip in) and validates it.
func Parse(data []byte) (Preset, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var p Preset
	if err := dec.Decode(&p); err != nil {
		return Preset{}, fmt.Errorf("preset: %w", err)
	}
	if dec.More() {
		return Preset{}, errors.New("preset: more than one JSON value in the file")
	}
	if err := p.Validate(); err != nil {
		return Preset{}, err
	}
	return p, nil
}
