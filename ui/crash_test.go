package ui

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

func TestCrashLogOfferedOnceAndMarkedSeen(t *testing.T) {
	for _, answer := range []string{"Yes", "No"} {
		t.Run(answer, func(t *testing.T) {
			a := test.NewTempApp(t)
			w := test.NewTempWindow(t, widget.NewLabel(""))
			var opened []string
			seen := 0
			logs := []CrashLog{
				{Path: "/tmp/crash-old.log", Started: time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC), Summary: "panic: old"},
				{Path: "/tmp/crash-new.log", Started: time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC), Summary: "panic: runtime error: index out of range"},
			}
			New(a, w, Options{CrashLogs: logs, CrashLogsSeen: func() { seen++ },
				OpenURL: func(u *url.URL) error { opened = append(opened, u.String()); return nil }})
			top := w.Canvas().Overlays().Top()
			if top == nil {
				t.Fatal("no dialog offers the crash log")
			}
			test.Tap(findButton(t, top, answer))
			if seen != 1 {
				t.Errorf("CrashLogsSeen called %d times, want 1", seen)
			}
			switch {
			case answer == "Yes" && (len(opened) != 1 || !strings.HasSuffix(opened[0], "/tmp/crash-new.log")):
				t.Errorf("opened %v, want the newest crash log", opened)
			case answer == "No" && len(opened) != 0:
				t.Errorf("opened %v after No", opened)
			}
		})
	}
}

func TestNoCrashLogNoDialog(t *testing.T) {
	a := test.NewTempApp(t)
	w := test.NewTempWindow(t, widget.NewLabel(""))
	New(a, w, Options{})
	if top := w.Canvas().Overlays().Top(); top != nil {
		t.Errorf("a dialog shows without a crash log: %T", top)
	}
}
