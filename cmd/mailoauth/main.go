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
	"strings"
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
	// readSecret prompts on the terminal without echo; nil when stdin is
	// not a terminal.
	readSecret func(prompt string) (string, error)
	// openURL opens sign-in pages; nil means the system browser.
	openURL func(url string) error
}

func systemStreams() *streams {
	s := &streams{in: os.Stdin, out: os.Stdout, err: os.Stderr, getenv: os.Getenv}
	if term.IsTerminal(int(os.Stdin.Fd())) {
		s.readSecret = func(prompt string) (string, error) {
			fmt.Fprint(os.Stderr, prompt)
			b, err := term.ReadPassword(int(os.Stdin.Fd()))
			fmt.Fprintln(os.Stderr)
			return string(b), err
		}
	}
	return s
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
	fmt.Fprintf(st.err, "mailoauth: unknown command %q\n\n%s", args[0], usage)
	return exitUsage
}

// readLine reads one line from r (for --secret-stdin), without the line end.
func readLine(r io.Reader) (string, error) {
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil && (err != io.EOF || line == "") {
		return "", err
	}
	return strings.TrimRight(line, "\r\n"), nil
}
