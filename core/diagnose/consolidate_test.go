package diagnose

import (
	"slices"
	"strings"
	"testing"
)

func finding(step, server, about, id string) Finding {
	d := Get(id, Facts{})
	return Finding{Step: step, Title: strings.ToUpper(step[:1]) + step[1:], Server: server, About: about, Failed: server != "", Diagnosis: &d}
}

// ids lists step=ID for the findings that are shown as cards, in order.
func ids(fs []Finding) []string {
	var out []string
	for _, f := range fs {
		if f.Diagnosis != nil && f.Diagnosis.MergedInto == "" {
			out = append(out, f.Step+"="+f.Diagnosis.ID)
		}
	}
	return out
}

// TestConsolidateNoCredentialBeforeServer (rule 2): an offline run with a
// Secret-ID-shaped secret shows the network diagnosis, not "Entra ID
// rejected the secret", because Entra ID was never reached.
func TestConsolidateNoCredentialBeforeServer(t *testing.T) {
	in := []Finding{
		finding("input", "", ServerEntra, "client-secret-invalid"),
		finding("tenant", ServerEntra, "", "network-unreachable"),
		finding("token", ServerEntra, "", "network-unreachable"),
	}
	got := Consolidate(in)
	if want := []string{"tenant=network-unreachable"}; !slices.Equal(ids(got), want) {
		t.Errorf("Consolidate = %v, want %v", ids(got), want)
	}
	if in[0].Diagnosis == nil || in[0].Diagnosis.ID != "client-secret-invalid" {
		t.Error("Consolidate changed its input")
	}
	// The same suspicion stays when Entra ID was reached: then the server's
	// own answer is what counts, and identical causes merge onto it.
	reached := Consolidate([]Finding{
		finding("input", "", ServerEntra, "client-secret-invalid"),
		finding("token", ServerEntra, "", "client-secret-invalid"),
	})
	if want := []string{"token=client-secret-invalid"}; !slices.Equal(ids(reached), want) {
		t.Errorf("reached Entra: %v, want %v (the server's answer kept)", ids(reached), want)
	}
}

// TestConsolidateRootCauseFirst (rule 1): network failures come first.
func TestConsolidateRootCauseFirst(t *testing.T) {
	got := Consolidate([]Finding{
		finding("claims", "", ServerEntra, "token-audience-wrong"),
		finding("imap", ServerIMAP, "", "tls-interception"),
		finding("smtp", ServerSMTP, "", "smtp-auth-disabled"),
	})
	if want := []string{"imap=tls-interception", "claims=token-audience-wrong", "smtp=smtp-auth-disabled"}; !slices.Equal(ids(got), want) {
		t.Errorf("Consolidate = %v, want %v", ids(got), want)
	}
}

// TestConsolidateMergesIdenticalCauses (rule 3): five identical network
// cards become one that lists the steps.
func TestConsolidateMergesIdenticalCauses(t *testing.T) {
	var in []Finding
	for _, s := range []struct{ step, server string }{{"tenant", ServerEntra}, {"token", ServerEntra}, {"imap", ServerIMAP}, {"pop", ServerPOP}, {"smtp", ServerSMTP}} {
		in = append(in, finding(s.step, s.server, "", "network-unreachable"))
	}
	got := Consolidate(in)
	if want := []string{"tenant=network-unreachable"}; !slices.Equal(ids(got), want) {
		t.Fatalf("Consolidate = %v, want %v", ids(got), want)
	}
	d := got[0].Diagnosis
	if !slices.Equal(d.Steps, []string{"tenant", "token", "imap", "pop", "smtp"}) {
		t.Errorf("Steps = %v", d.Steps)
	}
	if !strings.Contains(d.Cause, "Tenant, Token, Imap, Pop and Smtp") {
		t.Errorf("cause does not list the steps: %s", d.Cause)
	}
	if len(got) != 5 {
		t.Fatalf("Consolidate returned %d findings, want all 5", len(got))
	}
	for _, f := range got[1:] {
		if f.Diagnosis == nil || f.Diagnosis.MergedInto != "tenant" || f.Diagnosis.ID != "network-unreachable" {
			t.Errorf("%s: folded finding = %+v, want its diagnosis kept and marked MergedInto tenant", f.Step, f.Diagnosis)
		}
	}
}

// TestConsolidatePrefersTheFailedStep: a warning and a failure with the
// same cause become one card on the failed step.
func TestConsolidatePrefersTheFailedStep(t *testing.T) {
	warn := finding("graph-token", ServerEntra, "", "graph-permission-denied")
	warn.Failed = false
	got := Consolidate([]Finding{warn, finding("graph", ServerGraph, "", "graph-permission-denied")})
	if want := []string{"graph=graph-permission-denied"}; !slices.Equal(ids(got), want) {
		t.Errorf("Consolidate = %v, want %v", ids(got), want)
	}
}

// TestConsolidateKeepsDifferentCauses: the same ID with protocol-specific
// advice is not one cause.
func TestConsolidateKeepsDifferentCauses(t *testing.T) {
	imap, pop := Get("mailbox-auth-rejected", Facts{Protocol: "imap"}), Get("mailbox-auth-rejected", Facts{Protocol: "pop"})
	got := Consolidate([]Finding{
		{Step: "imap", Server: ServerIMAP, Diagnosis: &imap},
		{Step: "pop", Server: ServerPOP, Diagnosis: &pop},
	})
	if len(ids(got)) != 2 {
		t.Errorf("Consolidate = %v, want both kept", ids(got))
	}
}
