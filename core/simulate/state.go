package simulate

import (
	"crypto/x509"
	"strings"
	"time"
)

// Resource identifiers the simulated directory knows. A token request for a
// scope "<resource>/.default" with any other resource fails with AADSTS500011.
const (
	ResourceExchange       = "https://outlook.office365.com"
	ResourceExchangeLegacy = "https://outlook.office.com"
	ResourceGraph          = "https://graph.microsoft.com"
)

// Application roles (app-only permissions) the Exchange servers check.
const (
	RoleIMAP = "IMAP.AccessAsApp"
	RolePOP  = "POP.AccessAsApp"
	RoleSMTP = "SMTP.SendAsApp"
)

// State is the simulated directory and mailbox store: one tenant, its app
// registrations and its mailboxes. Scenarios are functions that edit a clean
// baseline State. Delegated flows (users, refresh tokens, device codes, Graph
// data) are meant to slot in as further fields and maps keyed the same way.
//
// A State is guarded by its Tenant's mutex; read or change it only inside
// Tenant.Update. Secret values live in App.Secrets.
type State struct {
	Directory Directory
	// Apps are the app registrations, keyed by lower-case client ID.
	Apps map[string]*App
	// Mailboxes are keyed by lower-case SMTP address.
	Mailboxes map[string]*Mailbox
}

// Directory describes the Entra ID tenant itself.
type Directory struct {
	ID          string // tenant GUID, the tid claim
	Domain      string // initial domain, e.g. contoso-sim.onmicrosoft.com
	DisplayName string // organisation name shown in some AADSTS texts
	// SMTPAuthDisabled mirrors Set-TransportConfig -SmtpClientAuthenticationDisabled $true.
	SMTPAuthDisabled bool
}

// App is one app registration together with its service principal in the
// tenant.
type App struct {
	ClientID    string // application (client) ID
	DisplayName string
	// ServicePrincipalID is the enterprise application's object ID: the oid
	// and sub claims of app-only tokens.
	ServicePrincipalID string
	Enabled            bool
	Secrets            []Secret
	// Certificates are the registered certificate credentials.
	Certificates []*x509.Certificate
	// Roles are the admin-consented application roles per resource URI
	// (ResourceExchange, ResourceGraph, ...). Tokens carry them in "roles".
	Roles map[string][]string
	// ExchangeServicePrincipal is true when the app's service principal was
	// registered in Exchange Online (New-ServicePrincipal).
	ExchangeServicePrincipal bool
	// FullAccess lists the lower-case addresses of mailboxes the Exchange
	// service principal has FullAccess on (Add-MailboxPermission).
	FullAccess map[string]bool
}

// Secret is one client secret of an app registration. Value is secret.
type Secret struct {
	ID      string // the "Secret ID" GUID shown in the portal
	Value   string
	Expires time.Time
}

// Mailbox is an Exchange Online mailbox.
type Mailbox struct {
	Address         string
	IMAPEnabled     bool // Set-CASMailbox -ImapEnabled
	POPEnabled      bool // Set-CASMailbox -PopEnabled
	SMTPAuthEnabled bool // Set-CASMailbox -SmtpClientAuthenticationDisabled $false
	Inbox           []Message
	// Sent counts messages accepted over SMTP from this mailbox.
	Sent int
}

// Message is one message in a mailbox folder.
type Message struct {
	UID  uint32
	Body []byte // RFC 5322 text with CRLF line ends
}

// app returns the registration for clientID, or nil.
func (s *State) app(clientID string) *App {
	return s.Apps[strings.ToLower(clientID)]
}

// mailbox returns the mailbox with the address, or nil.
func (s *State) mailbox(address string) *Mailbox {
	return s.Mailboxes[strings.ToLower(address)]
}

// roles returns the roles granted to app on resource; the legacy Exchange
// resource shares the grants of outlook.office365.com.
func (a *App) roles(resource string) []string {
	if resource == ResourceExchangeLegacy {
		resource = ResourceExchange
	}
	return a.Roles[resource]
}

// identity is what a Tenant prints for the user to paste; it never changes
// after Start. Scenarios edit the State so that some of it stops matching.
type identity struct {
	tenantID, domain, displayName string
	clientID, appName, spID       string
	secretID, secret              string
	mailbox                       string
	cert                          *x509.Certificate // the printed certificate
	otherCert                     *x509.Certificate // same key, different thumbprint
}

// baseline returns the "ok" State for id at time now.
func baseline(id identity, now time.Time) *State {
	app := &App{
		ClientID:           id.clientID,
		DisplayName:        id.appName,
		ServicePrincipalID: id.spID,
		Enabled:            true,
		Secrets: []Secret{{
			ID:      id.secretID,
			Value:   id.secret,
			Expires: now.AddDate(0, 6, 0),
		}},
		Certificates: []*x509.Certificate{id.cert},
		Roles: map[string][]string{
			ResourceExchange: {RoleIMAP, RolePOP, RoleSMTP},
		},
		ExchangeServicePrincipal: true,
		FullAccess:               map[string]bool{strings.ToLower(id.mailbox): true},
	}
	mb := &Mailbox{
		Address:         id.mailbox,
		IMAPEnabled:     true,
		POPEnabled:      true,
		SMTPAuthEnabled: true,
		Inbox:           sampleMessages(id.mailbox, now),
	}
	return &State{
		Directory: Directory{
			ID:          id.tenantID,
			Domain:      id.domain,
			DisplayName: id.displayName,
		},
		Apps:      map[string]*App{strings.ToLower(app.ClientID): app},
		Mailboxes: map[string]*Mailbox{strings.ToLower(mb.Address): mb},
	}
}

// sampleMessages returns the three messages every simulated inbox starts with.
func sampleMessages(to string, now time.Time) []Message {
	subjects := []string{"Welcome to your new mailbox", "Quarterly report", "Lunch on Friday?"}
	msgs := make([]Message, len(subjects))
	for i, subj := range subjects {
		date := now.Add(-time.Duration(len(subjects)-i) * time.Hour).UTC().Format(time.RFC1123Z)
		body := "From: Simulated Sender <sender@fabrikam-sim.example>\r\n" +
			"To: " + to + "\r\n" +
			"Subject: " + subj + "\r\n" +
			"Date: " + date + "\r\n" +
			"Message-ID: <sim-" + string(rune('a'+i)) + "@fabrikam-sim.example>\r\n" +
			"MIME-Version: 1.0\r\n" +
			"Content-Type: text/plain; charset=utf-8\r\n" +
			"\r\n" +
			"This message lives in a simulated Exchange Online mailbox.\r\n" +
			".A line that starts with a dot, to exercise dot-stuffing.\r\n"
		msgs[i] = Message{UID: uint32(i + 1), Body: []byte(body)}
	}
	return msgs
}
