//go:build !unix

package crashlog

// sigquit has no portable equivalent here; the "sigquit" child is run only
// by the Unix test.
func sigquit() {}
