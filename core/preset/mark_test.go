package preset

import (
	"testing"

	"github.com/mailoauth/mailoauth-tester/core/profile"
)

func TestNeedsTitleAndHeading(t *testing.T) {
	tests := []struct{ id, needs string }{
		{"cisco-ece", "What Cisco ECE needs"},
		{"opexus-ecase", "What eCASE needs"},
		{"generic-imap-pop-reader", "What an unattended reader needs"},
		{"generic-smtp-app-sender", "What an app-only SMTP sender needs"},
		{"generic-graph-sender", "What a Graph sender needs"},
	}
	for _, tt := range tests {
		p := mustFind(t, tt.id)
		if got := p.NeedsTitle(); got != tt.needs {
			t.Errorf("%s: NeedsTitle() = %q, want %q", tt.id, got, tt.needs)
		}
		if got, want := p.Heading(), tt.needs+" ↔ what your tenant has"; got != want {
			t.Errorf("%s: Heading() = %q, want %q", tt.id, got, want)
		}
	}
}

func TestGraphSendOnly(t *testing.T) {
	want := map[string]bool{"opexus-ecase": true, "generic-graph-sender": true}
	for _, p := range All() {
		if got := p.GraphSendOnly(); got != want[p.ID] {
			t.Errorf("%s: GraphSendOnly() = %v, want %v", p.ID, got, want[p.ID])
		}
	}
}

func TestApplyMarksThePreset(t *testing.T) {
	tests := []struct {
		name     string
		id       string
		in       profile.Profile
		sendOnly bool
		preset   string
	}{
		{"a sender tested over Graph", "opexus-ecase", profile.Profile{}, true, "opexus-ecase"},
		{"a sender the user tests over SMTP only", "generic-graph-sender", profile.Profile{Protocols: []profile.Protocol{"smtp"}}, false, "generic-graph-sender"},
		{"graph typed in capitals", "generic-graph-sender", profile.Profile{Protocols: []profile.Protocol{" GRAPH "}}, true, "generic-graph-sender"},
		{"a reader never sends only", "cisco-unity-connection", profile.Profile{}, false, "cisco-unity-connection"},
		{"the user's send-only stays", "cisco-unity-connection", profile.Profile{GraphSendOnly: true}, true, "cisco-unity-connection"},
		{"a preset the user named stays", "cisco-ece", profile.Profile{Preset: "xcally-motion"}, false, "xcally-motion"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, filled := mustFind(t, tt.id).Apply(tt.in)
			if got.GraphSendOnly != tt.sendOnly || got.Preset != tt.preset {
				t.Errorf("Apply() = send-only %v preset %q; want %v %q", got.GraphSendOnly, got.Preset, tt.sendOnly, tt.preset)
			}
			for _, f := range filled {
				if f == profile.FieldPreset || f == profile.FieldGraphSend {
					t.Errorf("Apply() lists %q as a filled form field", f)
				}
			}
		})
	}
}

// TestProtocolDisabledIsItsOwnRow: Exchange answers "authenticated but
// not connected" when the protocol is off for the mailbox (a missing Full
// Access is refused at AUTHENTICATE instead), so that answer disproves the
// protocol's row, not the mailbox right — in both flows.
func TestProtocolDisabledIsItsOwnRow(t *testing.T) {
	tests := []struct {
		preset, step, unmet string
		notUnmet            []string
	}{
		{"cisco-ece", "pop", "pop-enabled", []string{"delegate-full-access"}},
		{"xcally-motion", "imap", "imap-enabled", []string{"delegate-full-access"}},
		{"sytel-softdial", "imap", "imap-enabled", []string{"app-full-access"}},
		{"generic-imap-pop-reader", "imap", "imap-enabled", []string{"app-full-access", "exchange-sp"}},
	}
	for _, tt := range tests {
		t.Run(tt.preset, func(t *testing.T) {
			o := Outcome{Steps: append(ok("tenant", "token", "claims"), fail(tt.step, "mailbox-not-connected"))}
			rows := rowsByID(Evaluate(mustFind(t, tt.preset), o))
			if r := rows[tt.unmet]; r.State != Unmet || r.Step != tt.step {
				t.Errorf("row %s = %s on %q (%s), want ✗ on %s", tt.unmet, r.State, r.Step, r.Detail, tt.step)
			}
			for _, id := range tt.notUnmet {
				if r := rows[id]; r.State == Unmet {
					t.Errorf("row %s is ✗ (%s); a protocol turned off says nothing against it", id, r.Detail)
				}
			}
		})
	}
}
