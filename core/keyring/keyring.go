// Package keyring keeps a profile's secrets in the operating system's
// keyring (Windows Credential Manager, macOS Keychain, the Secret Service
// on Linux) when, and only when, the profile opted in
// (store.Profile.RememberSecrets). Nothing here writes a file. The
// backend is github.com/zalando/go-keyring; tests use its mock
// (gokeyring.MockInit).
package keyring

import (
	"errors"
	"fmt"
	"strings"

	gokeyring "github.com/zalando/go-keyring"

	"github.com/mailoauth/mailoauth-tester/core/store"
)

// Service is the name entries are filed under. Windows Credential Manager
// shows them as "mailoauth-tester:<profile>/<kind>" (generic credentials).
const Service = "mailoauth-tester"

// Kind names one secret of a profile.
type Kind string

// Secret kinds.
const (
	ClientSecret  Kind = "client-secret"  // app's client secret value
	CertPassword  Kind = "cert-password"  // PFX / key password
	Password      Kind = "password"       // user's password or app password
	ProxyPassword Kind = "proxy-password" // password for an https:// proxy
)

// Kinds lists every kind, for Forget.
var Kinds = []Kind{ClientSecret, CertPassword, Password, ProxyPassword}

// backend is the part of go-keyring this package uses.
type backend interface {
	Set(service, user, secret string) error
	Get(service, user string) (string, error)
	Delete(service, user string) error
}

// goKeyring calls go-keyring's package functions (the OS keyring, or its
// in-memory mock after gokeyring.MockInit).
type goKeyring struct{}

func (goKeyring) Set(s, u, p string) error        { return gokeyring.Set(s, u, p) }
func (goKeyring) Get(s, u string) (string, error) { return gokeyring.Get(s, u) }
func (goKeyring) Delete(s, u string) error        { return gokeyring.Delete(s, u) }

// Keyring stores and loads profile secrets.
type Keyring struct{ b backend }

// System returns the operating system's keyring.
func System() *Keyring { return &Keyring{b: goKeyring{}} }

// ErrNotOptedIn is returned by Store for a profile that did not ask for
// its secrets to be remembered.
var ErrNotOptedIn = errors.New("keyring: this profile does not remember secrets (tick \"Remember secret\" or save it with --remember-secret first)")

// Error is a keyring operation that failed. It never holds the secret.
type Error struct {
	Op      string // "store", "load", "forget"
	Profile string
	Kind    Kind
	Err     error
}

var _ error = (*Error)(nil)

func (e *Error) Error() string {
	hint := "the system keyring is not available"
	switch {
	case errors.Is(e.Err, gokeyring.ErrSetDataTooBig):
		hint = "the secret is too long for the system keyring (Windows keeps at most 2560 bytes)"
	case errors.Is(e.Err, gokeyring.ErrUnsupportedPlatform):
		hint = "this system has no keyring this tool can use"
	}
	return fmt.Sprintf("keyring: cannot %s the %s of profile %q: %s (%v); on Linux a Secret Service such as GNOME Keyring or KWallet must be running",
		e.Op, e.Kind, e.Profile, hint, e.Err)
}

// Unwrap returns the backend's error.
func (e *Error) Unwrap() error { return e.Err }

// account is the entry name for a profile's secret: profile names are
// case-insensitive, like their files.
func account(profile string, kind Kind) string {
	return strings.ToLower(profile) + "/" + string(kind)
}

// Store remembers secret as p's secret of this kind. It refuses with
// ErrNotOptedIn unless p.RememberSecrets; an empty secret forgets the
// kind instead.
func (k *Keyring) Store(p store.Profile, kind Kind, secret string) error {
	if !p.RememberSecrets {
		return ErrNotOptedIn
	}
	if p.Name == "" {
		return errors.New("keyring: a profile needs a name before its secrets can be remembered")
	}
	if secret == "" {
		return k.forget(p.Name, kind)
	}
	if err := k.b.Set(Service, account(p.Name, kind), secret); err != nil {
		return &Error{Op: "store", Profile: p.Name, Kind: kind, Err: err}
	}
	return nil
}

// Load returns p's remembered secret of this kind. ok is false when p
// did not opt in (the keyring is then not touched) or nothing is stored.
// The caller shows that a stored secret is in use when ok is true.
func (k *Keyring) Load(p store.Profile, kind Kind) (secret string, ok bool, err error) {
	if !p.RememberSecrets || p.Name == "" {
		return "", false, nil
	}
	s, err := k.b.Get(Service, account(p.Name, kind))
	switch {
	case errors.Is(err, gokeyring.ErrNotFound):
		return "", false, nil
	case err != nil:
		return "", false, &Error{Op: "load", Profile: p.Name, Kind: kind, Err: err}
	}
	return s, s != "", nil
}

// Forget removes every secret remembered for the profile called name,
// whether or not it still opts in (use it when the box is unticked or the
// profile is deleted). Missing entries are not an error.
func (k *Keyring) Forget(name string) error {
	var errs []error
	for _, kind := range Kinds {
		errs = append(errs, k.forget(name, kind))
	}
	return errors.Join(errs...)
}

// forget removes one entry.
func (k *Keyring) forget(name string, kind Kind) error {
	err := k.b.Delete(Service, account(name, kind))
	if err == nil || errors.Is(err, gokeyring.ErrNotFound) {
		return nil
	}
	return &Error{Op: "forget", Profile: name, Kind: kind, Err: err}
}
