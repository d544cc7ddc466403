package ui

import (
	"fmt"
	"net/url"
	"time"

	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
)

// CrashLog is a crash log of an earlier start that the user has not been
// shown yet (cmd/mailoauth-tester finds them with core/crashlog).
type CrashLog struct {
	Path    string
	Started time.Time // when the program that crashed started
	Summary string    // first line of the runtime's output, e.g. "panic: …"
}

// offerCrashLog asks once whether to open the newest crash log of an
// earlier start; either answer marks every pending log as seen, so the
// question is not asked again.
func (u *UI) offerCrashLog() {
	logs := u.opts.CrashLogs
	if len(logs) == 0 {
		return
	}
	newest := logs[len(logs)-1]
	for _, l := range logs {
		if l.Started.After(newest.Started) {
			newest = l
		}
	}
	msg := fmt.Sprintf("%s stopped unexpectedly when it last ran (started %s):\n%s\n\nOpen the crash log? It holds no secret; you can attach it to a support ticket.",
		AppTitle, newest.Started.Local().Format("2006-01-02 15:04"), newest.Summary)
	dialog.ShowConfirm("The last run crashed", msg, func(open bool) {
		if open {
			target, err := url.Parse(storage.NewFileURI(newest.Path).String())
			if err == nil {
				err = u.opts.OpenURL(target)
			}
			if err != nil {
				u.setStatus("Cannot open the crash log: "+err.Error(), newest.Path)
			}
		}
		if u.opts.CrashLogsSeen != nil {
			u.opts.CrashLogsSeen()
		}
	}, u.win)
}
