//go:build windows

package main

import (
	"os"

	"golang.org/x/sys/windows"
)

// echoOff turns the console's echo off (line input and Ctrl+C stay on) and
// returns the function that puts it back.
func echoOff(fd int) (restore func(), err error) {
	h := windows.Handle(fd)
	var old uint32
	if err := windows.GetConsoleMode(h, &old); err != nil {
		return nil, err
	}
	mode := old&^windows.ENABLE_ECHO_INPUT | windows.ENABLE_LINE_INPUT | windows.ENABLE_PROCESSED_INPUT
	if err := windows.SetConsoleMode(h, mode); err != nil {
		return nil, err
	}
	return func() { windows.SetConsoleMode(h, old) }, nil
}

// enableColour turns on virtual-terminal processing for the console f,
// so that colour sequences are drawn rather than shown; false when the
// console refuses (before Windows 10) or f is not a console.
func enableColour(f *os.File) bool {
	h := windows.Handle(f.Fd())
	var mode uint32
	if err := windows.GetConsoleMode(h, &mode); err != nil {
		return false
	}
	if mode&windows.ENABLE_VIRTUAL_TERMINAL_PROCESSING != 0 {
		return true
	}
	return windows.SetConsoleMode(h, mode|windows.ENABLE_VIRTUAL_TERMINAL_PROCESSING) == nil
}

// cpUTF8 is the UTF-8 code page.
const cpUTF8 = 65001

// consoleUTF8 says whether the console's output code page is UTF-8 (chcp
// 65001, or Windows Terminal's default); a console on an OEM code page
// such as 437 or 850 gets ASCII.
func consoleUTF8() func() bool {
	return func() bool {
		cp, err := windows.GetConsoleOutputCP()
		return err == nil && cp == cpUTF8
	}
}
