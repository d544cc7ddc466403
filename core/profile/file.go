package profile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// MaxFileSize bounds the certificate and CA files: a PEM chain or a PFX is a
// few kilobytes, so anything much larger is the wrong file (or a device
// such as /dev/zero that never ends).
const MaxFileSize = 1 << 20

// ReadFile reads a certificate or CA file: a regular file of at most
// MaxFileSize bytes. It never waits on a named pipe or a device and never
// reads past the limit. Errors say, in the user's terms, what is wrong with
// the file; they never contain its content.
func ReadFile(path string) ([]byte, error) {
	f, err := openNoWait(path)
	if err != nil {
		return nil, errors.New(fileProblem(path, nil, err))
	}
	defer f.Close()
	st, err := f.Stat()
	if msg := fileProblem(path, st, err); msg != "" {
		return nil, errors.New(msg)
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("%q cannot be read: %v", path, errText(err))
	}
	if len(data) > MaxFileSize {
		return nil, errors.New(fileProblem(path, bigFile{st}, nil))
	}
	return data, nil
}

// bigFile reports a size past the limit for a file that grew while read.
type bigFile struct{ fs.FileInfo }

func (bigFile) Size() int64 { return MaxFileSize + 1 }

// checkFile is ReadFile's test without reading: "" when path is usable.
func checkFile(path string) string {
	st, err := os.Stat(path)
	return fileProblem(path, st, err)
}

// fileProblem describes what makes a file unusable, or returns "".
func fileProblem(path string, st fs.FileInfo, err error) string {
	switch {
	case err != nil:
		return fmt.Sprintf("%q cannot be read: %v", path, errText(err))
	case st.IsDir():
		return fmt.Sprintf("%q is a folder", path)
	case !st.Mode().IsRegular():
		return fmt.Sprintf("%q is not a regular file (a pipe, device or socket would block or never end)", path)
	case st.Size() > MaxFileSize:
		return fmt.Sprintf("%q is %s; certificate files are a few KB (the limit is 1 MB)", path, sizeText(st.Size()))
	}
	return ""
}

func sizeText(n int64) string {
	if n >= 1<<30 {
		return fmt.Sprintf("%.1f GB", float64(n)/(1<<30))
	}
	return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
}
