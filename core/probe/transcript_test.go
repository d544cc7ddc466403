package probe

import (
	"encoding/base64"
	"io"
	"net"
	"strconv"
	"strings"
	"testing"

	"github.com/mailoauth/mailoauth-tester/core/secret"
)

const (
	testToken  = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL291dGxvb2sub2ZmaWNlMzY1LmNvbSIsInJvbGVzIjpbIklNQVAuQWNjZXNzQXNBcHAiXX0.c2lnbmF0dXJlLXNpZ25hdHVyZS1zaWduYXR1cmU"
	testSecret = "Xy8Q~abcdefghijklmnopqrstuvwxyz012345678"
	testUser   = "support@contoso.com"
)

func xoauth2Blob() string {
	return base64.StdEncoding.EncodeToString((&BearerClient{Mech: XOAUTH2, User: testUser, Token: testToken}).Message())
}

func oauthbearerBlob() string {
	return base64.StdEncoding.EncodeToString((&BearerClient{Mech: OAUTHBEARER, User: testUser, Token: testToken, Host: "h", Port: 993}).Message())
}

// TestTranscriptMasks feeds real conversations through a recording
// connection and checks that no credential survives in any line.
func TestTranscriptMasks(t *testing.T) {
	tests := []struct {
		name string
		// alternating client (C) and server (S) lines
		lines []string
		want  []string // substrings that must appear (the masked forms)
	}{
		{"imap sasl-ir", []string{"C:A1 AUTHENTICATE XOAUTH2 " + xoauth2Blob(), "S:A1 NO AUTHENTICATE failed."},
			[]string{"A1 AUTHENTICATE XOAUTH2 [SASL response hidden: user=support@contoso.com, auth=Bearer eyJ…(", "A1 NO AUTHENTICATE failed."}},
		{"imap continuation", []string{"C:A1 AUTHENTICATE OAUTHBEARER", "S:+ ", "C:" + oauthbearerBlob(), "S:A1 OK done"},
			[]string{"[SASL response hidden: user=support@contoso.com"}},
		{"pop two-step", []string{"C:AUTH XOAUTH2", "S:+ ", "C:" + xoauth2Blob(), "S:-ERR Authentication failure: unknown user name or bad password."},
			[]string{"AUTH XOAUTH2", "[SASL response hidden"}},
		{"error challenge then empty answer", []string{"C:A1 AUTHENTICATE XOAUTH2 " + xoauth2Blob(),
			"S:+ " + base64.StdEncoding.EncodeToString([]byte(`{"status":"401","schemes":"bearer"}`)), "C:", "S:A1 NO [AUTHENTICATIONFAILED] Authentication failed."},
			[]string{`(decoded: {"status":"401","schemes":"bearer"})`}},
		{"imap login", []string{"C:A2 LOGIN support@contoso.com " + testSecret, "S:A2 NO LOGIN failed."},
			[]string{"A2 LOGIN support@contoso.com [password hidden, 40 chars]"}},
		{"pop pass", []string{"C:USER support@contoso.com", "S:+OK", "C:PASS " + testSecret}, []string{"PASS [password hidden, 40 chars]"}},
		{"smtp auth login", []string{"C:AUTH LOGIN", "S:334 VXNlcm5hbWU6", "C:" + base64.StdEncoding.EncodeToString([]byte(testUser)), "S:334 UGFzc3dvcmQ6",
			"C:" + base64.StdEncoding.EncodeToString([]byte(testSecret))}, []string{"[SASL data hidden"}},
		{"bare token anywhere", []string{"C:X NOOP " + testToken}, []string{"eyJ…("}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var scrub secret.Scrubber
			scrub.Add(testSecret)
			tr := NewTranscript(nil, &scrub)
			client, server := net.Pipe()
			conn := tr.Conn(client)
			go func() {
				for _, l := range tt.lines {
					if strings.HasPrefix(l, "S:") {
						server.Write([]byte(l[2:] + "\r\n"))
					}
				}
				server.Close()
			}()
			go io.Copy(io.Discard, server)
			for _, l := range tt.lines {
				if strings.HasPrefix(l, "C:") {
					conn.Write([]byte(l[2:] + "\r\n"))
				} else {
					buf := make([]byte, len(l))
					io.ReadFull(conn, buf)
				}
			}
			var all strings.Builder
			for _, l := range tr.Lines() {
				all.WriteString(l.String() + "\n")
			}
			out := all.String()
			for _, s := range []string{testToken, testSecret, xoauth2Blob(), oauthbearerBlob(), "c2lnbmF0dXJl",
				base64.StdEncoding.EncodeToString([]byte(testSecret))} {
				if strings.Contains(out, s) {
					t.Errorf("transcript leaks %q:\n%s", s[:10], out)
				}
			}
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("transcript lacks %q:\n%s", w, out)
				}
			}
		})
	}
}

func TestInferringWriterSplitsSMTP(t *testing.T) {
	tr := NewTranscript(nil, nil)
	w := tr.Inferring()
	for _, chunk := range []string{"EHLO localhost\r\n", "250-host Hello\r\n250-AUTH LOGIN XOAUTH2\r\n250 SMT", "PUTF8\r\n",
		"AUTH XOAUTH2 " + xoauth2Blob() + "\r\n", "334 \r\n", "\r\n", "535 5.7.3 Authentication unsuccessful\r\n"} {
		w.Write([]byte(chunk))
	}
	var got []string
	for _, l := range tr.Lines() {
		got = append(got, l.String())
	}
	want := []string{"C: EHLO localhost", "S: 250-host Hello", "S: 250-AUTH LOGIN XOAUTH2", "S: 250 SMTPUTF8",
		"C: AUTH XOAUTH2 [SASL response hidden: user=support@contoso.com, auth=Bearer eyJ…(" + itoa(len(testToken)) + " chars)]",
		"S: 334 ", "C: ", "S: 535 5.7.3 Authentication unsuccessful"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("lines =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func TestBearerClient(t *testing.T) {
	x := &BearerClient{Mech: XOAUTH2, User: "a@b.c", Token: "T"}
	if mech, ir, _ := x.Start(); mech != "XOAUTH2" || string(ir) != "user=a@b.c\x01auth=Bearer T\x01\x01" {
		t.Errorf("XOAUTH2 Start() = %s %q", mech, ir)
	}
	if resp, err := x.Next([]byte(`{"status":"401"}`)); err != nil || resp == nil || len(resp) != 0 || string(x.ServerError) != `{"status":"401"}` {
		t.Errorf("XOAUTH2 Next() = %q, %v; want an empty non-nil response", resp, err)
	}
	o := &BearerClient{Mech: OAUTHBEARER, User: "a,b=c@d.e", Token: "T", Host: "imap.example.com", Port: 993}
	if _, ir, _ := o.Start(); string(ir) != "n,a=a=2Cb=3Dc@d.e,\x01host=imap.example.com\x01port=993\x01auth=Bearer T\x01\x01" {
		t.Errorf("OAUTHBEARER Start() = %q", ir)
	}
	if resp, err := o.Next([]byte(`{"status":"invalid_token"}`)); err != nil || string(resp) != "\x01" {
		t.Errorf("OAUTHBEARER Next() = %q, %v; want %%x01 (RFC 7628 3.2.3)", resp, err)
	}
}
