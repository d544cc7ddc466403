package pop3

import (
	"bufio"
	"errors"
	"net"
	"strings"
	"testing"
	"time"
)

type fakeSASL struct {
	ir       []byte
	got      [][]byte
	nextResp []byte
}

func (f *fakeSASL) Start() (string, []byte, error) { return "XOAUTH2", f.ir, nil }
func (f *fakeSASL) Next(ch []byte) ([]byte, error) {
	f.got = append(f.got, ch)
	return f.nextResp, nil
}

// script runs a fake server: for each expected client line, the replies to send.
func script(t *testing.T, greeting string, steps []struct{ expect, reply string }) *Client {
	t.Helper()
	cli, srv := net.Pipe()
	go func() {
		defer srv.Close()
		r := bufio.NewReader(srv)
		srv.Write([]byte(greeting + "\r\n"))
		for _, s := range steps {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			if got := strings.TrimRight(line, "\r\n"); got != s.expect {
				srv.Write([]byte("-ERR test: unexpected " + got + "\r\n"))
				return
			}
			if s.reply != "" {
				srv.Write([]byte(s.reply + "\r\n"))
			}
		}
	}()
	c := New(cli)
	c.Timeout = 2 * time.Second
	if _, err := c.Greeting(); err != nil {
		t.Fatalf("Greeting() = %v", err)
	}
	return c
}

type step = struct{ expect, reply string }

func TestAuthTwoStepSuccess(t *testing.T) {
	c := script(t, "+OK The Microsoft Exchange POP3 service is ready.", []step{
		{"AUTH XOAUTH2", "+ "},
		{"aXI=", "+OK User successfully authenticated."},
		{"STAT", "+OK 3 1163"},
		{"QUIT", "+OK bye"},
	})
	if err := c.Auth(&fakeSASL{ir: []byte("ir")}); err != nil {
		t.Fatalf("Auth() = %v, want nil", err)
	}
	n, size, err := c.Stat()
	if err != nil || n != 3 || size != 1163 {
		t.Errorf("Stat() = %d, %d, %v; want 3, 1163, nil", n, size, err)
	}
	if err := c.Quit(); err != nil {
		t.Errorf("Quit() = %v", err)
	}
}

func TestAuthRejected(t *testing.T) {
	c := script(t, "+OK ready", []step{
		{"AUTH XOAUTH2", "+ "},
		{"aXI=", "-ERR Authentication failure: unknown user name or bad password."},
	})
	err := c.Auth(&fakeSASL{ir: []byte("ir")})
	var pe *Error
	if !errors.As(err, &pe) || pe.Reply != "-ERR Authentication failure: unknown user name or bad password." {
		t.Fatalf("Auth() = %v, want *Error with the server's line", err)
	}
}

func TestAuthErrorChallengeIsAnswered(t *testing.T) {
	// Dovecot/Gmail style: a base64 JSON challenge after the response; the
	// client must answer (here with an empty line) and then get -ERR.
	c := script(t, "+OK Dovecot ready.", []step{
		{"AUTH XOAUTH2", "+ "},
		{"aXI=", "+ eyJzdGF0dXMiOiI0MDEifQ=="},
		{"", "-ERR [AUTH] Authentication failed."},
	})
	f := &fakeSASL{ir: []byte("ir"), nextResp: []byte{}}
	err := c.Auth(f)
	var pe *Error
	if !errors.As(err, &pe) {
		t.Fatalf("Auth() = %v, want *Error", err)
	}
	if len(f.got) != 1 || string(f.got[0]) != `{"status":"401"}` {
		t.Errorf("Next got %q, want the decoded challenge", f.got)
	}
}

func TestCapaAndMechanisms(t *testing.T) {
	cli, srv := net.Pipe()
	go func() {
		defer srv.Close()
		r := bufio.NewReader(srv)
		srv.Write([]byte("+OK hi\r\n"))
		r.ReadString('\n')
		srv.Write([]byte("+OK\r\nTOP\r\nUIDL\r\nSASL PLAIN XOAUTH2\r\nUSER\r\n.\r\n"))
	}()
	c := New(cli)
	c.Greeting()
	caps, err := c.Capa()
	if err != nil || len(caps) != 4 {
		t.Fatalf("Capa() = %v, %v", caps, err)
	}
	if m := SASLMechanisms(caps); strings.Join(m, " ") != "PLAIN XOAUTH2" {
		t.Errorf("SASLMechanisms() = %v", m)
	}
}

func TestMalformedRepliesAreErrors(t *testing.T) {
	for _, reply := range []string{"* garbage", "+OK", "+OK x y"} {
		c := script(t, "+OK hi", []step{{"STAT", reply}})
		if _, _, err := c.Stat(); err == nil {
			t.Errorf("Stat() with reply %q = nil error", reply)
		}
	}
	cli, srv := net.Pipe()
	go func() { srv.Write([]byte("HTTP/1.1 400 Bad Request\r\n")); srv.Close() }()
	if _, err := New(cli).Greeting(); err == nil {
		t.Error("Greeting() accepted an HTTP reply")
	}
}

// TestNoCommandInjection: a password (or user) with a line break inside
// must not reach the server as a second command.
func TestNoCommandInjection(t *testing.T) {
	for _, pw := range []string{"secret\r\nDELE 1", "secret\nQUIT", "secret\r"} {
		c := script(t, "+OK ready", []step{{"USER a@b.c", "+OK"}, {"PASS secret", "+OK"}, {"DELE 1", "+OK deleted"}})
		if err := c.UserPass("a@b.c", pw); err == nil || !strings.Contains(err.Error(), "line break") {
			t.Errorf("UserPass with %q = %v, want a refusal", pw, err)
		}
	}
}

func TestErrorResponseCode(t *testing.T) {
	tests := []struct{ line, code string }{
		{"-ERR [AUTH] Authentication failure", "AUTH"},
		{"-ERR [SYS/TEMP] try later", "SYS/TEMP"},
		{"-ERR [IN-USE] mailbox locked", "IN-USE"},
		{"-ERR Logon failure: unknown user name or bad password.", ""},
		{"-ERR [not a code] text", ""},
		{"-ERR [AUTH", ""},
	}
	for _, tt := range tests {
		if got := newError("AUTH", tt.line).Code; got != tt.code {
			t.Errorf("newError(%q).Code = %q, want %q", tt.line, got, tt.code)
		}
	}
}
