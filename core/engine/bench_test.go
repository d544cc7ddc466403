package engine

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/mailoauth/mailoauth-tester/core/profile"
	"github.com/mailoauth/mailoauth-tester/core/simulate"
)

// Round trips on the longest chain of a full run, as the simulated tenant
// counts them (each server response flight and each TCP handshake is one
// round trip):
//
//	token: TCP, TLS 1.3, GET openid-configuration, POST token       = 4
//	IMAP after the token: AUTHENTICATE, EXAMINE, LOGOUT             = 3  → 7
//	POP3 after the token: AUTH, response, STAT, QUIT                = 4  → 8
//	SMTP, all before the token: TCP, greeting, EHLO, STARTTLS, TLS,
//	EHLO = 6; then AUTH, QUIT                                        → 8
//
// Run in sequence, the same conversation costs 4 + 7 + 8 + 8 = 27.
const (
	minRoundTrips        = 8
	sequentialRoundTrips = 27
)

// BenchmarkRunLatency runs the whole check against the simulated tenant
// with an emulated network round-trip time and reports the wall time in
// round trips next to the minimum the protocol chains allow:
//
//	go test -run XXX -bench RunLatency -benchtime 5x ./core/engine/
func BenchmarkRunLatency(b *testing.B) {
	for _, rtt := range []time.Duration{20 * time.Millisecond, 50 * time.Millisecond} {
		b.Run(rtt.String(), func(b *testing.B) {
			sim := startSim(b, simulate.Options{Latency: rtt})
			p := simProfile(sim)
			p.Transcript = false
			p.Protocols = profile.AllProtocols
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
			b.ReportMetric(float64(wall)/float64(rtt), "RTT/run")
			b.ReportMetric(minRoundTrips, "min-RTT")
			b.ReportMetric(sequentialRoundTrips, "sequential-RTT")
			b.Logf("rtt %s: run %s = %.1f round trips (minimum %d, in sequence %d = %s)",
				rtt, wall.Round(time.Millisecond), float64(wall)/float64(rtt), minRoundTrips, sequentialRoundTrips, fmt.Sprint(sequentialRoundTrips*rtt))
		})
	}
}
