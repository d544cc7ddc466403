package engine

import "github.com/mailoauth/mailoauth-tester/core/diagnose"

// stepServers says which server each step's answer comes from; steps that
// only look at local input ("input") predict a server's verdict instead.
var stepServers = map[string]string{
	"tenant": diagnose.ServerEntra, "token": diagnose.ServerEntra, "graph-token": diagnose.ServerEntra,
	"refresh": diagnose.ServerEntra, "signin": diagnose.ServerEntra, "clock": diagnose.ServerEntra,
	"imap": diagnose.ServerIMAP, "pop": diagnose.ServerPOP, "smtp": diagnose.ServerSMTP, "graph": diagnose.ServerGraph,
}

// stepAbout names, for a local step, the server its diagnosis is about:
// the input check's warnings (a Secret-ID-shaped secret, a tenant typo) and
// the claims check predict what Entra ID or the mail servers will say.
var stepAbout = map[string]string{"input": diagnose.ServerEntra}

// consolidate applies the causal-order rules (diagnose.Consolidate) to a
// finished run: a card about a server that was never reached is removed,
// and identical causes on several steps become one card listing the steps;
// the other steps keep their diagnosis marked MergedInto that step, so
// each step still says why it failed while faces show one card per cause.
func consolidate(res *Result) {
	var fs []diagnose.Finding
	for _, s := range res.Steps {
		if s.Diagnosis == nil {
			continue
		}
		fs = append(fs, diagnose.Finding{Step: s.Name, Title: s.Title, Server: stepServers[s.Name], About: stepAbout[s.Name], Failed: s.Status == Fail, Diagnosis: s.Diagnosis})
	}
	if len(fs) < 2 {
		return
	}
	byStep := make(map[string]*diagnose.Diagnosis, len(fs))
	for _, f := range diagnose.Consolidate(fs) {
		byStep[f.Step] = f.Diagnosis
	}
	for i := range res.Steps {
		if d, ok := byStep[res.Steps[i].Name]; ok {
			res.Steps[i].Diagnosis = d
		}
	}
}
