<#
.SYNOPSIS
    Sets up Microsoft 365 for Cisco Enterprise Chat and Email (ECE).
.DESCRIPTION
    Written by Mail OAuth Tester for the preset "cisco-ece", cloud Worldwide. Read it before you run
    it: it is meant to be reviewed by an Exchange or Entra administrator.

    Every step looks first and changes only what is missing. Nothing is ever deleted or removed, and
    running the script again changes nothing that is already right. Run it with -WhatIf first to see
    what it would change.

    Steps:
     1. Find the app registration "Cisco ECE mail (OAuth)" by name, or create it (single tenant).
     2. Register the product's redirect URI on the Web platform (existing URIs are kept).
     3. Add a client secret only when the app has no valid one (or with -NewSecret); its Value is
        shown once on this console.
     4. List the API permissions on the app: Microsoft Graph delegated POP.AccessAsUser.All,
        Microsoft Graph delegated SMTP.Send, Microsoft Graph delegated offline_access, Microsoft
        Graph delegated User.Read.
     5. Make sure the enterprise application (service principal) exists.
     6. Grant admin consent for those permissions, like "Grant admin consent" in the portal.
     7. Give -SignInUser Full Access on each mailbox in -Mailboxes.
     8. Give -SignInUser Send As on each mailbox in -Mailboxes.
     9. Make sure POP3 is enabled on the mailboxes.
    10. Allow SMTP AUTH for the sending mailbox only (the organisation-wide setting stays as it
        is).
.NOTES
    Needs PowerShell 7 or Windows PowerShell 5.1 with the modules Microsoft.Graph.Authentication,
    Microsoft.Graph.Applications, Microsoft.Graph.Identity.SignIns, ExchangeOnlineManagement:
        Install-Module Microsoft.Graph.Authentication, Microsoft.Graph.Applications, Microsoft.Graph.Identity.SignIns, ExchangeOnlineManagement -Scope CurrentUser
    Sign in as an account with the roles Cloud Application Administrator (app registration and
    enterprise application), Privileged Role Administrator or Global Administrator (admin consent),
    Exchange Administrator (Exchange Online).
    Mail OAuth Tester only wrote this file. It never runs it and never sees what it prints.
#>
[CmdletBinding(SupportsShouldProcess = $true)]
param(
    # Directory (tenant) ID or verified domain.
    [string]$TenantId = 'contoso.onmicrosoft.com',
    # Application (client) ID of an existing app registration; empty = find the app by -AppName or create it.
    [string]$ClientId = '',
    # Display name of the app registration.
    [string]$AppName = 'Cisco ECE mail (OAuth)',
    # The product's redirect URI, exactly as it sends it.
    [string]$RedirectUri = 'https://ece.contoso.com/web/view/mail/admin/account/showauthcode.jsp',
    # Mailboxes the product opens or sends from.
    [string[]]$Mailboxes = @('support@contoso.com', 'sales@contoso.com'),
    # The account that signs in to the product (one licensed service account that every alias mailbox is delegated to).
    [string]$SignInUser = 'ece-svc@contoso.com',
    # Description of a new client secret.
    [string]$SecretName = 'Cisco ECE mail (OAuth) secret',
    # Lifetime of a new client secret in months (Entra allows at most 24; shorter is safer, but the product must be updated each time).
    [ValidateRange(1, 24)]
    [int]$SecretMonths = 12,
    # Add a new client secret even when a valid one exists (for instance when its Value is lost).
    [switch]$NewSecret
)
Set-StrictMode -Version 1.0
$ErrorActionPreference = 'Stop'

