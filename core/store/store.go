package store

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"unicode/utf8"
)

// File format identifiers (docs/profiles.md).
const (
	formatName    = "mailoauth-profile"
	formatVersion = 1
	fileExt       = ".json"
	maxFileSize   = 64 << 10 // a profile is well under 2 KiB; this bounds a wrong file
	maxNameLength = 64
)

// fileDoc is a profile file: the stored file and an exported one are the
// same document.
type fileDoc struct {
	Format  string          `json:"format"`
	Version int             `json:"version"`
	Profile json.RawMessage `json:"profile"`
}

// FieldError is bad input for one field, with what to do.
type FieldError struct {
	Field   string
	Message string
	Fix     string
}

var _ error = (*FieldError)(nil)

func (e *FieldError) Error() string {
	s := "profile " + e.Field + ": " + e.Message
	if e.Fix != "" {
		s += " — " + e.Fix
	}
	return s
}

// NotFoundError is a profile name with no saved profile.
type NotFoundError struct{ Name string }

var _ error = (*NotFoundError)(nil)

func (e *NotFoundError) Error() string {
	return fmt.Sprintf("profile %q does not exist (mailoauth profile list shows the saved ones)", e.Name)
}

// ExistsError is an import onto a profile that exists, without overwrite.
type ExistsError struct{ Name string }

var _ error = (*ExistsError)(nil)

func (e *ExistsError) Error() string {
	return fmt.Sprintf("a profile named %q exists already: import it under another name or replace it", e.Name)
}

// FileError is a profile file that cannot be read as one: not JSON, a
// different format or version, an unknown key.
type FileError struct {
	Path    string // "" for an imported stream
	Message string
	Err     error // a *FieldError for a refused value; may be nil
}

var _ error = (*FileError)(nil)

func (e *FileError) Error() string {
	if e.Path == "" {
		return "profile file: " + e.Message
	}
	return "profile file " + e.Path + ": " + e.Message
}

// Unwrap returns the refused field's error, if any.
func (e *FileError) Unwrap() error { return e.Err }

// Store is a folder of profile files, one per profile. It is safe for use
// by several processes: each save replaces one file atomically.
type Store struct{ dir string }

// DefaultDir is the profile folder in the user's configuration folder:
// %AppData%\mailoauth\profiles on Windows,
// ~/Library/Application Support/mailoauth/profiles on macOS,
// $XDG_CONFIG_HOME/mailoauth/profiles (~/.config/…) elsewhere.
func DefaultDir() (string, error) {
	base, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("profiles: no configuration folder for this user: %w", err)
	}
	return filepath.Join(base, "mailoauth", "profiles"), nil
}

// Open returns the store in dir; the folder is created on the first Save.
func Open(dir string) *Store { return &Store{dir: dir} }

// Dir is the store's folder.
func (s *Store) Dir() string { return s.dir }

// path is the file of a profile name: lower-cased, so names differing
// only in case are one profile on every file system.
func (s *Store) path(name string) string {
	return filepath.Join(s.dir, strings.ToLower(name)+fileExt)
}

// List returns every saved profile, sorted by name. A file that cannot be
// read is reported in the error (joined) while the others are returned.
func (s *Store) List() ([]Profile, error) {
	entries, err := os.ReadDir(s.dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("profiles: %w", err)
	}
	var out []Profile
	var errs []error
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), fileExt) || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		p, err := readFile(filepath.Join(s.dir, e.Name()))
		if err != nil {
			errs = append(errs, err)
			continue
		}
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return strings.ToLower(out[i].Name) < strings.ToLower(out[j].Name) })
	return out, errors.Join(errs...)
}

// Get returns the profile called name (case does not matter).
func (s *Store) Get(name string) (Profile, error) {
	if err := validName(name); err != nil {
		return Profile{}, err
	}
	p, err := readFile(s.path(name))
	if errors.Is(err, fs.ErrNotExist) {
		return Profile{}, &NotFoundError{Name: name}
	}
	return p, err
}

// Save writes p, replacing a profile of the same name. It refuses a bad
// name, a value shaped like a secret or token, and a proxy with a
// password. The file is written to a temporary file and renamed over the
// old one, with mode 0600 in a 0700 folder.
func (s *Store) Save(p Profile) error {
	if err := p.check(); err != nil {
		return err
	}
	data, err := encode(p)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(s.dir, 0o700); err != nil {
		return fmt.Errorf("profiles: %w", err)
	}
	return writeAtomic(s.path(p.Name), data)
}

// Delete removes the profile called name.
func (s *Store) Delete(name string) error {
	if err := validName(name); err != nil {
		return err
	}
	err := os.Remove(s.path(name))
	if errors.Is(err, fs.ErrNotExist) {
		return &NotFoundError{Name: name}
	}
	return err
}

// Export writes the profile called name as a profile file to w: the same
// document Save writes, with no secret in it.
func (s *Store) Export(name string, w io.Writer) error {
	p, err := s.Get(name)
	if err != nil {
		return err
	}
	data, err := encode(p)
	if err != nil {
		return err
	}
	_, err = w.Write(data)
	return err
}

