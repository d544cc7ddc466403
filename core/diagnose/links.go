package diagnose

// Portal blades. Deep links carry the application (client) ID; when it is
// unknown the fallback opens the list the user can pick the app from.
// They open in the Microsoft Entra admin center of the run's cloud ({entra}),
// which takes the same blade paths as the Azure portal.
const (
	appList        = "https://{entra}/#view/Microsoft_AAD_IAM/ActiveDirectoryMenuBlade/~/RegisteredApps"
	enterpriseList = "https://{entra}/#view/Microsoft_AAD_IAM/StartboardApplicationsMenuBlade/~/AppAppsPreview"
)

var (
	lnkSecrets = linkSpec{
		Title:    "App registration → Certificates & secrets",
		URL:      "https://{entra}/#view/Microsoft_AAD_RegisteredApps/ApplicationMenuBlade/~/Credentials/appId/{client}",
		Fallback: appList,
	}
	lnkAPIPermissions = linkSpec{
		Title:    "App registration → API permissions",
		URL:      "https://{entra}/#view/Microsoft_AAD_RegisteredApps/ApplicationMenuBlade/~/CallAnAPI/appId/{client}",
		Fallback: appList,
	}
	lnkAuthentication = linkSpec{
		Title:    "App registration → Authentication",
		URL:      "https://{entra}/#view/Microsoft_AAD_RegisteredApps/ApplicationMenuBlade/~/Authentication/appId/{client}",
		Fallback: appList,
	}
	lnkOverview = linkSpec{
		Title:    "App registration → Overview",
		URL:      "https://{entra}/#view/Microsoft_AAD_RegisteredApps/ApplicationMenuBlade/~/Overview/appId/{client}",
		Fallback: appList,
	}
	lnkAppList    = linkSpec{Title: "App registrations", URL: appList}
	lnkEnterprise = linkSpec{
		Title:    "Enterprise application (service principal)",
		URL:      "https://{entra}/#view/Microsoft_AAD_IAM/ManagedAppMenuBlade/~/Overview/appId/{client}",
		Fallback: enterpriseList,
	}
	lnkAdminConsent = linkSpec{
		Title:    "Grant admin consent (sign in as an administrator)",
		URL:      "https://{authority}/{tenantorgs}/adminconsent?client_id={qclient}",
		Fallback: appList,
	}
	lnkTenantOverview    = linkSpec{Title: "Microsoft Entra ID → Overview (Tenant ID)", URL: "https://{entra}/#view/Microsoft_AAD_IAM/ActiveDirectoryMenuBlade/~/Overview"}
	lnkSignInLogs        = linkSpec{Title: "Microsoft Entra ID → Sign-in logs", URL: "https://{entra}/#view/Microsoft_AAD_IAM/ActiveDirectoryMenuBlade/~/SignIns"}
	lnkCAPolicies        = linkSpec{Title: "Conditional Access → Policies", URL: "https://{entra}/#view/Microsoft_AAD_ConditionalAccess/ConditionalAccessBlade/~/Policies"}
	lnkUsers             = linkSpec{Title: "Microsoft Entra ID → Users", URL: "https://{entra}/#view/Microsoft_AAD_UsersAndTenants/UserManagementMenuBlade/~/AllUsers"}
	lnkEXOMailboxes      = linkSpec{Title: "Exchange admin center → Mailboxes", URL: "{eac:mailboxes}"}
	lnkM365Users         = linkSpec{Title: "Microsoft 365 admin center → Active users", URL: "{m365:users}"}
	lnkM365Subscriptions = linkSpec{Title: "Microsoft 365 admin center → Your products", URL: "{m365:subscriptions}"}
	lnkM365Support       = linkSpec{Title: "Microsoft 365 admin center → Support", URL: "{m365:support}"}
	lnkServiceHealth     = linkSpec{Title: "Microsoft 365 admin center → Service health", URL: "{m365:servicehealth}"}
	lnkEndpoints         = linkSpec{Title: "Microsoft 365 URLs and IP address ranges ({cloud})", URL: "{endpoints}"}
)

// Microsoft documentation, one page per topic.
func doc(title, u string) linkSpec { return linkSpec{Title: title, URL: u} }

