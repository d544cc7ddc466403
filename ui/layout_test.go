package ui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// TestMainWindowLayout is the layout golden of the main window after a
// failed run, maximised on a 1366×768 screen (wide: form and results side
// by side) and snapped to half of it (narrow: tabs). On a mismatch the
// fyne test package writes the new markup to testdata/failed/; review it
// and copy it over testdata/.
func TestMainWindowLayout(t *testing.T) {
	for _, tt := range []struct {
		golden string
		size   fyne.Size
	}{
		{"main_window_1366.xml", fyne.NewSize(1366, 740)},
		{"main_window_683.xml", fyne.NewSize(683, 700)},
	} {
		t.Run(tt.golden, func(t *testing.T) {
			h := newHarness(t, scripted(failingJob()))
			h.win.Resize(tt.size)
			h.fillIDs()
			test.Tap(h.u.runButton)
			h.wait(h.finished, "the run to finish")
			h.win.Content().Refresh() // the test canvas does not re-lay out by itself
			test.AssertRendersToMarkup(t, tt.golden, h.win.Canvas())
		})
	}
}
