// Command mailoauth tests whether a Microsoft 365 mailbox works with an
// Entra ID app registration over IMAP, POP3, SMTP and Graph, and explains
// every failure. It is the terminal face of the same engine the window
// uses.
//
//	mailoauth check --tenant T --client-id C --mailbox M --secret-env VAR
//	mailoauth explain [--json] [TEXT]
//	mailoauth simulate [--scenario NAME]
//	mailoauth completion bash|zsh|fish|powershell
//	mailoauth version
package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"golang.org/x/term"
)

// Exit codes. Scripts rely on them.
const (
	exitOK        = 0   // every check passed
	exitFailed    = 1   // a check failed (with --strict: or warned)
	exitUsage     = 2   // bad input; nothing was sent over the network
	exitCancelled = 130 // interrupted
)

// Exit codes of --output nagios: the monitoring plugin convention.
const (
	nagiosOK       = 0
	nagiosWarning  = 1
	nagiosCritical = 2
	nagiosUnknown  = 3 // bad input, interrupted: the check says nothing about the service
)

// streams are the command's I/O, replaceable in tests.
type streams struct {
	in     io.Reader
	out    io.Writer
	err    io.Writer
	getenv func(string) string
	// readSecret prompts on the terminal without echo and returns when
	// ctx ends, with the terminal restored; nil when stdin is not a
	// terminal.
	readSecret func(ctx context.Context, prompt string) (string, error)
	// openURL opens sign-in pages; nil means the system browser.
	openURL func(url string) error
	// outTTY and errTTY say that stdout and stderr are terminals (or
	// consoles); colourTTY that stdout shows colours (on Windows: the
	// console accepted virtual-terminal sequences).
	outTTY, errTTY, colourTTY bool
	// consoleUTF8, when set, says whether the console shows UTF-8 (the
	// Windows console's output code page); else the Unix locale decides.
	consoleUTF8 func() bool

	inLines *bufio.Reader // the one buffered reader of in (see lines)
}

func systemStreams() *streams {
	s := &streams{in: os.Stdin, out: os.Stdout, err: os.Stderr, getenv: os.Getenv,
		outTTY: term.IsTerminal(int(os.Stdout.Fd())), errTTY: term.IsTerminal(int(os.Stderr.Fd()))}
	s.colourTTY = s.outTTY && enableColour(os.Stdout)
	s.consoleUTF8 = consoleUTF8()
	if fd := int(os.Stdin.Fd()); term.IsTerminal(fd) {
		s.readSecret = func(ctx context.Context, prompt string) (string, error) {
			return readHidden(ctx, fd, prompt)
		}
	}
	return s
}

// readHidden reads a line from the terminal fd without echo. The echo is
// turned off before the prompt shows and put back before it returns, also
// when Ctrl+C (ctx) ends the wait: the reading goroutine then stays
// blocked, but the program exits right after.
func readHidden(ctx context.Context, fd int, prompt string) (string, error) {
	restore, err := echoOff(fd)
	if err != nil {
		return "", err
	}
	defer restore()
	fmt.Fprint(os.Stderr, prompt)
	defer fmt.Fprintln(os.Stderr)
	type result struct {
		line string
		err  error
	}
	done := make(chan result, 1)
	go func() {
		line, err := readTTYLine(os.Stdin)
		done <- result{line, err}
	}()
	select {
	case res := <-done:
		return res.line, res.err
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// readTTYLine reads up to a line feed, a byte at a time (nothing after the
// line is taken from the terminal), without the line end.
func readTTYLine(r io.Reader) (string, error) {
	var line []byte
	var b [1]byte
	for {
		n, err := r.Read(b[:])
		if n > 0 {
			if b[0] == '\n' {
				return trimNewline(string(line) + "\n"), nil
			}
			line = append(line, b[0])
		}
		if err != nil {
			if err == io.EOF && len(line) > 0 {
				return string(line), nil
			}
			return "", err
		}
	}
}

// unicodeOK reports whether a stream shows UTF-8: anything not a
// terminal takes it (files, pipes, CI logs); a terminal when its locale
// or console code page says so.
func (st *streams) unicodeOK(tty bool) bool {
	switch {
	case !tty:
		return true
	case st.consoleUTF8 != nil:
		return st.consoleUTF8()
	}
	return utf8Locale(st.getenv)
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], systemStreams()))
}
