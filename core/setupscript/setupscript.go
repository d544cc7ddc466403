// Package setupscript writes PowerShell scripts that an Exchange or Entra
// administrator reviews and runs to create or repair the Microsoft 365
// side of a product preset: the app registration, its credential, API
// permissions and admin consent, redirect URI, enterprise application, the
// Exchange Online service principal, mailbox rights or an RBAC for
// Applications scope, and SMTP AUTH or protocol settings.
//
// Setup writes the whole script for a preset; Fix writes only the steps
// that repair a list of diagnosis IDs from a failed run. Every script
// connects with the chosen cloud's environment names, looks before it
// changes anything, honours -WhatIf, never deletes or removes anything and
// can be run again safely. The package only writes text: nothing here runs
// PowerShell, and no script ever contains a secret (a new client secret is
// printed once by the script itself on the admin's console).
package setupscript

import (
	"fmt"
	"net/mail"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"unicode"

	"github.com/mailoauth/mailoauth-tester/core/cloud"
	"github.com/mailoauth/mailoauth-tester/core/preset"
	"github.com/mailoauth/mailoauth-tester/core/profile"
	"github.com/mailoauth/mailoauth-tester/core/secret"
)

// Options are the facts a script is written for. None of them is secret;
// a value that looks like a secret or token is refused.
type Options struct {
	Cloud cloud.Cloud // zero value = Worldwide
	// Tenant is the Directory (tenant) ID or a verified domain.
	Tenant string
	// ClientID is the existing app registration's Application (client)
	// ID. Empty: the script finds the app by AppName or creates it.
	ClientID string
	// AppName is the app registration's display name; empty = "<product> mail (OAuth)".
	AppName string
	// Mailboxes are the mailboxes the product reads or sends from.
	Mailboxes []string
	// SignInUser is the account that signs in for delegated flows (Cisco
	// ECE's service account, XCALLY's delegate); empty = the first mailbox.
	SignInUser string
	// RedirectURI is the product's real redirect URI; empty leaves the
	// preset's pattern for the admin to fill in.
	RedirectURI string
	// Protocols overrides the preset's protocols.
	Protocols []profile.Protocol
	// Credential overrides the preset's credential (secret or certificate).
	Credential preset.Credential
	// Scoped chooses RBAC for Applications (true) or a tenant-wide Entra
	// grant (false) where the preset supports RBAC; nil = the preset's advice.
	Scoped *bool
	// VendorOptional also adds the permissions the vendor's guide lists
	// that the protocols do not need.
	VendorOptional bool
	// Generator names the program and version in the script header.
	Generator string
}

// OptionError is bad input: it names the field and what to do.
type OptionError struct {
	Field   string // profile field name where one fits (tenant, client-id, mailbox, …)
	Message string
}

func (e *OptionError) Error() string { return "setupscript: " + e.Field + ": " + e.Message }

var _ error = (*OptionError)(nil)

