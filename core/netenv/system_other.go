//go:build !windows

package netenv

// osSystem is empty outside Windows: there the environment variables are
// the proxy settings this tool reads. (Desktop settings such as GNOME's
// or macOS's have no well-kept pure-Go reader; users of those set
// HTTPS_PROXY or --proxy.)
func osSystem() System { return noSystem{} }
