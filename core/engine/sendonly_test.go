package engine

import (
	"context"
	"strings"
	"testing"

	"github.com/mailoauth/mailoauth-tester/core/profile"
	"github.com/mailoauth/mailoauth-tester/core/simulate"
)

// graphRun runs Graph alone, app-only, against a scenario.
func graphRun(t *testing.T, scenario string, sendOnly, send bool) *Result {
	t.Helper()
	sim := startSim(t, simulate.Options{Scenario: scenario})
	p := simProfile(sim)
	p.Protocols, p.GraphSendOnly, p.SendTestMail = []profile.Protocol{profile.Graph}, sendOnly, send
	return prepare(t, p).Run(context.Background(), func(Event) {})
}

// TestGraphSendOnly: a sender's Graph check looks at Mail.Send, never
// reads the mailbox, and sends only when asked — and an app-only token
// without a role is not taken for a missing permission where RBAC for
// Applications may grant it.
func TestGraphSendOnly(t *testing.T) {
	tests := []struct {
		name       string
		scenario   string
		sendOnly   bool
		send       bool
		token      Status // the graph-token step
		graph      Status
		diagnosis  string // of the graph step
		detailHas  string
		inboxReads bool
	}{
		{"entra Mail.Send, nothing sent", "generic-graph-sender-ok", true, false, OK, OK, "", "carries Mail.Send", false},
		{"entra Mail.Send, a test message", "generic-graph-sender-ok", true, true, OK, OK, "", "test message sent", false},
		{"rbac Mail.Send, nothing sent: unproven", "opexus-ecase-ok", true, false, OK, Warn, "", "RBAC for Applications", false},
		{"rbac Mail.Send, a test message", "opexus-ecase-ok", true, true, OK, OK, "", "test message sent", false},
		{"Mail.Send added as delegated", "opexus-ecase-mail-send-delegated", true, true, OK, Fail, "graph-permission-denied", "", false},
		{"access policy", "generic-graph-sender-access-policy", true, true, OK, Fail, "graph-access-policy", "", false},
		// Read mode on a sender's tenant: reading really is refused.
		{"a reader's check of a sender", "generic-graph-sender-ok", false, false, OK, Fail, "graph-permission-denied", "", true},
		// Read mode under RBAC: the token carries no role, yet Graph reads.
		{"rbac reader", "cisco-unity-connection-ok", false, false, OK, OK, "", "Inbox", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := graphRun(t, tt.scenario, tt.sendOnly, tt.send)
			tok, g := res.Step(StepGraphToken), res.Step("graph")
			if tok == nil || g == nil {
				t.Fatalf("steps %s", stepNames(res))
			}
			if tok.Status != tt.token {
				t.Errorf("graph-token = %s (%s), want %s", tok.Status, tok.Detail, tt.token)
			}
			id := ""
			if g.Diagnosis != nil {
				id = g.Diagnosis.ID
			}
			if g.Status != tt.graph || id != tt.diagnosis || !strings.Contains(g.Detail, tt.detailHas) {
				t.Errorf("graph = %s %q (%s), want %s %q with %q", g.Status, id, g.Detail, tt.graph, tt.diagnosis, tt.detailHas)
			}
			reads := false
			for _, l := range g.Transcript {
				reads = reads || strings.Contains(l.String(), "mailFolders/inbox")
			}
			if reads != tt.inboxReads {
				t.Errorf("the Graph step read the inbox = %v, want %v", reads, tt.inboxReads)
			}
			if tt.sendOnly && (g.Title != "Graph (send only)" || !res.Input.GraphSendOnly) {
				t.Errorf("title %q, input send-only %v", g.Title, res.Input.GraphSendOnly)
			}
		})
	}
}

func TestPresetProblems(t *testing.T) {
	sim := startSim(t, simulate.Options{})
	for _, tt := range []struct {
		name  string
		edit  func(*profile.Profile)
		field string
	}{
		{"unknown preset", func(p *profile.Profile) { p.Preset = "cisco-ecce" }, profile.FieldPreset},
		{"send-only without graph", func(p *profile.Profile) {
			p.GraphSendOnly, p.Protocols = true, []profile.Protocol{profile.IMAP}
		}, profile.FieldGraphSend},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := simProfile(sim)
			tt.edit(&p)
			j, problems := Prepare(p, Options{})
			if j != nil || len(problems) != 1 || problems[0].Field != tt.field || problems[0].Fix == "" {
				t.Errorf("Prepare() = %v, %v; want one problem on %s", j, problems, tt.field)
			}
		})
	}
	p := simProfile(sim)
	p.Preset = " Cisco-ECE "
	if j := prepare(t, p); j.Input().Preset != "cisco-ece" {
		t.Errorf("Input().Preset = %q, want the normalised ID", j.Input().Preset)
	}
}
