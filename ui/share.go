package ui

import (
	"fmt"
	"image"
	"image/png"
	"io"
	"path/filepath"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"

	"github.com/mailoauth/mailoauth-tester/core/report"
)

// onCopyReport puts the Markdown report on the clipboard.
func (u *UI) onCopyReport() {
	if u.result == nil {
		return
	}
	u.app.Clipboard().SetContent(u.markdown())
	u.status.SetText("Report copied as Markdown — paste it into the ticket")
}

// onSaveReport asks for a file and writes the HTML report, or JSON when
// the name ends in .json.
func (u *UI) onSaveReport() {
	if u.result == nil {
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
		u.status.SetText("Report saved to " + w.URI().Path())
	}, u.win)
	d.SetFileName("mailoauth-report-" + u.result.Started.Format("20060102-150405") + ".html")
	d.SetFilter(storage.NewExtensionFileFilter([]string{".html", ".json"}))
	d.Show()
}

// writeReport writes the report as HTML, or JSON for a .json name.
func (u *UI) writeReport(w io.Writer, name string) error {
	if strings.EqualFold(filepath.Ext(name), ".json") {
		b, err := report.JSON(u.result, u.reportOptions())
		if err != nil {
			return fmt.Errorf("report: %w", err)
		}
		_, err = w.Write(append(b, '\n'))
		return err
	}
	_, err := io.WriteString(w, report.HTML(u.result, u.reportOptions()))
	return err
}

// onSaveScreenshot captures the window before the file dialog covers it,
// then asks where to save the PNG.
func (u *UI) onSaveScreenshot() {
	img := u.win.Canvas().Capture()
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		defer w.Close()
		if err := writePNG(w, img); err != nil {
			dialog.ShowError(err, u.win)
			return
		}
		u.status.SetText("Screenshot saved to " + w.URI().Path())
	}, u.win)
	d.SetFileName("mailoauth-" + time.Now().Format("20060102-150405") + ".png")
	d.SetFilter(storage.NewExtensionFileFilter([]string{".png"}))
	d.Show()
}

func writePNG(w io.Writer, img image.Image) error {
	if err := png.Encode(w, img); err != nil {
		return fmt.Errorf("screenshot: %w", err)
	}
	return nil
}
