package preset

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/mailoauth/mailoauth-tester/core/cloud"
	"github.com/mailoauth/mailoauth-tester/core/diagnose"
	"github.com/mailoauth/mailoauth-tester/core/profile"
)

var idRE = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// Validate checks a preset: every flow, protocol, permission, step,
// diagnosis ID and requirement it names exists, the redirect URI fits the
// flow and links are https. The error lists every problem found.
func (p Preset) Validate() error {
	var errs []error
	bad := func(format string, a ...any) {
		errs = append(errs, fmt.Errorf("preset %q: "+format, append([]any{p.ID}, a...)...))
	}
	if !idRE.MatchString(p.ID) {
		bad("id must be lower-case words joined by hyphens")
	}
	if strings.TrimSpace(p.Product) == "" || strings.TrimSpace(p.Short) == "" || strings.TrimSpace(p.Summary) == "" {
		bad("product, short and summary are required")
	}
	if !p.Generic && p.Vendor == "" {
		bad("a product preset names its vendor (or is marked generic)")
	}
	if !slices.Contains(profile.AllFlows, p.Flow) {
		bad("unknown flow %q (known: %v)", p.Flow, profile.AllFlows)
	}
	if len(p.Protocols) == 0 {
		bad("lists no protocol")
	}
	for _, pr := range p.Protocols {
		if !slices.Contains(profile.AllProtocols, pr) {
			bad("unknown protocol %q", pr)
		}
	}
	for _, a := range p.Alternatives {
		errs = append(errs, p.validateAlternative(a)...)
	}
	errs = append(errs, p.validateCredential()...)
	errs = append(errs, p.validatePermissions()...)
	errs = append(errs, p.validateRedirect()...)
	for _, m := range p.MailboxRights {
		if m.Grantee != GranteeApp && m.Grantee != GranteeSignInUser {
			bad("mailbox right grantee %q is neither %q nor %q", m.Grantee, GranteeApp, GranteeSignInUser)
		}
		if m.Grantee == GranteeApp && p.Flow.Delegated() || m.Grantee == GranteeSignInUser && !p.Flow.Delegated() {
			bad("mailbox right for %q does not fit the %s flow", m.Grantee, p.Flow)
		}
		for _, r := range m.Rights {
			if r != FullAccess && r != SendAs {
				bad("unknown mailbox right %q (known: %s, %s)", r, FullAccess, SendAs)
			}
		}
	}
	if p.RBAC != nil && (p.Flow != profile.ClientCredentials || !strings.HasPrefix(p.RBAC.Role, "Application ")) {
		bad("RBAC for Applications needs the client-credentials flow and an \"Application …\" role")
	}
	if p.SMTPAuth && !slices.Contains(p.Protocols, profile.SMTP) {
		bad("needs SMTP AUTH but does not use SMTP")
	}
	if p.RefreshToken && !p.Flow.Delegated() {
		bad("a refresh token needs a delegated flow")
	}
	errs = append(errs, p.validateRequirements()...)
	for _, l := range p.Docs {
		if u, err := url.Parse(l.URL); err != nil || u.Scheme != "https" || u.Host == "" || l.Title == "" {
			bad("doc link %q must be a titled https URL", l.URL)
		}
	}
	if len(p.Docs) == 0 && p.DocsNote == "" && !p.Generic {
		bad("has no vendor doc link and no docs_note saying why")
	}
	return errors.Join(errs...)
}

func (p Preset) validateAlternative(a Alternative) []error {
	var errs []error
	if !slices.Contains(profile.AllFlows, a.Flow) || a.Title == "" || a.Note == "" {
		errs = append(errs, fmt.Errorf("preset %q: alternative %q needs a known flow, a title and a note", p.ID, a.Title))
	}
	if a.Provider != "" {
		if _, err := cloud.LookupProvider(a.Provider); err != nil {
			errs = append(errs, fmt.Errorf("preset %q: alternative %q: %w", p.ID, a.Title, err))
		}
	}
	for _, pr := range a.Protocols {
		if !slices.Contains(profile.AllProtocols, pr) {
			errs = append(errs, fmt.Errorf("preset %q: alternative %q: unknown protocol %q", p.ID, a.Title, pr))
		}
	}
	return errs
}

func (p Preset) validateCredential() []error {
	want := map[profile.Flow][]Credential{
		profile.ClientCredentials: {Secret, Certificate},
		profile.AuthCode:          {Secret, Certificate},
		profile.Interactive:       {NoCredential},
		profile.DeviceCode:        {NoCredential},
		profile.Password:          {NoCredential},
		profile.AppPassword:       {AppPassword},
	}[p.Flow]
	if !slices.Contains(want, p.Credential) {
		return []error{fmt.Errorf("preset %q: credential %q does not fit the %s flow (want one of %v)", p.ID, p.Credential, p.Flow, want)}
	}
	if p.SecretMaxMonths < 0 || p.SecretMaxMonths > 24 {
		return []error{fmt.Errorf("preset %q: secret_max_months must be 1–24 (Entra's limit is 24)", p.ID)}
	}
	return nil
}

