package preset

import (
	"strings"
	"testing"

	"github.com/mailoauth/mailoauth-tester/core/profile"
)

func ok(steps ...string) []StepOutcome {
	var out []StepOutcome
	for _, s := range steps {
		out = append(out, StepOutcome{Step: s, Status: StatusOK})
	}
	return out
}

func fail(step, id string) StepOutcome {
	return StepOutcome{Step: step, Status: StatusFail, Diagnosis: id}
}
func warn(step, id string) StepOutcome {
	return StepOutcome{Step: step, Status: StatusWarn, Diagnosis: id}
}
func skipped(step string) StepOutcome { return StepOutcome{Step: step, Status: StatusSkipped} }

func rowsByID(rows []Row) map[string]Row {
	m := map[string]Row{}
	for _, r := range rows {
		m[r.Requirement] = r
	}
	return m
}

type wantRow struct {
	state     State
	step      string
	diagnosis string
	suspect   bool
}

func TestEvaluate(t *testing.T) {
	tests := []struct {
		name    string
		preset  string
		outcome Outcome
		want    map[string]wantRow
		absent  []string // requirements that must not be shown
	}{
		{
			name:    "sytel all good",
			preset:  "sytel-softdial",
			outcome: Outcome{Steps: ok("tenant", "token", "claims", "imap"), Mailbox: "scc@contoso.com"},
			want: map[string]wantRow{
				"tenant": {state: Met, step: "tenant"}, "app-registration": {state: Met, step: "token"},
				"credential": {state: Met, step: "token"}, "imap-app-role": {state: Met, step: "claims"},
				"exchange-sp": {state: Met, step: "imap"}, "app-full-access": {state: Met, step: "imap"},
				"mailbox-exists": {state: Met, step: "imap"}, "imap-enabled": {state: Met, step: "imap"},
			},
		},
		{
			name:   "sytel secret id pasted",
			preset: "sytel-softdial",
			outcome: Outcome{Steps: []StepOutcome{{Step: "tenant", Status: StatusOK}, fail("token", "client-secret-invalid"),
				skipped("claims"), skipped("imap")}},
			want: map[string]wantRow{
				"tenant":        {state: Met, step: "tenant"},
				"credential":    {state: Unmet, step: "token", diagnosis: "client-secret-invalid"},
				"imap-app-role": {state: NotTested},
				"exchange-sp":   {state: NotTested},
			},
		},
		{
			name:    "sytel without exchange service principal",
			preset:  "sytel-softdial",
			outcome: Outcome{Steps: append(ok("tenant", "token", "claims"), fail("imap", "exchange-service-principal-missing"))},
			want: map[string]wantRow{
				"imap-app-role":   {state: Met, step: "claims"},
				"exchange-sp":     {state: Unmet, step: "imap", diagnosis: "exchange-service-principal-missing"},
				"app-full-access": {state: NotTested, step: "imap", diagnosis: "exchange-service-principal-missing", suspect: true},
				"mailbox-exists":  {state: NotTested},
			},
		},
		{
			name:    "sytel role missing from the token",
			preset:  "sytel-softdial",
			outcome: Outcome{Steps: append(ok("tenant", "token"), warn("claims", "token-permission-missing"), fail("imap", "mailbox-auth-rejected"))},
			want: map[string]wantRow{
				"imap-app-role": {state: Unmet, step: "claims", diagnosis: "token-permission-missing"},
				"exchange-sp":   {state: NotTested, step: "imap", diagnosis: "mailbox-auth-rejected", suspect: true},
			},
		},
		{
			name:   "ece happy path with a test message",
			preset: "cisco-ece",
			outcome: Outcome{Steps: ok("tenant", "token", "claims", "pop", "smtp", "refresh"), SentTestMail: true,
				Mailbox: "support@contoso.com", SignInUser: "ece-svc@contoso.com"},
			want: map[string]wantRow{
				"redirect-uri": {state: Met, step: "token"}, "delegated-consent": {state: Met, step: "claims"},
				"offline-access": {state: Met, step: "refresh"}, "delegate-full-access": {state: Met, step: "pop"},
				"delegate-send-as": {state: Met, step: "smtp"}, "smtp-auth": {state: Met, step: "smtp"}, "pop-enabled": {state: Met, step: "pop"},
			},
			absent: []string{"imap-enabled"},
		},
		{
			name:    "ece alias without send as",
			preset:  "cisco-ece",
			outcome: Outcome{Steps: append(ok("tenant", "token", "claims", "pop", "refresh"), fail("smtp", "send-as-denied")), SentTestMail: true},
			want: map[string]wantRow{
				"delegate-send-as":     {state: Unmet, step: "smtp", diagnosis: "send-as-denied"},
				"delegate-full-access": {state: Met, step: "pop"},
				"smtp-auth":            {state: NotTested},
			},
		},
		{
			name:    "ece send as needs a test message",
			preset:  "cisco-ece",
			outcome: Outcome{Steps: ok("tenant", "token", "claims", "pop", "smtp", "refresh")},
			want:    map[string]wantRow{"delegate-send-as": {state: NotTested}, "smtp-auth": {state: Met, step: "smtp"}},
		},
		{
			name:    "ece over imap shows the imap row, not the pop row",
			preset:  "cisco-ece",
			outcome: Outcome{Steps: ok("tenant", "token", "claims", "imap", "smtp", "refresh"), Protocols: []profile.Protocol{profile.IMAP, profile.SMTP}},
			want:    map[string]wantRow{"imap-enabled": {state: Met, step: "imap"}, "delegate-full-access": {state: Met, step: "imap"}},
			absent:  []string{"pop-enabled"},
		},
		{
			name:   "ece redirect uri not registered",
			preset: "cisco-ece",
			outcome: Outcome{Steps: []StepOutcome{{Step: "tenant", Status: StatusOK}, fail("token", "redirect-uri-mismatch"),
				skipped("claims"), skipped("pop"), skipped("smtp"), skipped("refresh")}},
			want: map[string]wantRow{
				"redirect-uri":      {state: Unmet, step: "token", diagnosis: "redirect-uri-mismatch"},
				"delegated-consent": {state: NotTested},
				"offline-access":    {state: NotTested},
			},
		},
		{
			name:    "xcally without offline_access",
			preset:  "xcally-motion",
			outcome: Outcome{Steps: append(ok("tenant", "token", "claims", "imap", "smtp"), warn("refresh", "consent-required"))},
			want: map[string]wantRow{
				"offline-access":    {state: Unmet, step: "refresh", diagnosis: "consent-required"},
				"delegated-consent": {state: Met, step: "claims"},
				"refresh-renewal":   {state: NotTested},
			},
		},
		{
			name:    "xcally with smtp auth disabled",
			preset:  "xcally-motion",
			outcome: Outcome{Steps: append(ok("tenant", "token", "claims", "imap", "refresh"), fail("smtp", "smtp-auth-disabled"))},
			want: map[string]wantRow{
				"smtp-auth":      {state: Unmet, step: "smtp", diagnosis: "smtp-auth-disabled"},
				"imap-enabled":   {state: Met, step: "imap"},
				"offline-access": {state: Met, step: "refresh"},
			},
		},
		{
			name:    "ecase with mail.send added as delegated",
			preset:  "opexus-ecase",
			outcome: Outcome{Steps: append(ok("tenant", "graph-token"), fail("graph", "graph-permission-denied")), SentTestMail: true},
			want: map[string]wantRow{
				"graph-mail-send-app": {state: Unmet, step: "graph", diagnosis: "graph-permission-denied"},
				"tenant":              {state: Met, step: "tenant"},
			},
		},
		{
			name:    "ecase sent a test message",
			preset:  "opexus-ecase",
			outcome: Outcome{Steps: ok("tenant", "graph-token", "graph"), SentTestMail: true},
			want: map[string]wantRow{"graph-mail-send-app": {state: Met, step: "graph"}, "mailbox-exists": {state: Met, step: "graph"},
				"app-registration": {state: Met, step: "graph-token"}, "credential": {state: Met, step: "graph-token"}},
		},
		{
			name:    "unity connection ews is never tested",
			preset:  "cisco-unity-connection",
			outcome: Outcome{Steps: ok("tenant", "graph-token", "graph")},
			want:    map[string]wantRow{"ews-app-role": {state: NotTested}, "graph-mail-read-app": {state: Met, step: "graph"}},
		},
		{
			name:    "wrong cloud disproves the tenant row",
			preset:  "generic-smtp-app-sender",
			outcome: Outcome{Steps: []StepOutcome{fail("tenant", "wrong-cloud"), skipped("token"), skipped("claims"), skipped("smtp")}},
			want:    map[string]wantRow{"tenant": {state: Unmet, step: "tenant", diagnosis: "wrong-cloud"}, "smtp-app-role": {state: NotTested}},
		},
		{
			name:    "a network failure proves nothing",
			preset:  "generic-imap-pop-reader",
			outcome: Outcome{Steps: append(ok("tenant", "token", "claims"), fail("imap", "network-unreachable"))},
			want:    map[string]wantRow{"exchange-sp": {state: NotTested}, "app-full-access": {state: NotTested}, "imap-app-role": {state: Met, step: "claims"}},
			absent:  []string{"pop-app-role", "pop-enabled"},
		},
		{
			name:    "nothing ran",
			preset:  "generic-graph-sender",
			outcome: Outcome{},
			want:    map[string]wantRow{"tenant": {state: NotTested}, "graph-mail-send-app": {state: NotTested}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := mustFind(t, tt.preset)
			rows := Evaluate(p, tt.outcome)
			got := rowsByID(rows)
			for id, w := range tt.want {
				r, found := got[id]
				if !found {
					t.Errorf("row %s missing", id)
					continue
				}
				if r.State != w.state || r.Step != w.step || r.Diagnosis != w.diagnosis || r.Suspect != w.suspect {
					t.Errorf("row %s = %s step=%q diagnosis=%q suspect=%v (%s); want %s step=%q diagnosis=%q suspect=%v",
						id, r.State, r.Step, r.Diagnosis, r.Suspect, r.Detail, w.state, w.step, w.diagnosis, w.suspect)
				}
				if r.State == Unmet && (!strings.Contains(r.Detail, r.Step) || !strings.Contains(r.Detail, r.Diagnosis)) {
					t.Errorf("row %s: ✗ detail %q does not name its step and diagnosis", id, r.Detail)
				}
				if r.Text == "" || strings.Contains(r.Text, "{") {
					t.Errorf("row %s: text %q not filled", id, r.Text)
				}
			}
			for _, id := range tt.absent {
				if _, found := got[id]; found {
					t.Errorf("row %s shown for a protocol the run did not test", id)
				}
			}
		})
	}
}

