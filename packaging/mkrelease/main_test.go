package main

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const mtime = "2026-11-25T14:03:00Z"

// inputs writes an executable and a data file to archive.
func inputs(t *testing.T) (dir, exe, data string) {
	t.Helper()
	dir = t.TempDir()
	exe, data = filepath.Join(dir, "tool"), filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(exe, []byte("#!/bin/sh\necho hi\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(data, []byte("notes\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return dir, exe, data
}

func TestArchiveIsReproducible(t *testing.T) {
	dir, exe, data := inputs(t)
	for _, ext := range []string{".zip", ".tar.gz"} {
		t.Run(ext, func(t *testing.T) {
			var got [][]byte
			for i := range 2 {
				out := filepath.Join(dir, "a"+string(rune('0'+i))+ext)
				if err := run([]string{"archive", "-o", out, "-mtime", mtime, "-root", "pkg", "bin/tool=" + exe, "share/notes.txt=" + data}, io.Discard); err != nil {
					t.Fatal(err)
				}
				b, err := os.ReadFile(out)
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, b)
				// A later run must not differ because the inputs' times did.
				now := time.Now().Add(time.Hour)
				os.Chtimes(exe, now, now)
			}
			if !bytes.Equal(got[0], got[1]) {
				t.Error("two archives of the same files differ")
			}
			entries := list(t, ext, got[0])
			want := "pkg/bin/tool 0755 " + mtime + "|pkg/share/notes.txt 0644 " + mtime
			if strings.Join(entries, "|") != want {
				t.Errorf("entries = %q, want %q", entries, want)
			}
		})
	}
}

// list reads an archive's entries as "name mode time".
func list(t *testing.T, ext string, b []byte) []string {
	t.Helper()
	var out []string
	add := func(name string, mode os.FileMode, mt time.Time) {
		out = append(out, fmt.Sprintf("%s %04o %s", name, mode.Perm(), mt.UTC().Format(time.RFC3339)))
	}
	if ext == ".zip" {
		zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range zr.File {
			add(f.Name, f.Mode(), f.Modified)
		}
	} else {
		gz, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		tr := tar.NewReader(gz)
		for {
			h, err := tr.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			add(h.Name, h.FileInfo().Mode(), h.ModTime)
		}
	}
	return out
}

func TestRunErrors(t *testing.T) {
	dir, exe, _ := inputs(t)
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no command", nil, "want a command"},
		{"unknown command", []string{"deploy"}, "unknown command"},
		{"bad name", []string{"name", "mac"}, "name: want"},
		{"bad mtime", []string{"archive", "-o", filepath.Join(dir, "x.zip"), "-mtime", "yesterday", "a=" + exe}, "-mtime"},
		{"bad entry", []string{"archive", "-o", filepath.Join(dir, "x.zip"), "-mtime", mtime, "a"}, "want DEST=SRC"},
		{"no entry", []string{"archive", "-o", filepath.Join(dir, "x.zip"), "-mtime", mtime}, "no files"},
		{"bad extension", []string{"archive", "-o", filepath.Join(dir, "x.rar"), "-mtime", mtime, "a=" + exe}, ".zip or .tar.gz"},
		{"missing source", []string{"archive", "-o", filepath.Join(dir, "y.zip"), "-mtime", mtime, "a=" + filepath.Join(dir, "nope")}, "no such file"},
		{"manifests without out", []string{"manifests", "-version", "0.2.0"}, "-out is missing"},
		{"manifests with a bad version", []string{"manifests", "-version", "v0.2", "-date", mtime, "-windows-zip", exe, "-out", dir}, "version \"v0.2\""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := run(tt.args, io.Discard)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("run(%q) = %v, want an error containing %q", tt.args, err, tt.want)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "y.zip")); !os.IsNotExist(err) {
		t.Errorf("a failed archive was left behind (stat: %v)", err)
	}
}

func TestManifestsCommand(t *testing.T) {
	dir, exe, _ := inputs(t)
	var out bytes.Buffer
	if err := run([]string{"manifests", "-version", "0.2.0", "-date", mtime, "-windows-zip", exe, "-out", dir}, &out); err != nil {
		t.Fatal(err)
	}
	scoop, err := os.ReadFile(filepath.Join(dir, "scoop", "mailoauth.json"))
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(exe)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	if !strings.Contains(string(scoop), `"version": "0.2.0"`) || !strings.Contains(string(scoop), `"hash": "`+hex.EncodeToString(sum[:])+`"`) || !strings.Contains(out.String(), "mailoauth.json") {
		t.Errorf("scoop manifest:\n%s\nprinted:\n%s", scoop, out.String())
	}
}

func TestNames(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"name", "windows", "0.2.0"}, "mailoauth-tester_0.2.0_windows_amd64.zip\n"},
		{[]string{"name", "linux", "0.2.0"}, "mailoauth-tester_0.2.0_linux_amd64.tar.gz\n"},
		{[]string{"name", "cli", "0.2.0", "darwin", "arm64"}, "mailoauth_0.2.0_darwin_arm64.tar.gz\n"},
		{[]string{"name", "linux-icon"}, "share/icons/hicolor/512x512/apps/dev.mailoauth.tester.png\n"},
	}
	for _, tt := range tests {
		var out bytes.Buffer
		if err := run(tt.args, &out); err != nil || out.String() != tt.want {
			t.Errorf("run(%q) = %q, %v, want %q", tt.args, out.String(), err, tt.want)
		}
	}
}
