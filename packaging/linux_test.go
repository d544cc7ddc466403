package packaging

import (
	"bufio"
	"encoding/xml"
	"fmt"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var (
	desktopFile  = "linux/" + AppID + ".desktop"
	metainfoFile = "linux/" + AppID + ".metainfo.xml"
)

// renderSample renders the templates for a sample release into a new
// folder (or returns the folder of scripts/build-release's output).
func renderSample(t *testing.T) string {
	t.Helper()
	if dir := os.Getenv(dirEnv); dir != "" {
		return dir
	}
	dir := t.TempDir()
	if _, err := Render(dir, Release{Version: "0.2.0", Date: sampleDate, WindowsSHA256: sampleSHA}); err != nil {
		t.Fatal(err)
	}
	return dir
}

// parseDesktop reads a desktop entry file into groups of keys, failing on
// what the Desktop Entry Specification forbids: keys outside a group,
// duplicate groups or keys, lines that are neither.
func parseDesktop(t *testing.T, path string) map[string]map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	groups := map[string]map[string]string{}
	var group string
	first := true
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		switch {
		case strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#"):
			continue
		case strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]"):
			group = line[1 : len(line)-1]
			if first && group != "Desktop Entry" {
				t.Errorf("%s:%d: first group is [%s], want [Desktop Entry]", path, n, group)
			}
			if groups[group] != nil {
				t.Errorf("%s:%d: group [%s] twice", path, n, group)
			}
			groups[group] = map[string]string{}
			first = false
		default:
			k, v, ok := strings.Cut(line, "=")
			if !ok || group == "" {
				t.Errorf("%s:%d: %q is not a key=value line inside a group", path, n, line)
				continue
			}
			if _, dup := groups[group][k]; dup {
				t.Errorf("%s:%d: key %s twice", path, n, k)
			}
			groups[group][k] = v
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return groups
}

// mainCategories are the Desktop Menu Specification's main categories; an
// entry needs one to appear in a menu.
var mainCategories = map[string]bool{"AudioVideo": true, "Audio": true, "Video": true, "Development": true, "Education": true,
	"Game": true, "Graphics": true, "Network": true, "Office": true, "Science": true, "Settings": true, "System": true, "Utility": true}

func TestDesktopEntry(t *testing.T) {
	path := filepath.Join(renderSample(t), desktopFile)
	entry := parseDesktop(t, path)["Desktop Entry"]
	want := map[string]string{"Type": "Application", "Name": "Mail OAuth Tester", "Exec": "mailoauth-tester", "TryExec": "mailoauth-tester", "Icon": AppID, "Terminal": "false"}
	for k, v := range want {
		if entry[k] != v {
			t.Errorf("%s: %s=%q, want %q", desktopFile, k, entry[k], v)
		}
	}
	for _, k := range []string{"Comment", "Categories", "Keywords"} {
		if entry[k] == "" {
			t.Errorf("%s: %s is missing", desktopFile, k)
		}
	}
	for _, k := range []string{"Categories", "Keywords"} {
		if !strings.HasSuffix(entry[k], ";") {
			t.Errorf("%s: %s=%q must end with ';'", desktopFile, k, entry[k])
		}
	}
	mains := 0
	for _, c := range strings.Split(strings.TrimSuffix(entry["Categories"], ";"), ";") {
		if mainCategories[c] {
			mains++
		}
	}
	if mains != 1 {
		t.Errorf("%s: Categories=%q has %d main categories, want exactly 1", desktopFile, entry["Categories"], mains)
	}
	if tool, err := exec.LookPath("desktop-file-validate"); err == nil {
		out, err := exec.Command(tool, path).CombinedOutput()
		if err != nil || len(strings.TrimSpace(string(out))) > 0 {
			t.Errorf("desktop-file-validate %s: %v\n%s", desktopFile, err, out)
		}
	} else {
		t.Log("desktop-file-validate not installed (apt-get install desktop-file-utils): only the Go checks ran")
	}
}

// metainfo is the part of an AppStream component the test checks.
type metainfo struct {
	XMLName         xml.Name `xml:"component"`
	Type            string   `xml:"type,attr"`
	ID              string   `xml:"id"`
	MetadataLicense string   `xml:"metadata_license"`
	ProjectLicense  string   `xml:"project_license"`
	Name            string   `xml:"name"`
	Summary         string   `xml:"summary"`
	Description     struct {
		P []string `xml:"p"`
	} `xml:"description"`
	Launchable struct {
		Type  string `xml:"type,attr"`
		Value string `xml:",chardata"`
	} `xml:"launchable"`
	Icon       string   `xml:"icon"`
	Categories []string `xml:"categories>category"`
	Binaries   []string `xml:"provides>binary"`
	Releases   []struct {
		Version string `xml:"version,attr"`
		Date    string `xml:"date,attr"`
	} `xml:"releases>release"`
	URLs []struct {
		Type  string `xml:"type,attr"`
		Value string `xml:",chardata"`
	} `xml:"url"`
	ContentRating struct {
		Type string `xml:"type,attr"`
	} `xml:"content_rating"`
}

