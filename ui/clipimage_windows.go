package ui

import (
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"runtime"
	"syscall"
	"unsafe"
)

// Copying an image uses the Win32 clipboard directly (user32/kernel32):
// the screenshot goes on it twice, as a device-independent bitmap (CF_DIB:
// Paint, Word, Teams, Outlook) and as "PNG" (browsers, ticket systems).
var (
	user32                      = syscall.NewLazyDLL("user32.dll")
	kernel32                    = syscall.NewLazyDLL("kernel32.dll")
	procOpenClipboard           = user32.NewProc("OpenClipboard")
	procCloseClipboard          = user32.NewProc("CloseClipboard")
	procEmptyClipboard          = user32.NewProc("EmptyClipboard")
	procSetClipboardData        = user32.NewProc("SetClipboardData")
	procRegisterClipboardFormat = user32.NewProc("RegisterClipboardFormatW")
	procGlobalAlloc             = kernel32.NewProc("GlobalAlloc")
	procGlobalLock              = kernel32.NewProc("GlobalLock")
	procGlobalUnlock            = kernel32.NewProc("GlobalUnlock")
	procGlobalFree              = kernel32.NewProc("GlobalFree")
)

const (
	cfDIB         = 8
	gmemMoveable  = 0x0002
	bitmapInfoLen = 40
)

func canCopyImage() bool { return true }

func copyImage(img image.Image, pngData []byte) error {
	runtime.LockOSThread() // the clipboard is owned by the thread that opened it
	defer runtime.UnlockOSThread()
	if r, _, err := procOpenClipboard.Call(0); r == 0 {
		return fmt.Errorf("clipboard: open: %w", err)
	}
	defer procCloseClipboard.Call()
	if r, _, err := procEmptyClipboard.Call(); r == 0 {
		return fmt.Errorf("clipboard: empty: %w", err)
	}
	if err := setClipboard(cfDIB, dib(img)); err != nil {
		return err
	}
	name, _ := syscall.UTF16PtrFromString("PNG")
	if f, _, _ := procRegisterClipboardFormat.Call(uintptr(unsafe.Pointer(name))); f != 0 {
		_ = setClipboard(f, pngData) // the bitmap is there already
	}
	return nil
}

// setClipboard hands a copy of data to the clipboard under format.
func setClipboard(format uintptr, data []byte) error {
	h, _, err := procGlobalAlloc.Call(gmemMoveable, uintptr(len(data)))
	if h == 0 {
		return fmt.Errorf("clipboard: alloc: %w", err)
	}
	p, _, err := procGlobalLock.Call(h)
	if p == 0 {
		procGlobalFree.Call(h)
		return fmt.Errorf("clipboard: lock: %w", err)
	}
	// p is memory GlobalLock pinned for us, not a Go pointer.
	mem := *(*unsafe.Pointer)(unsafe.Pointer(&p))
	copy(unsafe.Slice((*byte)(mem), len(data)), data)
	procGlobalUnlock.Call(h)
	if r, _, err := procSetClipboardData.Call(format, h); r == 0 {
		procGlobalFree.Call(h)
		return errors.Join(errors.New("clipboard: set"), err)
	}
	return nil // the clipboard owns h now
}

// dib is img as a 32-bit bottom-up device-independent bitmap.
func dib(img image.Image) []byte {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	out := make([]byte, bitmapInfoLen+4*w*h)
	binary.LittleEndian.PutUint32(out[0:], bitmapInfoLen)
	binary.LittleEndian.PutUint32(out[4:], uint32(w))
	binary.LittleEndian.PutUint32(out[8:], uint32(h))
	binary.LittleEndian.PutUint16(out[12:], 1)  // planes
	binary.LittleEndian.PutUint16(out[14:], 32) // bits per pixel; BI_RGB
	binary.LittleEndian.PutUint32(out[20:], uint32(4*w*h))
	px := out[bitmapInfoLen:]
	for y := 0; y < h; y++ {
		row := px[4*w*(h-1-y):]
		for x := 0; x < w; x++ {
			r, g, bl, _ := img.At(b.Min.X+x, b.Min.Y+y).RGBA()
			row[4*x], row[4*x+1], row[4*x+2], row[4*x+3] = byte(bl>>8), byte(g>>8), byte(r>>8), 0
		}
	}
	return out
}
