package store

import (
	"bytes"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/mailoauth/mailoauth-tester/core/profile"
)

// Secrets of the kinds a run holds; none may reach a profile file.
const (
	clientSecret = "Xy8Q~abcdefghijklmnopqrstuvwxyz012345678"
	certPassword = "pfx-Password-4711!"
	userPassword = "Summer2026!user-pw"
	jwt          = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL291dGxvb2sub2ZmaWNlMzY1LmNvbSJ9.c2lnbmF0dXJl"
)

// fullProfile is a run input with every field set, secrets included.
func fullProfile() profile.Profile {
	return profile.Profile{
		Tenant: "contoso.onmicrosoft.com", ClientID: "11111111-2222-3333-4444-555555555555",
		ClientSecret: clientSecret, CertFile: `C:\certs\app.pfx`, CertPassword: certPassword,
		Mailbox: "support@contoso.com", User: "agent@contoso.com", Password: userPassword,
		RedirectURI: "https://app.contoso.com/callback", Provider: "microsoft365",
		Scopes: []string{"https://outlook.office365.com/IMAP.AccessAsUser.All"},
		Flow:   profile.AuthCode, Protocols: []profile.Protocol{profile.IMAP, profile.SMTP}, Mechanism: profile.OAUTHBEARER,
		Cloud: "usgov", AuthorityHost: "https://login.microsoftonline.us", IMAPHost: "outlook.office365.us:993",
		POPHost: "outlook.office365.us:995", SMTPHost: "smtp.office365.us:587", GraphURL: "https://graph.microsoft.us",
		CAFile: "/etc/ssl/corp.pem", Timeout: 45 * time.Second, Preset: "xcally-motion",
	}
}

func tempStore(t *testing.T) *Store {
	t.Helper()
	return Open(filepath.Join(t.TempDir(), "mailoauth", "profiles"))
}

// TestNoSecretIsWritten: a profile made from a run full of secrets holds
// none of them, in memory, in the file, or in an export.
func TestNoSecretIsWritten(t *testing.T) {
	s := tempStore(t)
	p := FromProfile("Contoso", fullProfile())
	p.Proxy = "https://alice@proxy.contoso.com:8443"
	if err := s.Save(p); err != nil {
		t.Fatal(err)
	}
	file, err := os.ReadFile(s.path("Contoso"))
	if err != nil {
		t.Fatal(err)
	}
	var exported bytes.Buffer
	if err := s.Export("contoso", &exported); err != nil {
		t.Fatal(err)
	}
	inMemory, _ := json.Marshal(p)
	for _, out := range [][]byte{file, exported.Bytes(), inMemory} {
		for _, sec := range []string{clientSecret, certPassword, userPassword, "Xy8Q~", "Summer2026"} {
			if bytes.Contains(out, []byte(sec)) {
				t.Errorf("profile output contains the secret %q:\n%s", sec, out)
			}
		}
	}
	if !bytes.Equal(file, exported.Bytes()) {
		t.Error("the exported file differs from the stored one")
	}
	// The type itself has no place for one.
	ty := reflect.TypeOf(Profile{})
	for i := range ty.NumField() {
		name := strings.ToLower(ty.Field(i).Name)
		for _, w := range []string{"secret", "password", "token"} {
			if strings.Contains(name, w) && name != "remembersecrets" {
				t.Errorf("Profile has a field %s", ty.Field(i).Name)
			}
		}
	}
}

// TestRoundTrip: save → load → the same run input as the flags, less the
// secrets.
func TestRoundTrip(t *testing.T) {
	s := tempStore(t)
	in := fullProfile()
	if err := s.Save(FromProfile("Contoso GCC High", in)); err != nil {
		t.Fatal(err)
	}
	got, err := s.Get("contoso gcc high")
	if err != nil {
		t.Fatal(err)
	}
	want := in
	want.ClientSecret, want.CertPassword, want.Password = "", "", ""
	if !reflect.DeepEqual(got.ToProfile(), want) {
		t.Errorf("ToProfile() =\n%+v\nwant\n%+v", got.ToProfile(), want)
	}
	if got.Name != "Contoso GCC High" {
		t.Errorf("Name = %q, want the case it was saved with", got.Name)
	}
}

func TestFilePermissions(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Windows protects %AppData% by ACL, not file modes")
	}
	s := tempStore(t)
	if err := s.Save(Profile{Name: "a", Tenant: "contoso.com"}); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]fs.FileMode{s.Dir(): 0o700, s.path("a"): 0o600} {
		st, err := os.Stat(path)
		if err != nil || st.Mode().Perm() != want {
			t.Errorf("%s: mode %v, %v; want %v", path, st.Mode().Perm(), err, want)
		}
	}
	entries, _ := os.ReadDir(s.Dir())
	if len(entries) != 1 {
		t.Errorf("folder holds %d entries, want 1 (no temporary file left)", len(entries))
	}
}

