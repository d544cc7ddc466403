//go:build !(aix || darwin || dragonfly || freebsd || linux || netbsd || openbsd || solaris || zos || windows)

package main

import "errors"

// echoOff is not available here: the hidden prompt is not offered.
func echoOff(int) (func(), error) {
	return nil, errors.New("hidden input is not supported on this system")
}
