//go:build !windows

package netenv

// systemProxy is empty outside Windows: other systems publish their proxy
// in the environment variables, which Func already reads.
func systemProxy() Proxy { return Proxy{} }
