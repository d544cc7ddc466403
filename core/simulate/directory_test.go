package simulate

import (
	"fmt"
	"testing"
	"time"
)

// TestManyMailboxesDirectory: a directory of 250 mailboxes, each with its
// own state, answers every mailbox × protocol as its entry implies — the
// shape issue 13's many-mailbox scenario needs. The decisions are the
// directory's; the servers only ask.
func TestManyMailboxesDirectory(t *testing.T) {
	ten := startTenant(t, Options{})
	const n = 250
	type want struct{ imap, pop, smtp string } // "ok", "refused" or "not-connected"
	wants := map[string]want{}
	now := time.Now()
	ten.Update(func(s *State) {
		app := s.app(ten.ClientID)
		for i := 0; i < n; i++ {
			spec := MailboxSpec{Address: fmt.Sprintf("alias%03d@%s", i, ten.TenantDomain), Shared: i%2 == 0}
			w := want{"ok", "ok", "ok"}
			switch i % 10 {
			case 1: // no FullAccess for the app
				w = want{"refused", "refused", "refused"}
			case 2:
				spec.IMAPOff, w.imap = true, "not-connected"
			case 3:
				spec.POPOff, w.pop = true, "not-connected"
			case 4:
				spec.Unlicensed, w = true, want{"refused", "refused", "refused"}
			case 5:
				spec.SMTPAuthOff, w.smtp = true, "refused"
			}
			s.AddMailbox(spec, now)
			if i%10 != 1 {
				app.GrantFullAccess(spec.Address)
			}
			wants[spec.Address] = w
		}
	})
	ten.mu.Lock()
	tok, err := ten.mintAccessToken(ten.state.app(ten.ClientID), ten.ExchangeResource, "1", now)
	ten.mu.Unlock()
	if err != nil {
		t.Fatal(err)
	}
	outcome := func(d decision) string {
		switch {
		case d.notConnected:
			return "not-connected"
		case d.ok:
			return "ok"
		}
		return "refused"
	}
	for addr, w := range wants {
		got := want{outcome(ten.checkAccess(ProtoIMAP, addr, tok)), outcome(ten.checkAccess(ProtoPOP, addr, tok)), outcome(ten.checkAccess(ProtoSMTP, addr, tok))}
		if got != w {
			t.Errorf("%s: imap/pop/smtp = %+v, want %+v", addr, got, w)
		}
	}
	if len(wants) != n {
		t.Fatalf("%d mailboxes, want %d", len(wants), n)
	}
}

// TestDelegateSendAs: a delegate sends as the mailboxes it has Send As on,
// and only those.
func TestDelegateSendAs(t *testing.T) {
	ten := startTenant(t, Options{})
	now := time.Now()
	ten.Update(func(s *State) {
		for _, a := range []string{"sales", "billing"} {
			s.AddMailbox(MailboxSpec{Address: a + "@" + ten.TenantDomain, Shared: true}, now)
		}
		s.user(ten.DelegateUser).GrantSendAs("sales@" + ten.TenantDomain)
	})
	if !ten.maySendAs("sales@"+ten.TenantDomain, ten.DelegateUser, "sales@"+ten.TenantDomain) {
		t.Error("the delegate may not send as sales although it has Send As")
	}
	if ten.maySendAs("billing@"+ten.TenantDomain, ten.DelegateUser, "billing@"+ten.TenantDomain) {
		t.Error("the delegate may send as billing without Send As")
	}
}
