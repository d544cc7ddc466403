//go:build !(aix || darwin || dragonfly || freebsd || linux || netbsd || openbsd || solaris || zos || windows)

package main

import (
	"errors"
	"os"
)

// echoOff is not available here: the hidden prompt is not offered.
func echoOff(int) (func(), error) {
	return nil, errors.New("hidden input is not supported on this system")
}

// enableColour: colours are not offered here.
func enableColour(*os.File) bool { return false }

// consoleUTF8 is nil: the locale decides.
func consoleUTF8() func() bool { return nil }
