<#
.SYNOPSIS
    Sets up Microsoft 365 for OPEXUS eCASE.
.DESCRIPTION
    Written by Mail OAuth Tester for the preset "opexus-ecase", cloud Worldwide. Read it before you
    run it: it is meant to be reviewed by an Exchange or Entra administrator.

    Every step looks first and changes only what is missing. Nothing is ever deleted or removed, and
    running the script again changes nothing that is already right. Run it with -WhatIf first to see
    what it would change.

    Application Mail.Send is granted by Exchange RBAC for Applications and limited to -Mailboxes,
    not by admin consent in Entra ID (an Entra grant would let the app act on every mailbox in the
    organisation). Write the script with scoping turned off to follow the vendor guide's tenant-wide
    permission instead.

    Steps:
     1. Find the app registration "eCASE mail (OAuth)" by name, or create it (single tenant).
     2. Add a client secret only when the app has no valid one (or with -NewSecret); its Value is
        shown once on this console.
     3. Make sure the enterprise application (service principal) exists.
     4. Register the app in Exchange Online (New-ServicePrincipal) with the enterprise
        application's Object ID.
     5. Grant Application Mail.Send through RBAC for Applications, limited to -Mailboxes by a
        management scope, and test it.
.NOTES
    Needs PowerShell 7 or Windows PowerShell 5.1 with the modules Microsoft.Graph.Authentication,
    Microsoft.Graph.Applications, ExchangeOnlineManagement:
        Install-Module Microsoft.Graph.Authentication, Microsoft.Graph.Applications, ExchangeOnlineManagement -Scope CurrentUser
    Sign in as an account with the roles Cloud Application Administrator (app registration and
    enterprise application), Exchange Administrator (Exchange Online).
    Mail OAuth Tester only wrote this file. It never runs it and never sees what it prints.
#>
[CmdletBinding(SupportsShouldProcess = $true)]
param(
    # Directory (tenant) ID or verified domain.
    [string]$TenantId = 'contoso.onmicrosoft.com',
    # Application (client) ID of an existing app registration; empty = find the app by -AppName or create it.
    [string]$ClientId = '',
    # Display name of the app registration.
    [string]$AppName = 'eCASE mail (OAuth)',
    # Mailboxes the product opens or sends from.
    [string[]]$Mailboxes = @('noreply@contoso.com'),
    # Description of a new client secret.
    [string]$SecretName = 'eCASE mail (OAuth) secret',
    # Lifetime of a new client secret in months (Entra allows at most 24; shorter is safer, but the product must be updated each time).
    [ValidateRange(1, 24)]
    [int]$SecretMonths = 12,
    # Add a new client secret even when a valid one exists (for instance when its Value is lost).
    [switch]$NewSecret,
    # Name of the management scope that lists the mailboxes.
    [string]$ScopeName = 'eCASE mail (OAuth) mailboxes',
    # Name of the management role assignment.
    [string]$AssignmentName = 'eCASE mail (OAuth) - Application Mail.Send'
)
Set-StrictMode -Version 1.0
$ErrorActionPreference = 'Stop'

function Write-Step([string]$Text) { Write-Host ''; Write-Host "== $Text" -ForegroundColor Cyan }
function Write-Ok([string]$Text) { Write-Host "   ok       $Text" -ForegroundColor Green }
function Write-Change([string]$Text) { Write-Host "   changed  $Text" -ForegroundColor Yellow }
function Write-Todo([string]$Text) { Write-Warning $Text }

foreach ($module in @('Microsoft.Graph.Authentication', 'Microsoft.Graph.Applications', 'ExchangeOnlineManagement')) {
    if (-not (Get-Module -ListAvailable -Name $module)) {
        throw "The PowerShell module $module is missing. Install it with: Install-Module $module -Scope CurrentUser"
    }
}

Write-Step 'Signing in to Microsoft Graph (Worldwide)'
Connect-MgGraph -Environment Global -TenantId $TenantId -Scopes 'Application.ReadWrite.All' -NoWelcome

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

