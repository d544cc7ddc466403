package ui

import (
	"bytes"
	"fmt"
	"html"
	"image"
	"image/png"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/software"
	"fyne.io/fyne/v2/storage"

	"github.com/mailoauth/mailoauth-tester/core/report"
)

// onCopyReport puts the Markdown report on the clipboard.
func (u *UI) onCopyReport() {
	if u.result == nil || u.running {
		return
	}
	u.app.Clipboard().SetContent(u.markdown())
	u.setStatus("Report copied as Markdown — paste it into the ticket", "")
}

// onSaveReport asks for a file and writes the HTML report, or JSON when
// the name ends in .json.
func (u *UI) onSaveReport() {
	if u.result == nil || u.running {
		return
	}
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		defer w.Close()
		if err := u.writeReport(w, w.URI().Name()); err != nil {
			dialog.ShowError(err, u.win)
			return
		}
		u.setStatus("Report saved: "+w.URI().Path(), w.URI().Path())
	}, u.win)
	d.SetFileName("mailoauth-report-" + u.result.Started.Format("20060102-150405") + ".html")
	d.SetFilter(storage.NewExtensionFileFilter([]string{".html", ".json"}))
	d.Show()
}

// writeReport writes the report as HTML, or JSON for a .json name. A demo
// run's report says prominently that it was simulated.
func (u *UI) writeReport(w io.Writer, name string) error {
	if strings.EqualFold(filepath.Ext(name), ".json") {
		b, err := report.JSON(u.result, u.reportOptions())
		if err != nil {
			return fmt.Errorf("report: %w", err)
		}
		_, err = w.Write(append(b, '\n'))
		return err
	}
	doc := report.HTML(u.result, u.reportOptions())
	if note := u.endpointsNote(); note != "" {
		doc = withNote(doc, note, false)
	}
	if u.runDemo {
		doc = withNote(doc, demoNote, true)
	}
	_, err := io.WriteString(w, doc)
	return err
}

// withNote puts a note first in an HTML report's body; loud makes it a
// large alert (the demo's).
func withNote(doc, text string, loud bool) string {
	style := "border:2px solid #8a4400;background:#fff3e0;color:#3d1f00;padding:8px 12px;margin:0 0 12px"
	if loud {
		style = "border:3px solid #8a4400;background:#fff3e0;color:#3d1f00;padding:12px 16px;margin:0 0 16px;font-size:1.2em;font-weight:bold"
	}
	note := `<div role="alert" style="` + style + `">` + html.EscapeString(text) + `</div>`
	if i := strings.Index(doc, "<body"); i >= 0 {
		if j := strings.Index(doc[i:], ">"); j >= 0 {
			at := i + j + 1
			return doc[:at] + note + doc[at:]
		}
	}
	return note + doc
}

// onOpenFolder opens the folder of the file just saved.
func (u *UI) onOpenFolder() {
	if u.statusPath == "" {
		return
	}
	dir := filepath.Dir(u.statusPath)
	if err := u.opts.OpenURL(&url.URL{Scheme: "file", Path: filepath.ToSlash(dir)}); err != nil {
		u.setStatus("Cannot open "+dir+": "+err.Error(), u.statusPath)
	}
}

// screenshot renders the window's content with Fyne's software painter,
// at the window's scale. It never reads back the GPU's framebuffer (which
// comes back blank under some drivers). With Hide IDs on, the focus is
// taken away first so that no entry shows its real text.
func (u *UI) screenshot() image.Image {
	c := u.win.Canvas()
	if u.hideIDs.Checked {
		c.Unfocus()
	}
	content := c.Content()
	u.layout.relayout() // the panes' heights as they are now
	pos, size := content.Position(), content.Size()
	sc := software.NewCanvas()
	sc.SetPadded(false)
	sc.SetScale(c.Scale())
	sc.Resize(size)
	sc.SetContent(content)
	img := sc.Capture()
	// The software canvas moved the content to its origin: put it back
	// where the window draws it, and let the window redraw.
	sc.SetContent(nil)
	content.Move(pos)
	content.Resize(size)
	c.Refresh(content)
	return img
}

// onSaveScreenshot captures the window before the file dialog covers it,
// then asks where to save the PNG.
func (u *UI) onSaveScreenshot() {
	img := u.screenshot()
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		defer w.Close()
		if err := writePNG(w, img); err != nil {
			dialog.ShowError(err, u.win)
			return
		}
		u.setStatus("Screenshot saved: "+w.URI().Path(), w.URI().Path())
	}, u.win)
	d.SetFileName("mailoauth-" + time.Now().Format("20060102-150405") + ".png")
	d.SetFilter(storage.NewExtensionFileFilter([]string{".png"}))
	d.Show()
}

// onCopyScreenshot puts the screenshot on the clipboard as an image, to
// paste into a ticket.
func (u *UI) onCopyScreenshot() {
	img := u.screenshot()
	var b bytes.Buffer
	if err := writePNG(&b, img); err != nil {
		dialog.ShowError(err, u.win)
		return
	}
	if err := copyImage(img, b.Bytes()); err != nil {
		u.setStatus("Cannot copy the screenshot ("+err.Error()+") — use Screenshot… to save it", "")
		return
	}
	u.setStatus("Screenshot copied — paste it into the ticket", "")
}

// WriteScreenshot saves the window as Save screenshot does, to path.
func (u *UI) WriteScreenshot(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("screenshot: %w", err)
	}
	if err := writePNG(f, u.screenshot()); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func writePNG(w io.Writer, img image.Image) error {
	if err := png.Encode(w, img); err != nil {
		return fmt.Errorf("screenshot: %w", err)
	}
	return nil
}
