package engine

import (
	"context"
	"strings"

	"github.com/mailoauth/mailoauth-tester/core/diagnose"
	"github.com/mailoauth/mailoauth-tester/core/protocol"
	"github.com/mailoauth/mailoauth-tester/core/token"
)

// unsent ends the step of a protocol that only sends (protocol.Spec
// OnlySends: Graph for a product such as eCASE) when no test message was
// asked for. Nothing was sent and nothing read, so the step says what the
// token shows: the sending permission granted in Entra ID (passed), or
// none — which, for an app-only token of a row that RBAC for Applications
// can grant, only a test message can settle (a warning without a
// diagnosis: nothing is known to be wrong), and for any other token means
// sending will be refused.
func (r *run) unsent(ctx context.Context, s *stepRun, p protocol.Spec, claimsFrom StepName, summary string) outcome {
	c, _ := claimsOf(s.input(ctx, claimsFrom))
	need := strings.Join(p.AppRoles, " or ")
	if c == nil {
		return warn(summary+"; the token could not be read, so nothing shows whether it may send", nil, nil)
	}
	if !c.AppOnly() {
		need = strings.Join(p.Scopes, " or ")
	}
	switch {
	case token.Grants(*c, p):
		return passed(summary+"; the token carries "+need+", granted in Entra ID — a test message proves the mailbox accepts it", nil)
	case c.AppOnly() && p.RBAC:
		return warn(summary+"; the token carries no "+need+": only an Exchange RBAC for Applications role assignment can let the app send as "+
			r.j.p.Mailbox+", and only a test message (or Test-ServicePrincipalAuthorization) proves it", nil, nil)
	}
	d := s.diag(diagnose.GraphPermissionDenied)
	return warn(summary+"; the token carries no "+need+", so sending will be refused", d, nil)
}
