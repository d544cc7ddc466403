//go:build !windows

package certstore

import (
	"errors"
	"strings"
	"testing"
)

func TestWindowsOnly(t *testing.T) {
	if _, err := List(); !errors.Is(err, ErrWindowsOnly) {
		t.Errorf("List() = %v, want ErrWindowsOnly", err)
	}
	if _, err := Open("0123456789ABCDEF0123456789ABCDEF01234567", false); !errors.Is(err, ErrWindowsOnly) {
		t.Errorf("Open() = %v, want ErrWindowsOnly", err)
	}
	var fe *FieldError
	if _, err := Open("nope", false); !errors.As(err, &fe) {
		t.Errorf("Open(bad thumbprint) = %v, want the field error first", err)
	}
	if msg := ErrWindowsOnly.Error(); msg == "" || !strings.Contains(msg, "--cert") {
		t.Errorf("ErrWindowsOnly = %q, want it to name the alternative", msg)
	}
}
