// Package packaging holds what Mail OAuth Tester ships besides its programs:
// the winget and Scoop manifests and the Linux desktop entry and AppStream
// metainfo, as templates, and the names of the release archives. Render fills
// the templates for one release; scripts/build-release calls it through
// packaging/mkrelease, and the tests validate the result against the official
// schemas (testdata/packaging/schemas).
package packaging

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"text/template"
	"time"
)

// Project facts the manifests repeat.
const (
	// AppID is the reverse-DNS application ID: Fyne's preferences key
	// (cmd/mailoauth-tester/FyneApp.toml), the desktop file's and the
	// AppStream component's name, and the icon's name.
	AppID = "dev.mailoauth.tester"
	// RepoURL is the project's home; releases are downloaded from its
	// GitHub releases unless Release.BaseURL says otherwise.
	RepoURL = "https://github.com/mailoauth/mailoauth-tester"
	// License is what the manifests declare. The repository has no licence
	// file yet, so the software is not open source: winget and Scoop take
	// "Proprietary", AppStream an SPDX LicenseRef.
	License     = "Proprietary"
	SPDXLicense = "LicenseRef-proprietary"
)

//go:embed winget scoop linux
var templates embed.FS

// Release is one release's facts that the templates need.
type Release struct {
	Version string    // e.g. "0.2.0", or "0.2.0-dev.5+g1a2b3c4d" for a test build
	Date    time.Time // release date (the commit date)
	// BaseURL is where the release's files are downloaded from; empty means
	// RepoURL/releases/download/v<Version>.
	BaseURL string
	// WindowsSHA256 is the hex SHA-256 of the Windows zip
	// (WindowsZip(Version)).
	WindowsSHA256 string
}

// versionRE is what every consumer accepts: Scoop's version pattern is the
// narrowest (letters, digits, '.', '-', '+', '_'), and winget takes no
// spaces, slashes or colons.
var versionRE = regexp.MustCompile(`^[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.+_-]+)?$`)

var sha256RE = regexp.MustCompile(`^[0-9a-f]{64}$`)

// Check says which field of r is unusable and how to fix it.
func (r Release) Check() error {
	var errs []error
	if !versionRE.MatchString(r.Version) {
		errs = append(errs, fmt.Errorf("version %q: want MAJOR.MINOR.PATCH with an optional -pre-release or +build suffix, e.g. 0.2.0", r.Version))
	}
	if r.Date.IsZero() {
		errs = append(errs, errors.New("date: missing; give the commit date"))
	}
	if r.BaseURL != "" {
		u, err := url.Parse(r.BaseURL)
		if err != nil || u.Scheme != "https" || u.Host == "" {
			errs = append(errs, fmt.Errorf("base URL %q: want an https:// address of the folder holding the release files", r.BaseURL))
		}
	}
	if !sha256RE.MatchString(r.WindowsSHA256) {
		errs = append(errs, fmt.Errorf("windows SHA-256 %q: want 64 lower-case hex digits (sha256sum of the Windows zip)", r.WindowsSHA256))
	}
	return errors.Join(errs...)
}

// WindowsZip is the file name of the Windows archive of a version: both
// .exe files at its top level.
func WindowsZip(version string) string {
	return "mailoauth-tester_" + version + "_windows_amd64.zip"
}

// LinuxTarball is the file name of the Linux archive of a version: a
// usr/local-style tree (bin/, share/applications, share/metainfo,
// share/icons) under one folder.
func LinuxTarball(version string) string {
	return "mailoauth-tester_" + version + "_linux_amd64.tar.gz"
}

// Where the Linux archive puts the desktop integration, relative to its
// prefix (extract it into ~/.local or /usr/local). The icon is
// resources/icon.png, 512×512.
const (
	LinuxDesktopPath  = "share/applications/" + AppID + ".desktop"
	LinuxMetainfoPath = "share/metainfo/" + AppID + ".metainfo.xml"
	LinuxIconPath     = "share/icons/hicolor/512x512/apps/" + AppID + ".png"
)

// CLITarball is the file name of an archive holding only the CLI, for
// goos/goarch (e.g. darwin/arm64).
func CLITarball(version, goos, goarch string) string {
	return "mailoauth_" + version + "_" + goos + "_" + goarch + ".tar.gz"
}

// data is what the templates see.
type data struct {
	Release
	Day                string // Date as YYYY-MM-DD
	WindowsURL         string
	WindowsSHA256Upper string // winget's usual spelling
	WindowsZipPattern  string // the zip's name with Scoop's $version
	RepoURL, RawURL    string
	OwnerURL           string
	License            string
	SPDXLicense        string
}

func (r Release) data() data {
	base := r.BaseURL
	if base == "" {
		base = RepoURL + "/releases/download/v" + r.Version
	}
	return data{
		Release:            r,
		Day:                r.Date.UTC().Format(time.DateOnly),
		WindowsURL:         strings.TrimSuffix(base, "/") + "/" + WindowsZip(r.Version),
		WindowsSHA256Upper: strings.ToUpper(r.WindowsSHA256),
		WindowsZipPattern:  WindowsZip("$version"),
		RepoURL:            RepoURL,
		RawURL:             strings.Replace(RepoURL, "https://github.com/", "https://raw.githubusercontent.com/", 1) + "/main",
		OwnerURL:           RepoURL[:strings.LastIndex(RepoURL, "/")],
		License:            License,
		SPDXLicense:        SPDXLicense,
	}
}

// Render fills every template for r and writes them under dir, keeping the
// template tree (winget/…, scoop/mailoauth.json, linux/…). It returns the
// written paths. A template that refers to an unknown field is an error,
// not an empty value.
func Render(dir string, r Release) ([]string, error) {
	if err := r.Check(); err != nil {
		return nil, fmt.Errorf("packaging: %w", err)
	}
	d := r.data()
	var written []string
	err := fs.WalkDir(templates, ".", func(name string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() || strings.HasSuffix(name, ".go") {
			return err
		}
		text, err := fs.ReadFile(templates, name)
		if err != nil {
			return err
		}
		t, err := template.New(path.Base(name)).Option("missingkey=error").Parse(string(text))
		if err != nil {
			return fmt.Errorf("packaging: template %s: %w", name, err)
		}
		var out bytes.Buffer
		if err := t.Execute(&out, d); err != nil {
			return fmt.Errorf("packaging: template %s: %w", name, err)
		}
		dst := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return fmt.Errorf("packaging: %w", err)
		}
		if err := os.WriteFile(dst, out.Bytes(), 0o644); err != nil {
			return fmt.Errorf("packaging: %w", err)
		}
		written = append(written, dst)
		return nil
	})
	return written, err
}