func TestListGetDelete(t *testing.T) {
	s := tempStore(t)
	if ps, err := s.List(); err != nil || len(ps) != 0 {
		t.Fatalf("List() on a missing folder = %v, %v", ps, err)
	}
	for _, n := range []string{"zeta", "Alpha", "beta (test)"} {
		if err := s.Save(Profile{Name: n, Tenant: n + ".example"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Save(Profile{Name: "ALPHA", Tenant: "replaced.example"}); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(s.Dir(), "broken.json"), []byte("{"), 0o600)
	ps, err := s.List()
	var names []string
	for _, p := range ps {
		names = append(names, p.Name+"="+p.Tenant)
	}
	if got := strings.Join(names, ","); got != "ALPHA=replaced.example,beta (test)=beta (test).example,zeta=zeta.example" {
		t.Errorf("List() = %s", got)
	}
	var fe *FileError
	if !errors.As(err, &fe) || !strings.Contains(fe.Path, "broken.json") {
		t.Errorf("List() error = %v, want the broken file named", err)
	}
	if err := s.Delete("Zeta"); err != nil {
		t.Fatal(err)
	}
	var nf *NotFoundError
	if _, err := s.Get("zeta"); !errors.As(err, &nf) {
		t.Errorf("Get(deleted) = %v, want *NotFoundError", err)
	}
	if err := s.Delete("zeta"); !errors.As(err, &nf) {
		t.Errorf("Delete(deleted) = %v, want *NotFoundError", err)
	}
}

func TestSaveRefuses(t *testing.T) {
	tests := []struct {
		name, field string
		p           Profile
	}{
		{"empty name", "name", Profile{}},
		{"path in name", "name", Profile{Name: "../evil"}},
		{"reserved name", "name", Profile{Name: "con"}},
		{"long name", "name", Profile{Name: strings.Repeat("a", 65)}},
		{"secret pasted into client ID", "client-id", Profile{Name: "a", ClientID: clientSecret}},
		{"token pasted into tenant", "tenant", Profile{Name: "a", Tenant: jwt}},
		{"secret in a scope", "scope", Profile{Name: "a", Scopes: []string{"x", clientSecret}}},
		{"form secret in redirect URI", "redirect-uri", Profile{Name: "a", RedirectURI: "https://x/?client_secret=abcdefgh"}},
		{"proxy password", "proxy", Profile{Name: "a", Proxy: "https://alice:" + userPassword + "@proxy:8443"}},
		{"mail proxy password", "mail-proxy", Profile{Name: "a", MailProxy: "socks5://alice:" + userPassword + "@s:1080"}},
		{"bad timeout", "timeout", Profile{Name: "a", Timeout: "soon"}},
	}
	s := tempStore(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := s.Save(tt.p)
			var fe *FieldError
			if !errors.As(err, &fe) || fe.Field != tt.field || fe.Fix == "" {
				t.Fatalf("Save() = %v, want a *FieldError for %s", err, tt.field)
			}
			for _, sec := range []string{clientSecret, userPassword, jwt} {
				if strings.Contains(err.Error(), sec) {
					t.Errorf("error repeats a secret: %v", err)
				}
			}
		})
	}
	if entries, _ := os.ReadDir(s.Dir()); len(entries) != 0 {
		t.Errorf("refused saves left %d files", len(entries))
	}
}

func TestExportImport(t *testing.T) {
	a, b := tempStore(t), tempStore(t)
	orig := FromProfile("Contoso", fullProfile())
	orig.CertThumbprint = "0123456789ABCDEF0123456789ABCDEF01234567"
	orig.MailProxy = "socks5://127.0.0.1:1080"
	orig.RememberSecrets = true
	if err := a.Save(orig); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := a.Export("Contoso", &buf); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	got, err := b.Import(bytes.NewReader(data), "", false)
	if err != nil || !reflect.DeepEqual(got, orig) {
		t.Fatalf("Import() = %+v, %v", got, err)
	}
	var ee *ExistsError
	if _, err := b.Import(bytes.NewReader(data), "", false); !errors.As(err, &ee) {
		t.Errorf("Import() twice = %v, want *ExistsError", err)
	}
	if _, err := b.Import(bytes.NewReader(data), "", true); err != nil {
		t.Errorf("Import(overwrite) = %v", err)
	}
	if p, err := b.Import(bytes.NewReader(data), "Contoso copy", false); err != nil || p.Name != "Contoso copy" {
		t.Errorf("Import(rename) = %+v, %v", p, err)
	}
}

