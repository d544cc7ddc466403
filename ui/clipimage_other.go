//go:build !windows

package ui

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"time"
)

// copyImageTimeout bounds the helper that takes the image; it answers at
// once, or hangs when no clipboard manager is there.
const copyImageTimeout = 5 * time.Second

// imageCopier is the command that puts a PNG (on its standard input, or
// in a file for macOS) on the clipboard here, or nil.
func imageCopier() []string {
	switch runtime.GOOS {
	case "darwin":
		return []string{"osascript"}
	case "linux", "freebsd", "openbsd", "netbsd":
		if os.Getenv("WAYLAND_DISPLAY") != "" {
			if p, err := exec.LookPath("wl-copy"); err == nil {
				return []string{p, "--type", "image/png"}
			}
		}
		if p, err := exec.LookPath("xclip"); err == nil {
			return []string{p, "-selection", "clipboard", "-t", "image/png", "-i"}
		}
	}
	return nil
}

func canCopyImage() bool { return imageCopier() != nil }

// copyImage puts pngData on the clipboard through the platform's own
// tool: osascript on macOS, wl-copy or xclip on Linux.
func copyImage(_ image.Image, pngData []byte) error {
	argv := imageCopier()
	if argv == nil {
		return errors.New("no clipboard tool for images here (install xclip or wl-clipboard)")
	}
	var cmd *exec.Cmd
	if runtime.GOOS == "darwin" {
		f, err := os.CreateTemp("", "mailoauth-*.png")
		if err != nil {
			return err
		}
		defer os.Remove(f.Name())
		if _, err := f.Write(pngData); err != nil {
			f.Close()
			return err
		}
		f.Close()
		script := fmt.Sprintf(`set the clipboard to (read (POSIX file %q) as «class PNGf»)`, filepath.Clean(f.Name()))
		cmd = exec.Command(argv[0], "-e", script)
	} else {
		cmd = exec.Command(argv[0], argv[1:]...)
		cmd.Stdin = bytes.NewReader(pngData)
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		return err
	case <-time.After(copyImageTimeout):
		// xclip stays to serve the selection: that is success.
		return nil
	}
}
