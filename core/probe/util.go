package probe

import (
	"crypto/rand"
	"fmt"
	"sort"
	"strings"
)

func sortStrings(s []string) []string {
	sort.Strings(s)
	return s
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

// newRequestID returns a random GUID-shaped ID for client-request-id, so a
// run's requests can be found in Microsoft's logs.
func newRequestID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "00000000-0000-4000-8000-000000000000"
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
