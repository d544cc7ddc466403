package packaging

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"gopkg.in/yaml.v3"
)

// dirEnv names a folder of manifests rendered by scripts/build-release;
// when set, TestManifestsMatchSchemas validates those instead of a sample.
const dirEnv = "MAILOAUTH_PACKAGING_DIR"

const schemaDir = "../testdata/packaging/schemas"

// sampleSHA is a stand-in for the Windows zip's SHA-256.
const sampleSHA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

var sampleDate = time.Date(2026, 11, 25, 14, 3, 0, 0, time.UTC)

// manifests names the rendered files and the schema each must satisfy.
var manifests = []struct{ file, schema string }{
	{"winget/Mailoauth.MailOAuthTester.yaml", "winget-manifest.version.1.10.0.json"},
	{"winget/Mailoauth.MailOAuthTester.installer.yaml", "winget-manifest.installer.1.10.0.json"},
	{"winget/Mailoauth.MailOAuthTester.locale.en-US.yaml", "winget-manifest.defaultLocale.1.10.0.json"},
	{"scoop/mailoauth.json", "scoop-schema.json"},
}

func TestManifestsMatchSchemas(t *testing.T) {
	if dir := os.Getenv(dirEnv); dir != "" {
		checkManifests(t, dir, "")
		return
	}
	for _, v := range []string{"0.2.0", "1.10.3-rc.1", "0.1.0-dev.57+g8dc3d67e"} {
		t.Run(v, func(t *testing.T) {
			dir := t.TempDir()
			if _, err := Render(dir, Release{Version: v, Date: sampleDate, WindowsSHA256: sampleSHA}); err != nil {
				t.Fatal(err)
			}
			checkManifests(t, dir, v)
		})
	}
}

// checkManifests validates every manifest in dir against its schema and
// checks that they agree with each other (and with want, when given).
func checkManifests(t *testing.T, dir, want string) {
	t.Helper()
	docs := map[string]map[string]any{}
	for _, m := range manifests {
		doc := load(t, filepath.Join(dir, m.file))
		if err := compile(t, m.schema).Validate(doc); err != nil {
			t.Errorf("%s does not match %s:\n%v", m.file, m.schema, err)
		}
		docs[m.file] = doc.(map[string]any)
	}
	version := docs["scoop/mailoauth.json"]["version"].(string)
	if want != "" && version != want {
		t.Errorf("Scoop version = %q, want %q", version, want)
	}
	for _, m := range manifests[:3] {
		if got := docs[m.file]["PackageVersion"]; got != version {
			t.Errorf("%s PackageVersion = %v, want %q like the Scoop manifest", m.file, got, version)
		}
	}
	inst := docs[manifests[1].file]["Installers"].([]any)[0].(map[string]any)
	scoop := docs["scoop/mailoauth.json"]["architecture"].(map[string]any)["64bit"].(map[string]any)
	if inst["InstallerUrl"] != scoop["url"] {
		t.Errorf("winget InstallerUrl %v and Scoop url %v differ", inst["InstallerUrl"], scoop["url"])
	}
	if u, _ := scoop["url"].(string); !strings.HasSuffix(u, "/"+WindowsZip(version)) {
		t.Errorf("Scoop url %q does not end in the release's zip %s", u, WindowsZip(version))
	}
	if !strings.EqualFold(inst["InstallerSha256"].(string), scoop["hash"].(string)) {
		t.Errorf("winget InstallerSha256 %v and Scoop hash %v differ", inst["InstallerSha256"], scoop["hash"])
	}
	// Both name the same two programs.
	var nested []string
	for _, f := range docs[manifests[1].file]["NestedInstallerFiles"].([]any) {
		nested = append(nested, f.(map[string]any)["RelativeFilePath"].(string))
	}
	var bins []string
	for _, b := range docs["scoop/mailoauth.json"]["bin"].([]any) {
		bins = append(bins, b.(string))
	}
	if strings.Join(nested, ",") != "mailoauth-tester.exe,mailoauth.exe" || strings.Join(bins, ",") != "mailoauth.exe,mailoauth-tester.exe" {
		t.Errorf("winget nested files %v, Scoop bin %v: want mailoauth.exe and mailoauth-tester.exe in both", nested, bins)
	}
}

// The validator must reject what winget or Scoop would reject, else the
// test above proves nothing.
func TestSchemasRejectBrokenManifests(t *testing.T) {
	dir := t.TempDir()
	if _, err := Render(dir, Release{Version: "0.2.0", Date: sampleDate, WindowsSHA256: sampleSHA}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, file, schema string
		edit               func(map[string]any)
	}{
		{"winget locale without licence", manifests[2].file, manifests[2].schema, func(m map[string]any) { delete(m, "License") }},
		{"winget installer with a short hash", manifests[1].file, manifests[1].schema, func(m map[string]any) {
			m["Installers"].([]any)[0].(map[string]any)["InstallerSha256"] = "ABC"
		}},
		{"winget installer of an unknown type", manifests[1].file, manifests[1].schema, func(m map[string]any) { m["InstallerType"] = "tarball" }},
		{"winget version with a bad identifier", manifests[0].file, manifests[0].schema, func(m map[string]any) { m["PackageIdentifier"] = "NoDot" }},
		{"scoop without version", manifests[3].file, manifests[3].schema, func(m map[string]any) { delete(m, "version") }},
		{"scoop with an unknown field", manifests[3].file, manifests[3].schema, func(m map[string]any) { m["binaries"] = "x.exe" }},
		{"scoop with a space in the version", manifests[3].file, manifests[3].schema, func(m map[string]any) { m["version"] = "0.2 beta" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := load(t, filepath.Join(dir, tt.file)).(map[string]any)
			tt.edit(doc)
			if err := compile(t, tt.schema).Validate(doc); err == nil {
				t.Errorf("the broken manifest passed %s", tt.schema)
			}
		})
	}
}

