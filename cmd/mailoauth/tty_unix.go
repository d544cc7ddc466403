//go:build aix || darwin || dragonfly || freebsd || linux || netbsd || openbsd || solaris || zos

package main

import (
	"os"

	"golang.org/x/sys/unix"
)

// echoOff turns the terminal's echo off (line editing and Ctrl+C stay on)
// and returns the function that puts it back.
func echoOff(fd int) (restore func(), err error) {
	old, err := unix.IoctlGetTermios(fd, ioctlGetTermios)
	if err != nil {
		return nil, err
	}
	t := *old
	t.Lflag &^= unix.ECHO
	t.Lflag |= unix.ICANON | unix.ISIG
	t.Iflag |= unix.ICRNL
	if err := unix.IoctlSetTermios(fd, ioctlSetTermios, &t); err != nil {
		return nil, err
	}
	return func() { unix.IoctlSetTermios(fd, ioctlSetTermios, old) }, nil
}

// enableColour reports whether f takes colour sequences (any Unix
// terminal does).
func enableColour(*os.File) bool { return true }

// consoleUTF8 is nil on Unix: the locale says whether the terminal shows
// UTF-8.
func consoleUTF8() func() bool { return nil }
