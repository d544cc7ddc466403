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

// TestTranscriptMasksByContent: what a server sends back is masked
// whatever the line order — an echo of the client's SASL blob, and a blob
// sent after a continuation that was followed by another server line.
func TestTranscriptMasksByContent(t *testing.T) {
	blob := xoauth2Blob()
	tests := []struct {
		name   string
		chunks []string // "C:" client write, "S:" server write (may hold several lines)
	}{
		{"server echoes the blob", []string{"C:A1 AUTHENTICATE XOAUTH2 " + blob + "\r\n", "S:A1 NO [AUTHENTICATIONFAILED] invalid SASL " + blob + "\r\n"}},
		{"extra line after the continuation", []string{"C:A1 AUTHENTICATE XOAUTH2\r\n", "S:+ \r\n* OK still here\r\n", "C:" + blob + "\r\n", "S:A1 NO AUTHENTICATE failed.\r\n"}},
		{"pop echo from an offset", []string{"C:AUTH XOAUTH2\r\n", "S:+ \r\n", "C:" + blob + "\r\n", "S:-ERR bad " + blob[7:] + "\r\n"}},
		{"echo split over reads", []string{"C:AUTH XOAUTH2 " + blob + "\r\n", "S:535 5.7.3 " + blob[:30], "S:" + blob[30:] + "\r\n"}},
		{"secret echoed as base64", []string{"C:PASS " + testSecret + "\r\n", "S:-ERR " + base64.StdEncoding.EncodeToString([]byte(testSecret)) + "\r\n"}},
		{"raw piece of the token", []string{"S:* BAD " + testToken[20:70] + "\r\n"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var scrub secret.Scrubber
			scrub.Add(testSecret, testToken)
			var live []string
			tr := NewTranscript(func(l Line) { live = append(live, l.String()) }, &scrub)
			for _, c := range tt.chunks {
				dir := FromClient
				if c[0] == 'S' {
					dir = FromServer
				}
				tr.feed(dir, []byte(c[2:]))
			}
			tr.Flush()
			var kept []string
			for _, l := range tr.Lines() {
				kept = append(kept, l.String())
			}
			assertNoCredential(t, strings.Join(kept, "\n")+"\n"+strings.Join(live, "\n"))
		})
	}
}

// leakForms are the forms of the test credentials that must never be in a
// transcript.
func leakForms() []string {
	blobs := [][]byte{(&BearerClient{Mech: XOAUTH2, User: testUser, Token: testToken}).Message(),
		(&BearerClient{Mech: OAUTHBEARER, User: testUser, Token: testToken, Host: "h", Port: 993}).Message()}
	forms := []string{testToken, testSecret, testToken[len(testToken)-30:], testToken[20:60]}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding, base64.RawStdEncoding, base64.RawURLEncoding} {
		forms = append(forms, enc.EncodeToString([]byte(testSecret)), enc.EncodeToString([]byte(testToken)))
		for _, b := range blobs {
			e := enc.EncodeToString(b)
			forms = append(forms, e, e[40:100])
		}
	}
	return forms
}

func assertNoCredential(t *testing.T, out string) {
	t.Helper()
	for _, f := range leakForms() {
		if strings.Contains(out, f) {
			t.Fatalf("transcript leaks %q…:\n%s", f[:12], out)
		}
	}
}

// transcriptParts are the pieces FuzzTranscript builds conversations from:
// commands, SASL data, continuations and server replies that echo
// credentials in every encoding.
func transcriptParts() (client, server []string) {
	blob := xoauth2Blob()
	ob := oauthbearerBlob()
	b64s := base64.StdEncoding.EncodeToString([]byte(testSecret))
	url := base64.URLEncoding.EncodeToString((&BearerClient{Mech: XOAUTH2, User: testUser, Token: testToken}).Message())
	client = []string{"A1 AUTHENTICATE XOAUTH2 " + blob, "A1 AUTHENTICATE XOAUTH2", blob, ob, "AUTH XOAUTH2", "AUTH XOAUTH2 " + blob,
		"PASS " + testSecret, "A2 LOGIN support@contoso.com " + testSecret, "", "*", "=", "A3 NOOP", "AUTH LOGIN", b64s, "EHLO localhost", "STARTTLS"}
	server = []string{"+ ", "+", "334 ", "* OK still here", "A1 NO invalid SASL " + blob, "-ERR " + blob[3:], "535 5.7.3 " + b64s,
		"+OK", "334 " + base64.StdEncoding.EncodeToString([]byte(`{"status":"401"}`)), "* BAD " + testToken[10:60], "-ERR " + testSecret,
		"250-AUTH XOAUTH2", "220 2.0.0 Ready", "A1 NO " + url[5:], "+ " + ob, "\x1b[2J* OK fake"}
	return client, server
}

