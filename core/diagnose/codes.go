package diagnose

import (
	"sort"
	"strings"
)

// aadsts maps Microsoft Entra (AADSTS) error codes to diagnosis IDs. The
// meanings were checked against Microsoft's error code reference
// (learn.microsoft.com/entra/identity-platform/reference-error-codes) and
// real error texts; see the test tables for sources.
var aadsts = map[int]string{
	// tenant
	900023:  "tenant-invalid",
	90002:   "tenant-not-found", // refined to tenant-invalid for placeholder-like names
	50128:   "tenant-not-found",
	90038:   "tenant-not-found",
	50194:   "tenant-required",
	50059:   "tenant-required",
	90019:   "tenant-required",
	90130:   "tenant-required",
	90124:   "tenant-required",
	9001023: "tenant-required",
	// app
	700016:  "app-not-found",
	700011:  "app-not-found",
	70001:   "app-not-found",
	7000112: "app-disabled",
	7000229: "client-service-principal-missing", // no service principal for the client in the tenant (enforced since March 2026)
	5000224: "tenant-blocked",
	// client credentials
	7000215: "client-secret-invalid",
	7000222: "client-secret-expired",
	7000216: "client-secret-missing",
	7000218: "public-client-flows-disabled",
	700025:  "public-client-flows-disabled",
	700027:  "certificate-not-registered",
	700024:  "clock-skew",
	500133:  "clock-skew",
	// redirect, scope, resource, permissions, consent
	50011:   "redirect-uri-mismatch",
	500113:  "redirect-uri-mismatch",
	900971:  "redirect-uri-mismatch",
	90102:   "redirect-uri-mismatch",
	1002012: "scope-invalid",
	70011:   "scope-invalid",
	28002:   "scope-invalid",
	28003:   "scope-invalid",
	700022:  "scope-invalid",
	700023:  "scope-invalid",
	500011:  "resource-not-found",
	50001:   "resource-not-found",
	650057:  "permission-not-configured",
	65005:   "permission-not-configured",
	650056:  "permission-not-configured",
	65001:   "consent-required",
	90094:   "admin-consent-required",
	90095:   "admin-consent-required",
	900941:  "admin-consent-required",
	90093:   "admin-consent-required",
	65004:   "consent-declined",
	50105:   "user-not-assigned",
	// user sign-in
	50126:    "credentials-invalid",
	50056:    "credentials-invalid",
	50107:    "federated-password-grant",
	50008:    "federated-password-grant",
	20001:    "federated-password-grant",
	50076:    "mfa-required",
	50079:    "mfa-required",
	50074:    "mfa-required",
	50072:    "mfa-required",
	50078:    "mfa-required",
	50158:    "mfa-required",
	53003:    "conditional-access-blocked",
	53000:    "conditional-access-blocked",
	53001:    "conditional-access-blocked",
	53002:    "conditional-access-blocked",
	530032:   "conditional-access-blocked",
	530035:   "conditional-access-blocked",
	50131:    "conditional-access-blocked",
	50034:    "user-not-found",
	51004:    "user-not-found",
	50053:    "account-locked",
	50057:    "account-disabled",
	500571:   "account-disabled", // the guest (B2B) user object in the resource tenant is disabled
	50055:    "password-expired",
	50144:    "password-expired",
	50020:    "wrong-account-type",
	70000121: "wrong-account-type",
	9002331:  "wrong-account-type",
	9002332:  "wrong-account-type",
	500208:   "wrong-account-type",
	90072:    "wrong-account-type",
	// grants and tokens
	9002313: "grant-invalid",
	70000:   "grant-invalid",
	54005:   "grant-invalid",
	70008:   "grant-invalid", // refined to refresh-token-expired when only a refresh token is named
	700005:  "grant-invalid",
	501481:  "grant-invalid",
	70019:   "grant-invalid",
	700082:  "refresh-token-expired",
	50173:   "refresh-token-expired",
	70043:   "refresh-token-expired",
	700084:  "refresh-token-expired",
	50133:   "refresh-token-expired",
	50132:   "refresh-token-expired",
	50089:   "refresh-token-expired",
	// request
	900144: "request-malformed", // refined to client-secret-missing when the missing field is the secret
	90014:  "request-malformed",
	900561: "request-malformed",
	90004:  "request-malformed",
	90023:  "request-malformed",
	90100:  "request-malformed",
	90056:  "request-malformed",
	70003:  "request-malformed",
	// Generic wrappers: older ADAL/v1 texts put the real reason in a second
	// code or in the wording. Resolved by genericRefine.
	70002: "",
	50012: "",
	50013: "",
}

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
