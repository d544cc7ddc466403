package secret

import (
	"encoding/base64"
	"strings"
	"testing"
)

func TestMask(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", "(empty)"},
		{"short", "…(5 chars)"},
		{"abc8Q~0123456789012345678901234567890123", "abc…(40 chars)"},
	}
	for _, tt := range tests {
		if got := Mask(tt.in); got != tt.want {
			t.Errorf("Mask(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestScrub(t *testing.T) {
	const sec = "Xy8Q~abcdefghijklmnopqrstuvwxyz012345678"
	const jwt = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL291dGxvb2sub2ZmaWNlMzY1LmNvbSJ9.c2lnbmF0dXJlc2lnbmF0dXJl"
	var s Scrubber
	s.Add(sec, "", "ab")
	tests := []struct {
		name, in string
		gone     []string
	}{
		{"known secret", "secret is " + sec + " here", []string{sec}},
		{"jwt anywhere", "token " + jwt, []string{jwt, "c2lnbmF0dXJl"}},
		{"bearer opaque", "Authorization: Bearer abcdefghijklmnopqrstuvwx", []string{"abcdefghijklmnopqrstuvwx"}},
		{"form field", "grant_type=client_credentials&client_secret=hunter2hunter2&scope=x", []string{"hunter2hunter2"}},
		{"json field", `{"refresh_token":"0.AAAA-refresh-value","x":1}`, []string{"0.AAAA-refresh-value"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := s.Scrub(tt.in)
			for _, g := range tt.gone {
				if strings.Contains(got, g) {
					t.Errorf("Scrub(%q) = %q, still contains %q", tt.in, got, g)
				}
			}
			if !strings.Contains(got, "chars)") {
				t.Errorf("Scrub(%q) = %q, want a mask", tt.in, got)
			}
		})
	}
	if got := s.Scrub("a table about tabs"); got != "a table about tabs" {
		t.Errorf("Scrub masked a short secret inside words: %q", got)
	}
}

// TestScrubAnyLength: a secret of any length is masked (one shorter than
// four characters where it stands as a word).
func TestScrubAnyLength(t *testing.T) {
	for _, sec := range []string{"x", "p1", "abc", "Pa5s", "hunter2"} {
		var s Scrubber
		s.Add(sec)
		in := "USER a@b.c PASS " + sec + "\n" + sec + " (" + sec + ")"
		if got := s.Scrub(in); strings.Contains(strings.ReplaceAll(got, Mask(sec), ""), " "+sec) {
			t.Errorf("Scrub(%q) with secret %q = %q", in, sec, got)
		}
	}
}

const (
	tokJWT  = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL291dGxvb2sub2ZmaWNlMzY1LmNvbSJ9.c2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dXJl"
	tokOpaq = "EwBwA8l6BAAUO9chh8cJscQLmU+LSWpbnr0vmwwAAR"
	userSec = "Zq8Q~abcdefghijklmnopqrstuvwxyz012345678"
)

// TestScrubByContent: a credential is masked wherever it appears and
// however it is encoded — a server echoing a SASL blob, a piece of a token,
// a base64 form of a secret — not only where the protocol puts it.
func TestScrubByContent(t *testing.T) {
	var s Scrubber
	s.Add(tokJWT, tokOpaq, userSec)
	blob := "user=support@contoso.com\x01auth=Bearer " + tokJWT + "\x01\x01"
	opaqueBlob := "n,a=support@contoso.com,\x01auth=Bearer " + tokOpaq + "\x01\x01"
	encodings := map[string]func([]byte) string{
		"std": base64.StdEncoding.EncodeToString, "url": base64.URLEncoding.EncodeToString,
		"raw std": base64.RawStdEncoding.EncodeToString, "raw url": base64.RawURLEncoding.EncodeToString,
	}
	type tc struct{ name, in string }
	var tests []tc
	for name, enc := range encodings {
		tests = append(tests,
			tc{"echoed XOAUTH2 blob " + name, "A1 NO [AUTHENTICATIONFAILED] invalid SASL " + enc([]byte(blob))},
			tc{"echoed OAUTHBEARER opaque " + name, "-ERR bad " + enc([]byte(opaqueBlob)) + " end"},
			tc{"blob from an odd offset " + name, "NO echo " + enc([]byte(blob))[5:]},
			tc{"secret as base64 " + name, "535 " + enc([]byte(userSec))},
			tc{"secret inside base64 " + name, "x " + enc([]byte("\x00user\x00"+userSec))},
		)
	}
	tests = append(tests,
		tc{"piece of a token", "server said ...QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodH..."},
		tc{"piece of an opaque token", "bad token 8cJscQLmU+LSWpbnr0vmw"},
		tc{"unknown token in a blob", "NO " + base64.StdEncoding.EncodeToString([]byte("user=a@b.c\x01auth=Bearer someoneelsestoken\x01\x01"))},
	)
	gone := []string{tokJWT, tokOpaq, userSec, "someoneelsestoken", "8cJscQLmU+LSWpbnr0vmw", "QiLCJhbGciOiJSUzI1NiJ9"}
	for name, enc := range encodings {
		gone = append(gone, enc([]byte(blob)), enc([]byte(blob))[5:40], enc([]byte(userSec)), enc([]byte(opaqueBlob))[:30])
		_ = name
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := s.Scrub(tt.in)
			for _, g := range gone {
				if strings.Contains(got, g) {
					t.Errorf("Scrub(%q) = %q still holds %q", tt.in, got, g)
				}
			}
			if !strings.Contains(got, "hidden") && !strings.Contains(got, "chars)") {
				t.Errorf("Scrub(%q) = %q, want a mask", tt.in, got)
			}
		})
	}
	// The shape of a SASL bearer response is recognised without knowing
	// the token.
	if got := ScrubShapes("NO " + base64.StdEncoding.EncodeToString([]byte(blob))); strings.Contains(got, "dXNlcj1") {
		t.Errorf("ScrubShapes left a SASL blob: %q", got)
	}
	// Ordinary words, GUIDs and base64 that carries nothing stay.
	for _, plain := range []string{"A1 OK AUTHENTICATE completed.", "72f988bf-86f1-41af-91ab-2d7cd011db47",
		"+ " + base64.StdEncoding.EncodeToString([]byte(`{"status":"401","schemes":"bearer","scope":"https://mail.google.com/"}`))} {
		if got := s.Scrub(plain); got != plain {
			t.Errorf("Scrub(%q) = %q, want it unchanged", plain, got)
		}
	}
}

func FuzzScrub(f *testing.F) {
	f.Add("Bearer abcdefghijklmnopqrstuvwx", "abcdefghijklmnop")
	f.Add("client_secret=xyz", "xyz")
	f.Add("PASS x1\r\n", "x1")
	f.Fuzz(func(t *testing.T, text, sec string) {
		var s Scrubber
		s.Add(sec)
		out := s.Scrub(text)
		if len(sec) < 4 || strings.Contains("…(0123456789 chars)[credential hidden, ]", sec) || strings.Contains(Mask(sec), sec) {
			return // the mask itself may spell it
		}
		if strings.Contains(text, sec) && strings.Contains(out, sec) {
			t.Fatalf("secret %q survived in %q", sec, out)
		}
	})
}