// FuzzTranscript feeds conversations with both directions interleaved in
// any order and split at any byte, through the recording connection and
// through the merged SMTP debug stream, and checks that no credential, in
// any encoding, survives in a kept or a passed-on line.
func FuzzTranscript(f *testing.F) {
	// The case: a continuation and another line in one write.
	f.Add([]byte{0x01, 0x80, 0x83, 0x02, 0x84}, false)
	f.Add([]byte{0x00, 0x84, 0x07, 0x85, 0x0c, 0x8a}, true)
	f.Add([]byte{0x04, 0x80, 0x02, 0x86, 0x81, 0x0e, 0x0f, 0x8e}, false)
	f.Fuzz(func(t *testing.T, ops []byte, merged bool) {
		client, server := transcriptParts()
		var scrub secret.Scrubber
		scrub.Add(testSecret, testToken)
		var live []string
		tr := NewTranscript(func(l Line) { live = append(live, l.String()) }, &scrub)
		w := tr.Inferring()
		var pending []byte // server bytes not yet delivered (a split write)
		for i, op := range ops {
			fromServer := op&0x80 != 0
			idx := int(op & 0x0f)
			if fromServer {
				pending = append(pending, server[idx%len(server)]+"\r\n"...)
				// The next byte, if any, says where this server write
				// is cut; the rest goes with the following write.
				cut := len(pending)
				if i+1 < len(ops) && ops[i+1]&0x40 != 0 {
					cut = int(ops[i+1]) * len(pending) / 256
				}
				chunk := pending[:cut]
				pending = append([]byte(nil), pending[cut:]...)
				if merged {
					w.Write(chunk)
				} else {
					tr.feed(FromServer, chunk)
				}
				continue
			}
			line := client[idx%len(client)] + "\r\n"
			if merged {
				w.Write([]byte(line))
			} else {
				tr.feed(FromClient, []byte(line))
			}
		}
		if len(pending) > 0 {
			tr.feed(FromServer, append(pending, '\n'))
		}
		tr.Flush()
		var kept []string
		for _, l := range tr.Lines() {
			kept = append(kept, l.String())
		}
		assertNoCredential(t, strings.Join(kept, "\n")+"\n"+strings.Join(live, "\n"))
	})
}

// TestTranscriptKeepsHeadAndTail: a server flooding lines cannot grow the
// transcript; the first and last lines are kept with a note of how many
// were dropped, and the live view gets the tail when the step ends.
func TestTranscriptKeepsHeadAndTail(t *testing.T) {
	var live []Line
	tr := NewTranscript(func(l Line) { live = append(live, l) }, nil)
	const n = 10000
	for i := range n {
		tr.feed(FromServer, []byte("* OK line "+strconv.Itoa(i)+"\r\n"))
	}
	tr.feed(FromServer, []byte("* OK "+strings.Repeat("A", 3*maxKeptLine)+"\r\n"))
	lines := tr.Lines()
	if len(lines) != maxKeptHead+1+maxKeptTail {
		t.Fatalf("kept %d lines, want %d", len(lines), maxKeptHead+1+maxKeptTail)
	}
	if lines[0].Text != "* OK line 0" || lines[maxKeptHead-1].Text != "* OK line 199" {
		t.Errorf("head = %q … %q", lines[0].Text, lines[maxKeptHead-1].Text)
	}
	note := lines[maxKeptHead].Text
	if !strings.Contains(note, strconv.Itoa(n+1-maxKeptHead-maxKeptTail)+" lines") || !strings.Contains(note, "not kept") {
		t.Errorf("drop note = %q", note)
	}
	last := lines[len(lines)-1].Text
	if len(last) > maxKeptLine+40 || !strings.HasSuffix(last, "more bytes]") {
		t.Errorf("an over-long line is kept as %d bytes: %q…", len(last), last[:40])
	}
	if lines[len(lines)-2].Text != "* OK line 9999" {
		t.Errorf("tail ends with %q", lines[len(lines)-2].Text)
	}
	if len(live) != maxKeptHead {
		t.Errorf("live lines before Flush = %d, want %d", len(live), maxKeptHead)
	}
	tr.Flush()
	if len(live) != maxKeptHead+1+maxKeptTail || live[maxKeptHead].Dir != '*' {
		t.Errorf("live lines after Flush = %d, want %d with a note", len(live), maxKeptHead+1+maxKeptTail)
	}
	tr.Flush()
	if len(live) != maxKeptHead+1+maxKeptTail {
		t.Errorf("a second Flush repeated lines: %d", len(live))
	}
}

// TestTranscriptShowsControlCharacters: escape sequences from a server are
// written out, never passed on.
func TestTranscriptShowsControlCharacters(t *testing.T) {
	tr := NewTranscript(nil, nil)
	tr.feed(FromServer, []byte("* OK \x1b[2J\x1b[H\x1b]8;;https://evil.example\x07All checks passed\r\n"))
	got := tr.Lines()[0].Text
	if strings.ContainsRune(got, 0x1b) || strings.ContainsRune(got, 0x07) || !strings.Contains(got, `\x1b[2J`) {
		t.Errorf("line = %q", got)
	}
}
