package diagnose

import "strings"

// entry is one catalog item. Text fields may hold tokens that Get fills from
// the Facts: the run's values ({client}, {tenant}, {mailbox}, {user}), the
// protocol's ({role}, {scope}, {proto}, {casflag}) and the cloud's hosts,
// portals and commands ({entra}, {portal}, {authority}, {resource},
// {default}, {eac}, {m365}, {userportal}, {securityinfo}, {imaphost},
// {pophost}, {smtphost}, {graph}, {exo}, {mg}, {cloud}, {endpoints}; see
// cloudView.hostTokens). No text names a host of one cloud directly, so a
// GCC High, DoD or China run never reads Worldwide advice.
type entry struct {
	id     string
	title  string
	cause  string
	fix    []string
	links  []linkSpec
	script string
}

// Reusable PowerShell fragments.
const (
	psFindSP = `# The Object ID below is the ENTERPRISE APPLICATION's (service principal), not the App registration's.
{mg} -Scopes 'Application.Read.All'
$sp = Get-MgServicePrincipal -Filter "appId eq '{client}'"
$sp | Format-List DisplayName, AppId, Id`
	psRegisterSP = `{exo}
` + psFindSP + `
New-ServicePrincipal -AppId '{client}' -ObjectId $sp.Id
Add-MailboxPermission -Identity '{mailbox}' -User $sp.Id -AccessRights FullAccess
# Check: both must list the app
Get-ServicePrincipal | Where-Object AppId -eq '{client}'
Get-MailboxPermission -Identity '{mailbox}' | Format-Table User, AccessRights`
	// psTestRBAC checks Exchange's RBAC for Applications, which grants mail
	// access independently of the token's roles.
	psTestRBAC = `{exo}
# Which Exchange RBAC for Applications roles does the app hold, and do they cover the mailbox?
Test-ServicePrincipalAuthorization -Identity '{client}' -Resource '{mailbox}' | Format-Table RoleName, GrantedPermissions, AllowedResourceScope, InScope
Get-ManagementRoleAssignment -RoleAssigneeType ServicePrincipal | Where-Object { $_.App -eq '{client}' -or $_.RoleAssigneeName -like '*{client}*' } | Format-Table Name, Role, CustomResourceScope`
)

// stepSecretValue is shared by the secret entries: the Secret ID vs Value
// mix-up is the most common cause of a "wrong" secret.
const stepSecretValue = "Microsoft Entra admin center ({entra}) → App registrations → open the app ({client}) → Certificates & secrets → Client secrets → New client secret. Copy the **Value** column right away (it is shown only once); do not copy the **Secret ID** column, which is a GUID and is never accepted as a secret."

const stepEnterpriseObjectID = "Find the **Enterprise application's** Object ID: Microsoft Entra admin center ({entra}) → Enterprise applications → search for {client} → Overview → Object ID. Do not use the Object ID shown under App registrations; it belongs to a different object and Exchange will silently ignore the registration. In PowerShell: `(Get-MgServicePrincipal -Filter \"appId eq '{client}'\").Id`."

// stepRBAC is the advice shared by the entries where Exchange RBAC for
// Applications can grant what the token's roles do not carry.
const stepRBAC = "If mail access is granted through Exchange **RBAC for Applications** (New-ManagementRoleAssignment -App), the token's roles stay empty by design: run `Test-ServicePrincipalAuthorization -Identity {client} -Resource {mailbox}` in Exchange Online PowerShell (script below) and check that an assignment lists {mailbox} as InScope before you change the app registration."

