package engine

import (
	"context"
	"errors"
	"net"
	"syscall"
	"testing"

	"github.com/mailoauth/mailoauth-tester/core/profile"
)

// offlineOptions make every connection and DNS lookup fail at once, as on
// a computer without a network.
func offlineOptions() Options {
	down := func(ctx context.Context, network, addr string) (net.Conn, error) {
		return nil, &net.OpError{Op: "dial", Net: network, Err: &net.AddrError{Err: "unreachable", Addr: addr}}
	}
	unreachable := func(ctx context.Context, network, addr string) (net.Conn, error) {
		return nil, &net.OpError{Op: "dial", Net: network, Err: errors.Join(syscall.ENETUNREACH)}
	}
	return Options{DialContext: unreachable, Resolver: &net.Resolver{PreferGo: true, Dial: down}}
}

// TestOfflineSecretIDShowsTheNetworkFirst: an offline run with a
// Secret-ID-shaped secret must not explain anything as "Entra ID rejected
// the secret": Entra ID was never reached. The network cause comes first,
// once, listing the steps it stopped.
func TestOfflineSecretIDShowsTheNetworkFirst(t *testing.T) {
	p := profile.Profile{
		Tenant: "72f988bf-86f1-41af-91ab-2d7cd011db47", ClientID: "11111111-2222-3333-4444-555555555555",
		ClientSecret: "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", // shaped like a Secret ID, not a Value
		Mailbox:      "support@contoso.com", Protocols: profile.AllProtocols,
	}
	j, problems := Prepare(p, offlineOptions())
	if len(problems) > 0 {
		t.Fatalf("Prepare() problems: %v", problems)
	}
	if len(j.warning) == 0 || j.warning[0].DiagnosisID != "client-secret-invalid" {
		t.Fatalf("the Secret-ID warning is the premise of this test; warnings = %+v", j.warning)
	}
	res := j.Run(context.Background(), nil)
	var cards []string
	network := 0
	for _, s := range res.Steps {
		if s.Diagnosis == nil || s.Diagnosis.MergedInto != "" {
			continue // no card of its own
		}
		cards = append(cards, s.Name+"="+s.Diagnosis.ID)
		if s.Diagnosis.ID == "client-secret-invalid" {
			t.Errorf("step %s explains the offline run as a rejected secret", s.Name)
		}
		if s.Diagnosis.ID == "network-unreachable" {
			network++
			if len(s.Diagnosis.Steps) < 2 {
				t.Errorf("the network card lists steps %v, want every step it stopped", s.Diagnosis.Steps)
			}
		}
	}
	if network != 1 {
		t.Errorf("cards = %v, want exactly one network-unreachable card", cards)
	}
	if len(cards) == 0 || cards[0] != "tenant=network-unreachable" {
		t.Errorf("cards = %v, want the network cause first", cards)
	}
	if in := res.Step("input"); in == nil || in.Status != Warn {
		t.Errorf("the input warning itself stays (status %v)", in)
	}
}
