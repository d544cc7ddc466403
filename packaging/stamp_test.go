package packaging

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
)

// buildLib is the shell library scripts/build-windows and
// scripts/build-release share.
var buildLib, _ = filepath.Abs("../scripts/lib/build.sh")

// bash runs a script that sources scripts/lib/build.sh in dir and returns
// its combined output.
func bash(t *testing.T, dir string, env []string, script string) (string, error) {
	t.Helper()
	cmd := exec.Command("bash", "-c", "set -euo pipefail; source "+buildLib+"\n"+script)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// The release flags must put the stamps where core/version reads them:
// mkrelease built the release way prints them through version.Get, and
// check_stamp accepts it; the same program built without the flags fails
// check_stamp.
func TestReleaseBuildIsStamped(t *testing.T) {
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	bin := t.TempDir()
	goos, goarch := runtime.GOOS, runtime.GOARCH
	script := `stamp
release_build ` + goos + " " + goarch + ` "$BIN/stamped" ./packaging/mkrelease
echo "COMMIT=$COMMIT DATE=$DATE"
check_stamp "$BIN/stamped" ` + goos + " " + goarch + ` ./packaging/mkrelease
"$BIN/stamped" version
`
	out, err := bash(t, root, []string{"VERSION=9.8.7-rc.1", "BIN=" + bin}, script)
	if err != nil {
		t.Fatalf("release build: %v\n%s", err, out)
	}
	m := regexp.MustCompile(`COMMIT=([0-9a-f]{40}) DATE=(\S+)`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no stamps printed:\n%s", out)
	}
	want := "mkrelease 9.8.7-rc.1 (commit " + m[1][:12] + ", " + m[2] + ", go"
	if !strings.Contains(out, want) {
		t.Errorf("the stamped binary's version line lacks %q:\n%s", want, out)
	}
	if !strings.Contains(out, "-trimpath, stamped 9.8.7-rc.1") {
		t.Errorf("check_stamp did not accept the release build:\n%s", out)
	}

	plain := `stamp
CGO_ENABLED=0 go build -buildvcs=true -o "$BIN/plain" ./packaging/mkrelease
check_stamp "$BIN/plain" ` + goos + " " + goarch + ` ./packaging/mkrelease
`
	out, err = bash(t, root, []string{"VERSION=9.8.7-rc.1", "BIN=" + bin}, plain)
	if err == nil {
		t.Fatalf("check_stamp accepted a build without -trimpath and stamps:\n%s", out)
	}
	for _, want := range []string{"lacks -trimpath=true", "has VCS stamps", "stamp 9.8.7-rc.1 is not in the binary", "holds the build folder"} {
		if !strings.Contains(out, want) {
			t.Errorf("check_stamp output lacks %q:\n%s", want, out)
		}
	}
}

// stamp derives the version from the repository's tags.
func TestStampVersion(t *testing.T) {
	tests := []struct {
		name    string
		setup   string // git commands after the first commit
		env     []string
		want    string // regexp for VERSION
		numeric string
	}{
		{name: "no tag: FyneApp.toml version, dev", want: `^0\.4\.0-dev\.1\+g[0-9a-f]{8}$`, numeric: "0.4.0"},
		{name: "tag on HEAD", setup: "git tag v1.2.3", want: `^1\.2\.3$`, numeric: "1.2.3"},
		{name: "two commits after a tag: next patch, dev", setup: "git tag v1.2.3; git commit -q --allow-empty -m two; git commit -q --allow-empty -m three",
			want: `^1\.2\.4-dev\.2\+g[0-9a-f]{8}$`, numeric: "1.2.4"},
		{name: "pre-release tag on HEAD", setup: "git tag v2.0.0-rc.1", want: `^2\.0\.0-rc\.1$`, numeric: "2.0.0"},
		{name: "uncommitted change", setup: "git tag v1.2.3; echo >> cmd/mailoauth-tester/FyneApp.toml", want: `^1\.2\.3\+dirty$`, numeric: "1.2.3"},
		{name: "uncommitted change on a dev version", setup: "echo >> cmd/mailoauth-tester/FyneApp.toml", want: `^0\.4\.0-dev\.1\+g[0-9a-f]{8}\.dirty$`, numeric: "0.4.0"},
		{name: "VERSION wins", setup: "git tag v1.2.3", env: []string{"VERSION=v3.0.0"}, want: `^3\.0\.0$`, numeric: "3.0.0"},
		{name: "a tag that is not a version is ignored", setup: "git tag nightly", want: `^0\.4\.0-dev\.1\+g`, numeric: "0.4.0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.MkdirAll(filepath.Join(dir, "cmd/mailoauth-tester"), 0o755); err != nil {
				t.Fatal(err)
			}
			writeFile(t, filepath.Join(dir, "cmd/mailoauth-tester/FyneApp.toml"), "[Details]\nVersion = \"0.4.0\"\nBuild = 1\n")
			script := `git init -q . && git config user.email t@example.com && git config user.name t
git add -A && git commit -q -m one
` + tt.setup + `
stamp
echo "VERSION=$VERSION NUMERIC=$NUMERIC_VERSION BUILD=$BUILD_NUMBER"
`
			env := append([]string{"VERSION=", "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1"}, tt.env...)
			out, err := bash(t, dir, env, script)
			if err != nil {
				t.Fatalf("stamp: %v\n%s", err, out)
			}
			m := regexp.MustCompile(`VERSION=(\S*) NUMERIC=(\S*) BUILD=(\d+)`).FindStringSubmatch(out)
			if m == nil {
				t.Fatalf("no stamp printed:\n%s", out)
			}
			if !regexp.MustCompile(tt.want).MatchString(m[1]) || m[2] != tt.numeric {
				t.Errorf("VERSION=%s NUMERIC_VERSION=%s, want %s and %s", m[1], m[2], tt.want, tt.numeric)
			}
			if r := (Release{Version: m[1], Date: sampleDate, WindowsSHA256: sampleSHA}); r.Check() != nil {
				t.Errorf("the manifests would refuse version %s: %v", m[1], r.Check())
			}
		})
	}
	out, err := bash(t, t.TempDir(), []string{"VERSION=banana"}, "git init -q . && git -c user.email=t@e -c user.name=t commit -q --allow-empty -m x && stamp")
	if err == nil || !strings.Contains(out, `version "banana" does not start with MAJOR.MINOR.PATCH`) {
		t.Errorf("stamp with VERSION=banana: %v\n%s", err, out)
	}
}
