package certstore

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestNormalizeThumbprint(t *testing.T) {
	const want = "0123456789ABCDEF0123456789ABCDEF01234567"
	tests := []struct{ in, want, err string }{
		{in: want, want: want},
		{in: strings.ToLower(want), want: want},
		{in: "\u200e01 23 45 67 89 ab cd ef 01 23 45 67 89 ab cd ef 01 23 45 67", want: want},
		{in: "01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67\n", want: want},
		{in: "", err: "empty"},
		{in: "0123", err: "has 4 hex digits"},
		{in: strings.Repeat("ab", 32), err: "SHA-256"},
		{in: "0123456789ABCDEF0123456789ABCDEF0123456Z", err: `'Z' is not a hex digit`},
	}
	for _, tt := range tests {
		got, err := NormalizeThumbprint(tt.in)
		if tt.err != "" {
			var fe *FieldError
			if !errors.As(err, &fe) || fe.Field != FieldThumbprint || !strings.Contains(err.Error(), tt.err) || fe.Fix == "" {
				t.Errorf("NormalizeThumbprint(%q) = %q, %v; want a field error containing %q", tt.in, got, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("NormalizeThumbprint(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestCertDescribe(t *testing.T) {
	cert, _ := rsaCert(t, "mail-app")
	c := fromX509(`CurrentUser\My`, cert)
	if !c.RSA || c.Thumbprint != Thumbprint(cert) || c.Subject != "CN=mail-app" {
		t.Errorf("fromX509() = %+v", c)
	}
	got := c.Describe(time.Now())
	if !strings.Contains(got, "CN=mail-app") || !strings.Contains(got, c.Thumbprint) || !strings.Contains(got, "expires") {
		t.Errorf("Describe() = %q", got)
	}
	if got := c.Describe(cert.NotAfter.Add(time.Hour)); !strings.Contains(got, "EXPIRED") {
		t.Errorf("Describe() after expiry = %q", got)
	}
}