var catalog = []entry{
	// --- Sign-in -----------------------------------------------------------
	{
		id:    TenantInvalid,
		title: "The tenant field is not a tenant",
		cause: "Microsoft Entra ID could not read the tenant part of the sign-in address. It must be the Directory (tenant) ID, a GUID, or a verified domain such as contoso.onmicrosoft.com. A URL, a path such as \"oauth2/token\", an empty value or a leftover placeholder (\"{{tenantid}}\", \"null\", \"ReplaceWithYourOwnValue\") ends up here.",
		fix: []string{
			"Microsoft Entra admin center ({entra}) → Overview: copy **Tenant ID** (a GUID) or the **Primary domain**.",
			"Paste only that value into the Tenant field: no https://, no /oauth2/v2.0/token, no quotes or spaces.",
			"If the value comes from a configuration file or environment variable, check that it is really set where the program runs.",
		},
		links: []linkSpec{lnkTenantOverview, docFindTenant},
	},
	{
		id:    TenantNotFound,
		title: "The tenant does not exist in this cloud",
		cause: "The tenant value looks valid, but no Microsoft Entra tenant with that ID or domain exists in the cloud you signed in to ({cloud}, sign-in host {authority}). Usually it has a typo, is the domain of a mail address that is not a verified domain, or belongs to another Microsoft cloud (Worldwide, US Government or China).",
		fix: []string{
			"Microsoft Entra admin center ({entra}) → Overview: compare the **Tenant ID** character by character with what you typed ({tenant}).",
			"If you typed a domain, check it under Microsoft Entra ID → Domain names; only verified domains work, so the onmicrosoft.com domain is the safest choice.",
			"If the tenant belongs to another Microsoft cloud, choose that cloud in the Cloud selector (command line: --cloud global, usgov, usgov-dod or china).",
		},
		links: []linkSpec{lnkTenantOverview, docFindTenant},
	},
	{
		id:    TenantRequired,
		title: "A specific tenant is needed instead of common or organizations",
		cause: "The sign-in went to a shared endpoint (/common, /organizations or /consumers), or the app is limited to its own tenant. A single-tenant app, and every app-only (client credentials) sign-in, must name the tenant that owns the app, because Entra ID cannot guess which directory you mean.",
		fix: []string{
			"Microsoft Entra admin center ({entra}) → App registrations → open the app ({client}) → Overview: copy **Directory (tenant) ID**.",
			"Put that GUID in the Tenant field instead of common, organizations or consumers.",
			"Only if the app really must serve other organizations: Authentication → Supported account types → Accounts in any organizational directory.",
		},
		links: []linkSpec{lnkOverview, docMultiTenant},
	},
	{
		id:    WrongCloud,
		title: "The tenant is in another Microsoft cloud",
		cause: "Microsoft 365 runs in separate clouds — Worldwide (which also serves GCC), US Government GCC High, US Government DoD and China (21Vianet) — each with its own sign-in host, mail hosts, Graph host and admin portals. A tenant exists in exactly one of them and tokens from one are not accepted by another, so using the wrong cloud fails with misleading errors (tenant not found, cross-cloud request refused, invalid audience, authentication failed). This run used {cloud}.",
		fix: []string{
			"Choose the tenant's cloud in the Cloud selector (command line: --cloud global, usgov, usgov-dod or china); the sign-in, IMAP/POP/SMTP and Graph hosts all switch together.",
			"Register and configure the app in the Microsoft Entra admin center of the tenant's own cloud; an app registered in one cloud does not exist in another.",
			"In the product you are setting up, use that cloud's hosts and its Exchange resource in the scope (the tester shows them for the selected cloud).",
		},
		links: []linkSpec{lnkTenantOverview, doc("National cloud deployments", "https://learn.microsoft.com/graph/deployments")},
	},
	{
		id:    AppNotFound,
		title: "The application (client) ID is not known in this tenant",
		cause: "Entra ID found no app with this client ID in the tenant you signed in to. Most often the ID was mistyped, the **Object ID** was copied instead of the **Application (client) ID**, the app was registered in another tenant, or it was deleted.",
		fix: []string{
			"Microsoft Entra admin center ({entra}) → App registrations → All applications → open your app → Overview: copy **Application (client) ID** — not Object ID and not Directory (tenant) ID.",
			"Check that the tenant you use ({tenant}) is the one shown as **Directory (tenant) ID** on the same page.",
			"If the app was registered in another organization's tenant, that app must be multitenant and consented in yours, or register a new app in your own tenant.",
		},
		links: []linkSpec{lnkOverview, lnkAppList, docErrorCodes},
	},
	{
		id:    AppDisabled,
		title: "The application is disabled",
		cause: "The app's service principal (its Enterprise application) has sign-in turned off, either by an administrator or by Microsoft, for example after a suspected abuse or a misleading app name. While it is disabled no token is issued for it.",
		fix: []string{
			"Microsoft Entra admin center ({entra}) → Enterprise applications → search for {client} → Properties → set **Enabled for users to sign in?** to Yes → Save.",
			"If the app registration shows a banner that Microsoft disabled it, the setting cannot be changed: register a new app with a clear, non-misleading name and use its client ID.",
		},
		links: []linkSpec{lnkEnterprise, docAppDisabled},
		script: `{mg} -Scopes 'Application.ReadWrite.All'
$sp = Get-MgServicePrincipal -Filter "appId eq '{client}'"
Update-MgServicePrincipal -ServicePrincipalId $sp.Id -AccountEnabled:$true`,
	},
	{
		id:    ClientSecretInvalid,
		title: "The client secret is wrong",
		cause: "Entra ID rejected the secret sent for this app. By far the most common reason is that the **Secret ID** (a GUID) was copied instead of the secret's **Value**. Other causes: a secret from another app, a truncated paste, an extra space or quote, or a secret that was deleted.",
		fix: []string{
			stepSecretValue,
			"Paste the Value into the Client secret field without surrounding spaces or quotes.",
			"If you keep the secret in a vault or a configuration file, update it there too and restart the program that reads it.",
			"Delete secrets nobody uses any more so the next person cannot pick the wrong one.",
		},
		links: []linkSpec{lnkSecrets, docCredentials},
	},
	{
		id:    ClientSecretExpired,
		title: "The client secret has expired",
		cause: "Every client secret has an end date, at most 24 months after it was made. This app's secrets have all passed it, so Entra ID refuses to issue tokens until a new one is used.",
		fix: []string{
			stepSecretValue,
			"Set an expiry that matches your rotation process and put a reminder in the calendar before that date.",
			"Replace the old secret wherever it is stored, then delete the expired one.",
			"For unattended services consider a certificate instead of a secret.",
		},
		links: []linkSpec{lnkSecrets, docCredentials},
	},
	{
		id:    ClientSecretMissing,
		title: "No client secret was sent",
		cause: "The app is a confidential (web or daemon) app, so Entra ID expects a client secret or a certificate with every token request, but none arrived. The Client secret field was empty, or an environment variable or setting that should hold it was not set.",
		fix: []string{
			"Fill in the Client secret field, or choose the certificate option if the app uses a certificate.",
			stepSecretValue,
			"If the secret comes from an environment variable, check it is set for the account and service that runs the program.",
		},
		links: []linkSpec{lnkSecrets, docClientCreds},
	},
	{
		id:    PublicClientFlowsDisabled,
		title: "The app does not allow public client flows",
		cause: "Device code sign-in, user name + password sign-in and desktop sign-in without a secret are \"public client\" flows. Entra ID treats this app as confidential, so it asked for a client secret that such flows never send. Either turn on public client flows for the app, or use a flow with a secret.",
		fix: []string{
			"Microsoft Entra admin center ({entra}) → App registrations → open the app ({client}) → Authentication → Advanced settings → **Allow public client flows** → Yes → Save.",
			"For interactive browser sign-in also add the platform **Mobile and desktop applications** with the redirect URI http://localhost.",
			"If you meant to sign in as the app itself (client credentials), choose that flow and enter the client secret instead.",
		},
		links: []linkSpec{lnkAuthentication, docPublicClient},
	},
	{
		id:    CertificateNotRegistered,
		title: "The certificate is not registered on the app",
		cause: "The app signed its sign-in request with a certificate whose thumbprint Entra ID does not find on the app registration, or the certificate could not be validated. It was never uploaded, was uploaded to another app, was replaced, or the wrong certificate (or key) is being used.",
		fix: []string{
			"Microsoft Entra admin center ({entra}) → App registrations → open the app ({client}) → Certificates & secrets → Certificates: compare the **Thumbprint** with the certificate you use.",
			"Upload the public part (.cer, .pem or .crt) of the certificate you sign with, or point the tool at the certificate that is listed.",
			"Check the certificate's validity dates; an expired or not-yet-valid certificate is refused too.",
		},
		links: []linkSpec{lnkSecrets, docCertCreds},
	},
	{
		id:    ClockSkew,
		title: "The computer's clock is wrong",
		cause: "A signed value — usually the client assertion made from a certificate, sometimes a token or a request — carries start and expiry times. The server compared them with its own clock and found them outside the allowed window, which almost always means a clock or time zone is off by several minutes.",
		fix: []string{
			"Turn on automatic time synchronisation (Windows: Settings → Time & language → Set time automatically → Sync now; Linux: `timedatectl set-ntp true`).",
			"Check the time zone as well: a correct local time with the wrong zone is a wrong UTC time.",
			"If the assertion is created by your own code, build its times from UTC and keep its lifetime at about 10 minutes.",
		},
		links: []linkSpec{lnkSecrets, docCertCreds},
	},
	{
		id:    RedirectURIMismatch,
		title: "The redirect URI is not registered",
		cause: "During browser sign-in Entra ID sends the result back to a redirect URI. The one in the request is missing or not registered on the app for the right platform; it must match exactly, including scheme, host, port, path and trailing slash.",
		fix: []string{
			"Look at the URI named in the error message and copy it exactly.",
			"Microsoft Entra admin center ({entra}) → App registrations → open the app ({client}) → Authentication → Add a platform → choose **Mobile and desktop applications** for this tool (http://localhost) or **Web** for a web redirect → add the URI → Save.",
			"Make sure the URI is under the right platform: a Web redirect does not work for a public desktop flow and the other way round.",
		},
		links: []linkSpec{lnkAuthentication, docRedirectURI},
	},
	{
		id:    ScopeInvalid,
		title: "The requested scope is wrong",
		cause: "The scope string is not what Entra ID accepts for this flow. App-only (client credentials) sign-in must ask for exactly one resource with /.default, for mail that is {default}. Delegated sign-in asks for named scopes such as {resource}/{scope} plus offline_access; .default cannot be mixed with named scopes, and scopes from two resources cannot be mixed in one request.",
		fix: []string{
			"Client credentials (app-only): use the scope {default} and nothing else.",
			"Delegated (a user signs in): use {resource}/IMAP.AccessAsUser.All, {resource}/POP.AccessAsUser.All or {resource}/SMTP.Send as needed, plus offline_access.",
			"Microsoft Graph needs its own token: request {graph}/.default (app-only) or Graph scopes separately, never in the same request as Exchange scopes.",
		},
		links: []linkSpec{lnkAPIPermissions, docScopes},
	},
	{
		id:    ResourceNotFound,
		title: "The resource in the scope does not exist in this tenant",
		cause: "The scope names an API (the part before the last /) for which this tenant has no service principal. For mail it must be {resource}; a typo, a doubled https://, an api:// URI of an app that was never installed, or an Exchange resource of another cloud lands here. A tenant without Exchange Online also has no such resource.",
		fix: []string{
			"Check the scope: for IMAP, POP and SMTP it is {default} (app-only) or {resource}/{scope} (delegated).",
			"If the tenant has no Exchange Online licence at all, the Office 365 Exchange Online API is missing: add a licence first.",
			"For your own API, make sure its app is installed (consented) in this tenant.",
		},
		links: []linkSpec{lnkAPIPermissions, docScopes},
	},
	{
		id:    PermissionNotConfigured,
		title: "The permission is not on the app's API permissions list",
		cause: "The app asked for access to an API that its API permissions list does not mention. Entra ID only grants what the app registration declares, so the permission must be added there (and consented) first.",
		fix: []string{
			"Microsoft Entra admin center ({entra}) → App registrations → open the app ({client}) → API permissions → Add a permission → **APIs my organization uses** → search **Office 365 Exchange Online**.",
			"Choose **Application permissions** → {role} for app-only access, or **Delegated permissions** → {scope} for a signed-in user → Add permissions.",
			"Click **Grant admin consent for** your organization and wait until the Status column shows a green tick.",
		},
		links: []linkSpec{lnkAPIPermissions, lnkAdminConsent, docMailOAuth},
	},
	{
		id:    ConsentRequired,
		title: "Nobody has consented to the app's permissions",
		cause: "The app is allowed to ask for these permissions, but neither the user nor an administrator has agreed (consented) to them yet, and this sign-in could not show a consent page.",
		fix: []string{
			"An administrator opens the admin consent link below and accepts, or: Microsoft Entra admin center ({entra}) → App registrations → open the app ({client}) → API permissions → **Grant admin consent**.",
			"Alternatively sign in once interactively as the user and accept the consent page.",
			"Run the test again; consent takes effect within a minute or two.",
		},
		links: []linkSpec{lnkAdminConsent, lnkAPIPermissions, docConsent},
	},
	{
		id:    AdminConsentRequired,
		title: "An administrator must approve the app's permissions",
		cause: "The permissions need an administrator's consent — every application permission such as {role} does — or the organization does not let users consent to apps at all. When the app signs in as itself, a token with no roles at all means no application permission has been admin-consented yet.",
		fix: []string{
			"Ask a Global Administrator, Privileged Role Administrator or Cloud Application Administrator to open the admin consent link below and accept.",
			"Or: Microsoft Entra admin center ({entra}) → App registrations → open the app ({client}) → API permissions → **Grant admin consent for** your organization, and check that the Status column shows Granted for {role}.",
			"If your organization uses the admin consent workflow, submit the request and wait for approval.",
			stepRBAC,
		},
		links:  []linkSpec{lnkAdminConsent, lnkAPIPermissions, docConsent, docAppRBAC},
		script: psTestRBAC,
	},
	{
		id:    ConsentDeclined,
		title: "The consent page was cancelled",
		cause: "The sign-in reached the page that asks to allow the app's permissions, and it was cancelled or declined, so no token was issued.",
		fix: []string{
			"Run the test again and choose **Accept** on the permissions page.",
			"If you are not allowed to accept, ask an administrator to grant admin consent with the link below.",
		},
		links: []linkSpec{lnkAdminConsent, docUserConsent},
	},
	{
		id:    UserNotAssigned,
		title: "The user is not assigned to the app",
		cause: "The app's Enterprise application has **Assignment required** turned on, and the signed-in user ({user}) is neither assigned directly nor through a group.",
		fix: []string{
			"Microsoft Entra admin center ({entra}) → Enterprise applications → search for {client} → Users and groups → Add user/group → pick {user} → Assign.",
			"Or, if every user may use the app: Enterprise applications → the app → Properties → **Assignment required?** → No → Save.",
		},
		links: []linkSpec{lnkEnterprise, docAssignment},
	},
	{
		id:    CredentialsInvalid,
		title: "Wrong user name or password",
		cause: "The user name and password were not accepted. Check for a typo, an old password, or a sign-in name that differs from the mail address. Microsoft no longer develops the user name + password (ROPC) flow further and recommends against it: it cannot do MFA and fails for many accounts.",
		fix: []string{
			"Sign in at {userportal} with the same user name and password to confirm they work.",
			"Use the user principal name (UPN) shown under Microsoft Entra ID → Users → the user → User principal name; it can differ from the mail address.",
			"Prefer the interactive browser or device code flow: the user name + password flow is deprecated by Microsoft and cannot do MFA.",
		},
		links: []linkSpec{lnkUsers, docROPC},
	},
	{
		id:    FederatedPasswordGrant,
		title: "User name + password sign-in does not work for a federated domain",
		cause: "The user's domain signs in through another identity provider (AD FS or a third-party IdP). The user name + password flow has to pass the password to that provider over WS-Trust, which is often disabled or unsupported, so the sign-in fails there.",
		fix: []string{
			"Use the interactive browser or device code flow instead; both send the user to the federated sign-in page.",
			"If the password flow is unavoidable, ask the identity team to enable the WS-Trust usernamemixed endpoint on AD FS, or use a cloud-only account in your .onmicrosoft.com domain.",
		},
		links: []linkSpec{lnkUsers, docROPC},
	},
	{
		id:    MFARequired,
		title: "Multi-factor authentication is required",
		cause: "A policy (Security defaults, per-user MFA or Conditional Access) requires a second factor for this sign-in, and the chosen flow — usually user name + password, or a silent token refresh — cannot ask for one.",
		fix: []string{
			"Use the interactive browser or device code flow so the user can complete MFA.",
			"For an unattended service use app-only access (client credentials with {role}), which is not subject to user MFA.",
			"If the user has not registered any MFA method yet, sign in once at {securityinfo}.",
		},
		links: []linkSpec{lnkCAPolicies, lnkSignInLogs, docMFA},
	},
	{
		id:    ConditionalAccessBlocked,
		title: "A Conditional Access policy or security defaults blocked the sign-in",
		cause: "A Conditional Access policy (or Security defaults) refused to let this sign-in through — for example because of the location, the device, the app, or legacy authentication. Exchange reports the same thing on SMTP as 535 5.7.139 \"the request did not meet the criteria\". The sign-in log names the policy.",
		fix: []string{
			"Microsoft Entra admin center ({entra}) → Sign-in logs → open the failed sign-in → **Conditional Access** tab: note the policy with result Failure.",
			"Ask the administrator to exclude this app or account from that policy, or run the test from a location and device the policy allows.",
			"Security defaults block legacy (password) authentication outright; use OAuth instead of a password.",
		},
		links: []linkSpec{lnkSignInLogs, lnkCAPolicies, docCA},
	},
	{
		id:    UserNotFound,
		title: "The user does not exist in this tenant",
		cause: "The sign-in name was not found in the tenant. It may be mistyped, belong to another organization, or be a mail alias instead of the user principal name.",
		fix: []string{
			"Microsoft Entra admin center ({entra}) → Users: search for {user} and copy the **User principal name**.",
			"If the user belongs to another organization, sign in to that tenant, or invite the user as a guest.",
		},
		links: []linkSpec{lnkUsers, docUsers},
	},
	{
		id:    AccountLocked,
		title: "The account is temporarily locked",
		cause: "Too many sign-ins with a wrong password locked the account (smart lockout), or sign-ins from this address were blocked as suspicious. The lock lifts by itself after a while; repeated attempts extend it.",
		fix: []string{
			"Stop every program that still uses the old password, then wait at least a few minutes before trying again.",
			"Microsoft Entra admin center ({entra}) → Sign-in logs → filter on error 50053 to see which device or address keeps failing.",
			"An administrator can reset the password to unlock the account sooner.",
		},
		links: []linkSpec{lnkSignInLogs, docLockout},
	},
	{
		id:    AccountDisabled,
		title: "The account is disabled",
		cause: "Sign-in is blocked for this user account, either in Microsoft Entra ID or in the on-premises Active Directory it is synchronised from.",
		fix: []string{
			"Microsoft 365 admin center ({m365}) → Active users → open the user → **Unblock sign-in**, or Microsoft Entra ID → Users → the user → Properties → Account enabled.",
			"If the account is synchronised from Active Directory, enable it there and wait for the next sync.",
		},
		links: []linkSpec{lnkM365Users, lnkUsers, docUserProfile},
		script: `{mg} -Scopes 'User.ReadWrite.All'
Update-MgUser -UserId '{user}' -AccountEnabled:$true`,
	},
	{
		id:    PasswordExpired,
		title: "The user's password has expired or must be changed",
		cause: "The password has passed its expiry date, or a policy demands a new one (account risk, Conditional Access, on-premises rules), or a password change did not complete. A non-interactive sign-in cannot change it, so it fails until the password is changed.",
		fix: []string{
			"Sign in at {userportal} as {user} and change the password, or ask an administrator to reset it.",
			"Update the password wherever the tool or service stores it.",
		},
		links: []linkSpec{lnkUsers, docResetPassword},
	},
	{
		id:    WrongAccountType,
		title: "Wrong kind of account for this app",
		cause: "The account type does not fit the app or the tenant: a personal Microsoft account (outlook.com, hotmail.com) was used where a work or school account is needed, or the reverse, or a user from another organization signed in to a tenant where they are not (yet) a guest.",
		fix: []string{
			"Sign in with a work or school account of the tenant that owns the mailbox.",
			"Microsoft Entra admin center ({entra}) → App registrations → open the app ({client}) → Authentication → **Supported account types**: pick the option that matches who signs in.",
			"For a user of another organization, invite them as a guest first (Users → Invite external user) and make sure they accept the invitation.",
		},
		links: []linkSpec{lnkAuthentication, docAccountTypes},
	},
	{
		id:    GrantInvalid,
		title: "The authorization code or refresh token is not valid",
		cause: "The code or refresh token sent to Entra ID was rejected: it was already used, is expired, was cut short while copying, was changed in case or encoding, or was issued to another app, tenant or redirect URI.",
		fix: []string{
			"Start the sign-in again and use the new code at once; each code works only once and only for a few minutes.",
			"When pasting the returned URL or code, copy it completely, without line breaks or changes.",
			"Use the same client ID, redirect URI and tenant for redeeming the code as for requesting it.",
		},
		links: []linkSpec{lnkAuthentication, docAuthCode},
	},
	{
		id:    RefreshTokenExpired,
		title: "The saved sign-in has expired",
		cause: "The stored refresh token or session can no longer be used: it was unused for too long (90 days by default), it was revoked after a password change or by an administrator, or a Conditional Access sign-in frequency limit was reached.",
		fix: []string{
			"Sign in again interactively to get a new refresh token.",
			"For unattended services that must not expire, use app-only access (client credentials) instead of a user's token.",
			"If this happens often, ask the administrator about sign-in frequency policies in Conditional Access.",
		},
		links: []linkSpec{lnkCAPolicies, docRefreshTokens},
	},
	{
		id:    RequestMalformed,
		title: "The token request is malformed",
		cause: "Entra ID could not understand the request: a required field was missing or empty, a value was not valid, or the request used the wrong HTTP method, grant type or content type. With this tool it usually means a field was left empty.",
		fix: []string{
			"Check that Tenant, Client ID and the flow's other fields are filled in and contain no stray spaces or line breaks.",
			"If you call the token endpoint yourself, POST form-encoded data (application/x-www-form-urlencoded) to https://{authority}/{tenant}/oauth2/v2.0/token.",
		},
		links: []linkSpec{lnkOverview, docClientCreds},
	},
	{
		id:    ClientServicePrincipalMissing,
		title: "The app has no enterprise application (service principal) in this tenant",
		cause: "Microsoft Entra ID knows the app registration {client}, but this tenant holds no service principal (enterprise application) for it, and since March 2026 Entra issues no token to such an app (AADSTS7000229); Microsoft Graph reports the same as Authorization_IdentityNotFound. It happens when a multitenant app registered in another tenant was never consented to here, when the enterprise application was deleted, or when the app registration was created by a script that did not create its service principal.",
		fix: []string{
			"Grant admin consent for the app in this tenant (link below, as a Global or Privileged Role Administrator): consenting creates the service principal.",
			"Or create the service principal yourself with Microsoft Graph PowerShell (script below), then grant admin consent for the API permissions the app needs.",
			"Check the result: Microsoft Entra admin center ({entra}) → Enterprise applications → search for {client}; the app must be listed and enabled.",
		},
		links:  []linkSpec{lnkAdminConsent, lnkEnterprise, docSPsMissing, docAppObjects},
		script: "{mg} -Scopes 'Application.ReadWrite.All'\nNew-MgServicePrincipal -AppId '{client}'\nGet-MgServicePrincipal -Filter \"appId eq '{client}'\" | Format-List DisplayName, AppId, Id, AccountEnabled",
	},
	{
		id:    TenantBlocked,
		title: "Microsoft has blocked this tenant, account or resource",
		cause: "Microsoft refused the request because the tenant, the resource for this tenant, or this account's sending is blocked on Microsoft's side: for example AADSTS5000224 (tenant disabled or being deleted), or Exchange Online's 5.7.708/5.7.750 (tenant blocked from sending) and 5.1.8 (a user restricted after sending spam). Typical reasons are an expired or cancelled subscription, a tenant being deleted, a compromised account, or a block for suspected abuse. Nothing in the app registration can change this.",
		fix: []string{
			"Microsoft 365 admin center ({m365}) → Billing → Your products: check that the subscriptions are active and not expired or disabled.",
			"If one user was restricted from sending, secure the account (reset the password, review sign-ins and inbox rules), then release it in the Microsoft Defender portal under Restricted entities.",
			"Microsoft 365 admin center → Health → Service health and Message center: look for a notice about the tenant.",
			"If the subscriptions are active, open a support request with Microsoft (Microsoft 365 admin center → Support → New service request); only Microsoft can lift a tenant block.",
		},
		links: []linkSpec{lnkM365Subscriptions, lnkServiceHealth, lnkM365Support, docNDR},
	},
	{
		id:    InteractionRequired,
		title: "The sign-in needs the user at a browser",
		cause: "Entra ID wants the user to do something on its sign-in page — pick or confirm the account, answer \"Stay signed in?\", accept single sign-on for the app, register security information — and this sign-in had no page to show it on: a user name + password sign-in, a silent token renewal, or a request with prompt=none.",
		fix: []string{
			"Run the test with the interactive browser or device code flow and finish the sign-in on the page.",
			"For an unattended service use app-only access (client credentials), which never needs a user.",
			"If it repeats after a browser sign-in, the sign-in log shows which step was interrupted.",
		},
		links: []linkSpec{lnkSignInLogs, docMSALErrors},
	},
	{
		id:    FederationFailed,
		title: "The organization's own sign-in service failed",
		cause: "The account does not sign in at Microsoft directly but through the organization's own identity service — AD FS or another federated identity provider, the pass-through authentication agent, or Seamless single sign-on with Kerberos — and that service failed or refused the sign-in. The problem is on the organization's side, not in the app registration.",
		fix: []string{
			"Try the same account in a browser sign-in; if it fails there too, pass the error and its time to the team that runs the identity provider or the authentication agents.",
			"Pass-through authentication: Microsoft Entra admin center ({entra}) → Entra Connect → check that the authentication agents are active.",
			"For tests, a cloud-only account in your .onmicrosoft.com domain avoids the federated service.",
		},
		links: []linkSpec{lnkSignInLogs, docAuthnMethods, docPTA},
	},
	{
		id:    AppConfigInvalid,
		title: "The app's sign-in configuration is wrong",
		cause: "Entra ID refused the request because of how the app itself is set up: a response type or token type that is not enabled, a SAML or claims-mapping setting, a missing signing key, or a Microsoft first-party app ID used for something it is not allowed to do. It is fixed in the app registration (or by its developer), not by the user.",
		fix: []string{
			"Microsoft Entra admin center ({entra}) → App registrations → open the app ({client}) → Authentication and Token configuration: compare the settings with what the error message names.",
			"If the app is someone else's product, send them the error code and message; the setting is theirs to change.",
			"For mail access the app needs no SAML, implicit grant or claims mapping: a plain registration with the API permissions for {proto} is enough.",
		},
		links: []linkSpec{lnkAuthentication, docAppManifest, docErrorCodes},
	},
	{
		id:    DeviceAuthFailed,
		title: "The device could not prove its identity",
		cause: "The sign-in needed the device's own identity — a registered or joined device, its Windows Hello key or its primary refresh token — and it was missing, disabled or not valid. Conditional Access policies that require a registered device cause this, as does a device that was deleted or disabled in the directory.",
		fix: []string{
			"On Windows run `dsregcmd /status` and check AzureAdJoined or WorkplaceJoined, and AzureAdPrt.",
			"Microsoft Entra admin center ({entra}) → Devices → All devices: make sure the device is listed and enabled.",
			"Run the test from a device that meets the policy, or use app-only access for an unattended service.",
		},
		links: []linkSpec{lnkSignInLogs, lnkCAPolicies, docDevices},
	},
	{
		id:    TenantRestricted,
		title: "Tenant restrictions or a cross-tenant policy block this tenant",
		cause: "Access to this tenant was refused by a rule outside the app: a company proxy that adds tenant-restriction headers (Restrict-Access-To-Tenant) only lets people sign in to the tenants on its list, or a cross-tenant access policy — of the user's home tenant or of this one — does not allow the access. Browsers behind the same proxy fail the same way.",
		fix: []string{
			"Ask the network team whether the proxy inserts tenant-restriction headers and whether tenant {tenant} is on its allowed list.",
			"For cross-tenant policies: Microsoft Entra admin center ({entra}) → External Identities → Cross-tenant access settings, in the user's home tenant and in this one.",
			"Run the test from a network without the proxy to confirm.",
		},
		links: []linkSpec{lnkSignInLogs, docTenantRestr, docCrossTenant},
	},

	// --- Network -----------------------------------------------------------
	{
		id:    NetworkUnreachable,
		title: "The server could not be reached",
		cause: "The connection did not get through: the host name did not resolve, the connection was refused or timed out, or a firewall or proxy reset it. The problem is on the network path, not in the Microsoft 365 configuration.",
		fix: []string{
			"Check the host name and port ({imaphost} 993 for IMAP, {pophost} 995 for POP, {smtphost} 587 for SMTP, {authority} 443 for sign-in).",
			"Test from the same machine: `Test-NetConnection {imaphost} -Port 993` (Windows) or `nc -vz {imaphost} 993`.",
			"Ask the network team to allow outbound traffic to the Microsoft 365 endpoints of {cloud} (link below), and configure the proxy if one is required.",
		},
		links: []linkSpec{lnkEndpoints},
	},
	{
		id:    WrongPort,
		title: "Wrong port or wrong encryption mode",
		cause: "The connection opened, but the expected greeting or TLS handshake never came, or the server wants encryption first. This happens when TLS is started on a port that expects plain text first (STARTTLS), or the other way round: IMAP 993 and POP 995 use TLS from the start, SMTP 587 starts plain and switches with STARTTLS.",
		fix: []string{
			"IMAP: {imaphost} port 993 with TLS (SSL/TLS, implicit).",
			"POP: {pophost} port 995 with TLS (SSL/TLS, implicit).",
			"SMTP: {smtphost} port 587 with STARTTLS — not implicit TLS.",
			"If the settings are right, a proxy or security device may be answering instead of Microsoft 365.",
		},
		links: []linkSpec{docPopImap, docSMTPAuth},
	},
	{
		id:    TLSInterception,
		title: "The server certificate is not trusted",
		cause: "The certificate the server presented was not trusted for this host. On company networks this usually means a TLS inspection proxy replaces Microsoft's certificate with its own, whose root is not installed here. It can also be a missing root certificate, an outdated certificate store, a wrong host name or a badly wrong clock.",
		fix: []string{
			"Look at the certificate's issuer in the run details: Microsoft 365 certificates chain to DigiCert or Microsoft roots.",
			"If a company proxy issued it, install its root certificate in the system store, or ask for {imaphost}, {smtphost} and {authority} to be excluded from inspection.",
			"Update the operating system's root certificates and check the system clock.",
		},
		links: []linkSpec{lnkEndpoints},
	},
	{
		id:    TLSVersion,
		title: "The TLS version or cipher was refused",
		cause: "Client and server could not agree on a TLS version or cipher suite. Microsoft 365 requires TLS 1.2 or later: Entra ID refuses TLS 1.0/1.1 and 3DES (AADSTS1002016), SMTP AUTH answers 421 4.7.66, and Exchange Online retires TLS 1.0 and 1.1 for POP3 and IMAP4 between 1 July and 31 December 2026. Old systems, old libraries, a policy that limits TLS versions, or a proxy that speaks only old TLS fail here.",
		fix: []string{
			"Allow TLS 1.2 (and 1.3) on this machine and in the program's settings; on older Windows and .NET Framework enable TLS 1.2 for .NET (SchUseStrongCrypto) and in SChannel.",
			"Update the operating system, the mail library or the TLS library.",
			"If a proxy or security device is in the path, check that it supports TLS 1.2 towards Microsoft 365.",
		},
		links: []linkSpec{docTLS, docTLSSMTP},
	},
	{
		id:    ProxyAuthRequired,
		title: "A proxy on the way asks for credentials or refuses the connection",
		cause: "An HTTP proxy between this computer and Microsoft 365 answered 407 Proxy Authentication Required, or refused to open a tunnel (CONNECT) to the server. Browsers on managed desktops often sign in to such a proxy silently with the Windows account, which is why the portal works while this program does not.",
		fix: []string{
			"Ask the network team which proxy this computer must use and whether it requires authentication (Basic, NTLM or Negotiate).",
			"Ask them to allow the Microsoft 365 sign-in, mail and Graph endpoints of {cloud} for this computer without proxy authentication (they are listed in Microsoft's endpoint list, link below), or to allow IMAP (993), POP3 (995) and SMTP (587) through the proxy.",
			"Run the test again from a network without the proxy to confirm that the proxy is the cause.",
		},
		links: []linkSpec{lnkEndpoints},
	},
	{
		id:    RedirectRefused,
		title: "A server tried to send the credentials somewhere else",
		cause: "The sign-in server or Microsoft Graph answered with a redirect to another host or to plain HTTP, or its OpenID configuration named a sign-in endpoint on another host or over plain HTTP. Following it would have sent the client secret, the password or the token where you did not point the tester, so the tester refused and sent nothing there. Microsoft's endpoints never do this: something answers in their place (a captive portal, a proxy or security appliance, a wrong host in the authority or Graph field), or the server is not Microsoft's.",
		fix: []string{
			"Check the authority host and Graph URL fields: leave them empty for Microsoft's defaults, or use exactly your cloud's host (such as {authority}).",
			"Read the run's log for the address the server pointed to: a captive portal or a proxy sign-in page means the network must let this computer through first.",
			"If a company proxy rewrites the traffic, ask the network team to exclude {authority} and the Graph host from inspection.",
		},
		links: []linkSpec{lnkEndpoints},
	},
	{
		id:    ResponseTooLarge,
		title: "A server sent far more than a real answer",
		cause: "The server's answer was larger than anything Microsoft 365 sends for this step, or never ended: a sign-in or Graph answer over 1 MB, a mail server line longer than the protocol allows, or more than 256 KB on one mail connection. The tester stopped reading to protect this computer. Usually something other than Microsoft 365 answered: a captive portal, a proxy or security appliance, a wrong host or port, or a faulty server.",
		fix: []string{
			"Check the host and port fields: leave them empty for Microsoft's defaults ({imaphost} 993 and 995, {smtphost} 587, {authority} 443).",
			"Open the run's transcript or log to see what the server sent first.",
			"If the network needs a sign-in first (guest Wi-Fi, a proxy login), complete it, or test from another network.",
		},
		links: []linkSpec{lnkEndpoints},
	},

	// --- Mailbox -----------------------------------------------------------
	{
		id:    MailboxAuthRejected,
		title: "The mail server rejected the sign-in",
		cause: "Exchange Online refused the token (or the password) for {proto} without giving a reason. The usual causes, most likely first: (1) the token is for the wrong resource — it must be for {resource}, not Microsoft Graph; (2) the token lacks the permission — app-only tokens need the role {role} in \"roles\" (for SMTP, Exchange RBAC for Applications can grant it instead), delegated tokens the scope {scope} in \"scp\"; (3) for app-only access Exchange has no service principal for the app, or it was created with the App registration's Object ID instead of the Enterprise application's; (4) the app or user has no FullAccess permission on {mailbox}; (5) {proto} is disabled for the mailbox; (6) a change made in the last 30 minutes has not reached Exchange yet.",
		fix: []string{
			"Check the token (the run shows its claims): aud must be {resource}, and roles must contain {role} (app-only) or scp must contain {scope} (delegated).",
			"App-only: Microsoft Entra admin center ({entra}) → App registrations → open the app ({client}) → API permissions → Add a permission → APIs my organization uses → Office 365 Exchange Online → Application permissions → {role} → Grant admin consent.",
			stepEnterpriseObjectID,
			"App-only: in Exchange Online PowerShell register the service principal and give it FullAccess to {mailbox} (script below). IMAP and POP have no RBAC for Applications roles, so FullAccess is always needed for them.",
			"Make sure {proto} is enabled for the mailbox: `Set-CASMailbox -Identity {mailbox} {casflag}`.",
			"Wait up to 30 minutes after any change, then test again.",
		},
		links:  []linkSpec{lnkAPIPermissions, lnkEnterprise, lnkAdminConsent, docMailOAuth},
		script: psRegisterSP + "\n" + `Set-CASMailbox -Identity '{mailbox}' {casflag}`,
	},
	{
		id:    TokenAudienceWrong,
		title: "The token is for the wrong service",
		cause: "The access token was issued for another resource than the one it was sent to. IMAP, POP and SMTP accept only tokens for {resource}; Microsoft Graph accepts only tokens for {graph}. A Graph token sent to the mail server (or the reverse) is refused.",
		fix: []string{
			"For IMAP, POP and SMTP request the scope {default} (app-only) or {resource}/{scope} (delegated).",
			"For Microsoft Graph request {graph}/.default or Graph scopes.",
			"Get a separate token for each resource; one token never covers both.",
		},
		links: []linkSpec{lnkAPIPermissions, docMailOAuth},
	},
	{
		id:    TokenPermissionMissing,
		title: "The token does not carry the {proto} permission",
		cause: "The token is for the right service, but it does not contain the permission {proto} needs. An app-only token must list {role} in its \"roles\" claim — except for SMTP when Exchange RBAC for Applications grants \"Application SMTP.SendAsApp\" instead; a delegated token must list {scope} in its \"scp\" claim. The permission is missing from the app registration, was added under the wrong API (Microsoft Graph instead of Office 365 Exchange Online) or as the wrong type, or admin consent was not granted.",
		fix: []string{
			"Microsoft Entra admin center ({entra}) → App registrations → open the app ({client}) → API permissions → Add a permission → **APIs my organization uses** → search **Office 365 Exchange Online** (not Microsoft Graph).",
			"App-only: **Application permissions** → {role}. Delegated: **Delegated permissions** → {scope}. Then Add permissions.",
			"Click **Grant admin consent for** your organization and check the Status column shows Granted.",
			"Get a new token (cached tokens keep the old claims) and test again.",
		},
		links: []linkSpec{lnkAPIPermissions, lnkAdminConsent, docMailOAuth},
	},
	{
		id:    ExchangeServicePrincipalMissing,
		title: "Exchange does not know the app or it has no mailbox access",
		cause: "The app-only token is correct, but Exchange Online also needs its own registration of the app (a service principal made with New-ServicePrincipal) and a mailbox permission for it: FullAccess on {mailbox} for IMAP and POP, which have no RBAC roles. One of them is missing — or the service principal was created with the App registration's Object ID instead of the Enterprise application's Object ID, the most common mistake.",
		fix: []string{
			stepEnterpriseObjectID,
			"Connect to Exchange Online PowerShell as an Exchange administrator (`{exo}`).",
			"If `Get-ServicePrincipal` shows the app with a different ObjectId, remove it with `Remove-ServicePrincipal` and create it again with the Enterprise application's Object ID.",
			"Register the app and give it FullAccess to {mailbox} with the script below.",
			"Wait up to 30 minutes for the change to reach every Exchange server, then test again.",
		},
		links:  []linkSpec{lnkEnterprise, lnkEXOMailboxes, docMailOAuth},
		script: psRegisterSP,
	},
	{
		id:    TokenMalformed,
		title: "What was sent is not a usable access token",
		cause: "The value sent as the token is empty, cut short, wrapped in quotes, has \"Bearer \" twice in front of it or failed validation, so the server cannot use it. This is a problem in how the token is passed on, not in the Entra ID configuration.",
		fix: []string{
			"Send the raw access token only: the XOAUTH2 string is \"user={mailbox}^Aauth=Bearer TOKEN^A^A\", so the token itself must not start with \"Bearer\".",
			"Check that the token is not empty, has three dot-separated parts and was not truncated by a length limit or a line break.",
			"Use the access token, not the ID token or the refresh token.",
		},
		links: []linkSpec{docMailOAuth, docAccessTokens},
	},
	{
		id:    AccessTokenExpired,
		title: "The access token expired during the session",
		cause: "Access tokens are valid for about 60 to 90 minutes. The connection lasted longer than the token, or an old token was reused, so the server ended the session.",
		fix: []string{
			"Get a new token before each connection, and reconnect with a fresh token before the old one expires (check the exp claim).",
			"Long-running IMAP sessions (IDLE) must reconnect and authenticate again at least every hour.",
		},
		links: []linkSpec{docAccessTokens, docMailOAuth},
	},
	{
		id:    MailboxNotConnected,
		title: "Signed in, but the mailbox could not be opened",
		cause: "Exchange accepted the sign-in but could not open the mailbox named in the XOAUTH2 user= field ({mailbox}). Causes: the user= value is not the mailbox's primary address; the app or signed-in user has no FullAccess permission on that (shared) mailbox; {proto} is disabled for the mailbox; or the mailbox has no Exchange Online licence.",
		fix: []string{
			"Put the mailbox's primary SMTP address in the user= field (Exchange admin center ({eac}) → Mailboxes → the mailbox → Email addresses).",
			"Give access: app-only — `Add-MailboxPermission -Identity {mailbox} -User $sp.Id -AccessRights FullAccess` where $sp.Id is the Enterprise application's Object ID (see the script); delegated — give {user} FullAccess to {mailbox}.",
			"Enable the protocol: `Set-CASMailbox -Identity {mailbox} {casflag}`.",
			"Check that the mailbox is licensed (user mailboxes) or is a shared mailbox; shared mailboxes need no licence.",
			"Wait up to 30 minutes after a permission change.",
		},
		links: []linkSpec{lnkEXOMailboxes, lnkEnterprise, docMailOAuth},
		script: psFindSP + `
{exo}
Get-Mailbox -Identity '{mailbox}' | Format-List PrimarySmtpAddress, RecipientTypeDetails
Get-MailboxPermission -Identity '{mailbox}' | Format-Table User, AccessRights
# App-only access:
Add-MailboxPermission -Identity '{mailbox}' -User $sp.Id -AccessRights FullAccess
# Delegated access for a signed-in user:
Add-MailboxPermission -Identity '{mailbox}' -User '{user}' -AccessRights FullAccess -AutoMapping $false
Set-CASMailbox -Identity '{mailbox}' {casflag}`,
	},
	{
		id:    MailboxNotFound,
		title: "No Exchange Online mailbox for this address",
		cause: "Exchange Online has no mailbox for the address ({mailbox}): the user has no Exchange Online licence, the mailbox is still on-premises, it was deleted, or the address is an alias or a guest account rather than a mailbox's primary address.",
		fix: []string{
			"Exchange admin center ({eac}) → Mailboxes: search for the address and note its primary SMTP address and type.",
			"Microsoft 365 admin center ({m365}) → Active users → the user → Licenses and apps: assign a licence that includes Exchange Online, then wait for the mailbox to be created.",
			"On-premises mailboxes must be migrated to Exchange Online before IMAP, POP, SMTP or Graph OAuth work against Microsoft 365.",
		},
		links: []linkSpec{lnkEXOMailboxes, lnkM365Users, docGraphMail},
		script: `{exo}
Get-EXOMailbox -Identity '{mailbox}' | Format-List PrimarySmtpAddress, RecipientTypeDetails`,
	},
	{
		id:    BasicAuthDisabled,
		title: "Password sign-in (basic authentication) is turned off",
		cause: "The login used a user name and password (or an app password) and the server no longer accepts that. Exchange Online turned basic authentication off for IMAP and POP in 2022. For SMTP AUTH it keeps working until the end of December 2026 where it is enabled; then Microsoft disables it by default in existing tenants (an administrator can turn it back on for now), tenants created after that never have it, and the final removal date is to be announced in the second half of 2027 — after that every password login answers 550 5.7.30 \"Basic authentication is not supported for Client Submission\". Outlook.com stopped accepting passwords and app passwords from mail apps on 16 September 2024. Gmail still accepts an app password on accounts with 2-Step Verification.",
		fix: []string{
			"Use OAuth: choose a sign-in flow in this tool (app-only with {role}, or a signed-in user with {scope}).",
			"Make sure the client offers XOAUTH2 instead of LOGIN/PLAIN.",
			"For a device that cannot do OAuth, plan a replacement (an OAuth-capable client, High Volume Email, or a relay connector) before SMTP AUTH with passwords is switched off.",
		},
		links: []linkSpec{lnkAPIPermissions, docBasicAuth, docSMTPBasic, docMailOAuth},
	},
	{
		id:    SMTPAuthDisabled,
		title: "SMTP AUTH is turned off for the tenant or the mailbox",
		cause: "Authenticated SMTP submission (SMTP AUTH on {smtphost}:587) is disabled — for the whole organization, for the mailbox {mailbox}, or both. It is off by default for organizations created after January 2020. The mailbox setting wins over the organization setting when it is set. OAuth (XOAUTH2) needs SMTP AUTH enabled just like a password does.",
		fix: []string{
			"Check both settings in Exchange Online PowerShell (script below): `Get-TransportConfig` and `Get-CASMailbox -Identity {mailbox}`.",
			"Enable it for this mailbox only (recommended): `Set-CASMailbox -Identity {mailbox} -SmtpClientAuthenticationDisabled $false`.",
			"Or for the whole organization: Exchange admin center ({eac}) → Settings → Mail flow → clear **Turn off SMTP AUTH protocol for your organization** → Save, or `Set-TransportConfig -SmtpClientAuthenticationDisabled $false`.",
			"Security defaults block SMTP AUTH with passwords; OAuth (XOAUTH2) still works once SMTP AUTH is enabled. Password logins to SMTP AUTH are disabled by default at the end of December 2026.",
			"Wait up to an hour for the change to take effect.",
		},
		links: []linkSpec{lnkEXOMailboxes, docSMTPAuth, docSMTPBasic},
		script: `{exo}
Get-TransportConfig | Format-List SmtpClientAuthenticationDisabled
Get-CASMailbox -Identity '{mailbox}' | Format-List SmtpClientAuthenticationDisabled
# Enable for this mailbox only (a mailbox value of $false overrides the organization setting):
Set-CASMailbox -Identity '{mailbox}' -SmtpClientAuthenticationDisabled $false
# Or for the whole organization:
# Set-TransportConfig -SmtpClientAuthenticationDisabled $false`,
	},
	{
		id:    SMTPNotAuthenticated,
		title: "The SMTP server says the client is not signed in",
		cause: "The message was sent before authentication succeeded, or after the server dropped the authenticated state. Usually AUTH XOAUTH2 was never sent or failed earlier, or the client sent MAIL FROM on a new connection without authenticating.",
		fix: []string{
			"Make sure the client authenticates with AUTH XOAUTH2 after STARTTLS and before MAIL FROM, and checks the reply is 235.",
			"Look at the lines before this error: an earlier 535 or 5.7.139 reply is the real cause.",
		},
		links: []linkSpec{docSMTPAuth, docMailOAuth},
	},
	{
		id:    SendAsDenied,
		title: "Not allowed to send as this sender",
		cause: "The From or Sender address differs from the authenticated mailbox ({mailbox}), and the sign-in has no Send As or Send on Behalf permission on that address.",
		fix: []string{
			"Send from the authenticated mailbox's own address, or",
			"give the signed-in mailbox ({mailbox}) Send As on the From address (script below) and wait up to an hour.",
			"For Send on Behalf use `Set-Mailbox -Identity $from -GrantSendOnBehalfTo {mailbox}` instead.",
		},
		links: []linkSpec{lnkEXOMailboxes, docSendAs},
		script: `{exo}
# -Identity is the address used in From; -Trustee is the mailbox that signs in.
$from = Read-Host 'Address used in the From header'
Add-RecipientPermission -Identity $from -Trustee '{mailbox}' -AccessRights SendAs -Confirm:$false
Get-RecipientPermission -Identity $from`,
	},
	{
		id:    AuthMechanismUnsupported,
		title: "The server does not support this sign-in method",
		cause: "The client offered an authentication mechanism the server does not accept here. Exchange Online offers XOAUTH2 (and LOGIN for SMTP) only after STARTTLS or on the TLS port; PLAIN is not accepted by its SMTP service, and before STARTTLS no AUTH is offered at all.",
		fix: []string{
			"Use XOAUTH2 with an OAuth token.",
			"For SMTP connect to {smtphost}:587, run STARTTLS, send EHLO again, then AUTH XOAUTH2.",
		},
		links: []linkSpec{docMailOAuth, docSMTPAuth},
	},
	{
		id:    ProtocolError,
		title: "The server did not understand the command",
		cause: "A command or the SASL exchange was malformed: for example badly encoded XOAUTH2 data, POP's AUTH XOAUTH2 sent on one line (Exchange expects it in two steps), or an unsupported parameter.",
		fix: []string{
			"POP: send `AUTH XOAUTH2`, wait for `+`, then send the base64 string on its own line.",
			"Check the XOAUTH2 string: base64 of \"user={mailbox}^Aauth=Bearer TOKEN^A^A\" (^A is byte 0x01), without line breaks.",
			"Update the mail library; old versions have known XOAUTH2 bugs.",
		},
		links: []linkSpec{docMailOAuth},
	},
	{
		id:    ServerTemporaryError,
		title: "A problem on the server's side",
		cause: "Microsoft's service (Entra ID or Exchange Online) reported a failure on its side. Nothing needs to change in your configuration; the same request usually works a little later.",
		fix: []string{
			"Wait a minute and test again.",
			"If it persists, check Microsoft 365 admin center ({m365}) → Health → Service health for incidents.",
		},
		links: []linkSpec{lnkServiceHealth, docMailOAuth},
	},
	{
		id:    Throttled,
		title: "Too many requests, connections or messages",
		cause: "Exchange Online, Microsoft Graph or Entra ID is limiting this app, user or mailbox because too many requests, simultaneous connections or messages were sent (for example Graph's ApplicationThrottled, SMTP's 432 4.3.2 STOREDRV concurrency limit, or a sending limit). The limit lifts by itself.",
		fix: []string{
			"Wait for the time given in Retry-After (Graph) or a few minutes, then retry.",
			"Close idle connections; Exchange allows only a small number of simultaneous IMAP, POP or SMTP connections per mailbox.",
			"Spread bulk work over time and reuse one connection instead of opening many; for large internal mailings consider High Volume Email.",
		},
		links: []linkSpec{docGraphThrottle, docEXOLimits},
	},
	{
		id:    MessageTooLarge,
		title: "The message is larger than a size limit allows",
		cause: "The server refused the message because it is larger than a limit: the mailbox's maximum send or receive size, the organization's limit, or the protocol's (for example SMTP 552 5.3.4, MapiExceptionMaxSubmissionExceeded, or Graph ErrorMessageSizeExceeded), or the mailbox is over its storage quota. Exchange Online's default for a mailbox is 35 MB, and encoding makes a message about a third larger than its attachments.",
		fix: []string{
			"Check the mailbox's limits in Exchange Online PowerShell (script below): MaxSendSize and MaxReceiveSize.",
			"Raise them if the product must send large messages (up to 150 MB in Exchange Online), or send smaller messages.",
			"Remember the recipient's own limits: a message accepted here can still bounce at the recipient.",
		},
		links:  []linkSpec{lnkEXOMailboxes, docEXOLimits},
		script: "{exo}\nGet-Mailbox -Identity '{mailbox}' | Format-List MaxSendSize, MaxReceiveSize\nSet-Mailbox -Identity '{mailbox}' -MaxSendSize 35MB -MaxReceiveSize 36MB",
	},
	{
		id:    XOAUTH2UserInvalid,
		title: "The mailbox address sent with the token is not accepted",
		cause: "The server rejected the user= part of the XOAUTH2 or OAUTHBEARER login ({mailbox}): it is malformed (spaces, a display name, a missing domain), it is not a mailbox this server serves, or it is not allowed on this endpoint (for example an ordinary mailbox on the High Volume Email endpoint, which accepts only its own HVE accounts).",
		fix: []string{
			"Use the mailbox's primary SMTP address exactly, with nothing around it; check it in the Exchange admin center ({eac}) → Mailboxes (script below).",
			"For a shared mailbox, sign in as a user with Full Access and put the shared mailbox's address in the Mailbox field.",
			"{hvestep}",
		},
		links:  []linkSpec{lnkEXOMailboxes, docMailOAuth, docHVE},
		script: "{exo}\nGet-Recipient -Identity '{mailbox}' | Format-List PrimarySmtpAddress, RecipientTypeDetails, EmailAddresses",
	},
	{
		id:    CAEChallenge,
		title: "The token was revoked by a policy or account change (claims challenge)",
		cause: "The server refused a token that had not yet expired and asked for a new one with a claims challenge (insufficient_claims, TokenCreatedWithOutdatedPolicies). With continuous access evaluation, Microsoft 365 learns at once when the user's password is reset, the account is disabled or its sessions are revoked, or when the request comes from a location a Conditional Access policy does not allow, and then rejects tokens issued before.",
		fix: []string{
			"Get a new token: run the test again (for delegated flows, sign in again).",
			"If it repeats at once, check the user's recent changes and the sign-in logs (link below) for a revoked session, a disabled account or a location policy.",
			"Programs must handle the claims challenge: pass the claims from the WWW-Authenticate header to MSAL (WithClaims) when they get a new token, and declare the cp1 client capability.",
		},
		links: []linkSpec{lnkSignInLogs, docCAE, docClaims},
	},
	{
		id:    GraphAccessPolicy,
		title: "Exchange does not let this app open this mailbox",
		cause: "Exchange Online limits which mailboxes the app may open, and {mailbox} is not among them. Today this is done with **RBAC for Applications**: a management role assignment (for example \"Application Mail.Read\" or \"Application Mail.Send\") with a management scope, checked by Exchange independently of the token's roles. Older tenants use an **Application Access Policy** (legacy; Microsoft says not to create new ones), which Graph reports as \"Access to OData is disabled: [RAOP]\". RBAC only adds access: a tenant-wide Entra permission (Mail.Send or Mail.Read in the token) still reaches every mailbox unless it is removed.",
		fix: []string{
			"RBAC for Applications: run `Test-ServicePrincipalAuthorization -Identity {client} -Resource {mailbox}` (script below); if the assignment shows InScope False, add the mailbox to the management scope (or the group or administrative unit it filters on).",
			"Legacy policy: `Test-ApplicationAccessPolicy -Identity {mailbox} -AppId {client}`; add the mailbox to the policy's mail-enabled security group, or move the app to RBAC for Applications and remove the old policy.",
			"After moving to RBAC, remove the tenant-wide Graph permission from the app registration, or RBAC will not restrict anything.",
			"Wait up to an hour for changes to apply.",
		},
		links: []linkSpec{lnkEXOMailboxes, docAppRBAC, docAccessPolicy},
		script: psTestRBAC + `
# Legacy Application Access Policies:
Get-ApplicationAccessPolicy | Where-Object AppId -eq '{client}' | Format-List
Test-ApplicationAccessPolicy -Identity '{mailbox}' -AppId '{client}'
# RBAC for Applications, limited to the members of a group (instead of a tenant-wide Entra permission):
# New-ManagementScope -Name 'Mail app mailboxes' -RecipientRestrictionFilter "MemberOfGroup -eq 'CN=...'"
# New-ManagementRoleAssignment -App '{client}' -Role 'Application Mail.Send' -CustomResourceScope 'Mail app mailboxes'`,
	},
	{
		id:    GraphPermissionDenied,
		title: "Nothing grants this app access to the mailbox data in Microsoft Graph",
		cause: "Microsoft Graph refused the call for lack of permission. For mail, the permission can come from two places: a Microsoft Graph **application** permission in Entra ID (it appears in the token's roles, for example Mail.Read or Mail.Send), or an Exchange **RBAC for Applications** role assignment, which does not appear in the token. Neither covers this call for {mailbox}. Common mix-ups: a Delegated permission added where the app signs in as itself, admin consent not granted, or an RBAC assignment whose management scope leaves this mailbox out.",
		fix: []string{
			"First check Exchange's side: `Test-ServicePrincipalAuthorization -Identity {client} -Resource {mailbox}` (script below) shows the RBAC for Applications roles and whether the mailbox is in scope.",
			"Or grant it in Entra ID: Microsoft Entra admin center ({entra}) → App registrations → open the app ({client}) → API permissions → Add a permission → **Microsoft Graph** → **Application permissions** (app-only) or **Delegated permissions** (signed-in user) → Mail.Read, Mail.ReadWrite or Mail.Send as needed → **Grant admin consent**, then get a new token.",
			"To limit the app to some mailboxes, prefer RBAC for Applications (`New-ManagementRoleAssignment -App {client} -Role 'Application Mail.Send' -CustomResourceScope …`) over a tenant-wide Entra permission.",
		},
		links:  []linkSpec{lnkAPIPermissions, lnkAdminConsent, docAppRBAC, docGraphPerms},
		script: psTestRBAC,
	},
	{
		id:    GraphMeAppOnly,
		title: "/me cannot be used without a signed-in user",
		cause: "The request used /me, which means \"the signed-in user\". An app-only token has no user, so Graph cannot tell whose mailbox is meant.",
		fix: []string{
			"With app-only access call /users/{mailbox}/… instead of /me/….",
			"Or use a delegated flow where a user signs in.",
		},
		links: []linkSpec{docGraphAppOnly},
	},
	{
		id:    GraphInvalidRecipient,
		title: "A recipient address is not valid",
		cause: "At least one To, Cc or Bcc address is malformed or empty, or the message has no recipients at all.",
		fix: []string{
			"Check every recipient address for typos, spaces and missing domains.",
			"Put each address in its own emailAddress object in toRecipients; do not join several addresses in one string.",
		},
		links: []linkSpec{docGraphSendMail},
	},
	{
		id:    RecipientRestricted,
		title: "The recipient's side does not accept this message from this sender",
		cause: "The message was refused for who sent it, not for how it signed in: the recipient (a group, mailbox or public folder) accepts mail only from listed or internal senders, a mail flow rule or a block list rejects it, the sender's domain fails SPF or DMARC, or the sending IP address is blocked.",
		fix: []string{
			"Read the text after the code: it names the restriction (allowed-senders list, external senders, SPF, DMARC, block list).",
			"For a group or mailbox in your own organization: Exchange admin center ({eac}) → the recipient → Delivery management / message approval settings.",
			"For SPF, DMARC or block lists, fix the sending domain's DNS records or ask the receiving organization to allow the sender.",
		},
		links: []linkSpec{lnkEXOMailboxes, docNDR},
	},
	{
		id:    Unknown,
		title: "The cause of this error is not known",
		cause: "This error was recognised as a failure, but the knowledge base has no explanation for it. The raw text is shown below so you can search for it or pass it to support.",
		fix: []string{
			"Read the raw error text below; the first line usually names the problem.",
			"Check the Microsoft Entra sign-in logs for the same time; they often give the exact reason.",
		},
		links: []linkSpec{lnkSignInLogs, docErrorCodes},
	},
}

