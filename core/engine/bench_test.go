package engine

import (
	"context"
	"testing"
	"time"

	"github.com/mailoauth/mailoauth-tester/core/profile"
	"github.com/mailoauth/mailoauth-tester/core/simulate"
)

// minRoundTrips is the longest chain of a run's round trips, as the
// simulated tenant counts them (each server response flight costs one;
// the TCP handshake is paid with the server's first flight):
//
//	token (beside everything): TCP+TLS 1.3 (2), openid-configuration, POST token = 4
//	IMAP: TCP+TLS (2), greeting, CAPABILITY (4); after the token: AUTHENTICATE, EXAMINE = 6
//	POP3: TCP+TLS (2), greeting, CAPA (4); after the token: AUTH, response, STAT  = 7
//	SMTP: greeting, EHLO, STARTTLS, TLS, EHLO (5); AUTH, QUIT                    = 7
//	Graph: TCP+TLS, GET without a token (3); its token (4), then the inbox        = 5
//
// The tenant lookup and the realm run beside the token and gate nothing;
// the goodbyes of IMAP and POP3 are sent without waiting. So the minimum is
// POP3's and SMTP's 7. A username+password sign-in costs one more: MSAL
// asks the user realm itself between the openid-configuration and the
// token (5), so POP3 ends at 8; its refresh and Graph token reuse the
// sign-in's connections.
const (
	minRoundTrips     = 7
	minRoundTripsROPC = 8
)

// BenchmarkRunLatency runs whole checks against the simulated tenant with
// an emulated network round-trip time and reports the wall time in round
// trips next to the minimum the protocol chains allow:
//
//	go test -run XXX -bench RunLatency -benchtime 10x ./core/engine/
//
// The target is app-only IMAP+POP3+SMTP at ≤ 7.5 round trips at 50 ms.
func BenchmarkRunLatency(b *testing.B) {
	runs := []struct {
		name   string
		flow   profile.Flow
		protos []profile.Protocol
		min    int
	}{
		{"app-only-imap-pop-smtp", profile.ClientCredentials, profile.MailProtocols, minRoundTrips},
		{"app-only-all", profile.ClientCredentials, profile.AllProtocols, minRoundTrips},
		{"password-all", profile.Password, profile.AllProtocols, minRoundTripsROPC},
	}
	for _, tt := range runs {
		for _, rtt := range []time.Duration{50 * time.Millisecond, 20 * time.Millisecond} {
			b.Run(tt.name+"/"+rtt.String(), func(b *testing.B) {
				sim := startSim(b, simulate.Options{Latency: rtt})
				p := simProfile(sim)
				if tt.flow != profile.ClientCredentials {
					p = delegatedProfile(sim, tt.flow)
				}
				p.Transcript = false
				p.Protocols = tt.protos
				j, problems := Prepare(p, Options{})
				if len(problems) > 0 {
					b.Fatal(problems)
				}
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					if res := j.Run(context.Background(), nil); !res.OK {
						b.Fatalf("run failed: %s", res.Verdict)
					}
				}
				wall := b.Elapsed() / time.Duration(b.N)
				rtts := float64(wall) / float64(rtt)
				b.ReportMetric(rtts, "RTT/run")
				b.ReportMetric(float64(tt.min), "min-RTT")
				b.Logf("%s at %s RTT: run %s = %.2f round trips (minimum %d)", tt.name, rtt, wall.Round(time.Millisecond), rtts, tt.min)
			})
		}
	}
}