function Write-Step([string]$Text) { Write-Host ''; Write-Host "== $Text" -ForegroundColor Cyan }
function Write-Ok([string]$Text) { Write-Host "   ok       $Text" -ForegroundColor Green }
function Write-Change([string]$Text) { Write-Host "   changed  $Text" -ForegroundColor Yellow }
function Write-Todo([string]$Text) { Write-Warning $Text }
# True when $Who (any of the names or IDs given) has Full Access on $Mailbox. If a grant is missed here,
# Add-MailboxPermission below only reports that it is already there.
function Test-FullAccess([string]$Mailbox, [string[]]$Who) {
    foreach ($entry in @(Get-MailboxPermission -Identity $Mailbox)) {
        if ($entry.Deny -or "$($entry.AccessRights)" -notmatch 'FullAccess') { continue }
        foreach ($name in $Who) { if ($name -and "$($entry.User)" -like "*$name*") { return $true } }
    }
    return $false
}

foreach ($module in @('Microsoft.Graph.Authentication', 'Microsoft.Graph.Applications', 'Microsoft.Graph.Identity.SignIns', 'ExchangeOnlineManagement')) {
    if (-not (Get-Module -ListAvailable -Name $module)) {
        throw "The PowerShell module $module is missing. Install it with: Install-Module $module -Scope CurrentUser"
    }
}

Write-Step 'Signing in to Microsoft Graph (Worldwide)'
Connect-MgGraph -Environment Global -TenantId $TenantId -Scopes 'Application.ReadWrite.All', 'DelegatedPermissionGrant.ReadWrite.All' -NoWelcome

Write-Step '1. App registration'
$app = $null
if ($ClientId) {
    $app = Get-MgApplication -Filter "appId eq '$ClientId'"
    if (-not $app) {
        throw "There is no app registration with the Application (client) ID $ClientId in tenant $TenantId. Check that it is the Application (client) ID (not an Object ID), or leave -ClientId empty to create the app (diagnosis app-not-found)."
    }
} else {
    $named = @(Get-MgApplication -Filter "displayName eq '$AppName'")
    if ($named.Count -gt 1) {
        throw "More than one app registration is named $AppName. Run the script again with -ClientId and the Application (client) ID of the right one."
    }
    if ($named.Count -eq 1) { $app = $named[0] }
}
if ($app) {
    Write-Ok "$($app.DisplayName), Application (client) ID $($app.AppId)"
} elseif ($PSCmdlet.ShouldProcess($AppName, 'Create a single-tenant app registration')) {
    $app = New-MgApplication -DisplayName $AppName -SignInAudience 'AzureADMyOrg'
    Write-Change "created the app registration $AppName, Application (client) ID $($app.AppId)"
} else {
    Write-Todo "The app registration $AppName does not exist yet, so the dry run stops here: the next steps need it."
    return
}

Write-Step '2. Redirect URI (Web platform)'
if ($RedirectUri -match '[<>]') {
    throw "Replace the placeholder in -RedirectUri ($RedirectUri) with the product's real address."
}
$webUris = @($app.Web.RedirectUris | Where-Object { $_ })
if ($webUris -ccontains $RedirectUri) {
    Write-Ok "$RedirectUri is registered"
} elseif ($PSCmdlet.ShouldProcess($app.DisplayName, "Add the Web redirect URI $RedirectUri")) {
    Update-MgApplication -ApplicationId $app.Id -Web @{ RedirectUris = @($webUris + $RedirectUri) }
    Write-Change "added the Web redirect URI $RedirectUri (the existing ones are kept)"
}

Write-Step '3. Client secret'
$soon = (Get-Date).AddDays(30)
$valid = @($app.PasswordCredentials | Where-Object { $_ -and $_.EndDateTime -gt $soon })
foreach ($old in @($app.PasswordCredentials | Where-Object { $_ -and $_.EndDateTime -le $soon })) {
    Write-Todo "The secret '$($old.DisplayName)' ends on $($old.EndDateTime) (expired or nearly). It is left in place; delete it in the portal once nothing uses it."
}
if ($valid.Count -gt 0 -and -not $NewSecret) {
    foreach ($s in $valid) { Write-Ok "secret '$($s.DisplayName)' (Value starts with $($s.Hint)) is valid until $($s.EndDateTime)" }
    Write-Host '   A secret Value cannot be read back. If the product does not have it any more, run again with -NewSecret.'
} elseif ($PSCmdlet.ShouldProcess($app.DisplayName, "Add a client secret valid for $SecretMonths months")) {
    $created = Add-MgApplicationPassword -ApplicationId $app.Id -PasswordCredential @{ DisplayName = $SecretName; EndDateTime = (Get-Date).AddMonths($SecretMonths) }
    Write-Change "added the client secret '$SecretName', valid until $($created.EndDateTime)"
    Write-Host ''
    Write-Host '   Copy the secret VALUE below into the product now. It is shown only here, this script keeps no copy,' -ForegroundColor Yellow
    Write-Host '   and the Secret ID (a GUID) is not the secret.' -ForegroundColor Yellow
    Write-Host "   Value: $($created.SecretText)"
    $created = $null
}