func TestImportRefuses(t *testing.T) {
	doc := func(profileJSON string) string {
		return `{"format":"mailoauth-profile","version":1,"profile":` + profileJSON + `}`
	}
	tests := []struct{ name, file, want string }{
		{"not JSON", "hello", "not JSON"},
		{"other format", `{"format":"something","version":1,"profile":{}}`, "not a Mail OAuth Tester profile"},
		{"newer version", `{"format":"mailoauth-profile","version":2,"profile":{"name":"a"}}`, "newer version"},
		{"no profile", `{"format":"mailoauth-profile","version":1}`, "missing"},
		{"secret key", doc(`{"name":"a","client-secret":"x"}`), `"client-secret": profiles never hold secrets`},
		{"password key", doc(`{"name":"a","password":"x"}`), "never hold secrets"},
		{"unknown key", doc(`{"name":"a","colour":"blue"}`), `unknown key "colour"`},
		{"wrong type", doc(`{"name":"a","protocols":"imap"}`), "wrong type"},
		{"secret value", doc(`{"name":"a","tenant":"` + clientSecret + `"}`), "shaped like a secret"},
		{"bad name", doc(`{"name":"a/b"}`), "contains '/'"},
		{"too large", doc(`{"name":"a","tenant":"` + strings.Repeat("x", maxFileSize) + `"}`), "larger than"},
	}
	s := tempStore(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.Import(strings.NewReader(tt.file), "", false)
			if err == nil || !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), clientSecret) {
				t.Errorf("Import() = %v, want an error containing %q", err, tt.want)
			}
		})
	}
	bom := "\xef\xbb\xbf" + doc(`{"name":"from notepad","tenant":"contoso.com"}`)
	if _, err := s.Import(strings.NewReader(bom), "", false); err != nil {
		t.Errorf("Import(with BOM) = %v", err)
	}
}

// TestResolve: flags override the profile, the profile overrides the
// environment defaults, and Origins says which won.
func TestResolve(t *testing.T) {
	env := map[string]string{
		"MAILOAUTH_TENANT": "env-tenant.example", "MAILOAUTH_CLIENT_ID": "env-client",
		"MAILOAUTH_MAILBOX": "env@example.com", "MAILOAUTH_PROTOCOLS": "imap, pop",
		"MAILOAUTH_CLIENT_SECRET": clientSecret, // not a profile key: never read
	}
	saved := &Profile{Name: "contoso", Tenant: "profile-tenant.example", ClientID: "profile-client", RememberSecrets: true}
	flags := Profile{Tenant: "flag-tenant.example"}
	got, origins := Resolve(func(k string) string { return env[k] }, saved, flags)
	want := Profile{Name: "contoso", Tenant: "flag-tenant.example", ClientID: "profile-client", Mailbox: "env@example.com",
		Protocols: []string{"imap", "pop"}, RememberSecrets: true}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Resolve() = %+v, want %+v", got, want)
	}
	wantOrigins := Origins{"tenant": "flag", "client-id": "profile contoso", "mailbox": "environment MAILOAUTH_MAILBOX",
		"protocols": "environment MAILOAUTH_PROTOCOLS", "remember-secrets": "profile contoso"}
	if !reflect.DeepEqual(origins, wantOrigins) {
		t.Errorf("Origins = %v, want %v", origins, wantOrigins)
	}
	if got, _ := Resolve(func(k string) string { return env[k] }, nil, Profile{}); got.Tenant != "env-tenant.example" {
		t.Errorf("without profile and flags, tenant = %q, want the environment's", got.Tenant)
	}
	// Merge copies lists: changing the result leaves the layers alone.
	got.Protocols[0] = "changed"
	if _, o := Resolve(func(k string) string { return env[k] }, nil, Profile{}); o["protocols"] == "" {
		t.Error("protocols lost")
	}
}

func TestEnvVars(t *testing.T) {
	vars := strings.Join(EnvVars(), " ")
	for _, v := range []string{"MAILOAUTH_TENANT", "MAILOAUTH_CLIENT_ID", "MAILOAUTH_MAILBOX", "MAILOAUTH_CERT_THUMBPRINT", "MAILOAUTH_PROXY", "MAILOAUTH_MAIL_PROXY", "MAILOAUTH_REDIRECT_URI"} {
		if !strings.Contains(vars, v) {
			t.Errorf("EnvVars() lacks %s: %s", v, vars)
		}
	}
	for _, bad := range []string{"SECRET", "PASSWORD", "REMEMBER", "MAILOAUTH_NAME"} {
		if strings.Contains(vars, bad) {
			t.Errorf("EnvVars() has %s: %s", bad, vars)
		}
	}
}
