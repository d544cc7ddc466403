package ui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// TestMainWindowLayout is the layout golden of the main window after a
// failed run at the smallest supported size (900×650). On a mismatch the
// fyne test package writes the new markup to testdata/failed/; review it
// and copy it over testdata/main_window.xml.
func TestMainWindowLayout(t *testing.T) {
	h := newHarness(t, scripted(failingJob()))
	h.fillIDs()
	test.Tap(h.u.runButton)
	h.wait(h.finished, "the run to finish")
	h.win.Resize(fyne.NewSize(900, 650))
	test.AssertRendersToMarkup(t, "main_window.xml", h.win.Canvas())
}
