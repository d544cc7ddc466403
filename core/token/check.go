package token

import (
	"fmt"
	"strings"
	"time"

	"github.com/mailoauth/mailoauth-tester/core/diagnose"
	"github.com/mailoauth/mailoauth-tester/core/protocol"
)

// ExchangeAppID is the application ID of Office 365 Exchange Online, which
// v2.0 tokens carry as their audience.
const ExchangeAppID = "00000002-0000-0ff1-ce00-000000000000"

// GraphAppID is the application ID of Microsoft Graph.
const GraphAppID = "00000003-0000-0000-c000-000000000000"

// Finding is one problem with a token. Protocol is "" when it concerns
// every protocol. ID is the diagnosis ID.
type Finding struct {
	Protocol string
	ID       string
	Message  string
	// Unproven marks a finding that is no mismatch: the token lacks a
	// permission that may come from elsewhere (an Exchange RBAC for
	// Applications grant), so only the server's answer tells. ID is "".
	Unproven bool
}

// Want is what the run expects of the token.
type Want struct {
	Resource string // e.g. "https://outlook.office365.com"
	TenantID string // the tenant GUID, if the user typed a GUID
	ClientID string // the app's client ID
	// Protocols are the rows of the protocol table the token must let in.
	Protocols []protocol.Spec
	Now       time.Time
}

// IsExchangeAudience reports whether aud names Exchange Online (either
// host name or its application ID).
func IsExchangeAudience(aud, resource string) bool {
	a := strings.TrimSuffix(strings.ToLower(aud), "/")
	switch a {
	case strings.TrimSuffix(strings.ToLower(resource), "/"), "https://outlook.office365.com", "https://outlook.office.com", ExchangeAppID:
		return true
	}
	return false
}

// Check compares the claims with what the run needs and returns every
// mismatch; nil means the token looks right for every protocol.
func Check(c Claims, w Want) []Finding {
	var fs []Finding
	if !IsExchangeAudience(c.Audience, w.Resource) {
		what := "another resource"
		if strings.Contains(strings.ToLower(c.Audience), "graph") || c.Audience == GraphAppID {
			what = "Microsoft Graph"
		}
		fs = append(fs, Finding{ID: diagnose.TokenAudienceWrong,
			Message: fmt.Sprintf("token is for %s (aud %q), not Exchange Online (%s)", what, c.Audience, w.Resource)})
	}
	if w.TenantID != "" && c.TenantID != "" && !strings.EqualFold(c.TenantID, w.TenantID) {
		fs = append(fs, Finding{ID: diagnose.TenantNotFound,
			Message: fmt.Sprintf("token was issued by tenant %s, not %s", c.TenantID, w.TenantID)})
	}
	if w.ClientID != "" && c.Client() != "" && !strings.EqualFold(c.Client(), w.ClientID) {
		fs = append(fs, Finding{ID: diagnose.AppNotFound,
			Message: fmt.Sprintf("token was issued to app %s, not %s", c.Client(), w.ClientID)})
	}
	if !c.Expires.IsZero() && !w.Now.Before(c.Expires) {
		fs = append(fs, Finding{ID: diagnose.AccessTokenExpired,
			Message: fmt.Sprintf("token expired at %s", c.Expires.Format(time.RFC3339))})
	}
	if !c.NotBefore.IsZero() && w.Now.Add(5*time.Minute).Before(c.NotBefore) {
		fs = append(fs, Finding{ID: diagnose.ClockSkew,
			Message: fmt.Sprintf("token is not valid before %s; this computer's clock may be behind", c.NotBefore.Format(time.RFC3339))})
	}
	appOnly := c.AppOnly()
	if appOnly && len(c.Roles) == 0 && len(w.Protocols) > 0 {
		// No roles at all is not a missing permission of one protocol:
		// nothing was admin-consented (or only delegated permissions were
		// added). One finding for every protocol, headed by the cause.
		var need []string
		for _, p := range w.Protocols {
			if r := first(p.AppRoles); r != "" {
				need = append(need, r)
			}
		}
		fs = append(fs, Finding{ID: diagnose.AdminConsentRequired,
			Message: fmt.Sprintf("the app-only token has no roles at all: no application permission of Office 365 Exchange Online has been admin-consented (needed: %s), or the permissions were added as Delegated", strings.Join(need, ", "))})
		return fs
	}
	have, kind := permissions(c)
	for _, p := range w.Protocols {
		need := accepted(p, appOnly)
		if len(need) == 0 || hasAny(have, need) {
			continue
		}
		msg := fmt.Sprintf("token has no %s %s, which %s needs", kind, need[0], strings.ToUpper(string(p.Name)))
		if len(have) == 0 {
			msg += " (the token has no scopes)"
		}
		fs = append(fs, Finding{Protocol: string(p.Name), ID: diagnose.TokenPermissionMissing, Message: msg})
	}
	return fs
}

// CheckService compares the token of a service with a token of its own
// (Microsoft Graph) with what its protocol needs: one of the permissions
// that let the probe in (that read mail, or for a row that only sends,
// that send it), and, when send is set, the one that sends. Each finding
// has the ID missing — except for an app-only token and a row whose
// permission Exchange may grant through RBAC for Applications: that grant
// never shows in the token, so the finding is Unproven, without an ID.
func CheckService(c Claims, p protocol.Spec, send bool, missing diagnose.ID) []Finding {
	have, _ := permissions(c)
	appOnly := c.AppOnly()
	kind := "delegated"
	if appOnly {
		kind = "application"
	}
	var fs []Finding
	lacks := func(msg string) {
		f := Finding{Protocol: string(p.Name), ID: missing, Message: msg}
		if appOnly && p.RBAC {
			f.ID, f.Unproven = "", true
			f.Message += ": fine only if an Exchange RBAC for Applications role assignment grants it, which no token shows"
		}
		fs = append(fs, f)
	}
	what := "read mail"
	if p.OnlySends {
		what = "send mail"
	}
	if need := accepted(p, appOnly); len(need) > 0 && !hasAny(have, need) {
		lacks("the token has none of the " + kind + " permissions that " + what + " (" + strings.Join(need, ", ") + ")")
	}
	if send && p.SendPermission != "" && !hasAny(have, []string{p.SendPermission}) {
		lacks("the token has no " + p.SendPermission + " " + kind + " permission, which sending needs")
	}
	return fs
}

// Grants reports whether the token itself carries one of the permissions
// the protocol's row accepts for a token of its kind (app-only roles or
// delegated scopes).
func Grants(c Claims, p protocol.Spec) bool {
	have, _ := permissions(c)
	return hasAny(have, accepted(p, c.AppOnly()))
}

// Permissions returns the token's roles (app-only) or scopes (delegated).
func Permissions(c Claims) []string {
	have, _ := permissions(c)
	return have
}

func permissions(c Claims) ([]string, string) {
	if c.AppOnly() {
		return c.Roles, "role"
	}
	return c.Scopes, "scope"
}

// accepted lists the permissions that let a token of the kind in.
func accepted(p protocol.Spec, appOnly bool) []string {
	if appOnly {
		return p.AppRoles
	}
	return p.Scopes
}

func hasAny(have, want []string) bool {
	for _, w := range want {
		if containsFold(have, w) {
			return true
		}
	}
	return false
}

func first(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}
