<#
.SYNOPSIS
    Repairs the Microsoft 365 side of Sytel Softdial for the problems a Mail OAuth Tester run found.
.DESCRIPTION
    Written by Mail OAuth Tester for the preset "sytel-softdial", cloud US Government GCC High. Read
    it before you run it: it is meant to be reviewed by an Exchange or Entra administrator.

    Every step looks first and changes only what is missing. Nothing is ever deleted or removed, and
    running the script again changes nothing that is already right. Run it with -WhatIf first to see
    what it would change.

    Repairs what these diagnoses point at:
      exchange-service-principal-missing - Exchange does not know the app or it has no mailbox access
      admin-consent-required - An administrator must approve the app's permissions

    Steps:
     1. Find the app registration 6f1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d.
     2. List the API permissions on the app: Office 365 Exchange Online application
        IMAP.AccessAsApp.
     3. Make sure the enterprise application (service principal) exists.
     4. Grant admin consent for those permissions, like "Grant admin consent" in the portal.
     5. Register the app in Exchange Online (New-ServicePrincipal) with the enterprise
        application's Object ID.
     6. Give the app Full Access on each mailbox in -Mailboxes.
.NOTES
    Needs PowerShell 7 or Windows PowerShell 5.1 with the modules Microsoft.Graph.Authentication,
    Microsoft.Graph.Applications, ExchangeOnlineManagement:
        Install-Module Microsoft.Graph.Authentication, Microsoft.Graph.Applications, ExchangeOnlineManagement -Scope CurrentUser
    Sign in as an account with the roles Cloud Application Administrator (app registration and
    enterprise application), Privileged Role Administrator or Global Administrator (admin consent),
    Exchange Administrator (Exchange Online).
    Mail OAuth Tester only wrote this file. It never runs it and never sees what it prints.