Write-Step '4. API permissions'
# Each entry: the resource's application ID, Role (application permission) or Scope (delegated
# permission), the permission and its well-known ID. The script compares every ID with this tenant's
# own copy of the resource and uses the tenant's if they differ.
# Microsoft Graph IDs: a public JSON list of Microsoft Graph permission IDs, matching published app
# manifests (Microsoft's Graph permissions reference,
# learn.microsoft.com/graph/permissions-reference, lists each ID).
$wanted = @(
    # Microsoft Graph, delegated: POP3 login with the service account's token
    @{ Resource = '00000003-0000-0000-c000-000000000000'; Type = 'Scope'; Value = 'POP.AccessAsUser.All'; Id = 'd7b7f2d9-0f45-4ea1-9d42-e50810c06991' }
    # Microsoft Graph, delegated: SMTP AUTH sending with the service account's token
    @{ Resource = '00000003-0000-0000-c000-000000000000'; Type = 'Scope'; Value = 'SMTP.Send'; Id = '258f6531-6087-4cc4-bb90-092c5fb3ed3f' }
    # Microsoft Graph, delegated: a refresh token, so ECE keeps working after the one-time sign-in
    @{ Resource = '00000003-0000-0000-c000-000000000000'; Type = 'Scope'; Value = 'offline_access'; Id = '7427e0e9-2fba-42fe-b0c0-848c9e6a8182' }
    # Microsoft Graph, delegated: sign-in and the account's profile
    @{ Resource = '00000003-0000-0000-c000-000000000000'; Type = 'Scope'; Value = 'User.Read'; Id = 'e1fe6dd8-ba31-4d61-89e7-88639da4683d' }
)
$resources = @{}
foreach ($w in $wanted) {
    if (-not $resources.ContainsKey($w.Resource)) {
        $resources[$w.Resource] = Get-MgServicePrincipal -Filter "appId eq '$($w.Resource)'"
        if (-not $resources[$w.Resource]) {
            throw "This tenant has no service principal for the resource $($w.Resource), so its permissions cannot be granted (diagnosis resource-not-found)."
        }
    }
    $res = $resources[$w.Resource]
    if ($w.Type -eq 'Role') {
        $def = $res.AppRoles | Where-Object { $_.Value -eq $w.Value }
    } else {
        $def = $res.Oauth2PermissionScopes | Where-Object { $_.Value -eq $w.Value }
    }
    if (-not $def) {
        throw "$($res.DisplayName) in this tenant offers no permission $($w.Value)."
    }
    if ($def.Id -ne $w.Id) {
        Write-Todo "$($res.DisplayName) lists $($w.Value) with the ID $($def.Id) here, not $($w.Id); the tenant's ID is used."
        $w.Id = $def.Id
    }
}
$access = @{}
foreach ($r in @($app.RequiredResourceAccess | Where-Object { $_ })) {
    $access[$r.ResourceAppId] = @($r.ResourceAccess | ForEach-Object { @{ Id = $_.Id; Type = $_.Type } })
}
$added = @()
foreach ($w in $wanted) {
    $list = @()
    if ($access.ContainsKey($w.Resource)) { $list = @($access[$w.Resource]) }
    if (-not ($list | Where-Object { $_.Id -eq $w.Id -and $_.Type -eq $w.Type })) {
        $access[$w.Resource] = @($list) + @{ Id = $w.Id; Type = $w.Type }
        $added += $w.Value
    }
}
if ($added.Count -eq 0) {
    Write-Ok 'every permission is on the app'
} elseif ($PSCmdlet.ShouldProcess($app.DisplayName, "Add the API permissions $($added -join ', ')")) {
    $required = @(foreach ($key in $access.Keys) { @{ ResourceAppId = $key; ResourceAccess = @($access[$key]) } })
    Update-MgApplication -ApplicationId $app.Id -RequiredResourceAccess $required
    Write-Change "added $($added -join ', ') (the permissions already there are kept)"
}

