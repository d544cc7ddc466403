package simulate

import (
	"crypto/rsa"
	"slices"
	"strings"
	"sync"
	"time"
)

// directory is the simulated tenant's one source of truth: the State a
// scenario edits, behind one lock, and the decisions the services ask of
// it — may this token open this mailbox over this protocol, what may this
// Graph request see, which messages does a mailbox hold. The services keep
// no state of their own between requests: Exchange's mail servers
// (exchange.go) and Microsoft Graph (graph.go) see the directory only
// through their small interfaces (mailDirectory, graphDirectory), and
// Entra ID's endpoints are the Tenant's own handlers on it. A scenario, or
// a test's Tenant.Update, changes the directory; every service sees the
// change with its next request.
//
// The directory is made for many mailboxes: each mailbox carries its own
// state (licensed, IMAP/POP/SMTP AUTH on), each app its own FullAccess
// list, each user their own FullAccess and Send As lists, so a tenant of
// hundreds of mailboxes each configured differently is a matter of
// AddMailbox and the Grant methods.
type directory struct {
	mu       sync.Mutex
	state    *State
	scenario string
	// issued are the access tokens issued so far (IssuedTokens).
	issued []string
	// rejections are the last refusal's reasons per protocol.
	rejections map[string]string
	// grants are the delegated flows' codes, device codes and refresh
	// tokens; they survive SetScenario like tokens survive a portal change.
	grants grantStore
	now    func() time.Time
	cloud  *cloudProfile
	// verify checks the authority's signature on the tokens presented.
	verify *rsa.PublicKey
}

// inbox returns a copy of the mailbox's INBOX, or nil.
func (t *directory) inbox(address string) []Message {
	t.mu.Lock()
	defer t.mu.Unlock()
	if mb := t.state.mailbox(address); mb != nil {
		return slices.Clone(mb.Inbox)
	}
	return nil
}

// recordSent counts a message the mailbox submitted over SMTP.
func (t *directory) recordSent(address string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if mb := t.state.mailbox(address); mb != nil {
		mb.Sent++
	}
}

// smtpBasic is how SMTP AUTH refuses a password login (Directory.SMTPBasic).
func (t *directory) smtpBasic() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.state.Directory.SMTPBasic
}

// legacyTLS reports whether a device that speaks only TLS 1.0/1.1 stands in
// front of the mail servers (State.LegacyTLS).
func (t *directory) legacyTLS() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.state.LegacyTLS
}

// MailboxSpec describes a mailbox to add to the directory. The zero value
// of the switches is the working default: licensed, every protocol on.
type MailboxSpec struct {
	Address string
	// Shared makes a shared mailbox: its user account cannot sign in.
	Shared bool
	// Unlicensed leaves the user without an Exchange Online mailbox.
	Unlicensed bool
	// IMAPOff, POPOff and SMTPAuthOff turn the protocols off
	// (Set-CASMailbox).
	IMAPOff, POPOff, SMTPAuthOff bool
}

// AddMailbox adds a mailbox and its user account (disabled for a shared
// mailbox), with the sample inbox, and returns it. Permissions on it are
// granted with App.GrantFullAccess and User.GrantFullAccess/GrantSendAs.
func (s *State) AddMailbox(m MailboxSpec, now time.Time) *Mailbox {
	key := strings.ToLower(m.Address)
	mb := &Mailbox{Address: m.Address, ObjectID: newGUID(), ExchangeOnline: !m.Unlicensed,
		IMAPEnabled: !m.IMAPOff, POPEnabled: !m.POPOff, SMTPAuthEnabled: !m.SMTPAuthOff,
		Inbox: sampleMessages(m.Address, now), Shared: m.Shared}
	s.Mailboxes[key] = mb
	if s.Users == nil {
		s.Users = map[string]*User{}
	}
	s.Users[key] = &User{UPN: m.Address, DisplayName: m.Address, ObjectID: mb.ObjectID, Mailbox: m.Address, Disabled: m.Shared,
		Consented: map[string][]string{}, FullAccess: map[string]bool{}, SendAs: map[string]bool{}}
	return mb
}

// GrantFullAccess gives the app's Exchange service principal FullAccess on
// the mailboxes (Add-MailboxPermission -User <service principal>).
func (a *App) GrantFullAccess(addresses ...string) {
	if a.FullAccess == nil {
		a.FullAccess = map[string]bool{}
	}
	for _, addr := range addresses {
		a.FullAccess[strings.ToLower(addr)] = true
	}
}

// GrantFullAccess gives the user FullAccess on the mailboxes.
func (u *User) GrantFullAccess(addresses ...string) {
	if u.FullAccess == nil {
		u.FullAccess = map[string]bool{}
	}
	for _, addr := range addresses {
		u.FullAccess[strings.ToLower(addr)] = true
	}
}

// GrantSendAs gives the user Send As on the mailboxes
// (Add-RecipientPermission -AccessRights SendAs).
func (u *User) GrantSendAs(addresses ...string) {
	if u.SendAs == nil {
		u.SendAs = map[string]bool{}
	}
	for _, addr := range addresses {
		u.SendAs[strings.ToLower(addr)] = true
	}
}