func TestEvaluateFillsNamesAndKeepsOrder(t *testing.T) {
	p := mustFind(t, "cisco-ece")
	rows := Evaluate(p, Outcome{Mailbox: "sales@contoso.com", SignInUser: "ece-svc@contoso.com"})
	if rows[0].Requirement != p.Requirements[0] {
		t.Errorf("first row %s, want %s", rows[0].Requirement, p.Requirements[0])
	}
	r := rowsByID(rows)["delegate-full-access"]
	if !strings.Contains(r.Text, "ece-svc@contoso.com") || !strings.Contains(r.Text, "sales@contoso.com") {
		t.Errorf("text %q does not name the user and mailbox", r.Text)
	}
	if mark := r.State.Mark(); mark != "–" || Met.Mark() != "✓" || Unmet.Mark() != "✗" {
		t.Errorf("marks = %q %q %q", mark, Met.Mark(), Unmet.Mark())
	}
	if h := p.Heading(); h != "What Cisco ECE needs ↔ what your tenant has" {
		t.Errorf("Heading() = %q", h)
	}
}

func TestEvaluateWithoutNamesReadsAsSentences(t *testing.T) {
	rows := rowsByID(Evaluate(mustFind(t, "cisco-ece"), Outcome{}))
	for _, id := range []string{"sign-in-account", "delegate-full-access", "delegate-send-as", "mailbox-exists"} {
		if r := rows[id]; !strings.HasPrefix(r.Text, "The ") {
			t.Errorf("row %s does not begin a sentence: %q", id, r.Text)
		}
	}
	if r := rowsByID(Evaluate(mustFind(t, "cisco-ece"), Outcome{SignInUser: "svc@contoso.com"}))["sign-in-account"]; !strings.HasPrefix(r.Text, "svc@contoso.com ") {
		t.Errorf("an address keeps its case: %q", r.Text)
	}
}

func TestEvaluateIsDeterministic(t *testing.T) {
	p := mustFind(t, "xcally-motion")
	o := Outcome{Steps: append(ok("tenant", "token", "claims", "imap"), fail("smtp", "smtp-auth-disabled"), warn("refresh", "consent-required"))}
	a, b := Evaluate(p, o), Evaluate(p, o)
	for i := range a {
		if a[i].Detail != b[i].Detail || a[i].State != b[i].State {
			t.Fatalf("row %d differs between two evaluations", i)
		}
	}
}
