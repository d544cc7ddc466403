package profile

// FlowSpec is one row of the flow table: what a sign-in flow needs from
// the user and how it gets its token. The engine, validation, the CLI and
// the window read it; adding a flow is one row here and its constructor in
// core/auth.
type FlowSpec struct {
	Flow    Flow
	Title   string // display name
	Explain string // one line: when to use it
	// Fields are the profile fields the flow uses, in the form's order.
	Fields []string
	// OAuth is false for the flow that logs in without a token.
	OAuth bool
	// Delegated flows sign a user in; their tokens carry scopes.
	Delegated bool
	// PersonWaits: the sign-in waits for a person (a browser, a device
	// code, a pasted address). Mail connections are opened after it (they
	// would time out while the person signs in), and the run's time limit
	// grows by the person's time.
	PersonWaits bool
	// SignIn names the core/auth constructor that gets the token
	// (auth.New); "" for the flow without a token.
	SignIn string
	// PastePrompt, when set, is what the user is asked while the browser
	// sign-in waits: the flow can take what the browser shows (an error
	// page's text, or the address it landed on).
	PastePrompt string
}

// Uses reports whether the flow uses the profile field.
func (s FlowSpec) Uses(field string) bool {
	for _, f := range s.Fields {
		if f == field {
			return true
		}
	}
	return false
}

// Flows is the flow table, in the order the flows are shown.
var Flows = []FlowSpec{
	{
		Flow: ClientCredentials, Title: "App-only (client credentials)",
		Explain: "Unattended services (Sytel Softdial, eCASE): the app's own identity with Exchange application permissions, admin consent, an Exchange service principal and mailbox permission.",
		Fields:  []string{FieldTenant, FieldClientID, FieldSecret, FieldCert, FieldCertPassword, FieldMailbox},
		OAuth:   true, SignIn: "client-credentials",
	},
	{
		Flow: Interactive, Title: "Browser sign-in (delegated)",
		Explain: "A person signs in in the browser; the app gets delegated IMAP/POP/SMTP permissions for that user (and mailboxes shared with them).",
		Fields:  []string{FieldTenant, FieldClientID, FieldMailbox, FieldUser, FieldRedirectURI},
		OAuth:   true, Delegated: true, PersonWaits: true, SignIn: "interactive",
		PastePrompt: "Sign in in the browser. If it shows an error instead of coming back here, paste the error text.",
	},
	{
		Flow: DeviceCode, Title: "Device code (delegated)",
		Explain: "Sign in on another device or browser with a short code; for admins who cannot register redirect URIs, and for machines without a browser.",
		Fields:  []string{FieldTenant, FieldClientID, FieldMailbox, FieldUser},
		OAuth:   true, Delegated: true, PersonWaits: true, SignIn: "device-code",
	},
	{
		Flow: AuthCode, Title: "Authorization code with web redirect",
		Explain: "Products with a web redirect URI and a client secret (Cisco ECE, XCALLY): the code comes back to the redirect address, or you paste it here.",
		Fields:  []string{FieldTenant, FieldClientID, FieldSecret, FieldCert, FieldCertPassword, FieldRedirectURI, FieldMailbox, FieldUser},
		OAuth:   true, Delegated: true, PersonWaits: true, SignIn: "auth-code",
		PastePrompt: "Sign in in the browser. If it does not come back here by itself, paste the address the browser shows after sign-in (or just the code, or the error text).",
	},
	{
		Flow: Password, Title: "Username + password (ROPC)",
		Explain: "Legacy products that send a user name and password for a token. Microsoft discourages it: MFA, federation and Conditional Access break it.",
		Fields:  []string{FieldTenant, FieldClientID, FieldMailbox, FieldUser, FieldPassword},
		OAuth:   true, Delegated: true, SignIn: "password",
	},
	{
		Flow: AppPassword, Title: "App password / basic auth (no OAuth)",
		Explain: "Plain IMAP/POP/SMTP login with a password or app password: tests Gmail/Outlook.com app passwords, and proves basic auth is off in Microsoft 365.",
		Fields:  []string{FieldProvider, FieldMailbox, FieldPassword},
	},
}

// LookupFlow returns the flow's row.
func LookupFlow(f Flow) (FlowSpec, bool) {
	for _, s := range Flows {
		if s.Flow == f {
			return s, true
		}
	}
	return FlowSpec{}, false
}
