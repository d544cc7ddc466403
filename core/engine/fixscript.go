package engine

import (
	"slices"
	"strings"

	"github.com/mailoauth/mailoauth-tester/core/cloud"
	"github.com/mailoauth/mailoauth-tester/core/preset"
	"github.com/mailoauth/mailoauth-tester/core/profile"
	"github.com/mailoauth/mailoauth-tester/core/setupscript"
)

// RepairIDs lists the diagnosis IDs of a finished check's failed and
// warned steps that a fix script can repair (setupscript.Repairable), in
// the run's order, each once. A cancelled run and the environment check
// have none.
func (r *Result) RepairIDs() []string {
	if r == nil || r.Cancelled || r.Mode != "check" {
		return nil
	}
	can := setupscript.Repairable()
	var out []string
	for _, s := range r.Steps {
		if s.Diagnosis == nil || (s.Status != Fail && s.Status != Warn) {
			continue
		}
		if id := s.Diagnosis.ID; slices.Contains(can, id) && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

// FixFacts are the facts a fix script of this run is written for: the
// run's preset (when it had one), cloud, flow, protocols, tenant, client
// ID, mailbox, sign-in user, redirect URI (authorization-code flow) and
// credential kind. The IDs are the real ones whatever a face masks — the
// script must run against them — and none of them is a secret.
// generator names the program in the script's header.
func (r *Result) FixFacts(generator string) setupscript.FixFacts {
	in := r.Input
	f := setupscript.FixFacts{Flow: profile.Flow(in.Flow), Options: setupscript.Options{
		Tenant: in.Tenant, ClientID: in.ClientID, SignInUser: in.User, Generator: generator,
	}}
	if strings.TrimSpace(in.Mailbox) != "" {
		f.Mailboxes = []string{in.Mailbox}
	}
	for _, pr := range in.Protocols {
		f.Protocols = append(f.Protocols, profile.Protocol(pr))
	}
	if p, err := preset.Find(in.Preset); in.Preset != "" && err == nil {
		f.Preset = &p
	}
	if c, err := cloud.Lookup(in.Cloud); err == nil {
		f.Cloud = c
	}
	if f.Flow == profile.AuthCode {
		f.RedirectURI = in.RedirectURI
	}
	if strings.HasPrefix(in.Credential, "certificate") {
		f.Credential = preset.Certificate
	}
	return f
}

// FixScript writes the fix script of a finished check: only the steps that
// repair the diagnoses it found (RepairIDs), with the run's real IDs. The
// error is setupscript.Fix's: an *setupscript.OptionError for facts it
// cannot use, or that nothing found can be repaired by a script.
func (r *Result) FixScript(generator string) (ids []string, script string, err error) {
	ids = r.RepairIDs()
	script, err = setupscript.Fix(ids, r.FixFacts(generator))
	return ids, script, err
}