var (
	guidRE   = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	domainRE = regexp.MustCompile(`^(?i)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$`)
	nameRE   = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9 ._()&+-]{0,119}$`)
	// entraSecretRE matches the shape of an Entra client secret Value.
	entraSecretRE = regexp.MustCompile(`[A-Za-z0-9_~.\-]{3}[0-9]Q~[A-Za-z0-9_~.\-]{20,}`)
)

// normalize cleans and checks the options against the preset.
func (o Options) normalize(p preset.Preset) (Options, error) {
	if o.Cloud.Name == "" {
		o.Cloud = cloud.Global
	}
	if _, err := environment(o.Cloud); err != nil {
		return o, &OptionError{profile.FieldCloud, err.Error()}
	}
	o.Tenant = profile.Clean(o.Tenant)
	o.ClientID = profile.Clean(o.ClientID)
	o.AppName = profile.Clean(o.AppName)
	o.SignInUser = profile.Clean(o.SignInUser)
	o.RedirectURI = profile.Clean(o.RedirectURI)
	var boxes []string
	for _, m := range o.Mailboxes {
		for _, f := range strings.FieldsFunc(m, func(r rune) bool { return r == ',' || r == ';' || unicode.IsSpace(r) }) {
			if !slices.ContainsFunc(boxes, func(b string) bool { return strings.EqualFold(b, f) }) {
				boxes = append(boxes, f)
			}
		}
	}
	o.Mailboxes = boxes
	if o.AppName == "" {
		o.AppName = p.Short + " mail (OAuth)"
	}
	if o.Credential == "" {
		o.Credential = p.Credential
	}
	if len(o.Protocols) == 0 {
		o.Protocols = p.Protocols
	}
	return o, o.check(p)
}

func (o Options) check(p preset.Preset) error {
	for field, v := range map[string]string{profile.FieldTenant: o.Tenant, profile.FieldClientID: o.ClientID, "app-name": o.AppName,
		profile.FieldUser: o.SignInUser, profile.FieldRedirectURI: o.RedirectURI, profile.FieldMailbox: strings.Join(o.Mailboxes, " ")} {
		if secret.ScrubShapes(v) != v || entraSecretRE.MatchString(v) {
			return &OptionError{field, "looks like a secret or token; a setup script never holds one — leave secrets out and let the script create one"}
		}
		if strings.ContainsFunc(v, func(r rune) bool { return unicode.IsControl(r) || r == '\'' || r == '"' || r == '`' || r == '$' }) {
			return &OptionError{field, "holds quotes, $, a backtick or control characters; type the plain value"}
		}
	}
	switch {
	case o.Tenant == "":
		return &OptionError{profile.FieldTenant, "required: the Directory (tenant) ID or a verified domain such as contoso.onmicrosoft.com"}
	case !guidRE.MatchString(o.Tenant) && !domainRE.MatchString(o.Tenant):
		return &OptionError{profile.FieldTenant, "must be the Directory (tenant) ID (a GUID) or a verified domain, not a URL or name"}
	case o.ClientID != "" && !guidRE.MatchString(o.ClientID):
		return &OptionError{profile.FieldClientID, "must be the Application (client) ID, a GUID; leave it empty to let the script find or create the app"}
	case !nameRE.MatchString(o.AppName):
		return &OptionError{"app-name", "use letters, digits, spaces and . _ ( ) & + - (at most 120 characters)"}
	case o.Credential != p.Credential && !(p.Credential == preset.Secret && o.Credential == preset.Certificate) &&
		!(p.Credential == preset.Certificate && o.Credential == preset.Secret):
		return &OptionError{"credential", fmt.Sprintf("%q does not fit the %s flow; use secret or certificate", o.Credential, p.Flow)}
	}
	for _, m := range append(slices.Clone(o.Mailboxes), o.SignInUser) {
		if m == "" {
			continue
		}
		if a, err := mail.ParseAddress(m); err != nil || a.Address != m || strings.ContainsAny(m, "<>() ") {
			return &OptionError{profile.FieldMailbox, fmt.Sprintf("%q is not a plain mail address such as support@contoso.com", m)}
		}
	}
	for _, pr := range o.Protocols {
		if !slices.Contains(profile.AllProtocols, pr) {
			return &OptionError{profile.FieldProtocols, fmt.Sprintf("unknown protocol %q (known: imap, pop, smtp, graph)", pr)}
		}
	}
	if o.RedirectURI != "" {
		u, err := url.Parse(o.RedirectURI)
		if err != nil || u.Host == "" || (u.Scheme != "https" && !(u.Scheme == "http" && u.Hostname() == "localhost")) {
			return &OptionError{profile.FieldRedirectURI, "must be an https address (or http://localhost), exactly as the product sends it"}
		}
	}
	return nil
}

// Setup writes the full setup script for preset p.
func Setup(p preset.Preset, o Options) (string, error) {
	if p.Flow == profile.AppPassword || !p.Flow.UsesOAuth() {
		return "", &OptionError{profile.FieldFlow, "an app-password set-up has nothing to create in Microsoft 365"}
	}
	o, err := o.normalize(p)
	if err != nil {
		return "", err
	}
	g := newGen(p, o, false)
	g.want(setupPieces(p, o)...)
	return g.render(), nil
}

// FixFacts are the facts of a failed run that a fix script repairs.
type FixFacts struct {
	Options
	// Preset is the run's preset; nil = derived from Flow and Protocols.
	Preset *preset.Preset
	Flow   profile.Flow
}

