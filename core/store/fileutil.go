package store

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"unicode"
)

// writeAtomic replaces path with data: a temporary file in the same
// folder (mode 0600 from the start), flushed to disk, then renamed, so a
// reader sees the old file or the new one, never half of one.
func writeAtomic(path string, data []byte) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-*"+fileExt)
	if err != nil {
		return fmt.Errorf("profiles: %w", err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err = tmp.Chmod(0o600); err != nil && runtime.GOOS != "windows" {
		return fmt.Errorf("profiles: %w", err)
	}
	if _, err = tmp.Write(data); err != nil {
		return fmt.Errorf("profiles: %w", err)
	}
	if err = tmp.Sync(); err != nil {
		return fmt.Errorf("profiles: %w", err)
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("profiles: %w", err)
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("profiles: %w", err)
	}
	return nil
}

// isLetterOrDigit accepts non-ASCII letters and digits in names.
func isLetterOrDigit(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }
