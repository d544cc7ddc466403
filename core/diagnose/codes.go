package diagnose

import (
	"sort"
	"strings"
)

// codeAt is one AADSTS code and where it was found.
type codeAt struct {
	pos  int
	code int
}

// AADSTSCodes returns every AADSTS error code in text: "AADSTS7000215"
// mentions and the numbers of an "error_codes" array (JSON or a printed
// Python dict), in order of appearance, without duplicates. It never fails;
// text without codes yields nil.
func AADSTSCodes(text string) []int {
	found := scanCodes(text)
	if len(found) == 0 {
		return nil
	}
	sort.SliceStable(found, func(i, j int) bool { return found[i].pos < found[j].pos })
	out := make([]int, 0, len(found))
	seen := make(map[int]bool, len(found))
	for _, c := range found {
		if !seen[c.code] {
			seen[c.code] = true
			out = append(out, c.code)
		}
	}
	return out
}

// maxCodes bounds the work on adversarial input.
const maxCodes = 64

func scanCodes(text string) []codeAt {
	var found []codeAt
	// "AADSTS<digits>", case-insensitive, in one linear pass.
	for i := 0; i+6 <= len(text) && len(found) < maxCodes; {
		j := indexFold(text[i:], "aadsts")
		if j < 0 {
			break
		}
		p := i + j + 6
		if n, end := digits(text, p, 9); end > p && end-p >= 4 {
			found = append(found, codeAt{pos: i + j, code: n})
			p = end
		}
		i = p
	}
	// Entra's sign-in error page ("More details"): "Error Code: 530033"
	// next to a Correlation Id, and the sign-in log's "Sign-in error code
	// 500021", both without the AADSTS prefix.
	if len(found) == 0 {
		found = labelledCodes(text, "sign-in error code", found)
	}
	if len(found) == 0 && indexFold(text, "correlation id") >= 0 {
		found = labelledCodes(text, "error code:", found)
	}
	// "error_codes": [ 1, 2 ] or 'error_codes': [1, 2]
	for i := 0; i < len(text) && len(found) < maxCodes; {
		j := strings.Index(text[i:], "error_codes")
		if j < 0 {
			break
		}
		p := i + j + len("error_codes")
		p = skip(text, p, "\"' \t\r\n:")
		if p < len(text) && text[p] == '[' {
			p++
			for len(found) < maxCodes {
				p = skip(text, p, " \t\r\n,")
				n, end := digits(text, p, 9)
				if end == p {
					break
				}
				found = append(found, codeAt{pos: i + j, code: n})
				p = end
			}
		}
		i = p
	}
	return found
}

// labelledCodes appends the five- to nine-digit numbers that follow label
// (lower case) in text.
func labelledCodes(text, label string, found []codeAt) []codeAt {
	for i := 0; i < len(text) && len(found) < maxCodes; {
		j := indexFold(text[i:], label)
		if j < 0 {
			break
		}
		p := skip(text, i+j+len(label), " \t:")
		if n, end := digits(text, p, 9); end-p >= 5 && (end == len(text) || text[end] < '0' || text[end] > '9') {
			found = append(found, codeAt{pos: i + j, code: n})
			p = end
		}
		i = p
	}
	return found
}

// indexFold is strings.Index for an ASCII lower-case needle, ignoring case
// in s, without allocating.
func indexFold(s, needle string) int {
	first := needle[0]
	upper := first - 'a' + 'A'
	for i := 0; i+len(needle) <= len(s); i++ {
		c := s[i]
		if c != first && c != upper {
			continue
		}
		ok := true
		for k := 1; k < len(needle); k++ {
			c := s[i+k]
			if c >= 'A' && c <= 'Z' {
				c += 'a' - 'A'
			}
			if c != needle[k] {
				ok = false
				break
			}
		}
		if ok {
			return i
		}
	}
	return -1
}

// digits parses up to max decimal digits at p; end == p when there are none.
func digits(s string, p, max int) (n, end int) {
	end = p
	for end < len(s) && end-p < max && s[end] >= '0' && s[end] <= '9' {
		n = n*10 + int(s[end]-'0')
		end++
	}
	return n, end
}

func skip(s string, p int, set string) int {
	for p < len(s) && strings.IndexByte(set, s[p]) >= 0 {
		p++
	}
	return p
}
