package setupscript

import (
	"fmt"
	"slices"
	"strings"

	"github.com/mailoauth/mailoauth-tester/core/diagnose"
	"github.com/mailoauth/mailoauth-tester/core/preset"
	"github.com/mailoauth/mailoauth-tester/core/profile"
)

// pieceOrder is the order pieces run in a script. The names are
// preset.FixPieces.
var pieceOrder = []string{"app", "redirect", "public-client", "credential", "permissions", "service-principal", "consent",
	"exchange-sp", "mailbox-access", "send-as", "protocols", "smtp-auth", "rbac"}

// fixes maps a diagnosis ID to the pieces that repair it. IDs missing here
// (wrong password, network, clock, Conditional Access, …) need a person,
// not a script.
var fixes = map[string][]string{
	diagnose.AppNotFound:                     {"app"},
	diagnose.AppDisabled:                     {"service-principal"},
	diagnose.ClientServicePrincipalMissing:   {"service-principal"},
	diagnose.ClientSecretInvalid:             {"credential"},
	diagnose.ClientSecretExpired:             {"credential"},
	diagnose.ClientSecretMissing:             {"credential"},
	diagnose.CertificateNotRegistered:        {"credential"},
	diagnose.PublicClientFlowsDisabled:       {"public-client"},
	diagnose.RedirectURIMismatch:             {"redirect"},
	diagnose.PermissionNotConfigured:         {"permissions", "consent"},
	diagnose.ConsentRequired:                 {"permissions", "consent"},
	diagnose.AdminConsentRequired:            {"permissions", "consent"},
	diagnose.TokenPermissionMissing:          {"permissions", "consent"},
	diagnose.GraphPermissionDenied:           {"permissions", "consent", "rbac"},
	diagnose.GraphAccessPolicy:               {"rbac"},
	diagnose.ExchangeServicePrincipalMissing: {"exchange-sp", "mailbox-access"},
	diagnose.MailboxAuthRejected:             {"permissions", "consent", "exchange-sp", "mailbox-access", "protocols"},
	diagnose.MailboxNotConnected:             {"mailbox-access", "protocols"},
	diagnose.SMTPAuthDisabled:                {"smtp-auth"},
	diagnose.SendAsDenied:                    {"send-as"},
}

// Repairable lists the diagnosis IDs a fix script can repair.
func Repairable() []string {
	var ids []string
	for id := range fixes {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

func setupPieces(p preset.Preset, o Options) []string {
	var out []string
	for _, piece := range pieceOrder {
		if pieceApplies(piece, p, o) {
			out = append(out, piece)
		}
	}
	return out
}

// pieceApplies reports whether a piece makes sense for the preset and options.
func pieceApplies(piece string, p preset.Preset, o Options) bool {
	uses := func(pr profile.Protocol) bool { return slices.Contains(o.Protocols, pr) }
	mail := uses(profile.IMAP) || uses(profile.POP) || uses(profile.SMTP)
	appOnly := p.Flow == profile.ClientCredentials
	switch piece {
	case "app", "service-principal":
		return true
	case "redirect":
		return p.Flow == profile.AuthCode || p.Flow == profile.Interactive
	case "public-client":
		return p.PublicClient || p.Flow == profile.DeviceCode || p.Flow == profile.Password || p.Flow == profile.Interactive
	case "credential":
		return o.Credential == preset.Secret || o.Credential == preset.Certificate
	case "permissions", "consent":
		return len(entraPermissions(p, o)) > 0
	case "exchange-sp":
		return appOnly && (mail || scoped(p, o))
	case "mailbox-access":
		return hasRight(p, preset.FullAccess) && (!appOnly || mail)
	case "send-as":
		return !appOnly && hasRight(p, preset.SendAs) && uses(profile.SMTP)
	case "protocols":
		return uses(profile.IMAP) || uses(profile.POP)
	case "smtp-auth":
		return uses(profile.SMTP)
	case "rbac":
		return scoped(p, o)
	}
	return false
}

func hasRight(p preset.Preset, right string) bool {
	for _, m := range p.MailboxRights {
		if slices.Contains(m.Rights, right) {
			return true
		}
	}
	return false
}

// scoped reports whether the script grants through RBAC for Applications.
func scoped(p preset.Preset, o Options) bool {
	if p.RBAC == nil {
		return false
	}
	if o.Scoped != nil {
		return *o.Scoped
	}
	return p.RBAC.Recommended
}

// entraPermissions are the permissions the script puts on the app and
// consents in Entra ID (RBAC-scoped ones are granted by Exchange instead).
func entraPermissions(p preset.Preset, o Options) []resolved {
	var out []resolved
	for _, perm := range p.PermissionsFor(o.Protocols, o.VendorOptional) {
		k, ok := preset.KnownPermission(perm.API, perm.Kind, perm.Value)
		if !ok {
			continue
		}
		if scoped(p, o) && k.RBACRole == p.RBAC.Role {
			continue
		}
		out = append(out, resolved{Known: k, Why: perm.Why, Optional: perm.Optional})
	}
	return out
}

// resolved is a catalogued permission the script asks for.
type resolved struct {
	preset.Known
	Why      string
	Optional bool
}

// needsApp reports whether the pieces touch the app registration or its
// service principal (delegated mailbox rights and mailbox settings do not).
func needsApp(pieces []string, appOnly bool) bool {
	return slices.ContainsFunc(pieces, func(p string) bool {
		switch p {
		case "send-as", "protocols", "smtp-auth":
			return false
		case "mailbox-access":
			return appOnly
		}
		return true
	})
}

// needsMailboxes reports whether the pieces work on -Mailboxes (SMTP AUTH
// does only for app-only senders; delegated sign-ins send as -SignInUser).
func needsMailboxes(pieces []string, appOnly bool) bool {
	return slices.ContainsFunc(pieces, func(p string) bool {
		return p == "mailbox-access" || p == "send-as" || p == "protocols" || p == "rbac" || (p == "smtp-auth" && appOnly)
	})
}

// gen writes one script.
type gen struct {
	p      preset.Preset
	o      Options
	env    envNames
	fix    bool
	fixed  []string // fix mode: diagnosis IDs repaired
	manual []string // fix mode: diagnosis IDs left to a person
	pieces []string
	perms  []resolved
	b      strings.Builder
	step   int
}

func newGen(p preset.Preset, o Options, fix bool) *gen {
	env, _ := environment(o.Cloud) // checked by normalize
	return &gen{p: p, o: o, env: env, fix: fix, perms: entraPermissions(p, o)}
}

// want selects pieces (and what they depend on) in script order.
func (g *gen) want(pieces ...string) {
	set := map[string]bool{}
	for _, p := range pieces {
		set[p] = true
	}
	if set["consent"] {
		set["permissions"] = true
	}
	if set["rbac"] {
		set["exchange-sp"] = true
	}
	var list []string
	for p := range set {
		list = append(list, p)
	}
	if needsApp(list, g.appOnly()) {
		set["app"] = true
		if set["consent"] || set["exchange-sp"] || set["rbac"] || (set["mailbox-access"] && g.appOnly()) {
			set["service-principal"] = true
		}
	}
	for _, p := range pieceOrder {
		if set[p] {
			g.pieces = append(g.pieces, p)
		}
	}
}

func (g *gen) has(piece string) bool { return slices.Contains(g.pieces, piece) }

func (g *gen) appOnly() bool { return g.p.Flow == profile.ClientCredentials }

// needsGraph: the script signs in to Microsoft Graph (every piece that
// touches the app or its service principal).
func (g *gen) needsGraph() bool {
	return slices.ContainsFunc(g.pieces, func(p string) bool {
		switch p {
		case "send-as", "protocols", "smtp-auth":
			return false
		case "mailbox-access":
			return g.appOnly()
		}
		return true
	})
}

func (g *gen) needsExchange() bool {
	return slices.ContainsFunc(g.pieces, func(p string) bool {
		switch p {
		case "exchange-sp", "mailbox-access", "send-as", "protocols", "smtp-auth", "rbac":
			return true
		}
		return false
	})
}

func (g *gen) graphScopes() []string {
	write := slices.ContainsFunc(g.pieces, func(p string) bool {
		switch p {
		case "app", "redirect", "public-client", "credential", "permissions", "service-principal":
			return true
		}
		return false
	})
	scopes := []string{"Application.Read.All"}
	if write {
		scopes = []string{"Application.ReadWrite.All"}
	}
	if g.has("consent") {
		for _, r := range g.perms {
			if r.Kind == preset.Application && !slices.Contains(scopes, "AppRoleAssignment.ReadWrite.All") {
				scopes = append(scopes, "AppRoleAssignment.ReadWrite.All")
			}
			if r.Kind == preset.Delegated && !slices.Contains(scopes, "DelegatedPermissionGrant.ReadWrite.All") {
				scopes = append(scopes, "DelegatedPermissionGrant.ReadWrite.All")
			}
		}
	}
	return scopes
}

// signInUser is the delegated sign-in account (empty for app-only).
func (g *gen) signInUser() string {
	if g.appOnly() {
		return ""
	}
	if g.o.SignInUser != "" {
		return g.o.SignInUser
	}
	if len(g.o.Mailboxes) > 0 {
		return g.o.Mailboxes[0]
	}
	return ""
}

// --- writing ---------------------------------------------------------------

func (g *gen) line(s string)  { g.b.WriteString(s + "\n") }
func (g *gen) blank()         { g.b.WriteString("\n") }
func (g *gen) lines(s string) { g.b.WriteString(strings.TrimLeft(s, "\n")) }

// comment writes text as # comment lines wrapped at width, indented.
func (g *gen) comment(indent, text string) {
	for _, l := range wrap(text, 100-len(indent)-2) {
		g.line(indent + "# " + l)
	}
}

// stepTitle writes the Write-Step line of the next numbered step.
func (g *gen) stepTitle(title string) {
	g.step++
	g.blank()
	g.line(fmt.Sprintf("Write-Step %s", psQuote(fmt.Sprintf("%d. %s", g.step, title))))
}

// psQuote quotes a value as a PowerShell single-quoted string literal.
func psQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// psList quotes values as a PowerShell array literal.
func psList(vals []string) string {
	q := make([]string, len(vals))
	for i, v := range vals {
		q[i] = psQuote(v)
	}
	return "@(" + strings.Join(q, ", ") + ")"
}

// wrap splits text into lines of at most width runes, at spaces.
func wrap(text string, width int) []string {
	var out []string
	for _, para := range strings.Split(text, "\n") {
		words := strings.Fields(para)
		if len(words) == 0 {
			out = append(out, "")
			continue
		}
		cur := words[0]
		for _, w := range words[1:] {
			if len([]rune(cur))+1+len([]rune(w)) > width {
				out = append(out, cur)
				cur = w
				continue
			}
			cur += " " + w
		}
		out = append(out, cur)
	}
	return out
}

// render writes the whole script.
func (g *gen) render() string {
	g.header()
	g.params()
	g.helpers()
	if g.needsGraph() {
		g.connectGraph()
	}
	graphDone := false
	for _, piece := range g.pieces {
		if !graphDone && isExchangePiece(piece) {
			g.connectExchange()
			if needsMailboxes(g.pieces, g.appOnly()) {
				g.mailboxes()
			}
			graphDone = true
		}
		pieceWriters[piece](g)
	}
	g.summary()
	return g.b.String()
}

func isExchangePiece(p string) bool {
	switch p {
	case "exchange-sp", "mailbox-access", "send-as", "protocols", "smtp-auth", "rbac":
		return true
	}
	return false
}

// pieceTitles describe each piece in the header's list of steps.
func (g *gen) pieceSummary(piece string) string {
	switch piece {
	case "app":
		if g.fix {
			return "Find the app registration " + g.o.ClientID + "."
		}
		if g.o.ClientID != "" {
			return "Use the app registration " + g.o.ClientID + "."
		}
		return "Find the app registration \"" + g.o.AppName + "\" by name, or create it (single tenant)."
	case "redirect":
		return "Register the product's redirect URI on the Web platform (existing URIs are kept)."
	case "public-client":
		return "Turn on \"Allow public client flows\"."
	case "credential":
		if g.o.Credential == preset.Certificate {
			return "Register a self-signed certificate (made in the current user's certificate store if none is there)."
		}
		return "Add a client secret only when the app has no valid one (or with -NewSecret); its Value is shown once on this console."
	case "permissions":
		return "List the API permissions on the app: " + g.permList() + "."
	case "service-principal":
		return "Make sure the enterprise application (service principal) exists" + map[bool]string{true: " and is enabled.", false: "."}[g.fixDisabled()]
	case "consent":
		return "Grant admin consent for those permissions, like \"Grant admin consent\" in the portal."
	case "exchange-sp":
		return "Register the app in Exchange Online (New-ServicePrincipal) with the enterprise application's Object ID."
	case "mailbox-access":
		if g.appOnly() {
			return "Give the app Full Access on each mailbox in -Mailboxes."
		}
		return "Give -SignInUser Full Access on each mailbox in -Mailboxes."
	case "send-as":
		return "Give -SignInUser Send As on each mailbox in -Mailboxes."
	case "protocols":
		return "Make sure " + strings.Join(g.protocolNames(), " and ") + " is enabled on the mailboxes."
	case "smtp-auth":
		return "Allow SMTP AUTH for the sending mailbox only (the organisation-wide setting stays as it is)."
	case "rbac":
		return "Grant " + g.p.RBAC.Role + " through RBAC for Applications, limited to -Mailboxes by a management scope, and test it."
	}
	return piece
}

func (g *gen) fixDisabled() bool { return g.fix && slices.Contains(g.fixed, diagnose.AppDisabled) }

func (g *gen) protocolNames() []string {
	var out []string
	for _, pr := range g.o.Protocols {
		if pr == profile.IMAP || pr == profile.POP {
			out = append(out, pr.Title())
		}
	}
	return out
}

func (g *gen) permList() string {
	var out []string
	for _, r := range g.perms {
		out = append(out, fmt.Sprintf("%s %s %s", r.API.Title(), r.Kind, r.Value))
	}
	return strings.Join(out, ", ")
}

func (g *gen) header() {
	g.line("<#")
	g.line(".SYNOPSIS")
	if g.fix {
		g.line("    Repairs the Microsoft 365 side of " + g.p.Short + " for the problems a Mail OAuth Tester run found.")
	} else {
		g.line("    Sets up Microsoft 365 for " + g.p.Product + ".")
	}
	g.line(".DESCRIPTION")
	gen := g.o.Generator
	if gen == "" {
		gen = "Mail OAuth Tester"
	}
	what := "the preset \"" + g.p.ID + "\""
	if g.p.ID == "run" {
		what = "a " + string(g.p.Flow) + " run"
	}
	for _, l := range wrap(fmt.Sprintf("Written by %s for %s, cloud %s. Read it before you run it: it is meant to be reviewed by an Exchange or Entra administrator.", gen, what, g.env.Label), 96) {
		g.line("    " + l)
	}
	g.line("")
	for _, l := range wrap("Every step looks first and changes only what is missing. Nothing is ever deleted or removed, and running the script again changes nothing that is already right. Run it with -WhatIf first to see what it would change.", 96) {
		g.line("    " + l)
	}
	if g.has("rbac") {
		g.line("")
		for _, l := range wrap(g.p.RBAC.Role+" is granted by Exchange RBAC for Applications and limited to -Mailboxes, not by admin consent in Entra ID (an Entra grant would let the app act on every mailbox in the organisation). Write the script with scoping turned off to follow the vendor guide's tenant-wide permission instead.", 96) {
			g.line("    " + l)
		}
	}
	if g.fix {
		g.line("")
		g.line("    Repairs what these diagnoses point at:")
		for _, id := range g.fixed {
			g.line("      " + id + " - " + diagnose.Get(id, diagnose.Facts{}).Title)
		}
		if len(g.manual) > 0 {
			g.line("")
			g.line("    Not repaired by a script (see `mailoauth explain <id>` for what to do):")
			for _, id := range g.manual {
				g.line("      " + id + " - " + diagnose.Get(id, diagnose.Facts{}).Title)
			}
		}
	}
	g.line("")
	g.line("    Steps:")
	for i, piece := range g.pieces {
		sum := wrap(g.pieceSummary(piece), 90)
		g.line(fmt.Sprintf("    %2d. %s", i+1, sum[0]))
		for _, l := range sum[1:] {
			g.line("        " + l)
		}
	}
	g.line(".NOTES")
	mods := g.modules()
	for _, l := range wrap("Needs PowerShell 7 or Windows PowerShell 5.1 with the modules "+strings.Join(mods, ", ")+":", 96) {
		g.line("    " + l)
	}
	g.line("        Install-Module " + strings.Join(mods, ", ") + " -Scope CurrentUser")
	for _, l := range wrap(g.rolesNote(), 96) {
		g.line("    " + l)
	}
	if g.has("credential") && g.o.Credential == preset.Certificate {
		g.line("    The certificate step uses New-SelfSignedCertificate, which is only on Windows.")
	}
	if g.p.Unverified != "" {
		for _, l := range wrap("Check first: "+g.p.Unverified, 96) {
			g.line("    " + l)
		}
	}
	g.line("    Mail OAuth Tester only wrote this file. It never runs it and never sees what it prints.")
	g.line("#>")
}

func (g *gen) modules() []string {
	var mods []string
	if g.needsGraph() {
		mods = append(mods, "Microsoft.Graph.Authentication", "Microsoft.Graph.Applications")
		if g.has("consent") && slices.ContainsFunc(g.perms, func(r resolved) bool { return r.Kind == preset.Delegated }) {
			mods = append(mods, "Microsoft.Graph.Identity.SignIns")
		}
	}
	if g.needsExchange() {
		mods = append(mods, "ExchangeOnlineManagement")
	}
	return mods
}

func (g *gen) rolesNote() string {
	var roles []string
	if g.needsGraph() {
		roles = append(roles, "Cloud Application Administrator (app registration and enterprise application)")
		if g.has("consent") {
			roles = append(roles, "Privileged Role Administrator or Global Administrator (admin consent)")
		}
	}
	if g.needsExchange() {
		roles = append(roles, "Exchange Administrator (Exchange Online)")
	}
	return "Sign in as an account with the roles " + strings.Join(roles, ", ") + "."
}
