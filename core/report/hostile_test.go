package report

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	gmhtml "github.com/yuin/goldmark/renderer/html"

	"github.com/mailoauth/mailoauth-tester/core/diagnose"
	"github.com/mailoauth/mailoauth-tester/core/engine"
	"github.com/mailoauth/mailoauth-tester/core/probe"
)

// allRenderings renders res every way a report leaves the program.
func allRenderings(t *testing.T, res *engine.Result, o Options) map[string]string {
	t.Helper()
	b, err := JSON(res, o)
	if err != nil {
		t.Fatal(err)
	}
	return map[string]string{"json": string(b), "text": Text(res, o), "markdown": Markdown(res, o), "html": HTML(res, o)}
}

// TestEveryInputFieldIsRedacted: each field of the input, whatever it
// holds, passes through the one redaction in every rendering.
func TestEveryInputFieldIsRedacted(t *testing.T) {
	typ := reflect.TypeOf(engine.Input{})
	for i := range typ.NumField() {
		f := typ.Field(i)
		t.Run(f.Name, func(t *testing.T) {
			res := sample()
			v := reflect.ValueOf(&res.Input).Elem().Field(i)
			switch f.Type.Kind() {
			case reflect.String:
				v.SetString("x " + sec + " y")
			case reflect.Slice:
				v.Set(reflect.ValueOf([]string{"x " + sec + " y"}))
			default:
				return
			}
			for name, out := range allRenderings(t, res, Options{Scrubber: scrubber()}) {
				if strings.Contains(out, sec) {
					t.Errorf("%s shows the secret put in Input.%s", name, f.Name)
				}
			}
		})
	}
}

// TestHideIDsCoversEveryIdentity: with Hide IDs, no GUID and no local part
// of any address is left — the mailbox, the sign-in user, the account that
// really signed in, a shared mailbox's delegate — even when the caller
// lists none of them.
func TestHideIDsCoversEveryIdentity(t *testing.T) {
	res := sample()
	res.Input.User = "agent.smith@contoso.com"
	res.Input.RedirectURI = "https://ece.contoso.com/cb?tenant=" + tenant
	res.Steps[0].Detail = "access token for signed.in.person@contoso.com eyJ…(1200 chars)"
	res.Steps[1].Messages = []string{"tid " + tenant + " oid 0d1f4f1e-7c2b-4a5e-9f3a-2b1c0d9e8f7a"}
	for name, out := range allRenderings(t, res, Options{Scrubber: scrubber(), HideIDs: true, Transcripts: true}) {
		for _, id := range []string{"agent.smith", "signed.in.person", "support@", tenant, client, "0d1f4f1e-7c2b"} {
			if strings.Contains(out, id) {
				t.Errorf("%s with Hide IDs shows %q", name, id)
			}
		}
		if !strings.Contains(out, "@contoso.com") {
			t.Errorf("%s lost the domains", name)
		}
	}
}

// hostileResult is a run whose server texts try to become Markdown: close
// the fence, add links, images, HTML and autolinks.
func hostileResult() *engine.Result {
	const attack = "``` </details> [click here](https://evil.example/a) ![x](https://evil.example/i.png) <img src=https://evil.example/j.png> " +
		"<a href=\"https://evil.example/b\">b</a> https://evil.example/c www.evil.example victim@evil.example | x | **bold** _i_ ~~s~~ [ref]: https://evil.example/r"
	d := diagnose.Get("mailbox-auth-rejected", diagnose.Facts{Tenant: tenant, ClientID: client, Mailbox: mailbox, Protocol: "imap"})
	d.Evidence = "NO " + attack + "\n````\n" + attack + "\n```\n" + attack
	d.Cause = "The server said: " + attack + ". " + d.Cause
	return &engine.Result{
		Mode: "check", Started: time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC), Duration: time.Second,
		Verdict: "1 of 1 check failed — IMAP: " + attack,
		Input:   engine.Input{Tenant: tenant, ClientID: client, Mailbox: mailbox, Flow: "client-credentials", Protocols: []string{"imap"}, Cloud: "global", AuthorityHost: "https://login.microsoftonline.com"},
		Steps: []engine.StepResult{{Name: "imap", Title: "IMAP", Status: engine.Fail, Detail: "server rejected the token: " + attack, Diagnosis: &d,
			Transcript: []probe.Line{{Dir: 'S', Text: attack}}}},
	}
}

// TestMarkdownNeverInterpretsServerText renders the Markdown report the way
// a ticket system would (CommonMark with GitHub's extensions: tables,
// autolinks) and checks that the server's text became no link, no image
// and no HTML, and that no fence was closed early.
func TestMarkdownNeverInterpretsServerText(t *testing.T) {
	md := Markdown(hostileResult(), Options{})
	var html bytes.Buffer
	// Raw HTML is rendered, as ticket systems that allow <details> do, so
	// server HTML that got through would show as such.
	gm := goldmark.New(goldmark.WithExtensions(extension.GFM), goldmark.WithRendererOptions(gmhtml.WithUnsafe()))
	if err := gm.Convert([]byte(md), &html); err != nil {
		t.Fatal(err)
	}
	out := html.String()
	for _, bad := range []string{`href="https://evil`, `href="http://www.evil`, `href="mailto:`, "<img", "<a href=\"https://evil", `src="https://evil`, "</details> [click"} {
		if strings.Contains(out, bad) {
			t.Errorf("the rendered report holds %q:\n%s\n\nMarkdown:\n%s", bad, out, md)
		}
	}
	// The server's answer is shown whole, inside one code block.
	if n := strings.Count(out, "<pre><code>"); n < 1 || !strings.Contains(out, "\n````\n") {
		t.Errorf("evidence not kept whole in a code block (%d blocks):\n%s", n, out)
	}
	// The knowledge base's own links stay links.
	if !strings.Contains(out, `href="https://learn.microsoft.com/`) {
		t.Errorf("the catalog's links were lost:\n%s", out)
	}
}

func TestFenceAndCodeSpan(t *testing.T) {
	for _, s := range []string{"plain", "a ``` b", "````", "`x`", "``"} {
		f := fence(s, "")
		open := f[:strings.IndexByte(f, '\n')]
		if longestRun(s, '`') >= len(open) || len(open) < 3 {
			t.Errorf("fence(%q) opens with %q", s, open)
		}
		c := codeSpan(s)
		n := 0
		for n < len(c) && c[n] == '`' {
			n++
		}
		if longestRun(s, '`') >= n {
			t.Errorf("codeSpan(%q) = %q", s, c)
		}
	}
}
