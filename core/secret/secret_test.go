package secret

import (
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
	if got := s.Scrub("plain text ab"); got != "plain text ab" {
		t.Errorf("Scrub changed plain text: %q", got)
	}
}

func FuzzScrub(f *testing.F) {
	f.Add("Bearer abcdefghijklmnopqrstuvwx", "abcdefghijklmnop")
	f.Add("client_secret=xyz", "xyz")
	f.Fuzz(func(t *testing.T, text, sec string) {
		var s Scrubber
		s.Add(sec)
		out := s.Scrub(text)
		if len(sec) >= 12 && !strings.Contains(Mask(sec), sec) && strings.Contains(text, sec) && strings.Contains(out, sec) {
			t.Fatalf("secret %q survived in %q", sec, out)
		}
	})
}
