// Package secret masks credentials. Every text that leaves the engine — log
// lines, transcripts, reports, error messages — passes through a Scrubber
// that knows the run's secrets, and tokens are recognised by shape as a
// second line of defence.
package secret

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode"
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

// fragLen is the length of the pieces of a secret that are recognised on
// their own: a server that echoes part of a token (or of its base64 form)
// still gets it masked.
const fragLen = 16

// shortSecret is the length below which a secret is masked only where it
// stands as a word of its own: masking a two-letter password inside every
// word would make every text unreadable, and a short password inside a
// longer word does not reveal it.
const shortSecret = 4

// Scrubber replaces known secrets and token-shaped strings in text. It is
// safe for concurrent use. The zero value scrubs only by shape.
type Scrubber struct {
	mu      sync.RWMutex
	secrets []string            // longest first
	frags   map[string]struct{} // every fragLen-byte piece of the long secrets
}

// Add registers secrets to hide. Secrets of any length are masked; empty
// strings are ignored.
func (s *Scrubber) Add(secrets ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, x := range secrets {
		if x == "" || slices.Contains(s.secrets, x) {
			continue
		}
		s.secrets = append(s.secrets, x)
		if len(x) >= fragLen {
			if s.frags == nil {
				s.frags = map[string]struct{}{}
			}
			for i := 0; i+fragLen <= len(x); i++ {
				s.frags[x[i:i+fragLen]] = struct{}{}
			}
		}
	}
	// Longest first so a secret that contains another is masked whole.
	sort.SliceStable(s.secrets, func(i, j int) bool { return len(s.secrets[i]) > len(s.secrets[j]) })
}

// Scrub returns text with every known secret, every token-shaped string and
// every run of characters that carries a credential masked: a base64 run
// that decodes to a SASL bearer response ("auth=Bearer …"), to a known
// secret or to a piece of one, and a piece of a known secret or token on
// its own. Masking goes by content, not by position, so a server that
// echoes a client's credential back is masked too.
func (s *Scrubber) Scrub(text string) string {
	if s != nil {
		s.mu.RLock()
		defer s.mu.RUnlock()
		for _, x := range s.secrets {
			if !strings.Contains(text, x) {
				continue
			}
			if len(x) < shortSecret {
				text = replaceWord(text, x, Mask(x))
			} else {
				text = strings.ReplaceAll(text, x, Mask(x))
			}
		}
	}
	return s.shapes(text)
}

// ScrubShapes masks what looks like a token, a secret-bearing field or a
// base64 SASL bearer response, without knowing any secret.
func ScrubShapes(text string) string {
	var s *Scrubber
	return s.shapes(text)
}

// shapes masks by shape and by content. s may be nil; the caller holds its
// read lock otherwise.
func (s *Scrubber) shapes(text string) string {
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
	text = b64RE.ReplaceAllStringFunc(text, func(run string) string {
		if s.carriesB64(run) {
			return hidden(run)
		}
		return run
	})
	if s != nil && len(s.frags) > 0 {
		text = rawRE.ReplaceAllStringFunc(text, func(run string) string {
			if s.hasFragment(run) {
				return hidden(run)
			}
			return run
		})
	}
	return text
}

// hidden is what a run that carries a credential is replaced with.
func hidden(run string) string {
	return fmt.Sprintf("[credential hidden, %d chars]", utf8.RuneCountInString(run))
}

var (
	// b64RE matches a run that may be base64 (standard or URL alphabet,
	// padded or not).
	b64RE = regexp.MustCompile(`[A-Za-z0-9+/_-]{8,}={0,2}`)
	// rawRE matches a run of the characters secrets and tokens are made of.
	rawRE = regexp.MustCompile(`[A-Za-z0-9+/_.~=-]{16,}`)
	// fromURL turns the URL alphabet into the standard one.
	fromURL = strings.NewReplacer("-", "+", "_", "/")
)

// carriesB64 reports whether run, decoded as base64 at any of the four
// alignments (a server may echo a blob from any offset), holds a SASL
// bearer response, a known secret or a piece of one.
func (s *Scrubber) carriesB64(run string) bool {
	t := fromURL.Replace(strings.TrimRight(run, "="))
	for off := 0; off < 4 && len(t)-off >= 8; off++ {
		u := t[off:]
		u = u[:len(u)/4*4]
		b, err := base64.RawStdEncoding.DecodeString(u)
		if err != nil {
			continue
		}
		if s.carries(b) {
			return true
		}
	}
	return false
}

var bearerMarker = []byte("auth=bearer")

// carries reports whether decoded bytes hold a credential.
func (s *Scrubber) carries(b []byte) bool {
	if bytes.Contains(bytes.ToLower(b), bearerMarker) {
		return true
	}
	if s == nil {
		return false
	}
	for _, x := range s.secrets {
		if len(x) >= shortSecret && bytes.Contains(b, []byte(x)) {
			return true
		}
	}
	return s.hasFragment(string(b))
}

// hasFragment reports whether text holds a fragLen-byte piece of a known
// long secret or token.
func (s *Scrubber) hasFragment(text string) bool {
	if s == nil || len(s.frags) == 0 {
		return false
	}
	for i := 0; i+fragLen <= len(text); i++ {
		if _, ok := s.frags[text[i:i+fragLen]]; ok {
			return true
		}
	}
	return false
}

// replaceWord replaces old with repl where it stands as a word: not next to
// a letter or digit.
func replaceWord(text, old, repl string) string {
	var b strings.Builder
	for {
		i := strings.Index(text, old)
		if i < 0 {
			b.WriteString(text)
			return b.String()
		}
		end := i + len(old)
		before, _ := utf8.DecodeLastRuneInString(text[:i])
		after, _ := utf8.DecodeRuneInString(text[end:])
		if (i == 0 || !isWordRune(before)) && (end == len(text) || !isWordRune(after)) {
			b.WriteString(text[:i] + repl)
		} else {
			b.WriteString(text[:end])
		}
		text = text[end:]
	}
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }
