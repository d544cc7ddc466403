//go:build !unix && !windows

package crashlog

// processAlive cannot tell on this system, so it says yes: an empty crash
// log of an ended run then stays until a later cleanup, which is harmless.
func processAlive(pid int) bool { return true }
