// Command mailoauth tests whether a Microsoft 365 mailbox works with an
// Entra ID app registration over IMAP, POP3 and SMTP, and explains every
// failure. It is the terminal face of the same engine the window uses.
//
//	mailoauth check --tenant T --client-id C --mailbox M --secret-env VAR
//	mailoauth explain [--json] [TEXT]
//	mailoauth simulate [--scenario NAME]
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
	exitFailed    = 1   // a check failed
	exitUsage     = 2   // bad input; nothing was sent over the network
	exitCancelled = 130 // interrupted
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

	inLines *bufio.Reader // the one buffered reader of in (see lines)
}

func systemStreams() *streams {
	s := &streams{in: os.Stdin, out: os.Stdout, err: os.Stderr, getenv: os.Getenv}
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

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], systemStreams()))
}

const usage = `mailoauth tests a Microsoft 365 mailbox with an Entra ID app registration.

Usage:
  mailoauth check [flags]        sign in and log in over IMAP, POP3 and SMTP; with no
                                 credentials, check this computer's environment
  mailoauth explain [TEXT]       explain an error message (reads standard input without TEXT)
  mailoauth simulate [flags]     run a simulated tenant to try the tool offline
  mailoauth version

Run "mailoauth <command> -h" for a command's flags.
`

// version is set by the build (-ldflags "-X main.version=…").
var version = "dev"

func run(ctx context.Context, args []string, st *streams) int {
	if len(args) == 0 {
		fmt.Fprint(st.err, usage)
		return exitUsage
	}
	switch args[0] {
	case "check":
		return runCheck(ctx, args[1:], st)
	case "simulate":
		return runSimulate(ctx, args[1:], st)
	case "explain":
		return runExplain(ctx, args[1:], st)
	case "version", "--version":
		fmt.Fprintln(st.out, "mailoauth", version)
		return exitOK
	case "help", "-h", "--help":
		fmt.Fprint(st.out, usage)
		return exitOK
	}
	fmt.Fprintf(st.err, "mailoauth: unknown command %s\n\n%s", showArg(args[0]), usage)
	return exitUsage
}
