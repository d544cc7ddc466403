package auth

import (
	"context"
	"encoding/json"
	"sync"

	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/cache"
)

// memCache is MSAL's token cache kept in memory only (tokens never touch
// the disk). It can hide the access tokens from MSAL for one lookup, which
// makes a silent acquisition redeem the refresh token: MSAL Go has no
// force-refresh option.
type memCache struct {
	mu     sync.Mutex
	data   []byte
	dropAT bool
}

var _ cache.ExportReplace = (*memCache)(nil)

// Replace loads the cache into MSAL, without access tokens when asked.
func (c *memCache) Replace(_ context.Context, u cache.Unmarshaler, _ cache.ReplaceHints) error {
	c.mu.Lock()
	data, drop := c.data, c.dropAT
	c.mu.Unlock()
	if len(data) == 0 {
		return nil
	}
	if drop {
		data = withoutSection(data, "AccessToken")
	}
	return u.Unmarshal(data)
}

// Export stores MSAL's cache.
func (c *memCache) Export(_ context.Context, m cache.Marshaler, _ cache.ExportHints) error {
	b, err := m.Marshal()
	if err != nil {
		return err
	}
	c.mu.Lock()
	c.data = b
	c.mu.Unlock()
	return nil
}

// hasRefreshToken reports whether MSAL holds a refresh token.
func (c *memCache) hasRefreshToken() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	var m map[string]json.RawMessage
	if json.Unmarshal(c.data, &m) != nil {
		return false
	}
	var rts map[string]json.RawMessage
	return json.Unmarshal(m["RefreshToken"], &rts) == nil && len(rts) > 0
}

func (c *memCache) setDropAT(v bool) {
	c.mu.Lock()
	c.dropAT = v
	c.mu.Unlock()
}

// withoutSection removes one top-level section of MSAL's cache JSON.
func withoutSection(data []byte, section string) []byte {
	var m map[string]json.RawMessage
	if json.Unmarshal(data, &m) != nil {
		return data
	}
	delete(m, section)
	b, err := json.Marshal(m)
	if err != nil {
		return data
	}
	return b
}