func TestMetainfo(t *testing.T) {
	dir := renderSample(t)
	path := filepath.Join(dir, metainfoFile)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var m metainfo
	if err := xml.Unmarshal(data, &m); err != nil {
		t.Fatalf("%s: %v", metainfoFile, err)
	}
	checks := []struct{ what, got, want string }{
		{"component type", m.Type, "desktop-application"},
		{"id", m.ID, AppID},
		{"metadata_license", m.MetadataLicense, "CC0-1.0"},
		{"project_license", m.ProjectLicense, SPDXLicense},
		{"name", m.Name, "Mail OAuth Tester"},
		{"launchable", m.Launchable.Type + ":" + m.Launchable.Value, "desktop-id:" + filepath.Base(desktopFile)},
		{"icon", m.Icon, AppID},
		{"binaries", strings.Join(m.Binaries, ","), "mailoauth-tester,mailoauth"},
		{"content_rating", m.ContentRating.Type, "oars-1.1"},
		{"categories (as in the desktop file)", strings.Join(m.Categories, ";") + ";", parseDesktop(t, filepath.Join(dir, desktopFile))["Desktop Entry"]["Categories"]},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s: %s = %q, want %q", metainfoFile, c.what, c.got, c.want)
		}
	}
	if m.Summary == "" || strings.HasSuffix(m.Summary, ".") || len(m.Summary) > 60 {
		t.Errorf("%s: summary %q: want a short phrase without a final full stop", metainfoFile, m.Summary)
	}
	if len(m.Description.P) == 0 {
		t.Errorf("%s: description has no paragraph", metainfoFile)
	}
	if len(m.Releases) != 1 || !regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`).MatchString(m.Releases[0].Date) || m.Releases[0].Version == "" {
		t.Errorf("%s: releases = %+v, want one with version and YYYY-MM-DD date", metainfoFile, m.Releases)
	}
	if os.Getenv(dirEnv) == "" && m.Releases[0].Version != "0.2.0" {
		t.Errorf("%s: release version %q, want the rendered 0.2.0", metainfoFile, m.Releases[0].Version)
	}
	hasHome := false
	for _, u := range m.URLs {
		hasHome = hasHome || (u.Type == "homepage" && strings.HasPrefix(u.Value, "https://"))
	}
	if !hasHome {
		t.Errorf("%s: no https homepage url", metainfoFile)
	}
	if tool, err := exec.LookPath("appstreamcli"); err == nil {
		// --no-net: the screenshot and homepage are not fetched here.
		out, err := exec.Command(tool, "validate", "--no-net", "--pedantic", "--explain", path).CombinedOutput()
		if err != nil {
			t.Errorf("appstreamcli validate %s: %v\n%s", metainfoFile, err, out)
		}
		t.Logf("appstreamcli validate --pedantic:\n%s", out)
	} else {
		t.Log("appstreamcli not installed (apt-get install appstream): only the Go checks ran")
	}
}

// The desktop file, the metainfo and the icon are named after the app ID
// the window uses for its preferences.
func TestAppIDMatchesFyneApp(t *testing.T) {
	toml, err := os.ReadFile("../cmd/mailoauth-tester/FyneApp.toml")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^ID\s*=\s*"([^"]+)"`).FindSubmatch(toml)
	if m == nil || string(m[1]) != AppID {
		t.Errorf("FyneApp.toml ID = %q, want %q (packaging.AppID, the desktop and metainfo names)", m, AppID)
	}
	for _, f := range []string{desktopFile, metainfoFile} {
		if _, err := templates.Open(f); err != nil {
			t.Errorf("template %s: %v", f, err)
		}
	}
}

// The icon installed as share/icons/hicolor/<size>/apps/<AppID>.png must be
// a square PNG of the size its folder names.
func TestIconFitsHicolor(t *testing.T) {
	f, err := os.Open("../resources/icon.png")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cfg, err := png.DecodeConfig(f)
	if err != nil {
		t.Fatalf("resources/icon.png: %v", err)
	}
	size := fmt.Sprintf("/%dx%d/", cfg.Width, cfg.Height)
	if cfg.Width != cfg.Height || !strings.Contains(LinuxIconPath, size) {
		t.Errorf("resources/icon.png is %d×%d, but LinuxIconPath is %s: want a square icon in the folder of its size", cfg.Width, cfg.Height, LinuxIconPath)
	}
}
