// Package version says which build of Mail OAuth Tester is running: the
// version, the VCS commit and the build date. Release builds stamp them with
//
//	-ldflags "-X github.com/mailoauth/mailoauth-tester/core/version.version=1.2.3
//	          -X github.com/mailoauth/mailoauth-tester/core/version.commit=abc123
//	          -X github.com/mailoauth/mailoauth-tester/core/version.date=2026-11-25T12:00:00Z"
//
// Without stamps the values come from the Go build information
// (debug.ReadBuildInfo): the module version for `go install …@v1.2.3`, and
// vcs.revision / vcs.time when built with -buildvcs=true in a checkout.
package version

import (
	"runtime"
	"runtime/debug"
	"strings"
)

// Set by the build scripts with -ldflags -X; empty in a plain `go build`.
var (
	version string
	commit  string
	date    string
)

// Info describes the running build. Fields are empty when unknown.
type Info struct {
	Version   string `json:"version"`          // e.g. "0.4.0" or "dev"
	Commit    string `json:"commit,omitempty"` // full VCS revision
	Date      string `json:"date,omitempty"`   // commit or build time, RFC 3339
	Modified  bool   `json:"modified,omitempty"`
	GoVersion string `json:"go"`
}

// Get returns the running build's Info.
func Get() Info {
	return get(version, commit, date, debug.ReadBuildInfo)
}

func get(v, c, d string, read func() (*debug.BuildInfo, bool)) Info {
	i := Info{Version: v, Commit: c, Date: d, GoVersion: runtime.Version()}
	if bi, ok := read(); ok {
		if i.Version == "" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			i.Version = strings.TrimPrefix(bi.Main.Version, "v")
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				if i.Commit == "" {
					i.Commit = s.Value
				}
			case "vcs.time":
				if i.Date == "" {
					i.Date = s.Value
				}
			case "vcs.modified":
				i.Modified = i.Modified || s.Value == "true"
			}
		}
	}
	if i.Version == "" {
		i.Version = "dev"
	}
	return i
}

// ShortCommit is the first 12 characters of the commit, or "".
func (i Info) ShortCommit() string {
	if len(i.Commit) > 12 {
		return i.Commit[:12]
	}
	return i.Commit
}

// String is a one-line description such as
// "0.4.0 (commit 3f2a9c1d0b7e, 2026-11-25T12:00:00Z, go1.27.3)".
func (i Info) String() string {
	var parts []string
	if c := i.ShortCommit(); c != "" {
		if i.Modified {
			c += "+modified"
		}
		parts = append(parts, "commit "+c)
	}
	if i.Date != "" {
		parts = append(parts, i.Date)
	}
	parts = append(parts, i.GoVersion)
	return i.Version + " (" + strings.Join(parts, ", ") + ")"
}