#>
[CmdletBinding(SupportsShouldProcess = $true)]
param(
    # Directory (tenant) ID or verified domain.
    [string]$TenantId = '2e6c73c6-1977-4164-8037-33ca7fa29664',
    # Application (client) ID of the app the run used.
    [string]$ClientId = '6f1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
    # Mailboxes the product opens or sends from.
    [string[]]$Mailboxes = @('scc@contoso.us')
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

foreach ($module in @('Microsoft.Graph.Authentication', 'Microsoft.Graph.Applications', 'ExchangeOnlineManagement')) {
    if (-not (Get-Module -ListAvailable -Name $module)) {
        throw "The PowerShell module $module is missing. Install it with: Install-Module $module -Scope CurrentUser"
    }
}

Write-Step 'Signing in to Microsoft Graph (US Government GCC High)'
Connect-MgGraph -Environment USGov -TenantId $TenantId -Scopes 'Application.ReadWrite.All', 'AppRoleAssignment.ReadWrite.All' -NoWelcome

Write-Step '1. App registration'
$app = Get-MgApplication -Filter "appId eq '$ClientId'"
if (-not $app) {
    throw "There is no app registration with the Application (client) ID $ClientId in tenant $TenantId. Check that it is the Application (client) ID (not an Object ID) and that the app lives in this tenant (diagnosis app-not-found)."
}
Write-Ok "$($app.DisplayName), Application (client) ID $($app.AppId)"

Write-Step '2. API permissions'
# Each entry: the resource's application ID, Role (application permission) or Scope (delegated
# permission), the permission and its well-known ID. The script compares every ID with this tenant's
# own copy of the resource and uses the tenant's if they differ.
# Office 365 Exchange Online IDs: published dumps of the Office 365 Exchange Online service
# principal's appRoles, matching the requiredResourceAccess of Exchange MVP sample manifests
# (Microsoft's pages name these permissions but not their IDs).
$wanted = @(
    # Office 365 Exchange Online, application: lets the app log in over IMAP with its own token
    @{ Resource = '00000002-0000-0ff1-ce00-000000000000'; Type = 'Role'; Value = 'IMAP.AccessAsApp'; Id = '5e5addcd-3e8d-4e90-baf5-964efab2b20a' }
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

Write-Step '3. Enterprise application (service principal)'
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

Write-Step '4. Admin consent'
$assigned = @(Get-MgServicePrincipalAppRoleAssignment -ServicePrincipalId $sp.Id -All)
foreach ($w in @($wanted | Where-Object { $_.Type -eq 'Role' })) {
    $res = $resources[$w.Resource]
    if ($assigned | Where-Object { $_.AppRoleId -eq $w.Id -and $_.ResourceId -eq $res.Id }) {
        Write-Ok "$($w.Value) ($($res.DisplayName)) has admin consent"
    } elseif ($PSCmdlet.ShouldProcess($app.DisplayName, "Grant admin consent for $($w.Value)")) {
        $null = New-MgServicePrincipalAppRoleAssignment -ServicePrincipalId $sp.Id -PrincipalId $sp.Id -ResourceId $res.Id -AppRoleId $w.Id
        Write-Change "granted admin consent for $($w.Value) ($($res.DisplayName))"
    }
}

Write-Step 'Signing in to Exchange Online (US Government GCC High)'
Connect-ExchangeOnline -ExchangeEnvironmentName O365USGovGCCHigh -ShowBanner:$false

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

Write-Step '5. Exchange Online service principal'
# Get-ServicePrincipal -Identity with an empty value lists every service principal, so the list is filtered instead.
$exoSp = Get-ServicePrincipal | Where-Object { $_.AppId -eq $app.AppId } | Select-Object -First 1
if (-not $exoSp) {
    if ($PSCmdlet.ShouldProcess($app.DisplayName, "Register the app in Exchange Online with the Object ID $($sp.Id)")) {
        $exoSp = New-ServicePrincipal -AppId $app.AppId -ObjectId $sp.Id -DisplayName $app.DisplayName
        Write-Change "registered the app in Exchange Online with the enterprise application's Object ID $($sp.Id)"
    }
} elseif (@($exoSp.ObjectId, $exoSp.ServiceId) -notcontains $sp.Id) {
    Write-Todo "Exchange Online has this app registered with the Object ID $($exoSp.ObjectId), but the enterprise application's Object ID is $($sp.Id); the other one is usually the app registration's, and Exchange then ignores the app. This script removes nothing: remove that entry (Remove-ServicePrincipal -Identity $($exoSp.ObjectId)) and run the script again (diagnosis exchange-service-principal-missing)."
} else {
    Write-Ok "registered with the enterprise application's Object ID $($sp.Id)"
}

Write-Step '6. Full Access for the app on the mailboxes'
foreach ($m in $found) {
    if (Test-FullAccess -Mailbox $m -Who @($sp.Id, $app.AppId, $app.DisplayName)) {
        Write-Ok "the app has Full Access on $m"
    } elseif ($PSCmdlet.ShouldProcess($m, 'Give the app Full Access')) {
        $null = Add-MailboxPermission -Identity $m -User $sp.Id -AccessRights FullAccess -InheritanceType All
        Write-Change "gave the app Full Access on $m"
    }
}

Write-Step 'Done'
Write-Host "   Tenant ID:  $TenantId"
Write-Host "   Client ID:  $($app.AppId)"
Write-Host '   IMAP server: outlook.office365.us:993 (TLS)'
Write-Host '   Token scope: https://outlook.office365.us/.default (sign-in at https://login.microsoftonline.us)'
Write-Host '   Exchange Online can take a while (often minutes, sometimes an hour) to apply new permissions.'
Write-Host '   Then test it: mailoauth --preset sytel-softdial --cloud usgov --tenant 2e6c73c6-1977-4164-8037-33ca7fa29664 --client-id 6f1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d --mailbox scc@contoso.us'
Write-Host '   The sessions stay signed in; end them with Disconnect-MgGraph and Disconnect-ExchangeOnline.'
