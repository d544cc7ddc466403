package secretfile

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

const secret = "Xy8Q~abcdefghijklmnopqrstuvwxyz012345678"

func write(t *testing.T, content string, mode os.FileMode) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "secret.txt")
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(p, mode); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestRead(t *testing.T) {
	tests := []struct {
		name, content string
		mode          os.FileMode
		want, err     string
	}{
		{name: "plain", content: secret, mode: 0o600, want: secret},
		{name: "one newline stripped", content: secret + "\n", mode: 0o600, want: secret},
		{name: "windows newline stripped", content: secret + "\r\n", mode: 0o400, want: secret},
		{name: "byte-order mark", content: "\xef\xbb\xbf" + secret + "\n", mode: 0o600, want: secret},
		{name: "spaces kept", content: " pass word ", mode: 0o600, want: " pass word "},
		{name: "two newlines", content: secret + "\n\n", mode: 0o600, err: "a second line (line 1, byte 41)"},
		{name: "two lines", content: "first\nsecond\n", mode: 0o600, err: "a second line"},
		{name: "tab", content: "a\tb", mode: 0o600, err: "a tab"},
		{name: "escape", content: "a\x1b[31mb", mode: 0o600, err: "a control character"},
		{name: "empty", content: "", mode: 0o600, err: "is empty"},
		{name: "only newline", content: "\n", mode: 0o600, err: "is empty"},
		{name: "not UTF-8", content: "\xff\xfe", mode: 0o600, err: "not UTF-8"},
		{name: "too large", content: strings.Repeat("a", MaxSize+1), mode: 0o600, err: "larger than 64 KiB"},
		{name: "world readable", content: secret, mode: 0o644, err: "mode 0644) — run: chmod 600 "},
		{name: "group readable", content: secret, mode: 0o640, err: "chmod 600"},
		{name: "group writable", content: secret, mode: 0o620, err: "chmod 600"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if runtime.GOOS == "windows" && strings.Contains(tt.err, "chmod") {
				t.Skip("Windows permissions are ACLs")
			}
			p := write(t, tt.content, tt.mode)
			got, err := Read(p, "secret-file")
			if tt.err == "" {
				if err != nil || got != tt.want {
					t.Errorf("Read() = %q, %v; want %q", got, err, tt.want)
				}
				return
			}
			var e *Error
			if !errors.As(err, &e) || e.Field != "secret-file" || e.Fix == "" || !strings.Contains(err.Error(), tt.err) {
				t.Fatalf("Read() = %q, %v; want a *Error containing %q", got, err, tt.err)
			}
			if !strings.Contains(err.Error(), p) || strings.Contains(err.Error(), "Xy8Q") || strings.Contains(err.Error(), "second\n") {
				t.Errorf("error %q must name the file and never its content", err)
			}
		})
	}
}

func TestReadNotRegular(t *testing.T) {
	dir := t.TempDir()
	cases := map[string]string{"folder": dir, "missing": filepath.Join(dir, "nope")}
	for name, p := range specialFiles(t, dir) {
		cases[name] = p
	}
	for name, p := range cases {
		if _, err := Read(p, "password-file"); err == nil {
			t.Errorf("%s: Read() succeeded", name)
		} else if e := (*Error)(nil); !errors.As(err, &e) || e.Field != "password-file" {
			t.Errorf("%s: Read() = %v, want a *Error for password-file", name, err)
		}
	}
}
