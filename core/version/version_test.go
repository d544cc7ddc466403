package version

import (
	"runtime/debug"
	"strings"
	"testing"
)

func TestGet(t *testing.T) {
	info := func(main string, settings ...string) func() (*debug.BuildInfo, bool) {
		return func() (*debug.BuildInfo, bool) {
			bi := &debug.BuildInfo{Main: debug.Module{Version: main}}
			for i := 0; i+1 < len(settings); i += 2 {
				bi.Settings = append(bi.Settings, debug.BuildSetting{Key: settings[i], Value: settings[i+1]})
			}
			return bi, true
		}
	}
	none := func() (*debug.BuildInfo, bool) { return nil, false }
	tests := []struct {
		name             string
		v, c, d          string
		read             func() (*debug.BuildInfo, bool)
		wantV, wantC     string
		wantD            string
		wantMod          bool
		wantStringSubstr string
	}{
		{name: "nothing known", read: none, wantV: "dev", wantStringSubstr: "dev (go"},
		{name: "plain go build in a checkout", read: info("(devel)"), wantV: "dev"},
		{name: "go install at a tag", read: info("v1.2.3"), wantV: "1.2.3"},
		{name: "vcs stamps", read: info("(devel)", "vcs.revision", "0123456789abcdef0123", "vcs.time", "2026-11-25T12:00:00Z", "vcs.modified", "true"),
			wantV: "dev", wantC: "0123456789abcdef0123", wantD: "2026-11-25T12:00:00Z", wantMod: true, wantStringSubstr: "commit 0123456789ab+modified, 2026-11-25T12:00:00Z"},
		{name: "ldflags win over build info", v: "0.9.0", c: "feedface", d: "2026-01-02T03:04:05Z",
			read:  info("v1.2.3", "vcs.revision", "other", "vcs.time", "2020-01-01T00:00:00Z"),
			wantV: "0.9.0", wantC: "feedface", wantD: "2026-01-02T03:04:05Z", wantStringSubstr: "0.9.0 (commit feedface, 2026-01-02T03:04:05Z, go"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := get(tt.v, tt.c, tt.d, tt.read)
			if got.Version != tt.wantV || got.Commit != tt.wantC || got.Date != tt.wantD || got.Modified != tt.wantMod {
				t.Errorf("get() = %+v, want version %q commit %q date %q modified %v", got, tt.wantV, tt.wantC, tt.wantD, tt.wantMod)
			}
			if got.GoVersion == "" {
				t.Error("GoVersion is empty")
			}
			if !strings.Contains(got.String(), tt.wantStringSubstr) {
				t.Errorf("String() = %q, want it to contain %q", got.String(), tt.wantStringSubstr)
			}
		})
	}
}
