//go:build !windows

package main

// attachParentConsole does nothing outside Windows: the program already
// writes to the terminal it was started from.
func attachParentConsole() bool { return false }
