package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/mailoauth/mailoauth-tester/core/engine"
	"github.com/mailoauth/mailoauth-tester/core/report"
)

// outputFormat is the format --output (or --json) asks for.
func outputFormat(f *checkFlags) (string, error) {
	out := strings.ToLower(strings.TrimSpace(f.output))
	if out == "md" {
		out = outMarkdown
	}
	switch out {
	case outText, outJSON, outNagios, outMarkdown, outHTML:
	default:
		return "", fmt.Errorf("unknown format %s — use text, json, nagios, markdown or html", showArg(f.output))
	}
	if f.jsonOut {
		if out != outText && out != outJSON {
			return "", fmt.Errorf("--json and --output %s ask for two formats — give one", out)
		}
		out = outJSON
	}
	return out, nil
}

// reportRenderer picks the rendering of --report FILE by its extension.
func reportRenderer(path string) (func(*engine.Result, report.Options) string, error) {
	if path == "" {
		return nil, nil
	}
	switch strings.ToLower(filepath.Ext(path)) {
	case ".html", ".htm":
		return report.HTML, nil
	case ".md", ".markdown":
		return report.Markdown, nil
	case ".txt":
		return report.Text, nil
	case ".json":
		return func(res *engine.Result, o report.Options) string {
			b, err := report.JSON(res, o)
			if err != nil {
				return "" // the model is plain data: cannot fail
			}
			return string(b) + "\n"
		}, nil
	}
	return nil, fmt.Errorf("%s: the name must end in .html, .md, .json or .txt (that says the format)", showArg(path))
}

// createReport creates (or empties) the report file before the run, so
// that a path that cannot be written is bad input, found before anything
// is sent.
func createReport(path string) (*os.File, error) {
	if fi, err := os.Stat(path); err == nil && !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", showArg(path))
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, fmt.Errorf("cannot create %s: %v — check that the folder exists and can be written", showArg(path), err)
	}
	return f, nil
}

// writeOutput writes the end-of-run document of the format on w.
func writeOutput(w io.Writer, format string, res *engine.Result, o report.Options) int {
	switch format {
	case outJSON:
		b, err := report.JSON(res, o)
		if err != nil {
			fmt.Fprintf(w, "mailoauth: %v\n", err)
			return exitFailed
		}
		fmt.Fprintln(w, string(b))
	case outNagios:
		fmt.Fprint(w, report.Nagios(res, o))
	case outMarkdown:
		fmt.Fprint(w, report.Markdown(res, o))
	case outHTML:
		fmt.Fprint(w, report.HTML(res, o))
	}
	return exitOK
}

// exitCode is the run's exit code (--output nagios maps the result
// itself: see app.check).
func exitCode(res *engine.Result, strict bool) int {
	switch {
	case res.Cancelled:
		return exitCancelled
	case !res.OK:
		return exitFailed
	case strict && warned(res):
		return exitFailed
	}
	return exitOK
}

// warned reports whether a step of res ended with a warning.
func warned(res *engine.Result) bool {
	for _, s := range res.Steps {
		if s.Status == engine.Warn {
			return true
		}
	}
	return false
}

// nagiosText makes one line safe for plugin output: no line breaks, and
// no "|" (which starts the performance data).
func nagiosText(s string) string {
	return strings.NewReplacer("|", "/", "\r", " ", "\n", " ").Replace(s)
}

// lastLine passes writes on and keeps the last complete line, so that a
// bad-input message on stderr can be repeated in the plugin's status line.
type lastLine struct {
	mu   sync.Mutex
	w    io.Writer
	buf  bytes.Buffer
	last string
}

func (l *lastLine) Write(p []byte) (int, error) {
	l.mu.Lock()
	l.buf.Write(p)
	for {
		line, err := l.buf.ReadString('\n')
		if err != nil {
			l.buf.Reset()
			l.buf.WriteString(line)
			break
		}
		if t := strings.TrimSpace(line); t != "" {
			l.last = t
		}
	}
	l.mu.Unlock()
	return l.w.Write(p)
}

// line is the last complete line written.
func (l *lastLine) line() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.last
}
