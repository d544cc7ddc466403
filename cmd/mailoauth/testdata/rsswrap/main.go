//go:build linux

// Command rsswrap runs a command and writes its peak resident memory in
// bytes to file descriptor 3, then exits with the command's exit code.
// The tests measure the CLI through it: Linux counts, in a child's
// ru_maxrss, the memory of the process it was forked from, so a small
// wrapper between the (large, -race) test process and the CLI keeps the
// figure the CLI's own.
package main

import (
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"syscall"
)

func main() {
	signal.Ignore(syscall.SIGINT, syscall.SIGTERM) // the test signals the command's group, not us alone
	cmd := exec.Command(os.Args[1], os.Args[2:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	err := cmd.Run()
	if cmd.ProcessState == nil {
		fmt.Fprintln(os.Stderr, "rsswrap:", err)
		os.Exit(125)
	}
	out := os.NewFile(3, "rss")
	fmt.Fprintf(out, "%d\n", cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss<<10)
	out.Close()
	os.Exit(cmd.ProcessState.ExitCode())
}
