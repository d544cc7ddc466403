// Package secret masks credentials. Every text that leaves the engine — log
// lines, transcripts, reports, error messages — passes through a Scrubber
// that knows the run's secrets, and tokens are recognised by shape as a
// second line of defence.
package secret

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"
)

// Mask shows a secret's first three characters and its length, e.g.
// "abc…(40 chars)". Secrets shorter than 12 characters show nothing of
// their content.
func Mask(s string) string {
	n := utf8.RuneCountInString(s)
	if n == 0 {
		return "(empty)"
	}
	if n < 12 {
		return fmt.Sprintf("…(%d chars)", n)
	}
	r := []rune(s)
	return fmt.Sprintf("%s…(%d chars)", string(r[:3]), n)
}

// jwtRE matches a JSON Web Token (header.payload.signature, base64url).
var jwtRE = regexp.MustCompile(`eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*`)

// bearerRE matches "Bearer <opaque token>" in headers and SASL strings.
var bearerRE = regexp.MustCompile(`(?i)(bearer\s+)([A-Za-z0-9._~+/=-]{16,})`)

// kvRE matches secret-bearing form or JSON fields.
var kvRE = regexp.MustCompile(`(?i)("?(?:client_secret|client_assertion|password|refresh_token|access_token|id_token|code_verifier|assertion)"?\s*[:=]\s*"?)([^"&\s,}]{4,})`)

// Scrubber replaces known secrets and token-shaped strings in text. It is
// safe for concurrent use. The zero value scrubs only by shape.
type Scrubber struct {
	mu      sync.RWMutex
	secrets []string
}

// Add registers secrets to hide (empty and very short strings are ignored:
// masking "a" would mangle every word).
func (s *Scrubber) Add(secrets ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, x := range secrets {
		if len(x) < 4 {
			continue
		}
		dup := false
		for _, y := range s.secrets {
			if y == x {
				dup = true
				break
			}
		}
		if !dup {
			s.secrets = append(s.secrets, x)
		}
	}
	// Longest first so a secret that contains another is masked whole.
	sort.Slice(s.secrets, func(i, j int) bool { return len(s.secrets[i]) > len(s.secrets[j]) })
}

// Scrub returns text with every known secret and every token-shaped string
// masked.
func (s *Scrubber) Scrub(text string) string {
	if s != nil {
		s.mu.RLock()
		for _, x := range s.secrets {
			if strings.Contains(text, x) {
				text = strings.ReplaceAll(text, x, Mask(x))
			}
		}
		s.mu.RUnlock()
	}
	return ScrubShapes(text)
}

// ScrubShapes masks what looks like a token or a secret-bearing field,
// without knowing any secret.
func ScrubShapes(text string) string {
	text = jwtRE.ReplaceAllStringFunc(text, Mask)
	text = bearerRE.ReplaceAllStringFunc(text, func(m string) string {
		sub := bearerRE.FindStringSubmatch(m)
		if strings.Contains(sub[2], "…(") {
			return m
		}
		return sub[1] + Mask(sub[2])
	})
	text = kvRE.ReplaceAllStringFunc(text, func(m string) string {
		sub := kvRE.FindStringSubmatch(m)
		if strings.Contains(sub[2], "…(") {
			return m
		}
		return sub[1] + Mask(sub[2])
	})
	return text
}