// Fix writes a script with only the steps that repair the given diagnosis
// IDs, filled with the run's IDs. IDs no script can repair (a wrong
// password, a network problem) are listed in the header with what to do
// instead. The error is an *OptionError for bad facts, or says that none of
// the IDs can be repaired by a script.
func Fix(ids []string, f FixFacts) (string, error) {
	p := presetFor(f)
	o, err := f.Options.normalize(p)
	if err != nil {
		return "", err
	}
	var pieces []string
	var fixed, manual []string
	for _, id := range ids {
		ps, ok := fixes[id]
		if !ok {
			if !slices.Contains(manual, id) {
				manual = append(manual, id)
			}
			continue
		}
		if !slices.Contains(fixed, id) {
			fixed = append(fixed, id)
		}
		for _, piece := range ps {
			if pieceApplies(piece, p, o) && !slices.Contains(pieces, piece) {
				pieces = append(pieces, piece)
			}
		}
	}
	if len(pieces) == 0 {
		return "", fmt.Errorf("setupscript: no script can repair %s; see `mailoauth explain <id>` for the manual steps", strings.Join(ids, ", "))
	}
	if needsApp(pieces, p.Flow == profile.ClientCredentials) && o.ClientID == "" {
		return "", &OptionError{profile.FieldClientID, "a fix script repairs the run's own app: give its Application (client) ID"}
	}
	if needsMailboxes(pieces, p.Flow == profile.ClientCredentials) && len(o.Mailboxes) == 0 {
		return "", &OptionError{profile.FieldMailbox, "a fix script for mailbox rights needs the run's mailbox"}
	}
	g := newGen(p, o, true)
	g.fixed, g.manual = fixed, manual
	g.want(pieces...)
	return g.render(), nil
}

// presetFor returns the run's preset, or a minimal one made from the
// run's flow and protocols when the run used none.
func presetFor(f FixFacts) preset.Preset {
	if f.Preset != nil {
		return *f.Preset
	}
	flow := f.Flow
	if flow == "" {
		flow = profile.ClientCredentials
	}
	protos := f.Protocols
	if len(protos) == 0 {
		protos = []profile.Protocol{profile.IMAP}
	}
	p := preset.Preset{ID: "run", Product: "the tested app", Short: "The tested app", Generic: true, Flow: flow, Protocols: protos,
		Credential: preset.Secret}
	switch {
	case flow == profile.ClientCredentials:
		for _, pr := range protos {
			switch pr {
			case profile.IMAP:
				p.Permissions = append(p.Permissions, preset.Permission{API: preset.Exchange, Kind: preset.Application, Value: "IMAP.AccessAsApp"})
			case profile.POP:
				p.Permissions = append(p.Permissions, preset.Permission{API: preset.Exchange, Kind: preset.Application, Value: "POP.AccessAsApp"})
			case profile.SMTP:
				p.Permissions = append(p.Permissions, preset.Permission{API: preset.Exchange, Kind: preset.Application, Value: "SMTP.SendAsApp"})
			case profile.Graph:
				p.Permissions = append(p.Permissions, preset.Permission{API: preset.Graph, Kind: preset.Application, Value: "Mail.ReadWrite"},
					preset.Permission{API: preset.Graph, Kind: preset.Application, Value: "Mail.Send"})
			}
		}
		p.MailboxRights = []preset.MailboxRight{{Grantee: preset.GranteeApp, Rights: []string{preset.FullAccess}, On: "the mailbox"}}
	default:
		if flow != profile.AuthCode {
			p.Credential = preset.NoCredential
			p.PublicClient = true
		}
		for _, pr := range protos {
			v := map[profile.Protocol]string{profile.IMAP: "IMAP.AccessAsUser.All", profile.POP: "POP.AccessAsUser.All",
				profile.SMTP: "SMTP.Send", profile.Graph: "Mail.ReadWrite"}[pr]
			p.Permissions = append(p.Permissions, preset.Permission{API: preset.Graph, Kind: preset.Delegated, Value: v})
		}
		p.Permissions = append(p.Permissions, preset.Permission{API: preset.Graph, Kind: preset.Delegated, Value: "offline_access"})
		p.RefreshToken = true
		p.MailboxRights = []preset.MailboxRight{{Grantee: preset.GranteeSignInUser, Rights: []string{preset.FullAccess, preset.SendAs}, On: "the mailbox"}}
	}
	p.SMTPAuth = slices.Contains(protos, profile.SMTP)
	return p
}
