package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/mailoauth/mailoauth-tester/core/simulate"
)

// vnuJar finds the W3C Nu HTML checker: $VNU_JAR, or where .ci/run
// installs the npm package vnu-jar.
func vnuJar() string {
	if p := os.Getenv("VNU_JAR"); p != "" {
		return p
	}
	home, _ := os.UserHomeDir()
	return filepath.Join(home, ".cache", "mailoauth-ci", "vnu", "node_modules", "vnu-jar", "build", "dist", "vnu.jar")
}

// barSteps lists the data-step of each waterfall bar, in document order.
func barSteps(t *testing.T, page string) []string {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "g" {
			var class, step string
			for _, a := range n.Attr {
				switch a.Key {
				case "class":
					class = a.Val
				case "data-step":
					step = a.Val
				}
			}
			if strings.HasPrefix(class, "bar ") {
				out = append(out, step)
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return out
}

// TestHTMLReports writes the HTML report of real runs (a pass over every
// protocol, a failure with transcripts and Hide IDs, the environment
// check), checks that the waterfall has one bar per step in the report's
// order, and validates every page with the W3C Nu checker (and HTML Tidy
// when it is installed).
func TestHTMLReports(t *testing.T) {
	dir := t.TempDir()
	ok := startSim(t, simulate.Options{})
	fail := startSim(t, simulate.Options{Scenario: "smtp-auth-disabled", Latency: 5 * 1e6})
	runs := map[string][]string{
		"pass.html":        append(simArgs(ok), "--secret-env", "MAILOAUTH_SECRET", "--protocols", "imap,pop,smtp,graph"),
		"fail.html":        append(simArgs(fail), "--secret-env", "S2", "--verbose", "--hide-ids"),
		"environment.html": append([]string{"check", "--env"}, simArgs(ok)[7:]...),
	}
	var pages []string
	for name, args := range runs {
		path := filepath.Join(dir, name)
		c := cli{env: map[string]string{"MAILOAUTH_SECRET": ok.ClientSecret, "S2": fail.ClientSecret}}
		_, out, errOut := c.run(t, append(args, "--report", path, "--json")...)
		rep := decodeReport(t, out)
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%s: %v\n%s", name, err, errOut)
		}
		var want []string
		for _, s := range rep.Steps {
			want = append(want, s.Name)
		}
		if got := barSteps(t, string(b)); strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("%s: waterfall bars %v, want one per step in the report's order %v", name, got, want)
		}
		pages = append(pages, path)
	}
	java, jerr := exec.LookPath("java")
	jar := vnuJar()
	if _, err := os.Stat(jar); jerr != nil || err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("the W3C Nu HTML checker is not installed (java %v, %s): .ci/run installs the npm package vnu-jar", jerr, jar)
		}
		t.Skipf("no HTML validator here (java: %v; %s missing): npm install vnu-jar as .ci/run does, or set VNU_JAR", jerr, jar)
	}
	// --Werror: a warning fails too. The checker exits non-zero on any.
	out, err := exec.Command(java, append([]string{"-jar", jar, "--Werror", "--format", "text"}, pages...)...).CombinedOutput()
	if err != nil {
		t.Errorf("the Nu HTML checker finds problems (%v):\n%s", err, out)
	}
	if tidy, err := exec.LookPath("tidy"); err == nil {
		for _, p := range pages {
			if out, err := exec.Command(tidy, "-q", "-e", p).CombinedOutput(); err != nil {
				t.Errorf("tidy %s: %v\n%s", filepath.Base(p), err, out)
			}
		}
	}
}
