package probe

import (
	"context"
	"crypto/x509"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/mailoauth/mailoauth-tester/core/hostile"
	"github.com/mailoauth/mailoauth-tester/core/secret"
)

// mailProbe is what the three mail probes offer.
type mailProbe interface {
	Connect(ctx context.Context) error
	Login(ctx context.Context, token string) (string, error)
	Close()
}

func newProbe(proto string, t Target) mailProbe {
	switch proto {
	case "imap":
		return &IMAP{Target: t, User: testUser, Mech: XOAUTH2}
	case "pop":
		return &POP{Target: t, User: testUser, Mech: XOAUTH2}
	}
	return &SMTP{Target: t, User: testUser, Mech: XOAUTH2}
}

// TestHostileMailServers: against a server that floods lines or never ends
// a line, every probe stops with a *LimitError well within its deadline,
// and the transcript stays small; against one that echoes the SASL
// response, sends a line after the continuation or sends escape sequences,
// the login is refused and nothing of the token is kept or shown.
func TestHostileMailServers(t *testing.T) {
	pki, err := hostile.NewPKI()
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(pki.CAPEM)
	tests := []struct {
		proto string
		b     hostile.Behaviour
	}{
		{"imap", hostile.FloodLines}, {"imap", hostile.EndlessLine}, {"imap", hostile.EchoSASL}, {"imap", hostile.ExtraLine}, {"imap", hostile.Escapes},
		{"pop", hostile.FloodLines}, {"pop", hostile.EndlessLine}, {"pop", hostile.EchoSASL}, {"pop", hostile.Escapes},
		{"smtp", hostile.FloodLines}, {"smtp", hostile.EndlessLine}, {"smtp", hostile.EchoSASL}, {"smtp", hostile.Escapes},
	}
	for _, tt := range tests {
		t.Run(tt.proto+"/"+string(tt.b), func(t *testing.T) {
			t.Parallel()
			srv, err := hostile.StartMail(pki, tt.proto, tt.b)
			if err != nil {
				t.Fatal(err)
			}
			defer srv.Close()
			var scrub secret.Scrubber
			scrub.Add(testToken)
			var live []string
			tr := NewTranscript(func(l Line) { live = append(live, l.String()) }, &scrub)
			p := newProbe(tt.proto, Target{Addr: srv.Addr, RootCAs: roots, Transcript: tr})
			defer p.Close()
			// The deadline is far away: the limits, not the clock, must
			// end a flood.
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			start := time.Now()
			err = p.Connect(ctx)
			if err == nil {
				_, err = p.Login(ctx, testToken)
			}
			took := time.Since(start)
			var le *LimitError
			var rej *RejectedError
			switch tt.b {
			case hostile.FloodLines, hostile.EndlessLine:
				if !errors.As(err, &le) {
					t.Fatalf("err = %v, want a *LimitError", err)
				}
				if took > 5*time.Second {
					t.Errorf("took %s to stop reading", took)
				}
			default:
				if !errors.As(err, &rej) {
					t.Fatalf("err = %v, want a *RejectedError", err)
				}
			}
			tr.Flush()
			lines := tr.Lines()
			if len(lines) > maxKeptHead+maxKeptTail+1 {
				t.Errorf("transcript kept %d lines", len(lines))
			}
			var all []string
			for _, l := range lines {
				all = append(all, l.String())
				if len(l.Text) > maxKeptLine+40 {
					t.Errorf("a kept line has %d bytes", len(l.Text))
				}
			}
			out := strings.Join(all, "\n") + strings.Join(live, "\n")
			assertNoCredential(t, out)
			if strings.ContainsAny(out, "\x1b\x07") {
				t.Errorf("transcript holds raw escape characters:\n%s", out)
			}
		})
	}
}
