package ui

import (
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"github.com/mailoauth/mailoauth-tester/core/profile"
)

// TestScreenshotShowsTheVerdict renders the window through the software
// painter, writes the PNG as Save screenshot does, and reads it back: it is
// not blank, it is the window's size, and the verdict banner's error
// colour is in it. SCREENSHOT_DIR keeps the PNGs for a look.
func TestScreenshotShowsTheVerdict(t *testing.T) {
	for _, size := range []fyne.Size{fyne.NewSize(1366, 740), fyne.NewSize(683, 700)} {
		h := newHarness(t, scripted(failingJob()))
		h.win.Resize(size)
		h.fillIDs()
		test.Tap(h.u.runButton)
		h.wait(h.finished, "the run to finish")

		path := filepath.Join(t.TempDir(), "shot.png")
		if dir := os.Getenv("SCREENSHOT_DIR"); dir != "" {
			path = filepath.Join(dir, "test-"+sizeName(size)+".png")
		}
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := writePNG(f, h.u.screenshot()); err != nil {
			t.Fatal(err)
		}
		f.Close()
		img := readPNG(t, path)
		content := h.win.Canvas().Content().Size()
		if b := img.Bounds(); b.Dx() != int(content.Width) || b.Dy() != int(content.Height) {
			t.Errorf("%s: screenshot is %v, want the content's %v", sizeName(size), b.Size(), content)
		}
		colours := map[color.NRGBA]int{}
		opaque := 0
		b := img.Bounds()
		for y := b.Min.Y; y < b.Max.Y; y += 2 {
			for x := b.Min.X; x < b.Max.X; x += 2 {
				c := color.NRGBAModel.Convert(img.At(x, y)).(color.NRGBA)
				colours[c]++
				if c.A == 0xff {
					opaque++
				}
			}
		}
		if len(colours) < 20 || opaque == 0 {
			t.Errorf("%s: screenshot has %d colours, %d opaque samples: blank", sizeName(size), len(colours), opaque)
		}
		edge := color.NRGBAModel.Convert(theme.Color(theme.ColorNameError)).(color.NRGBA)
		if colours[edge] < 50 {
			t.Errorf("%s: the verdict banner's colour %v shows in %d samples, want it plainly", sizeName(size), edge, colours[edge])
		}
		// The window keeps working after a capture.
		if h.win.Canvas().Content().Size() != content || !strings.Contains(h.win.Title(), "1 of 4 checks failed") {
			t.Errorf("%s: after the capture the content is %v, title %q", sizeName(size), h.win.Canvas().Content().Size(), h.win.Title())
		}
	}
}

func sizeName(s fyne.Size) string {
	return fmt.Sprintf("%.0fx%.0f", s.Width, s.Height)
}

func readPNG(t *testing.T, path string) image.Image {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("the saved screenshot is not a PNG: %v", err)
	}
	return img
}

// TestWindowNeverResizesItself runs a device-code sign-in: the prompt
// appears and goes without the window's size or the content's minimum
// changing, and the minimum allows half of a 1366 px screen.
func TestWindowNeverResizesItself(t *testing.T) {
	h := newHarness(t, scripted(deviceJob("F7KQ2MZXA", t0.Add(15*time.Minute))))
	h.win.Resize(fyne.NewSize(1366, 740))
	h.u.prompts.every = func(time.Duration, func()) func() { return func() {} }
	before, minBefore := h.win.Canvas().Size(), h.win.Content().MinSize()
	if minBefore.Width > 683 || minBefore.Height > 500 {
		t.Errorf("the window's minimum is %v: it cannot be snapped to half of a 1366×768 screen", minBefore)
	}
	h.fillIDs()
	h.u.form.in(profile.FieldFlow).sel.SetSelected(profile.DeviceCode.Title())
	test.Tap(h.u.runButton)
	pr := h.u.prompts
	h.waitUntil("the device code", func() bool { return pr.device.Visible() })
	h.onUI(func() {
		if got := h.win.Canvas().Size(); got != before {
			t.Errorf("with the device code shown the window is %v, was %v", got, before)
		}
		if got := h.win.Content().MinSize(); got != minBefore {
			t.Errorf("with the device code shown the content's minimum is %v, was %v", got, minBefore)
		}
		// The prompt is inside the window.
		d := fyne.CurrentApp().Driver()
		bottom := d.AbsolutePositionForObject(pr.device).Y + pr.device.Size().Height
		if bottom > before.Height {
			t.Errorf("the device-code panel ends at %v, below the window (%v)", bottom, before.Height)
		}
	})
	h.onUI(func() {
		h.win.Canvas().(interface{ OnTypedKey() func(*fyne.KeyEvent) }).OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape})
	})
	h.wait(h.finished, "the run to end after Esc")
	if got := h.win.Canvas().Size(); got != before {
		t.Errorf("after the run the window is %v, was %v", got, before)
	}
	if !h.u.result.Cancelled {
		t.Errorf("Esc ended the run with %q, want it cancelled", h.u.result.Verdict)
	}
}
