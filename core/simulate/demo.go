package simulate

import "github.com/mailoauth/mailoauth-tester/core/profile"

// Profile returns what a user would type into the tester to test this
// tenant with its client secret: IDs, secret, mailbox, the authority, mail
// hosts and Graph on loopback, the cloud, and the CA file that makes their
// certificates trusted. Every protocol is selected.
//
// The returned ClientSecret is the simulated tenant's secret: worthless
// anywhere else, but a secret all the same — show it only in a password
// field.
func (t *Tenant) Profile() profile.Profile {
	return profile.Profile{
		Cloud:         t.Cloud,
		Tenant:        t.TenantID,
		ClientID:      t.ClientID,
		ClientSecret:  t.ClientSecret,
		Mailbox:       t.Mailbox,
		Flow:          profile.ClientCredentials,
		Protocols:     append([]profile.Protocol(nil), profile.AllProtocols...),
		Mechanism:     profile.XOAUTH2,
		AuthorityHost: t.AuthorityURL,
		IMAPHost:      t.IMAPAddr,
		POPHost:       t.POPAddr,
		SMTPHost:      t.SMTPAddr,
		GraphURL:      t.GraphURL,
		CAFile:        t.CAFile,
	}
}

// ScenarioTitle returns the title of the named scenario, or "" when no
// scenario has that name.
func ScenarioTitle(name string) string {
	if d, err := lookupScenario(name); err == nil {
		return d.Title
	}
	return ""
}
