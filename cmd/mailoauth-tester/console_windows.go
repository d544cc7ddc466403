//go:build windows

package main

import (
	"os"

	"golang.org/x/sys/windows"
)

// attachParentConsole makes --help, --version and --list-scenarios print
// in the console they were typed in. The window is a GUI-subsystem
// program, so Windows gives it no console of its own; when it was started
// from cmd.exe or PowerShell, it attaches to that console and writes to it.
// Started from Explorer there is no parent console and nothing changes.
// It reports whether os.Stdout and os.Stderr now write to that console.
func attachParentConsole() bool {
	const attachParentProcess = ^uint32(0) // ATTACH_PARENT_PROCESS ((DWORD)-1)
	proc := windows.NewLazySystemDLL("kernel32.dll").NewProc("AttachConsole")
	if ok, _, _ := proc.Call(uintptr(attachParentProcess)); ok == 0 {
		return false // no parent console (started from Explorer) or already attached
	}
	f, err := os.OpenFile("CONOUT$", os.O_WRONLY, 0)
	if err != nil {
		return false
	}
	os.Stdout, os.Stderr = f, f
	return true
}