// byID indexes catalog; built once, never changed.
var byID = func() map[string]*entry {
	m := make(map[string]*entry, len(catalog))
	for i := range catalog {
		m[catalog[i].id] = &catalog[i]
	}
	return m
}()

// signIn holds the sign-in (Entra ID) IDs, the catalog's first section:
// the only IDs a wording may give an Entra code the vocabulary lacks.
var signIn = idsBetween(TenantInvalid, TenantRestricted)

// idsBetween returns the catalog IDs from first to last, both included.
func idsBetween(first, last string) map[string]bool {
	out := map[string]bool{}
	in := false
	for _, e := range catalog {
		in = in || e.id == first
		if in {
			out[e.id] = true
		}
		if e.id == last {
			break
		}
	}
	return out
}

// IDs returns every known diagnosis ID in the order of docs/diagnoses.md,
// including Unknown. The caller may modify the returned slice.
func IDs() []string {
	out := make([]string, len(catalog))
	for i, e := range catalog {
		out[i] = e.id
	}
	return out
}

// Known reports whether id is a diagnosis ID of the catalog.
func Known(id string) bool {
	_, ok := byID[id]
	return ok
}

// Get returns the catalog entry for id with f filled into its text, links
// and script. An unknown id yields the Unknown entry, with the id noted in
// its cause. Codes and Evidence are left empty.
func Get(id string, f Facts) Diagnosis {
	e, ok := byID[id]
	if !ok {
		d := render(byID[Unknown], f)
		d.Cause = strings.TrimSpace(d.Cause + " (No explanation is stored for the ID \"" + id + "\".)")
		return d
	}
	return render(e, f)
}

func render(e *entry, f Facts) Diagnosis {
	r := newRenderer(f)
	d := Diagnosis{
		ID:    e.id,
		Title: r.str(e.title),
		Cause: r.str(e.cause),
	}
	for _, step := range r.strs(e.fix) {
		if step != "" { // a step that does not apply to the cloud renders empty
			d.Fix = append(d.Fix, step)
		}
	}
	for _, l := range e.links {
		d.Links = append(d.Links, r.link(l))
	}
	if e.script != "" {
		d.Script = r.script.Replace(e.script)
	}
	return d
}
