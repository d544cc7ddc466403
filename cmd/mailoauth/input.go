package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// stdinHint is how long a read from standard input waits before it says
// what it waits for: long enough for a pipe from a password manager, short
// enough that a forgotten pipe does not look like a hang.
const stdinHint = 700 * time.Millisecond

// lines returns the one buffered reader of standard input, so that a line
// read for the secret does not swallow the next one (a pasted address).
func (st *streams) lines() *bufio.Reader {
	if st.inLines == nil {
		st.inLines = bufio.NewReader(st.in)
	}
	return st.inLines
}

// readLine reads one line of standard input without its line end (one
// "\n" or "\r\n": a lone "\r" left over is the caller's to refuse). It
// returns when ctx ends, whatever the input does; after stdinHint it says
// on stderr what it waits for (what, e.g. "the client secret").
func readLine(ctx context.Context, st *streams, what string) (string, error) {
	type result struct {
		line string
		err  error
	}
	done := make(chan result, 1)
	r := st.lines()
	go func() {
		line, err := r.ReadString('\n')
		if err == io.EOF && line != "" {
			err = nil
		}
		done <- result{trimNewline(line), err}
	}()
	hint := time.NewTimer(stdinHint)
	defer hint.Stop()
	for {
		select {
		case res := <-done:
			return res.line, res.err
		case <-hint.C:
			if what != "" {
				fmt.Fprintf(st.err, "mailoauth: waiting for %s on standard input (press Ctrl+C to stop)\n", what)
			}
		case <-ctx.Done():
			return "", ctx.Err()
		}
	}
}

// readAll reads standard input up to limit bytes, or until ctx ends; after
// stdinHint it says on stderr what it waits for.
func readAll(ctx context.Context, st *streams, limit int64, what string) ([]byte, error) {
	type result struct {
		b   []byte
		err error
	}
	done := make(chan result, 1)
	go func() {
		b, err := io.ReadAll(io.LimitReader(st.lines(), limit))
		done <- result{b, err}
	}()
	hint := time.NewTimer(stdinHint)
	defer hint.Stop()
	for {
		select {
		case res := <-done:
			return res.b, res.err
		case <-hint.C:
			fmt.Fprintf(st.err, "mailoauth: waiting for %s on standard input (end it with Ctrl+D, or press Ctrl+C to stop)\n", what)
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// trimNewline removes one line end: "\n" or "\r\n".
func trimNewline(s string) string {
	if strings.HasSuffix(s, "\n") {
		s = strings.TrimSuffix(strings.TrimSuffix(s, "\n"), "\r")
	}
	return s
}

var (
	envNameRE          = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	conventionalNameRE = regexp.MustCompile(`^[A-Z_][A-Z0-9_]{0,63}$`)
)

// envNameError checks the value of a --*-env flag. A value that is not a
// variable name is a secret pasted where its name belongs: it is never
// printed (in a CI log that would publish it).
func envNameError(flagName, value string) string {
	if value == "" || envNameRE.MatchString(value) {
		return ""
	}
	return fmt.Sprintf("--%s takes the NAME of an environment variable, such as MAILOAUTH_SECRET; what you passed looks like a secret value — it was not printed. "+
		"Put the value in a variable (export MAILOAUTH_SECRET=…) and pass its name. A value typed on a command line stays in the shell history: consider replacing the secret", flagName)
}

// envName is how a message names the variable: by name when it looks like
// one (upper case, digits, underscores), else without it — a lower-case
// "name" may be a password that happens to be made of letters.
func envName(flagName, name string) string {
	if conventionalNameRE.MatchString(name) {
		return "environment variable " + name
	}
	return "the environment variable named by --" + flagName + " (name not printed in case it is a secret)"
}

// looksSecret reports whether a stray argument may be a secret, so that it
// is not echoed: long, or with characters other than those of words,
// addresses and host names, or letters and digits mixed.
func looksSecret(s string) bool {
	if len(s) >= 20 {
		return true
	}
	var letter, digit bool
	for _, r := range s {
		switch {
		case unicode.IsLetter(r):
			letter = true
		case unicode.IsDigit(r):
			digit = true
		case strings.ContainsRune(".-_@:,", r):
		default:
			return true
		}
	}
	return letter && digit && len(s) >= 6
}

// showArg quotes a stray argument, or describes it when it may be a secret.
func showArg(s string) string {
	if looksSecret(s) {
		return fmt.Sprintf("of %d characters (not printed: it looks like a secret value)", len([]rune(s)))
	}
	return strconv.Quote(s)
}

// quotedRE matches a Go-quoted string in a flag package error.
var quotedRE = regexp.MustCompile(`"(?:[^"\\]|\\.)*"`)

// flagErrorLine rewrites the flag package's error so that no value that may
// be a secret is repeated: quoted values and undefined flag names.
func flagErrorLine(line string) string {
	line = quotedRE.ReplaceAllStringFunc(line, func(q string) string {
		if v, err := strconv.Unquote(q); err == nil && looksSecret(v) {
			return "(value not printed)"
		}
		return q
	})
	for _, prefix := range []string{"flag provided but not defined: -", "bad flag syntax: ", "flag needs an argument: -"} {
		if rest, ok := strings.CutPrefix(line, prefix); ok && looksSecret(rest) {
			return prefix + "(not printed: it looks like a secret value)"
		}
	}
	return line
}