// Import reads a profile file from r and saves it, under rename when not
// empty. It refuses to replace an existing profile unless overwrite, and
// refuses files with unknown keys (a "secret" key is named as such), a
// newer format version, or secret-shaped values.
func (s *Store) Import(r io.Reader, rename string, overwrite bool) (Profile, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxFileSize+1))
	if err != nil {
		return Profile{}, err
	}
	p, err := decode("", data)
	if err != nil {
		return Profile{}, err
	}
	if rename != "" {
		p.Name = rename
	}
	if err := validName(p.Name); err != nil {
		return Profile{}, err
	}
	if !overwrite {
		if _, err := os.Stat(s.path(p.Name)); err == nil {
			return Profile{}, &ExistsError{Name: p.Name}
		}
	}
	return p, s.Save(p)
}

// readFile reads one stored profile.
func readFile(path string) (Profile, error) {
	f, err := os.Open(path)
	if err != nil {
		return Profile{}, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxFileSize+1))
	if err != nil {
		return Profile{}, err
	}
	return decode(path, data)
}

// encode renders the profile file, indented for people who read it.
func encode(p Profile) ([]byte, error) {
	inner, err := json.Marshal(p)
	if err != nil {
		return nil, err
	}
	out, err := json.MarshalIndent(fileDoc{Format: formatName, Version: formatVersion, Profile: inner}, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(out, '\n'), nil
}

// decode reads a profile file and checks its format, version, keys and
// values.
func decode(path string, data []byte) (Profile, error) {
	bad := func(format string, a ...any) error { return &FileError{Path: path, Message: fmt.Sprintf(format, a...)} }
	if len(data) > maxFileSize {
		return Profile{}, bad("larger than %d KiB: not a profile file", maxFileSize>>10)
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	var doc fileDoc
	if err := json.Unmarshal(data, &doc); err != nil {
		return Profile{}, bad("not a profile file (not JSON)")
	}
	switch {
	case doc.Format != formatName:
		return Profile{}, bad("not a Mail OAuth Tester profile (format %q)", truncate(doc.Format))
	case doc.Version > formatVersion:
		return Profile{}, bad("written by a newer version of Mail OAuth Tester (format version %d); update this one", doc.Version)
	case doc.Version < 1:
		return Profile{}, bad("format version %d is not valid", doc.Version)
	}
	if err := knownKeys(doc.Profile, bad); err != nil {
		return Profile{}, err
	}
	var p Profile
	if err := json.Unmarshal(doc.Profile, &p); err != nil {
		return Profile{}, bad("a value has the wrong type (texts are quoted; protocols and scope are lists)")
	}
	if err := p.check(); err != nil {
		return Profile{}, &FileError{Path: path, Message: err.Error(), Err: err}
	}
	return p, nil
}

// knownKeys refuses keys a profile does not have, naming the first one.
// A key that would hold a secret gets its own message.
func knownKeys(raw json.RawMessage, bad func(string, ...any) error) error {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil || m == nil {
		return bad("the \"profile\" object is missing")
	}
	known := map[string]bool{"name": true}
	for _, k := range Keys() {
		known[k] = true
	}
	unknown := make([]string, 0, len(m))
	for k := range m {
		if !known[k] {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) == 0 {
		return nil
	}
	sort.Strings(unknown)
	k := truncate(unknown[0])
	low := strings.ToLower(k)
	for _, w := range []string{"secret", "password", "token", "credential", "key"} {
		if strings.Contains(low, w) {
			return bad("has a key %q: profiles never hold secrets; remove it", k)
		}
	}
	return bad("has an unknown key %q", k)
}

// truncate bounds text from a file that ends up in a message.
func truncate(s string) string {
	if utf8.RuneCountInString(s) > 40 {
		return string([]rune(s)[:40]) + "…"
	}
	return s
}

// validName accepts 1–64 letters, digits, spaces and . _ - ( ), not
// starting with a dot or space, and none of Windows' reserved file names.
func validName(name string) error {
	fix := "use letters, digits, spaces and . _ - ( ), up to 64 characters, e.g. \"Contoso support\""
	switch {
	case name == "":
		return &FieldError{Field: "name", Message: "is empty", Fix: fix}
	case utf8.RuneCountInString(name) > maxNameLength:
		return &FieldError{Field: "name", Message: "is longer than 64 characters", Fix: fix}
	case strings.HasPrefix(name, ".") || strings.HasPrefix(name, " ") || strings.HasSuffix(name, " ") || strings.HasSuffix(name, "."):
		return &FieldError{Field: "name", Message: "starts or ends with a dot or a space", Fix: fix}
	}
	for _, r := range name {
		ok := r == ' ' || r == '.' || r == '_' || r == '-' || r == '(' || r == ')' ||
			(r >= '0' && r <= '9') || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r > 127 && isLetterOrDigit(r))
		if !ok {
			return &FieldError{Field: "name", Message: fmt.Sprintf("contains %q", r), Fix: fix}
		}
	}
	base, _, _ := strings.Cut(strings.ToUpper(name), ".")
	switch base {
	case "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9",
		"LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9":
		return &FieldError{Field: "name", Message: fmt.Sprintf("%q is a reserved name on Windows", name), Fix: fix}
	}
	return nil
}
