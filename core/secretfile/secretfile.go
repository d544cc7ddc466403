// Package secretfile reads one secret (a client secret, a password) from a
// file the user names with --secret-file and the like, refusing files
// that are not private, not regular, too large or not one line of text.
// No message ever contains the file's content.
package secretfile

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"runtime"
	"unicode"
	"unicode/utf8"
)

// MaxSize bounds a secret file. Secrets are under 1 KiB (a client secret
// is 40 characters); 64 KiB catches a wrong file without reading it all.
const MaxSize = 64 << 10

// Error is a secret file that cannot be used: which field, which file,
// what is wrong and how to fix it. It never holds the content.
type Error struct {
	Field   string // e.g. "secret-file"
	Path    string
	Message string
	Fix     string
	Err     error // the file system's error, if any
}

var _ error = (*Error)(nil)

func (e *Error) Error() string {
	s := fmt.Sprintf("%s: %s %s", e.Field, e.Path, e.Message)
	if e.Fix != "" {
		s += " — " + e.Fix
	}
	return s
}

// Unwrap returns the file system's error.
func (e *Error) Unwrap() error { return e.Err }

// Read returns the secret in the file at path; field names the option in
// errors. The file must be a regular file of at most MaxSize bytes, on
// Unix readable and writable by its owner only (mode 0600 or stricter),
// and hold one line of UTF-8 text: a leading byte-order mark and one
// trailing line break (\n or \r\n) are removed; any other control
// character (a second line, a tab, an escape) is refused. Windows file
// permissions are ACLs, which are not checked: keep the file in your
// profile folder. Errors are *Error.
func Read(path, field string) (string, error) {
	fail := func(msg, fix string, err error) (string, error) {
		return "", &Error{Field: field, Path: path, Message: msg, Fix: fix, Err: err}
	}
	// Stat before opening: opening a named pipe would wait for a writer.
	st, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fail("does not exist", "check the path", err)
	case err != nil:
		return fail("cannot be read", "", err)
	case !st.Mode().IsRegular():
		return fail("is not a regular file (a folder, device or pipe)", "put the secret in a plain file", nil)
	}
	if msg, fix := private(path, st); msg != "" {
		return fail(msg, fix, nil)
	}
	f, err := os.Open(path)
	if err != nil {
		return fail("cannot be opened", "", err)
	}
	defer f.Close()
	if st2, err := f.Stat(); err != nil || !os.SameFile(st, st2) {
		return fail("changed while it was being opened", "try again", err)
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxSize+1))
	if err != nil {
		return fail("cannot be read", "", err)
	}
	if len(data) > MaxSize {
		return fail(fmt.Sprintf("is larger than %d KiB: not a secret file", MaxSize>>10), "give the file that holds only the secret", nil)
	}
	return parse(data, fail)
}

// private says what is wrong with a file others may read, on Unix.
func private(path string, st fs.FileInfo) (msg, fix string) {
	if runtime.GOOS == "windows" {
		return "", ""
	}
	if perm := st.Mode().Perm(); perm&0o077 != 0 {
		return fmt.Sprintf("can be read or changed by other users (mode %04o)", perm), "run: chmod 600 " + path
	}
	return "", ""
}

// parse checks and trims the content.
func parse(data []byte, fail func(msg, fix string, err error) (string, error)) (string, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	switch {
	case bytes.HasSuffix(data, []byte("\r\n")):
		data = data[:len(data)-2]
	case bytes.HasSuffix(data, []byte("\n")):
		data = data[:len(data)-1]
	}
	if len(data) == 0 {
		return fail("is empty", "write the secret into the file (one line)", nil)
	}
	if !utf8.Valid(data) {
		return fail("is not UTF-8 text", "save the file as UTF-8 text holding only the secret", nil)
	}
	for i, r := range string(data) {
		if unicode.IsControl(r) {
			line := 1 + bytes.Count(data[:i], []byte("\n"))
			what := "a control character"
			switch r {
			case '\n', '\r':
				what = "a second line"
			case '\t':
				what = "a tab"
			}
			return fail(fmt.Sprintf("contains %s (line %d, byte %d); a secret is one line", what, line, i+1),
				"keep only the secret in the file, followed by at most one line break", nil)
		}
	}
	return string(data), nil
}