Write-Step '5. Enterprise application (service principal)'
$sp = Get-MgServicePrincipal -Filter "appId eq '$($app.AppId)'"
if ($sp) {
    Write-Ok "Object ID $($sp.Id) (the enterprise application's; Exchange needs this one, not the app registration's)"
} elseif ($PSCmdlet.ShouldProcess($app.DisplayName, 'Create the enterprise application (service principal)')) {
    $sp = New-MgServicePrincipal -AppId $app.AppId
    Write-Change "created the enterprise application, Object ID $($sp.Id)"
} else {
    Write-Todo 'The enterprise application does not exist yet, so the dry run stops here: the next steps need its Object ID.'
    return
}
if ($sp.AccountEnabled -eq $false) {
    Write-Todo 'Sign-in is turned off for the enterprise application, so Entra ID issues it no token. Someone may have done that on purpose: turn it on under Enterprise applications > Properties > Enabled for users to sign in, if it should work (diagnosis app-disabled).'
}

Write-Step '6. Admin consent'
$delegated = @($wanted | Where-Object { $_.Type -eq 'Scope' })
foreach ($resourceAppId in @($delegated | ForEach-Object { $_.Resource } | Select-Object -Unique)) {
    $res = $resources[$resourceAppId]
    $names = @($delegated | Where-Object { $_.Resource -eq $resourceAppId } | ForEach-Object { $_.Value })
    $grant = Get-MgOauth2PermissionGrant -Filter "clientId eq '$($sp.Id)' and resourceId eq '$($res.Id)' and consentType eq 'AllPrincipals'" | Select-Object -First 1
    $have = @()
    if ($grant -and $grant.Scope) { $have = @($grant.Scope -split ' ' | Where-Object { $_ }) }
    $missing = @($names | Where-Object { $have -notcontains $_ })
    if ($missing.Count -eq 0) {
        Write-Ok "$($names -join ', ') ($($res.DisplayName)) have admin consent for the whole organisation"
    } elseif ($PSCmdlet.ShouldProcess($app.DisplayName, "Grant admin consent for $($missing -join ', ')")) {
        $scope = (@($have) + $missing) -join ' '
        if ($grant) {
            Update-MgOauth2PermissionGrant -OAuth2PermissionGrantId $grant.Id -Scope $scope
        } else {
            $null = New-MgOauth2PermissionGrant -ClientId $sp.Id -ConsentType 'AllPrincipals' -ResourceId $res.Id -Scope $scope
        }
        Write-Change "granted admin consent for $($missing -join ', ') ($($res.DisplayName)); the scopes already granted are kept"
    }
}

Write-Step 'Signing in to Exchange Online (Worldwide)'
# Worldwide and GCC: Connect-ExchangeOnline's default environment (O365Default) is the right one.
Connect-ExchangeOnline -ShowBanner:$false

Write-Step 'Checking the mailboxes'
$found = @()
foreach ($m in $Mailboxes) {
    $mbx = $null
    try { $mbx = Get-EXOMailbox -Identity $m -ErrorAction Stop } catch { $mbx = $null }
    if ($mbx) {
        Write-Ok "$m is an Exchange Online mailbox ($($mbx.RecipientTypeDetails))"
        $found += $m
    } else {
        Write-Todo "$m is not an Exchange Online mailbox, so it is skipped. Create it (a shared mailbox needs no licence) or license the user, then run the script again (diagnosis mailbox-not-found)."
    }
}

Write-Step '7. Full Access for the sign-in account on the mailboxes'
foreach ($m in $found) {
    if ($m -eq $SignInUser) {
        Write-Ok "$m is the sign-in account's own mailbox"
    } elseif (Test-FullAccess -Mailbox $m -Who @($SignInUser)) {
        Write-Ok "$SignInUser has Full Access on $m"
    } elseif ($PSCmdlet.ShouldProcess($m, "Give $SignInUser Full Access")) {
        # AutoMapping off: Outlook does not open every delegated mailbox for the account.
        $null = Add-MailboxPermission -Identity $m -User $SignInUser -AccessRights FullAccess -InheritanceType All -AutoMapping $false
        Write-Change "gave $SignInUser Full Access on $m"
    }
}

Write-Step '8. Send As for the sign-in account on the mailboxes'
foreach ($m in $found) {
    if ($m -eq $SignInUser) { continue }
    $has = @(Get-RecipientPermission -Identity $m -Trustee $SignInUser -AccessRights SendAs -ErrorAction SilentlyContinue)
    if ($has.Count -gt 0) {
        Write-Ok "$SignInUser has Send As on $m"
    } elseif ($PSCmdlet.ShouldProcess($m, "Give $SignInUser Send As")) {
        $null = Add-RecipientPermission -Identity $m -Trustee $SignInUser -AccessRights SendAs -Confirm:$false
        Write-Change "gave $SignInUser Send As on $m"
    }
}

Write-Step '9. POP3 on the mailboxes'
foreach ($m in $found) {
    $cas = Get-CASMailbox -Identity $m
    if ($cas.PopEnabled) {
        Write-Ok "POP3 is enabled on $m"
    } elseif ($PSCmdlet.ShouldProcess($m, 'Enable POP3')) {
        Set-CASMailbox -Identity $m -PopEnabled $true
        Write-Change "enabled POP3 on $m"
    }
}

Write-Step '10. SMTP AUTH for the sending mailbox'
# With a delegated sign-in, SMTP AUTH is checked for the account that signs in, whichever address it
# sends as.
$tenantOff = (Get-TransportConfig).SmtpClientAuthenticationDisabled
foreach ($m in @($SignInUser)) {
    $cas = $null
    try { $cas = Get-CASMailbox -Identity $m -ErrorAction Stop } catch { $cas = $null }
    if (-not $cas) {
        Write-Todo "$m is not an Exchange Online mailbox, so SMTP AUTH cannot be set for it."
        continue
    }
    $off = $cas.SmtpClientAuthenticationDisabled
    if ($off -eq $false -or ($null -eq $off -and -not $tenantOff)) {
        Write-Ok "SMTP AUTH is allowed for $m"
    } elseif ($PSCmdlet.ShouldProcess($m, 'Allow SMTP AUTH for this mailbox')) {
        Set-CASMailbox -Identity $m -SmtpClientAuthenticationDisabled $false
        Write-Change "allowed SMTP AUTH for $m only (the organisation-wide setting is unchanged)"
    }
}
# If sending still fails with 5.7.139, check whether Security defaults are on in Entra ID: they turn
# SMTP AUTH off for the whole organisation.

Write-Step 'Done'
Write-Host "   Tenant ID:  $TenantId"
Write-Host "   Client ID:  $($app.AppId)"
Write-Host '   POP3 server: outlook.office365.com:995 (TLS)'
Write-Host '   SMTP server: smtp.office365.com:587 (STARTTLS)'
Write-Host '   Scopes: https://outlook.office.com/POP.AccessAsUser.All https://outlook.office.com/SMTP.Send offline_access (sign-in at https://login.microsoftonline.com)'
Write-Host '   Exchange Online can take a while (often minutes, sometimes an hour) to apply new permissions.'
Write-Host '   Then test it: mailoauth --preset cisco-ece --cloud global --tenant contoso.onmicrosoft.com --client-id <Client ID above> --mailbox support@contoso.com --user ece-svc@contoso.com'
Write-Host '   The sessions stay signed in; end them with Disconnect-MgGraph and Disconnect-ExchangeOnline.'
