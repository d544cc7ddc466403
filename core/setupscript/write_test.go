package setupscript

import (
	"strings"
	"testing"
)

// TestWriteBOM: a script with characters beyond ASCII starts with a
// byte-order mark so that Windows PowerShell 5.1 reads it as UTF-8.
func TestWriteBOM(t *testing.T) {
	for _, tt := range []struct {
		in  string
		bom bool
	}{{"Write-Host 'ok'\n", false}, {"# Zoë\n", true}, {"", false}} {
		var b strings.Builder
		if err := Write(&b, tt.in); err != nil {
			t.Fatal(err)
		}
		if got := strings.HasPrefix(b.String(), "\ufeff"); got != tt.bom || !strings.HasSuffix(b.String(), tt.in) {
			t.Errorf("Write(%q) = %q", tt.in, b.String())
		}
	}
}