func (p Preset) validatePermissions() []error {
	var errs []error
	if p.Flow.UsesOAuth() && len(p.Permissions) == 0 {
		errs = append(errs, fmt.Errorf("preset %q: an OAuth flow needs at least one permission", p.ID))
	}
	for _, perm := range p.Permissions {
		k, ok := KnownPermission(perm.API, perm.Kind, perm.Value)
		if !ok {
			errs = append(errs, fmt.Errorf("preset %q: permission %s %s %q is not in the catalogue", p.ID, perm.API, perm.Kind, perm.Value))
			continue
		}
		if (k.Kind == Application) != (p.Flow == profile.ClientCredentials) {
			errs = append(errs, fmt.Errorf("preset %q: %s permission %s does not fit the %s flow", p.ID, k.Kind, k.Value, p.Flow))
		}
		for _, pr := range perm.Protocols {
			if !slices.Contains(p.Protocols, pr) && !p.alternativeUses(pr) {
				errs = append(errs, fmt.Errorf("preset %q: permission %s is tied to protocol %q that the preset never uses", p.ID, k.Value, pr))
			}
		}
	}
	return errs
}

func (p Preset) alternativeUses(pr profile.Protocol) bool {
	for _, a := range p.Alternatives {
		if slices.Contains(a.Protocols, pr) {
			return true
		}
	}
	return false
}

func (p Preset) validateRedirect() []error {
	if p.Flow == profile.AuthCode && p.Redirect == nil {
		return []error{fmt.Errorf("preset %q: the auth-code flow needs a redirect URI pattern", p.ID)}
	}
	if p.Redirect == nil {
		return nil
	}
	r := *p.Redirect
	if r.Platform != "web" && r.Platform != "public" {
		return []error{fmt.Errorf("preset %q: redirect platform %q is neither web nor public", p.ID, r.Platform)}
	}
	probe := strings.NewReplacer("<", "", ">", "").Replace(r.Pattern)
	u, err := url.Parse(probe)
	if err != nil || u.Host == "" || (u.Scheme != "https" && !(u.Scheme == "http" && u.Hostname() == "localhost")) {
		return []error{fmt.Errorf("preset %q: redirect pattern %q must be an https URL (or http://localhost)", p.ID, r.Pattern)}
	}
	return nil
}

func (p Preset) validateRequirements() []error {
	lib, err := requirementLibrary()
	if err != nil {
		return []error{err}
	}
	var errs []error
	if len(p.Requirements) == 0 {
		errs = append(errs, fmt.Errorf("preset %q: lists no requirement", p.ID))
	}
	seen := map[string]bool{}
	for _, id := range p.Requirements {
		r, ok := lib[id]
		switch {
		case !ok:
			errs = append(errs, fmt.Errorf("preset %q: requirement %q is not in %s", p.ID, id, requirementsFile))
		case seen[id]:
			errs = append(errs, fmt.Errorf("preset %q: requirement %q is listed twice", p.ID, id))
		case r.Protocol != "" && !slices.Contains(p.Protocols, r.Protocol) && !p.alternativeUses(r.Protocol):
			errs = append(errs, fmt.Errorf("preset %q: requirement %q is about %s, which the preset never uses", p.ID, id, r.Protocol))
		}
		seen[id] = true
	}
	return errs
}

// validate checks a library requirement.
func (r Requirement) validate() error {
	var errs []error
	bad := func(format string, a ...any) {
		errs = append(errs, fmt.Errorf("requirement %q: "+format, append([]any{r.ID}, a...)...))
	}
	if !idRE.MatchString(r.ID) || strings.TrimSpace(r.Text) == "" {
		bad("needs a lower-case hyphenated id and a text")
	}
	if r.Protocol != "" && !slices.Contains(profile.AllProtocols, r.Protocol) {
		bad("unknown protocol %q", r.Protocol)
	}
	if len(r.ProvenBy) == 0 && r.Untestable == "" {
		bad("names no proving step and does not say why it is untestable")
	}
	for _, s := range r.ProvenBy {
		if !slices.Contains(KnownSteps, s) {
			bad("unknown step %q", s)
		}
	}
	for _, m := range append(append([]string(nil), r.FailsOn...), r.Suspects...) {
		step, id := splitMatch(m)
		if step != "" && !slices.Contains(KnownSteps, step) {
			bad("unknown step %q in %q", step, m)
		}
		if !diagnose.Known(id) {
			bad("unknown diagnosis ID %q in %q", id, m)
		}
	}
	for _, f := range r.Fix {
		if !slices.Contains(FixPieces, f) {
			bad("unknown fix piece %q", f)
		}
	}
	return errors.Join(errs...)
}

// FixPieces are the setup-script pieces a requirement can name as its fix
// (core/setupscript implements each one).
var FixPieces = []string{"app", "credential", "redirect", "public-client", "permissions", "consent",
	"service-principal", "exchange-sp", "mailbox-access", "send-as", "smtp-auth", "protocols", "rbac"}
