//go:build !windows

package certstore

// List returns ErrWindowsOnly: only Windows has a certificate store this
// tool reads.
func List() ([]Cert, error) { return nil, ErrWindowsOnly }

// Open checks the thumbprint and returns ErrWindowsOnly.
func Open(thumbprint string, allowPrompt bool) (*Key, error) {
	if _, err := NormalizeThumbprint(thumbprint); err != nil {
		return nil, err
	}
	return nil, ErrWindowsOnly
}
