package setupscript

import (
	"fmt"
	"io"
	"unicode/utf8"
)

// Write writes a script as a .ps1 file's contents. A script with
// characters beyond ASCII starts with a UTF-8 byte-order mark: Windows
// PowerShell 5.1 reads a file without one in the system's ANSI code page.
func Write(w io.Writer, text string) error {
	if !isASCII(text) {
		if _, err := io.WriteString(w, "\ufeff"); err != nil {
			return fmt.Errorf("setupscript: %w", err)
		}
	}
	if _, err := io.WriteString(w, text); err != nil {
		return fmt.Errorf("setupscript: %w", err)
	}
	return nil
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