func TestReleaseCheck(t *testing.T) {
	good := Release{Version: "0.2.0", Date: sampleDate, WindowsSHA256: sampleSHA}
	tests := []struct {
		name    string
		edit    func(*Release)
		wantErr string
	}{
		{"good", func(*Release) {}, ""},
		{"good with base URL", func(r *Release) { r.BaseURL = "https://downloads.example.com/mailoauth/0.2.0/" }, ""},
		{"v prefix", func(r *Release) { r.Version = "v0.2.0" }, "version \"v0.2.0\""},
		{"two parts", func(r *Release) { r.Version = "0.2" }, "version \"0.2\""},
		{"space", func(r *Release) { r.Version = "0.2.0 beta" }, "version"},
		{"no date", func(r *Release) { r.Date = time.Time{} }, "date: missing"},
		{"http base URL", func(r *Release) { r.BaseURL = "http://example.com/x" }, "want an https://"},
		{"upper-case hash", func(r *Release) { r.WindowsSHA256 = strings.ToUpper(sampleSHA) }, "windows SHA-256"},
		{"no hash", func(r *Release) { r.WindowsSHA256 = "" }, "windows SHA-256"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := good
			tt.edit(&r)
			err := r.Check()
			if tt.wantErr == "" {
				if err != nil {
					t.Errorf("Check() = %v, want nil", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("Check() = %v, want an error containing %q", err, tt.wantErr)
			}
			if _, err := Render(t.TempDir(), r); err == nil {
				t.Error("Render() accepted the bad release")
			}
		})
	}
}

func TestRenderFillsEveryPlaceholder(t *testing.T) {
	dir := t.TempDir()
	written, err := Render(dir, Release{Version: "0.2.0", Date: sampleDate, BaseURL: "https://downloads.example.com/m/0.2.0", WindowsSHA256: sampleSHA})
	if err != nil {
		t.Fatal(err)
	}
	if len(written) != 6 {
		t.Errorf("Render() wrote %d files, want 6: %v", len(written), written)
	}
	for _, p := range written {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(data, []byte("{{")) || bytes.Contains(data, []byte("<no value>")) {
			t.Errorf("%s still holds a placeholder:\n%s", p, data)
		}
	}
	inst, err := os.ReadFile(filepath.Join(dir, manifests[1].file))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"InstallerUrl: https://downloads.example.com/m/0.2.0/mailoauth-tester_0.2.0_windows_amd64.zip", "InstallerSha256: " + strings.ToUpper(sampleSHA), "ReleaseDate: 2026-11-25"} {
		if !bytes.Contains(inst, []byte(want)) {
			t.Errorf("installer manifest lacks %q:\n%s", want, inst)
		}
	}
}

func TestArchiveNames(t *testing.T) {
	tests := []struct{ got, want string }{
		{WindowsZip("0.2.0"), "mailoauth-tester_0.2.0_windows_amd64.zip"},
		{LinuxTarball("0.2.0"), "mailoauth-tester_0.2.0_linux_amd64.tar.gz"},
		{CLITarball("0.2.0", "darwin", "arm64"), "mailoauth_0.2.0_darwin_arm64.tar.gz"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("name = %q, want %q", tt.got, tt.want)
		}
	}
}

// load reads a JSON or YAML manifest as a JSON value the validator takes.
func load(t *testing.T, path string) any {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if strings.HasSuffix(path, ".yaml") {
		var v any
		if err := yaml.Unmarshal(data, &v); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if data, err = json.Marshal(jsonValue(t, v)); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return v
}

// jsonValue turns what yaml.v3 decodes into what encoding/json encodes the
// way winget reads it: a YAML date stays the text it was written as.
func jsonValue(t *testing.T, v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = jsonValue(t, e)
		}
	case []any:
		for i, e := range x {
			x[i] = jsonValue(t, e)
		}
	case time.Time:
		return x.Format(time.DateOnly)
	case map[any]any:
		t.Fatalf("YAML mapping with a non-string key: %v", x)
	}
	return v
}

// compile loads one schema from testdata, with format assertions on (uri,
// date, regex) as winget's and Scoop's own validators check them.
func compile(t *testing.T, name string) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open(filepath.Join(schemaDir, name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	loc := "file:///schemas/" + name
	if err := c.AddResource(loc, doc); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	s, err := c.Compile(loc)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return s
}
