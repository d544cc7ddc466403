package profile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCarelessInput: each value a careless paste or a hostile script can
// put in a field is an error of that field, before any network traffic,
// and the message never repeats a password or a user name and password
// pasted into an address.
func TestCarelessInput(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big.pem")
	if err := os.WriteFile(big, make([]byte, MaxFileSize+1), 0o600); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "fifo.pem")
	hasFIFO := mkfifo(t, fifo)
	const pw = "Hunter2Pass"
	tests := []struct {
		name, field, want string
		edit              func(*Profile)
	}{
		{"host with space", FieldIMAPHost, "spaces", func(p *Profile) { p.IMAPHost = "outlook office365.com:993" }},
		{"host with tab", FieldPOPHost, "spaces", func(p *Profile) { p.POPHost = "outlook\toffice365.com:995" }},
		{"host with control", FieldSMTPHost, "control", func(p *Profile) { p.SMTPHost = "smtp\x1b[2J.office365.com:587" }},
		{"host with star", FieldIMAPHost, "wildcard", func(p *Profile) { p.IMAPHost = "*.office365.com:993" }},
		{"host with empty port", FieldIMAPHost, "no port", func(p *Profile) { p.IMAPHost = "127.0.0.1:" }},
		{"host with double dot", FieldSMTPHost, "empty part", func(p *Profile) { p.SMTPHost = "smtp..office365.com:587" }},
		{"host with userinfo", FieldIMAPHost, "user name or password", func(p *Profile) { p.IMAPHost = "admin:" + pw + "@outlook.office365.com:993" }},
		{"authority without host", FieldAuthority, "no host", func(p *Profile) { p.AuthorityHost = "https://:443" }},
		{"authority empty port", FieldAuthority, "no port", func(p *Profile) { p.AuthorityHost = "https://login.microsoftonline.com:" }},
		{"authority with userinfo", FieldAuthority, "user name or password", func(p *Profile) { p.AuthorityHost = "https://admin:" + pw + "@login.microsoftonline.com" }},
		{"authority userinfo, bad escape", FieldAuthority, "user name or password", func(p *Profile) { p.AuthorityHost = "https://admin:" + pw + "%zz@login" }},
		{"authority with space", FieldAuthority, "spaces", func(p *Profile) { p.AuthorityHost = "https://login microsoftonline.com" }},
		{"authority with star", FieldAuthority, "wildcard", func(p *Profile) { p.AuthorityHost = "https://*.microsoftonline.com" }},
		{"authority with query", FieldAuthority, "path", func(p *Profile) { p.AuthorityHost = "https://login.microsoftonline.com?x=1" }},
		{"graph with userinfo", FieldGraphURL, "user name or password", func(p *Profile) { p.GraphURL = "https://admin:" + pw + "@graph.microsoft.com" }},
		{"redirect with userinfo", FieldRedirectURI, "user name or password", func(p *Profile) {
			p.Flow, p.RedirectURI = AuthCode, "https://admin:"+pw+"@ece.contoso.com/cb"
		}},
		{"mailbox local part too long", FieldMailbox, "64", func(p *Profile) { p.Mailbox = strings.Repeat("a", 10000) + "@contoso.com" }},
		{"mailbox too long", FieldMailbox, "254", func(p *Profile) {
			p.Mailbox = strings.Repeat("a", 60) + "@" + strings.Repeat(strings.Repeat("b", 60)+".", 4) + "com"
		}},
		{"mailbox with control", FieldMailbox, "control", func(p *Profile) { p.Mailbox = "sup\x1bport@contoso.com" }},
		{"user local part too long", FieldUser, "64", func(p *Profile) { p.User = strings.Repeat("u", 65) + "@contoso.com" }},
		{"secret with CR inside", FieldSecret, "control character inside", func(p *Profile) { p.ClientSecret = "Xy8Q~abc\rdefghijklmnopqrstuvwxyz0123" }},
		{"password with CR at the end", FieldPassword, "Windows line ending", func(p *Profile) { p.Flow, p.Password = AppPassword, pw+"\r" }},
		{"password with LF inside", FieldPassword, "control character inside", func(p *Profile) { p.Flow, p.Password = Password, pw+"\nDELE 1" }},
		{"password with NUL", FieldPassword, "control character", func(p *Profile) { p.Flow, p.Password = AppPassword, "a\x00"+pw }},
		{"cert password with CRLF", FieldCertPassword, "Windows line ending", func(p *Profile) { p.CertPassword = pw + "\r\n" }},
		{"CA file is a device", FieldCAFile, "not a regular file", func(p *Profile) { p.CAFile = os.DevNull }},
		{"CA file too big", FieldCAFile, "the limit is 1 MB", func(p *Profile) { p.CAFile = big }},
		{"cert is a device", FieldCert, "not a regular file", func(p *Profile) { p.ClientSecret, p.CertFile = "", os.DevNull }},
		{"cert too big", FieldCert, "the limit is 1 MB", func(p *Profile) { p.ClientSecret, p.CertFile = "", big }},
	}
	if hasFIFO {
		tests = append(tests, struct {
			name, field, want string
			edit              func(*Profile)
		}{"CA file is a named pipe", FieldCAFile, "not a regular file", func(p *Profile) { p.CAFile = fifo }},
			struct {
				name, field, want string
				edit              func(*Profile)
			}{"cert is a named pipe", FieldCert, "not a regular file", func(p *Profile) { p.ClientSecret, p.CertFile = "", fifo }})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := valid()
			tt.edit(&p)
			p = Normalize(p)
			ps := Validate(p).Errors().For(tt.field)
			if len(ps) == 0 {
				t.Fatalf("no error for %s; all problems: %v", tt.field, Validate(p))
			}
			if !strings.Contains(ps[0].Message, tt.want) {
				t.Errorf("message = %q, want it to say %q", ps[0].Message, tt.want)
			}
			for _, pr := range Validate(p) {
				if strings.Contains(pr.String(), pw) || strings.Contains(pr.String(), "\x1b") || len(pr.String()) > 600 {
					t.Errorf("problem shows a password, a raw escape or a huge value: %.200q", pr.String())
				}
			}
		})
	}
}

// TestReadFile: only a small regular file is read; a named pipe, a device
// or a huge file is refused at once.
func TestReadFile(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "ca.pem")
	os.WriteFile(good, []byte("-----BEGIN CERTIFICATE-----\n"), 0o600)
	if b, err := ReadFile(good); err != nil || len(b) == 0 {
		t.Errorf("ReadFile(regular) = %d bytes, %v", len(b), err)
	}
	if _, err := ReadFile("/dev/zero"); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("ReadFile(/dev/zero) = %v", err)
	}
	if fifo := filepath.Join(dir, "fifo"); mkfifo(t, fifo) {
		// No writer ever opens the pipe: a blocking open would hang here.
		if _, err := ReadFile(fifo); err == nil || !strings.Contains(err.Error(), "not a regular file") {
			t.Errorf("ReadFile(fifo) = %v", err)
		}
	}
}

// TestShortSecretPastedIntoAnotherFieldIsMasked: masking does not depend on
// the secret's length.
func TestShortSecretPastedIntoAnotherFieldIsMasked(t *testing.T) {
	p := valid()
	p.Flow, p.Password, p.Mailbox = AppPassword, "pw1", "pw1"
	for _, pr := range Validate(Normalize(p)) {
		if strings.Contains(pr.String(), `"pw1"`) {
			t.Errorf("problem quotes the password: %s", pr)
		}
	}
}