Write-Step '2. Client secret'
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

Write-Step '4. Exchange Online service principal'
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

Write-Step '5. RBAC for Applications: Application Mail.Send for the listed mailboxes only'
# Exchange adds a tenant-wide Entra grant and a scoped RBAC grant together, so the scope only limits
# the app while the same permission is not also consented in Entra ID. This step therefore grants
# nothing in Entra ID and warns if such a grant exists.
$entraGrant = @(Get-MgServicePrincipalAppRoleAssignment -ServicePrincipalId $sp.Id -All | Where-Object { $_.AppRoleId -eq 'b633e1c5-b582-4048-a93e-9f11b44c7e96' })
if ($entraGrant.Count -gt 0) {
    Write-Todo "Mail.Send is also consented for this app in Entra ID, for every mailbox in the organisation, and the scope below does not limit that grant. Remove it under Enterprise applications > $($app.DisplayName) > Permissions if the app must be limited; this script removes nothing."
}
$filter = @($found | ForEach-Object { "(PrimarySmtpAddress -eq '$_')" }) -join ' -or '
if (-not $filter) {
    throw 'None of -Mailboxes is an Exchange Online mailbox, so there is nothing to scope the app to.'
}
$scope = $null
try { $scope = Get-ManagementScope -Identity $ScopeName -ErrorAction Stop } catch { $scope = $null }
if (-not $scope) {
    if ($PSCmdlet.ShouldProcess($ScopeName, "Create a management scope for $($found -join ', ')")) {
        $null = New-ManagementScope -Name $ScopeName -RecipientRestrictionFilter $filter
        Write-Change "created the management scope $ScopeName ($filter)"
    }
} else {
    $missingBoxes = @($found | Where-Object { "$($scope.RecipientFilter)" -notlike "*$_*" })
    if ($missingBoxes.Count -gt 0) {
        Write-Todo "The management scope $ScopeName exists with the filter $($scope.RecipientFilter), which does not name $($missingBoxes -join ', '). This script does not change an existing scope; update its filter if those mailboxes belong in it."
    } else {
        Write-Ok "the management scope $ScopeName covers the mailboxes"
    }
}
$assignment = $null
try { $assignment = Get-ManagementRoleAssignment -Identity $AssignmentName -ErrorAction Stop } catch { $assignment = $null }
if ($assignment) {
    Write-Ok "the role assignment $AssignmentName exists"
} elseif ($PSCmdlet.ShouldProcess($AssignmentName, 'Assign Application Mail.Send to the app, limited to the scope')) {
    $null = New-ManagementRoleAssignment -Name $AssignmentName -App $sp.Id -Role 'Application Mail.Send' -CustomResourceScope $ScopeName
    Write-Change "assigned Application Mail.Send to the app, limited to $ScopeName"
}
foreach ($m in $found) {
    Test-ServicePrincipalAuthorization -Identity $sp.Id -Resource $m | Format-Table -AutoSize
}
# Exchange caches app permissions: a new or changed assignment can take a while (up to about two
# hours) before mail is sent; Test-ServicePrincipalAuthorization shows the configured result at
# once.

Write-Step 'Done'
Write-Host "   Tenant ID:  $TenantId"
Write-Host "   Client ID:  $($app.AppId)"
Write-Host '   Microsoft Graph: https://graph.microsoft.com'
Write-Host '   Token scope: https://graph.microsoft.com/.default (sign-in at https://login.microsoftonline.com)'
Write-Host '   Exchange Online can take a while (often minutes, sometimes an hour) to apply new permissions.'
Write-Host '   Then test it: mailoauth --preset opexus-ecase --cloud global --tenant contoso.onmicrosoft.com --client-id <Client ID above> --mailbox noreply@contoso.com'
Write-Host '   The sessions stay signed in; end them with Disconnect-MgGraph and Disconnect-ExchangeOnline.'
