package engine

import "github.com/mailoauth/mailoauth-tester/core/diagnose"

// consolidate applies the causal-order rules (diagnose.Consolidate) to a
// finished run: a card about a server that was never reached is removed,
// and identical causes on several steps become one card listing the steps;
// the other steps keep their diagnosis marked MergedInto that step, so
// each step still says why it failed while faces show one card per cause.
//
// Each step's definition says which server its answer comes from; a step
// that only looks at local input (the input check) says which server's
// verdict it predicts instead.
func consolidate(res *Result, defs []*stepDef) {
	byName := map[StepName]*stepDef{}
	for _, d := range defs {
		byName[d.name] = d
	}
	var fs []diagnose.Finding
	for _, s := range res.Steps {
		d := byName[s.Name]
		if s.Diagnosis == nil || d == nil {
			continue
		}
		fs = append(fs, diagnose.Finding{Step: s.Name, Title: s.Title, Server: d.server, About: d.about, Failed: s.Status == Fail, Diagnosis: s.Diagnosis})
	}
	if len(fs) < 2 {
		return
	}
	byStep := make(map[StepName]*diagnose.Diagnosis, len(fs))
	for _, f := range diagnose.Consolidate(fs) {
		byStep[f.Step] = f.Diagnosis
	}
	for i := range res.Steps {
		if d, ok := byStep[res.Steps[i].Name]; ok {
			res.Steps[i].Diagnosis = d
		}
	}
}
