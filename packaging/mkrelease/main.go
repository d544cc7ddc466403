// Command mkrelease is the part of scripts/build-release that is easier in
// Go: archive names, reproducible archives and the filled-in manifests.
//
//	mkrelease name windows|linux VERSION
//	mkrelease name cli VERSION GOOS GOARCH
//	mkrelease name linux-desktop|linux-metainfo|linux-icon
//	mkrelease archive -o FILE.zip|FILE.tar.gz -mtime RFC3339 [-root DIR] DEST=SRC...
//	mkrelease manifests -version V -date RFC3339 -windows-zip FILE [-base-url URL] -out DIR
//	mkrelease version
//
// version prints this build's core/version stamp: the packaging tests
// build mkrelease with the release flags and run it to prove the -X stamps
// land where version.Get reads them.
//
// Archives are reproducible: entries in the order given, the given time on
// every entry, owner root, mode 0755 for files that are executable on disk
// and 0644 otherwise.
package main

import (
	"archive/tar"
	"archive/zip"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path"
	"strings"
	"time"

	"github.com/mailoauth/mailoauth-tester/core/version"
	"github.com/mailoauth/mailoauth-tester/packaging"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "mkrelease:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return errors.New("want a command: name, archive, manifests or version")
	}
	switch args[0] {
	case "name":
		return name(args[1:], stdout)
	case "archive":
		return archive(args[1:])
	case "manifests":
		return manifests(args[1:], stdout)
	case "version":
		fmt.Fprintln(stdout, "mkrelease", version.Get())
		return nil
	}
	return fmt.Errorf("unknown command %q: want name, archive, manifests or version", args[0])
}

func name(args []string, stdout io.Writer) error {
	switch {
	case len(args) == 2 && args[0] == "windows":
		fmt.Fprintln(stdout, packaging.WindowsZip(args[1]))
	case len(args) == 2 && args[0] == "linux":
		fmt.Fprintln(stdout, packaging.LinuxTarball(args[1]))
	case len(args) == 4 && args[0] == "cli":
		fmt.Fprintln(stdout, packaging.CLITarball(args[1], args[2], args[3]))
	case len(args) == 1 && args[0] == "linux-desktop":
		fmt.Fprintln(stdout, packaging.LinuxDesktopPath)
	case len(args) == 1 && args[0] == "linux-metainfo":
		fmt.Fprintln(stdout, packaging.LinuxMetainfoPath)
	case len(args) == 1 && args[0] == "linux-icon":
		fmt.Fprintln(stdout, packaging.LinuxIconPath)
	default:
		return errors.New("name: want windows VERSION, linux VERSION, cli VERSION GOOS GOARCH, linux-desktop, linux-metainfo or linux-icon")
	}
	return nil
}

// entry is one file of an archive: its name inside and its source on disk.
type entry struct{ dest, src string }

func archive(args []string) error {
	fs := flag.NewFlagSet("archive", flag.ContinueOnError)
	out := fs.String("o", "", "archive to write (.zip or .tar.gz)")
	mtime := fs.String("mtime", "", "time of every entry, RFC 3339 (the commit date)")
	root := fs.String("root", "", "folder every entry is put under")
	if err := fs.Parse(args); err != nil {
		return err
	}
	t, err := time.Parse(time.RFC3339, *mtime)
	if err != nil {
		return fmt.Errorf("archive: -mtime %q: want RFC 3339, e.g. 2026-11-25T12:00:00Z", *mtime)
	}
	var entries []entry
	for _, a := range fs.Args() {
		dest, src, ok := strings.Cut(a, "=")
		if !ok || dest == "" || src == "" {
			return fmt.Errorf("archive: %q: want DEST=SRC", a)
		}
		entries = append(entries, entry{path.Join(*root, dest), src})
	}
	if len(entries) == 0 {
		return errors.New("archive: no files given")
	}
	f, err := os.Create(*out)
	if err != nil {
		return fmt.Errorf("archive: %w", err)
	}
	switch {
	case strings.HasSuffix(*out, ".zip"):
		err = writeZip(f, entries, t.UTC())
	case strings.HasSuffix(*out, ".tar.gz"):
		err = writeTarGz(f, entries, t.UTC())
	default:
		err = fmt.Errorf("archive: -o %q: want a .zip or .tar.gz name", *out)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(*out)
	}
	return err
}

// mode is 0755 for a file executable on disk, else 0644.
func mode(fi os.FileInfo) os.FileMode {
	if fi.Mode().Perm()&0o111 != 0 {
		return 0o755
	}
	return 0o644
}

func writeZip(w io.Writer, entries []entry, t time.Time) error {
	zw := zip.NewWriter(w)
	for _, e := range entries {
		fi, err := os.Stat(e.src)
		if err != nil {
			return fmt.Errorf("archive: %w", err)
		}
		h := &zip.FileHeader{Name: e.dest, Method: zip.Deflate, Modified: t}
		h.SetMode(mode(fi))
		dst, err := zw.CreateHeader(h)
		if err != nil {
			return err
		}
		if err := copyFile(dst, e.src); err != nil {
			return err
		}
	}
	return zw.Close()
}

func writeTarGz(w io.Writer, entries []entry, t time.Time) error {
	gz := gzip.NewWriter(w)
	gz.ModTime = t
	tw := tar.NewWriter(gz)
	for _, e := range entries {
		fi, err := os.Stat(e.src)
		if err != nil {
			return fmt.Errorf("archive: %w", err)
		}
		h := &tar.Header{Typeflag: tar.TypeReg, Name: e.dest, Size: fi.Size(), Mode: int64(mode(fi)), ModTime: t, Format: tar.FormatPAX}
		if err := tw.WriteHeader(h); err != nil {
			return err
		}
		if err := copyFile(tw, e.src); err != nil {
			return err
		}
	}
	if err := tw.Close(); err != nil {
		return err
	}
	return gz.Close()
}

func copyFile(w io.Writer, src string) error {
	f, err := os.Open(src)
	if err != nil {
		return fmt.Errorf("archive: %w", err)
	}
	defer f.Close()
	_, err = io.Copy(w, f)
	return err
}

func manifests(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("manifests", flag.ContinueOnError)
	ver := fs.String("version", "", "release version, e.g. 0.2.0")
	date := fs.String("date", "", "release date, RFC 3339 (the commit date)")
	zipPath := fs.String("windows-zip", "", "the Windows zip, to take its SHA-256")
	baseURL := fs.String("base-url", "", "https:// folder the release files are downloaded from (default: the GitHub release)")
	out := fs.String("out", "", "folder to write the manifests to")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" {
		return errors.New("manifests: -out is missing")
	}
	t, err := time.Parse(time.RFC3339, *date)
	if err != nil {
		return fmt.Errorf("manifests: -date %q: want RFC 3339, e.g. 2026-11-25T12:00:00Z", *date)
	}
	sum, err := fileSHA256(*zipPath)
	if err != nil {
		return fmt.Errorf("manifests: -windows-zip: %w", err)
	}
	written, err := packaging.Render(*out, packaging.Release{Version: *ver, Date: t, BaseURL: *baseURL, WindowsSHA256: sum})
	if err != nil {
		return err
	}
	for _, p := range written {
		fmt.Fprintln(stdout, p)
	}
	return nil
}

func fileSHA256(name string) (string, error) {
	f, err := os.Open(name)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