var (
	docMailOAuth     = doc("Authenticate an IMAP, POP or SMTP connection using OAuth", "https://learn.microsoft.com/exchange/client-developer/legacy-protocols/how-to-authenticate-an-imap-pop-smtp-application-by-using-oauth")
	docErrorCodes    = doc("Microsoft Entra authentication and authorization error codes", "https://learn.microsoft.com/entra/identity-platform/reference-error-codes")
	docFindTenant    = doc("Find your Microsoft Entra tenant ID", "https://learn.microsoft.com/entra/fundamentals/how-to-find-tenant")
	docMultiTenant   = doc("Single-tenant and multitenant apps", "https://learn.microsoft.com/entra/identity-platform/single-and-multi-tenant-apps")
	docCredentials   = doc("Add and manage application credentials", "https://learn.microsoft.com/entra/identity-platform/how-to-add-credentials")
	docCertCreds     = doc("Certificate credentials for application authentication", "https://learn.microsoft.com/entra/identity-platform/certificate-credentials")
	docPublicClient  = doc("Desktop app registration: public client flows", "https://learn.microsoft.com/entra/identity-platform/scenario-desktop-app-registration")
	docClientCreds   = doc("OAuth 2.0 client credentials flow", "https://learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow")
	docRedirectURI   = doc("Redirect URI (reply URL) best practices and limitations", "https://learn.microsoft.com/entra/identity-platform/reply-url")
	docScopes        = doc("Scopes and permissions in the Microsoft identity platform", "https://learn.microsoft.com/entra/identity-platform/scopes-oidc")
	docConsent       = doc("Grant tenant-wide admin consent to an application", "https://learn.microsoft.com/entra/identity/enterprise-apps/grant-admin-consent")
	docUserConsent   = doc("Unexpected consent prompt or consent error", "https://learn.microsoft.com/entra/identity/enterprise-apps/application-sign-in-unexpected-user-consent-error")
	docAssignment    = doc("Assign users and groups to an application", "https://learn.microsoft.com/entra/identity/enterprise-apps/assign-user-or-group-access-portal")
	docAppDisabled   = doc("Disable user sign-in for an application", "https://learn.microsoft.com/entra/identity/enterprise-apps/disable-user-sign-in-portal")
	docROPC          = doc("Resource owner password credentials (ROPC) flow", "https://learn.microsoft.com/entra/identity-platform/v2-oauth-ropc")
	docMFA           = doc("How Microsoft Entra multifactor authentication works", "https://learn.microsoft.com/entra/identity/authentication/concept-mfa-howitworks")
	docCA            = doc("Troubleshoot sign-in problems with Conditional Access", "https://learn.microsoft.com/entra/identity/conditional-access/troubleshoot-conditional-access")
	docLockout       = doc("Microsoft Entra smart lockout", "https://learn.microsoft.com/entra/identity/authentication/howto-password-smart-lockout")
	docResetPassword = doc("Reset a user's password", "https://learn.microsoft.com/entra/fundamentals/users-reset-password-azure-portal")
	docUsers         = doc("Add or delete users", "https://learn.microsoft.com/entra/fundamentals/how-to-create-delete-users")
	docUserProfile   = doc("Manage a user's profile information", "https://learn.microsoft.com/entra/fundamentals/how-to-manage-user-profile-info")
	docAccountTypes  = doc("Supported account types", "https://learn.microsoft.com/entra/identity-platform/supported-accounts-validation")
	docAuthCode      = doc("OAuth 2.0 authorization code flow", "https://learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow")
	docRefreshTokens = doc("Refresh tokens in the Microsoft identity platform", "https://learn.microsoft.com/entra/identity-platform/refresh-tokens")
	docAccessTokens  = doc("Access tokens in the Microsoft identity platform", "https://learn.microsoft.com/entra/identity-platform/access-tokens")
	docPopImap       = doc("POP3 and IMAP4 in Exchange Online: server settings", "https://learn.microsoft.com/exchange/clients-and-mobile-in-exchange-online/pop3-and-imap4/pop3-and-imap4")
	docPopImapEnable = doc("Enable or disable POP3 or IMAP4 access for a mailbox", "https://learn.microsoft.com/exchange/clients-and-mobile-in-exchange-online/pop3-and-imap4/enable-or-disable-pop3-or-imap4-access")
	docTLS           = doc("TLS 1.0 and 1.1 deprecation for Microsoft 365", "https://learn.microsoft.com/purview/tls-1.0-and-1.1-deprecation-for-office-365")
	docSMTPAuth      = doc("Enable or disable SMTP AUTH in Exchange Online", "https://learn.microsoft.com/exchange/clients-and-mobile-in-exchange-online/authenticated-client-smtp-submission")
	docBasicAuth     = doc("Deprecation of Basic authentication in Exchange Online", "https://learn.microsoft.com/exchange/clients-and-mobile-in-exchange-online/deprecation-of-basic-authentication-exchange-online")
	docSendAs        = doc("Manage permissions for recipients (Send As, Send on Behalf)", "https://learn.microsoft.com/exchange/recipients-in-exchange-online/manage-permissions-for-recipients")
	docGraphThrottle = doc("Microsoft Graph throttling guidance", "https://learn.microsoft.com/graph/throttling")
	docAccessPolicy  = doc("Application Access Policies (legacy)", "https://learn.microsoft.com/exchange/permissions-exo/application-access-policies")
	docAppRBAC       = doc("Role Based Access Control for Applications in Exchange Online", "https://learn.microsoft.com/exchange/permissions-exo/application-rbac")
	docSMTPBasic     = doc("Exchange Online: retirement of Basic authentication for SMTP AUTH (timeline, updated 27 January 2026)", "https://techcommunity.microsoft.com/blog/exchange/exchange-online-to-retire-basic-auth-for-client-submission-smtp-auth/4114750")
	docHVE           = doc("High Volume Email for Microsoft 365", "https://learn.microsoft.com/exchange/mail-flow-best-practices/high-volume-mails-m365")
	docClaims        = doc("Claims challenges, claims requests and client capabilities", "https://learn.microsoft.com/entra/identity-platform/claims-challenge")
	docMSALErrors    = doc("Handle errors and exceptions in MSAL", "https://learn.microsoft.com/entra/identity-platform/msal-error-handling-dotnet")
	docTenantRestr   = doc("Restrict access to a tenant (tenant restrictions)", "https://learn.microsoft.com/entra/identity/enterprise-apps/tenant-restrictions")
	docCrossTenant   = doc("Cross-tenant access overview", "https://learn.microsoft.com/entra/external-id/cross-tenant-access-overview")
	docAuthnMethods  = doc("Choose the right authentication method for a hybrid identity", "https://learn.microsoft.com/entra/identity/hybrid/connect/choose-ad-authn")
	docPTA           = doc("Troubleshoot pass-through authentication", "https://learn.microsoft.com/entra/identity/hybrid/connect/tshoot-connect-pass-through-authentication")
	docDevices       = doc("Troubleshoot devices with the dsregcmd command", "https://learn.microsoft.com/entra/identity/devices/troubleshoot-device-dsregcmd")
	docAppManifest   = doc("Application registration attributes (manifest)", "https://learn.microsoft.com/entra/identity-platform/reference-microsoft-graph-app-manifest")
	docNDR           = doc("Email non-delivery reports and SMTP errors in Exchange Online", "https://learn.microsoft.com/exchange/troubleshoot/email-delivery/ndr/non-delivery-reports-in-exchange-online")
	docTLSSMTP       = doc("Exchange Online: TLS 1.2 for SMTP AUTH and POP/IMAP (aka.ms/smtp_auth_tls)", "https://aka.ms/smtp_auth_tls")
	docSPsMissing    = doc("Service principal required for client apps (AADSTS7000229)", "https://go.microsoft.com/fwlink/?linkid=2225119")
	docGraphPerms    = doc("Microsoft Graph permissions reference", "https://learn.microsoft.com/graph/permissions-reference")
	docGraphAppOnly  = doc("Get access without a user (Microsoft Graph)", "https://learn.microsoft.com/graph/auth-v2-service")
	docGraphSendMail = doc("user: sendMail (Microsoft Graph)", "https://learn.microsoft.com/graph/api/user-sendmail")
	docGraphMail     = doc("Use the Outlook mail REST API (Microsoft Graph)", "https://learn.microsoft.com/graph/api/resources/mail-api-overview")
	docAppObjects    = doc("Application and service principal objects in Microsoft Entra ID", "https://learn.microsoft.com/entra/identity-platform/app-objects-and-service-principals")
	docEXOLimits     = doc("Exchange Online limits: message limits", "https://learn.microsoft.com/office365/servicedescriptions/exchange-online-service-description/exchange-online-limits")
	docCAE           = doc("Continuous access evaluation", "https://learn.microsoft.com/entra/identity/conditional-access/concept-continuous-access-evaluation")
	docGraphErrors   = doc("Microsoft Graph error responses", "https://learn.microsoft.com/graph/errors")
)
