package diagnose

import "strings"

// Servers a step can talk to, for Finding.Server and Finding.About.
const (
	ServerEntra = "entra" // the sign-in service (tenant discovery, token, refresh)
	ServerIMAP  = "imap"
	ServerPOP   = "pop"
	ServerSMTP  = "smtp"
	ServerGraph = "graph"
)

// Finding is one step's diagnosis as a run produced it, for Consolidate.
type Finding struct {
	Step  string // the step's stable name, e.g. "token"
	Title string // the step's name for people, e.g. "Token"
	// Server is the server whose answer the diagnosis is built on, or ""
	// when the step only looked at local input (the form's fields).
	Server string
	// About is, for a local finding, the server whose verdict the
	// diagnosis predicts: a Secret-ID-shaped secret predicts that Entra ID
	// will refuse it.
	About string
	// Failed is true when the step failed (not only warned); the card of a
	// failed step is preferred when identical causes are folded.
	Failed    bool
	Diagnosis *Diagnosis
}

// networkIDs fail before a server was reached: DNS, TCP, TLS, a proxy.
var networkIDs = map[string]bool{
	NetworkUnreachable: true, WrongPort: true, TLSInterception: true, TLSVersion: true, ProxyAuthRequired: true,
}

// Network reports whether id is a failure that happens before a server is
// reached (DNS, TCP, TLS or proxy).
func Network(id string) bool { return networkIDs[id] }

// Consolidate applies the causal-order rules to the findings of one run
// and returns them root cause first. It is pure: the input is not changed;
// returned findings whose Diagnosis is nil were folded into another one or
// dropped, and keep their Step so the caller can clear the step's card.
//
//  1. Root cause first: failures before a server was reached (network
//     IDs) come before everything else, each group in its original order.
//  2. Nothing is explained as a credential or permission problem by a
//     server that was never reached: a local finding about a server (for
//     example "this secret looks like a Secret ID", about Entra ID) is
//     dropped when a step that talks to that server failed on the network.
//  3. Identical causes on several steps become one diagnosis: same ID,
//     title and cause. The card kept is the first failed step's built on a
//     server's answer (else the first failed, else the first); it lists
//     every step in Steps and says so in its cause. The others keep their
//     diagnosis (each step still knows why it failed) marked MergedInto.
func Consolidate(fs []Finding) []Finding {
	out := make([]Finding, len(fs))
	for i, f := range fs {
		out[i] = f
		if f.Diagnosis != nil {
			d := *f.Diagnosis
			out[i].Diagnosis = &d
		}
	}
	unreached := map[string]bool{}
	for _, f := range out {
		if f.Diagnosis != nil && f.Server != "" && Network(f.Diagnosis.ID) {
			unreached[f.Server] = true
		}
	}
	for i, f := range out {
		if f.Diagnosis != nil && f.Server == "" && f.About != "" && unreached[f.About] && !Network(f.Diagnosis.ID) {
			out[i].Diagnosis = nil // rule 2
		}
	}
	out = causalOrder(out)
	mergeIdentical(out)
	return out
}

// causalOrder puts network findings first (rule 1), keeping the order
// within each group.
func causalOrder(fs []Finding) []Finding {
	ordered := make([]Finding, 0, len(fs))
	for _, pass := range []bool{true, false} {
		for _, f := range fs {
			if (f.Diagnosis != nil && Network(f.Diagnosis.ID)) == pass {
				ordered = append(ordered, f)
			}
		}
	}
	return ordered
}

// mergeIdentical folds findings with the same cause into one (rule 3).
func mergeIdentical(fs []Finding) {
	groups := map[string][]int{}
	var keys []string
	for i, f := range fs {
		if f.Diagnosis == nil {
			continue
		}
		k := f.Diagnosis.ID + "\x00" + f.Diagnosis.Title + "\x00" + f.Diagnosis.Cause
		if _, seen := groups[k]; !seen {
			keys = append(keys, k)
		}
		groups[k] = append(groups[k], i)
	}
	for _, k := range keys {
		idx := groups[k]
		if len(idx) < 2 {
			continue
		}
		keep := pick(fs, idx)
		var names []string
		for _, i := range idx {
			names = append(names, fs[i].Step)
		}
		d := fs[keep].Diagnosis
		d.Steps = names
		d.Cause = strings.TrimSpace(d.Cause) + " The same cause stopped " + stepList(fs, idx) + "."
		for _, i := range idx {
			if i != keep {
				fs[i].Diagnosis.Steps = names
				fs[i].Diagnosis.MergedInto = fs[keep].Step
			}
		}
	}
}

// pick chooses the card of a group: a failed step with a server's answer,
// else a failed step, else a step with a server's answer, else the first.
func pick(fs []Finding, idx []int) int {
	best, score := idx[0], -1
	for _, i := range idx {
		s := 0
		if fs[i].Failed {
			s += 2
		}
		if fs[i].Server != "" {
			s++
		}
		if s > score {
			best, score = i, s
		}
	}
	return best
}

// stepList names the steps of a group for people: "Tenant, Token, IMAP and
// SMTP".
func stepList(fs []Finding, idx []int) string {
	var names []string
	for _, i := range idx {
		n := fs[i].Title
		if n == "" {
			n = fs[i].Step
		}
		names = append(names, n)
	}
	if len(names) == 1 {
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}
