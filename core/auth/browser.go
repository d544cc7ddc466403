package auth

import (
	"io"
	"sync"

	"github.com/pkg/browser"
)

var quietBrowser sync.Once

// openBrowser opens url in the system browser (xdg-open on Linux,
// ShellExecute on Windows, open on macOS). The package's chatter ("Opening
// in existing browser session.") is discarded: it would corrupt --json
// output.
func openBrowser(url string) error {
	quietBrowser.Do(func() { browser.Stdout, browser.Stderr = io.Discard, io.Discard })
	return browser.OpenURL(url)
}

// OpenBrowser is the default opener, for faces that wrap it.
func OpenBrowser(url string) error { return openBrowser(url) }
