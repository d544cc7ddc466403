package ui

import (
	"bufio"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
)

// BenchmarkDemoRunMemory runs the demo ("ok", every protocol, through the
// real engine and the window) 100 times and reports the process's resident
// memory after the first run and after the hundredth, each after a garbage
// collection that returns freed memory to the system: the window must not
// grow per run (issue 12: ≤ 10 MB between them, ≤ 150 MB idle).
//
// Fyne keeps the renderer of a widget that is gone for FYNE_CACHE (1
// minute) before the next frame drops it; 100 runs take a few seconds
// here, minutes for a person. FYNE_CACHE=2s compresses that time:
//
//	FYNE_CACHE=2s go test -run XXX -bench DemoRunMemory -benchtime 1x ./ui/
func BenchmarkDemoRunMemory(b *testing.B) {
	for range b.N {
		h := newHarness(b, nil)
		h.u.StartDemo("ok")
		if err := <-h.demo; err != nil {
			b.Fatal(err)
		}
		run := func() {
			test.Tap(h.u.runButton)
			h.wait(h.finished, "the demo run")
			if !h.u.result.OK {
				b.Fatalf("demo run: %s", h.u.result.Verdict)
			}
			// A frame, as the desktop driver draws after each change:
			// drawing is when Fyne drops the renderers of widgets that
			// are gone (after FYNE_CACHE, 1 minute by default).
			h.win.Canvas().Capture()
		}
		run()
		after1, g1 := settledRSS(), runtime.NumGoroutine()
		var ms1 runtime.MemStats
		runtime.ReadMemStats(&ms1)
		for range 99 {
			run()
		}
		after100, g100 := settledRSS(), runtime.NumGoroutine()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		b.Logf("goroutines %d → %d; heap in use %.1f → %.1f MB", g1, g100, float64(ms1.HeapInuse)/1e6, float64(ms.HeapInuse)/1e6)
		b.ReportMetric(after1/1e6, "MB-RSS-after-1")
		b.ReportMetric(after100/1e6, "MB-RSS-after-100")
		b.ReportMetric((after100-after1)/1e6, "MB-growth")
		b.Logf("RSS after 1 run %.1f MB, after 100 runs %.1f MB (%+.1f MB)", after1/1e6, after100/1e6, (after100-after1)/1e6)
	}
}

// settledRSS is the resident set size in bytes after the garbage
// collector returned what it could; 0 where /proc is missing.
func settledRSS() float64 {
	runtime.GC()
	debug.FreeOSMemory()
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			return kb * 1024
		}
	}
	return 0
}
