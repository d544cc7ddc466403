package setupscript

import (
	"fmt"
	"slices"
	"strings"

	"github.com/mailoauth/mailoauth-tester/core/preset"
	"github.com/mailoauth/mailoauth-tester/core/profile"
)

// ps writes a PowerShell block after replacing @@KEY@@ placeholders (pairs
// of key and value). Values must already be quoted where they are literals.
func (g *gen) ps(block string, kv ...string) {
	pairs := make([]string, 0, len(kv))
	for i := 0; i+1 < len(kv); i += 2 {
		pairs = append(pairs, "@@"+kv[i]+"@@", kv[i+1])
	}
	g.lines(strings.NewReplacer(pairs...).Replace(block))
}

var pieceWriters = map[string]func(*gen){
	"app":               (*gen).app,
	"redirect":          (*gen).redirect,
	"public-client":     (*gen).publicClient,
	"credential":        (*gen).credential,
	"permissions":       (*gen).permissions,
	"service-principal": (*gen).servicePrincipal,
	"consent":           (*gen).consent,
	"exchange-sp":       (*gen).exchangeSP,
	"mailbox-access":    (*gen).mailboxAccess,
	"send-as":           (*gen).sendAs,
	"protocols":         (*gen).protocols,
	"smtp-auth":         (*gen).smtpAuth,
	"rbac":              (*gen).rbac,
}

func (g *gen) params() {
	g.line("[CmdletBinding(SupportsShouldProcess = $true)]")
	g.line("param(")
	var ps []string
	add := func(comment, decl string) {
		ps = append(ps, "    # "+comment+"\n    "+decl)
	}
	add("Directory (tenant) ID or verified domain.", "[string]$TenantId = "+psQuote(g.o.Tenant))
	if g.has("app") {
		if g.fix {
			add("Application (client) ID of the app the run used.", "[string]$ClientId = "+psQuote(g.o.ClientID))
		} else {
			add("Application (client) ID of an existing app registration; empty = find the app by -AppName or create it.", "[string]$ClientId = "+psQuote(g.o.ClientID))
		}
		if !g.fix {
			add("Display name of the app registration.", "[string]$AppName = "+psQuote(g.o.AppName))
		}
	}
	if g.has("redirect") {
		uri := g.o.RedirectURI
		if uri == "" && g.p.Redirect != nil {
			uri = g.p.Redirect.Pattern
		}
		if uri == "" {
			uri = "http://localhost"
		}
		add("The product's redirect URI, exactly as it sends it.", "[string]$RedirectUri = "+psQuote(uri))
	}
	if needsMailboxes(g.pieces, g.appOnly()) {
		add("Mailboxes the product opens or sends from.", "[string[]]$Mailboxes = "+psList(g.o.Mailboxes))
	}
	if g.signInParam() {
		add("The account that signs in to the product ("+strings.TrimSuffix(orText(g.p.SignIn, "the product's sign-in account"), ".")+").",
			"[string]$SignInUser = "+psQuote(g.signInUser()))
	}
	if g.has("credential") {
		if g.o.Credential == preset.Certificate {
			add("Subject (CN) of the self-signed certificate.", "[string]$CertSubject = "+psQuote(g.o.AppName))
			add("Lifetime of a new certificate in months.", "[ValidateRange(1, 60)]\n    [int]$CertMonths = 24")
		} else {
			months := 12
			if g.p.SecretMaxMonths > 0 && g.p.SecretMaxMonths < months {
				months = g.p.SecretMaxMonths
			}
			add("Description of a new client secret.", "[string]$SecretName = "+psQuote(g.o.AppName+" secret"))
			add("Lifetime of a new client secret in months (Entra allows at most 24; shorter is safer, but the product must be updated each time).",
				fmt.Sprintf("[ValidateRange(1, 24)]\n    [int]$SecretMonths = %d", months))
			add("Add a new client secret even when a valid one exists (for instance when its Value is lost).", "[switch]$NewSecret")
		}
	}
	if g.has("rbac") {
		add("Name of the management scope that lists the mailboxes.", "[string]$ScopeName = "+psQuote(clip(g.o.AppName+" mailboxes", 64)))
		add("Name of the management role assignment.", "[string]$AssignmentName = "+psQuote(clip(g.o.AppName+" - "+g.p.RBAC.Role, 64)))
	}
	g.line(strings.Join(ps, ",\n"))
	g.line(")")
}

func (g *gen) signInParam() bool {
	return !g.appOnly() && (g.has("mailbox-access") || g.has("send-as") || g.has("smtp-auth"))
}

func orText(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return strings.TrimSpace(string(r[:n]))
}

func (g *gen) helpers() {
	g.ps(`
Set-StrictMode -Version 1.0
$ErrorActionPreference = 'Stop'

function Write-Step([string]$Text) { Write-Host ''; Write-Host "== $Text" -ForegroundColor Cyan }
function Write-Ok([string]$Text) { Write-Host "   ok       $Text" -ForegroundColor Green }
function Write-Change([string]$Text) { Write-Host "   changed  $Text" -ForegroundColor Yellow }
function Write-Todo([string]$Text) { Write-Warning $Text }
`)
	if g.has("mailbox-access") {
		g.ps(`
# True when $Who (any of the names or IDs given) has Full Access on $Mailbox. If a grant is missed here,
# Add-MailboxPermission below only reports that it is already there.
function Test-FullAccess([string]$Mailbox, [string[]]$Who) {
    foreach ($entry in @(Get-MailboxPermission -Identity $Mailbox)) {
        if ($entry.Deny -or "$($entry.AccessRights)" -notmatch 'FullAccess') { continue }
        foreach ($name in $Who) { if ($name -and "$($entry.User)" -like "*$name*") { return $true } }
    }
    return $false
}
`)
	}
	g.blank()
	g.line("foreach ($module in " + psList(g.modules()) + ") {")
	g.ps(`    if (-not (Get-Module -ListAvailable -Name $module)) {
        throw "The PowerShell module $module is missing. Install it with: Install-Module $module -Scope CurrentUser"
    }
}
`)
}

func (g *gen) connectGraph() {
	g.blank()
	g.line("Write-Step " + psQuote("Signing in to Microsoft Graph ("+g.env.Label+")"))
	g.line("Connect-MgGraph -Environment " + g.env.Graph + " -TenantId $TenantId -Scopes " + strings.Join(quoteAll(g.graphScopes()), ", ") + " -NoWelcome")
}

func quoteAll(vals []string) []string {
	out := make([]string, len(vals))
	for i, v := range vals {
		out[i] = psQuote(v)
	}
	return out
}

func (g *gen) connectExchange() {
	g.blank()
	g.line("Write-Step " + psQuote("Signing in to Exchange Online ("+g.env.Label+")"))
	if g.env.Exchange == "" {
		g.line("# Worldwide and GCC: Connect-ExchangeOnline's default environment (O365Default) is the right one.")
		g.line("Connect-ExchangeOnline -ShowBanner:$false")
		return
	}
	g.line("Connect-ExchangeOnline -ExchangeEnvironmentName " + g.env.Exchange + " -ShowBanner:$false")
}

func (g *gen) app() {
	g.stepTitle("App registration")
	if g.fix {
		g.ps(`
$app = Get-MgApplication -Filter "appId eq '$ClientId'"
if (-not $app) {
    throw "There is no app registration with the Application (client) ID $ClientId in tenant $TenantId. Check that it is the Application (client) ID (not an Object ID) and that the app lives in this tenant (diagnosis app-not-found)."
}
Write-Ok "$($app.DisplayName), Application (client) ID $($app.AppId)"
`)
		return
	}
	g.ps(`
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
`)
}

func (g *gen) redirect() {
	g.stepTitle("Redirect URI (" + g.redirectPlatform() + " platform)")
	if g.redirectPlatform() == "Web" {
		g.ps(`
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
`)
		return
	}
	g.ps(`
$publicUris = @($app.PublicClient.RedirectUris | Where-Object { $_ })
if ($publicUris -ccontains $RedirectUri) {
    Write-Ok "$RedirectUri is registered"
} elseif ($PSCmdlet.ShouldProcess($app.DisplayName, "Add the mobile and desktop redirect URI $RedirectUri")) {
    Update-MgApplication -ApplicationId $app.Id -PublicClient @{ RedirectUris = @($publicUris + $RedirectUri) }
    Write-Change "added the mobile and desktop redirect URI $RedirectUri (the existing ones are kept)"
}
`)
}

func (g *gen) redirectPlatform() string {
	if g.p.Flow == profile.Interactive || (g.p.Redirect != nil && g.p.Redirect.Platform == "public") {
		return "Mobile and desktop"
	}
	return "Web"
}

func (g *gen) publicClient() {
	g.stepTitle("Allow public client flows")
	g.ps(`
if ($app.IsFallbackPublicClient) {
    Write-Ok 'public client flows are allowed'
} elseif ($PSCmdlet.ShouldProcess($app.DisplayName, 'Allow public client flows')) {
    Update-MgApplication -ApplicationId $app.Id -IsFallbackPublicClient
    Write-Change 'allowed public client flows (device code, username and password, desktop sign-in)'
}
`)
}

func (g *gen) credential() {
	if g.o.Credential == preset.Certificate {
		g.certificate()
		return
	}
	g.stepTitle("Client secret")
	g.ps(`
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
`)
}

func (g *gen) certificate() {
	g.stepTitle("Certificate")
	g.ps(`
$cert = Get-ChildItem -Path 'Cert:\CurrentUser\My' | Where-Object { $_.Subject -eq "CN=$CertSubject" -and $_.NotAfter -gt (Get-Date).AddDays(30) } | Select-Object -First 1
if ($cert) {
    Write-Ok "certificate CN=$CertSubject ($($cert.Thumbprint)) is in the current user's store until $($cert.NotAfter)"
} elseif ($PSCmdlet.ShouldProcess('Cert:\CurrentUser\My', "Create a self-signed certificate CN=$CertSubject")) {
    $cert = New-SelfSignedCertificate -Subject "CN=$CertSubject" -CertStoreLocation 'Cert:\CurrentUser\My' -KeyExportPolicy Exportable -KeySpec Signature -KeyLength 2048 -KeyAlgorithm RSA -HashAlgorithm SHA256 -NotAfter (Get-Date).AddMonths($CertMonths)
    Write-Change "created the certificate CN=$CertSubject ($($cert.Thumbprint)) in the current user's store; its private key never leaves this computer unless you export it"
}
if ($cert) {
    $keys = @($app.KeyCredentials | Where-Object { $_ })
    $ours = @($keys | Where-Object { $_.CustomKeyIdentifier -and ((($_.CustomKeyIdentifier | ForEach-Object { $_.ToString('X2') }) -join '') -eq $cert.Thumbprint) })
    if ($ours.Count -gt 0) {
        Write-Ok "certificate $($cert.Thumbprint) is registered on the app"
    } elseif ($keys.Count -gt 0) {
        # Microsoft Graph replaces the whole certificate list of an app, and the keys of the certificates already
        # there cannot be read back, so adding one here would remove the others. Upload it in the portal instead.
        $cerPath = [System.IO.Path]::Combine([System.IO.Path]::GetTempPath(), "$CertSubject.cer")
        if ($PSCmdlet.ShouldProcess($cerPath, 'Write the public certificate for a manual upload')) {
            $null = Export-Certificate -Cert $cert -FilePath $cerPath
            Write-Todo "The app already has other certificates and this script changes none of them. Upload $cerPath under App registrations > $($app.DisplayName) > Certificates & secrets > Certificates."
        }
    } elseif ($PSCmdlet.ShouldProcess($app.DisplayName, "Register the certificate $($cert.Thumbprint)")) {
        Update-MgApplication -ApplicationId $app.Id -KeyCredentials @(@{ Type = 'AsymmetricX509Cert'; Usage = 'Verify'; Key = $cert.RawData; DisplayName = "CN=$CertSubject" })
        Write-Change "registered the certificate $($cert.Thumbprint) on the app (public key only)"
    }
}
`)
}

func (g *gen) permissions() {
	g.stepTitle("API permissions")
	g.comment("", "Each entry: the resource's application ID, Role (application permission) or Scope (delegated permission), the permission and its well-known ID. The script compares every ID with this tenant's own copy of the resource and uses the tenant's if they differ.")
	var sources []string
	for _, r := range g.perms {
		src := r.API.Title() + " IDs: " + r.Source + "."
		if !slices.Contains(sources, src) {
			sources = append(sources, src)
			g.comment("", src)
		}
	}
	g.line("$wanted = @(")
	for _, r := range g.perms {
		note := r.Why
		if r.Optional {
			note += " (listed by the vendor; the protocols do not need it)"
		}
		g.comment("    ", fmt.Sprintf("%s, %s: %s", r.API.Title(), r.Kind, note))
		typ := "Role"
		if r.Kind == preset.Delegated {
			typ = "Scope"
		}
		g.line(fmt.Sprintf("    @{ Resource = %s; Type = '%s'; Value = %s; Id = %s }", psQuote(r.API.AppID()), typ, psQuote(r.Value), psQuote(r.ID)))
	}
	g.line(")")
	g.ps(`
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
`)
}

func (g *gen) servicePrincipal() {
	g.stepTitle("Enterprise application (service principal)")
	enable := `    Write-Todo 'Sign-in is turned off for the enterprise application, so Entra ID issues it no token. Someone may have done that on purpose: turn it on under Enterprise applications > Properties > Enabled for users to sign in, if it should work (diagnosis app-disabled).'`
	if g.fixDisabled() {
		enable = `    if ($PSCmdlet.ShouldProcess($app.DisplayName, 'Enable sign-in for the enterprise application')) {
        Update-MgServicePrincipal -ServicePrincipalId $sp.Id -AccountEnabled
        Write-Change 'enabled sign-in for the enterprise application'
    }`
	}
	g.ps(`
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
@@ENABLE@@
}
`, "ENABLE", enable)
}

func (g *gen) consent() {
	g.stepTitle("Admin consent")
	var roles, scopes bool
	for _, r := range g.perms {
		roles = roles || r.Kind == preset.Application
		scopes = scopes || r.Kind == preset.Delegated
	}
	if roles {
		g.ps(`
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
`)
	}
	if scopes {
		g.ps(`
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
`)
	}
}

func (g *gen) exchangeSP() {
	g.stepTitle("Exchange Online service principal")
	g.ps(`
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
`)
}

func (g *gen) mailboxes() {
	g.blank()
	g.line("Write-Step 'Checking the mailboxes'")
	g.ps(`
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
`)
}

func (g *gen) mailboxAccess() {
	if g.appOnly() {
		g.stepTitle("Full Access for the app on the mailboxes")
		g.ps(`
foreach ($m in $found) {
    if (Test-FullAccess -Mailbox $m -Who @($sp.Id, $app.AppId, $app.DisplayName)) {
        Write-Ok "the app has Full Access on $m"
    } elseif ($PSCmdlet.ShouldProcess($m, 'Give the app Full Access')) {
        $null = Add-MailboxPermission -Identity $m -User $sp.Id -AccessRights FullAccess -InheritanceType All
        Write-Change "gave the app Full Access on $m"
    }
}
`)
		return
	}
	g.stepTitle("Full Access for the sign-in account on the mailboxes")
	g.ps(`
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
`)
}

func (g *gen) sendAs() {
	g.stepTitle("Send As for the sign-in account on the mailboxes")
	g.ps(`
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
`)
}

func (g *gen) protocols() {
	names := g.protocolNames()
	g.stepTitle(strings.Join(names, " and ") + " on the mailboxes")
	g.line("foreach ($m in $found) {")
	g.line("    $cas = Get-CASMailbox -Identity $m")
	for _, pr := range g.o.Protocols {
		var prop, param string
		switch pr {
		case profile.IMAP:
			prop, param = "ImapEnabled", "-ImapEnabled"
		case profile.POP:
			prop, param = "PopEnabled", "-PopEnabled"
		default:
			continue
		}
		g.ps(`    if ($cas.@@PROP@@) {
        Write-Ok "@@NAME@@ is enabled on $m"
    } elseif ($PSCmdlet.ShouldProcess($m, 'Enable @@NAME@@')) {
        Set-CASMailbox -Identity $m @@PARAM@@ $true
        Write-Change "enabled @@NAME@@ on $m"
    }
`, "PROP", prop, "NAME", pr.Title(), "PARAM", param)
	}
	g.line("}")
}

func (g *gen) smtpAuth() {
	g.stepTitle("SMTP AUTH for the sending mailbox")
	senders := "$found"
	if !g.appOnly() {
		senders = "@($SignInUser)"
		g.comment("", "With a delegated sign-in, SMTP AUTH is checked for the account that signs in, whichever address it sends as.")
	}
	g.ps(`
$tenantOff = (Get-TransportConfig).SmtpClientAuthenticationDisabled
foreach ($m in @@SENDERS@@) {
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
`, "SENDERS", senders)
	g.comment("", "If sending still fails with 5.7.139, check whether Security defaults are on in Entra ID: they turn SMTP AUTH off for the whole organisation.")
}

func (g *gen) rbac() {
	role := g.p.RBAC.Role
	g.stepTitle("RBAC for Applications: " + role + " for the listed mailboxes only")
	g.comment("", "Exchange adds a tenant-wide Entra grant and a scoped RBAC grant together, so the scope only limits the app while the same permission is not also consented in Entra ID. This step therefore grants nothing in Entra ID and warns if such a grant exists.")
	var entraID string
	for _, k := range preset.Catalog() {
		if k.RBACRole == role && k.Kind == preset.Application && k.API == preset.Graph {
			entraID = k.ID
		}
	}
	g.ps(`
$entraGrant = @(Get-MgServicePrincipalAppRoleAssignment -ServicePrincipalId $sp.Id -All | Where-Object { $_.AppRoleId -eq @@ENTRAID@@ })
if ($entraGrant.Count -gt 0) {
    Write-Todo "@@PERM@@ is also consented for this app in Entra ID, for every mailbox in the organisation, and the scope below does not limit that grant. Remove it under Enterprise applications > $($app.DisplayName) > Permissions if the app must be limited; this script removes nothing."
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
} elseif ($PSCmdlet.ShouldProcess($AssignmentName, 'Assign @@ROLE@@ to the app, limited to the scope')) {
    $null = New-ManagementRoleAssignment -Name $AssignmentName -App $sp.Id -Role @@QROLE@@ -CustomResourceScope $ScopeName
    Write-Change "assigned @@ROLE@@ to the app, limited to $ScopeName"
}
foreach ($m in $found) {
    Test-ServicePrincipalAuthorization -Identity $sp.Id -Resource $m | Format-Table -AutoSize
}
`, "ENTRAID", psQuote(entraID), "PERM", strings.TrimPrefix(role, "Application "), "ROLE", role, "QROLE", psQuote(role))
	g.comment("", "Exchange caches app permissions: a new or changed assignment can take a while (up to about two hours) before mail is sent; Test-ServicePrincipalAuthorization shows the configured result at once.")
}

// summary ends the script with what to enter into the product and how to
// test it with Mail OAuth Tester.
func (g *gen) summary() {
	g.blank()
	g.line("Write-Step 'Done'")
	if g.has("app") {
		g.line(`Write-Host "   Tenant ID:  $TenantId"`)
		g.line(`Write-Host "   Client ID:  $($app.AppId)"`)
	}
	for _, l := range g.hostLines() {
		g.line("Write-Host " + psQuote("   "+l))
	}
	if g.needsExchange() {
		g.line("Write-Host '   Exchange Online can take a while (often minutes, sometimes an hour) to apply new permissions.'")
	}
	g.line("Write-Host " + psQuote("   Then test it: "+g.testCommand()))
	g.line("Write-Host '   The sessions stay signed in; end them with Disconnect-MgGraph and Disconnect-ExchangeOnline.'")
}

// hostLines tell the admin which endpoints the product uses in this cloud.
func (g *gen) hostLines() []string {
	c := g.o.Cloud
	var out []string
	for _, pr := range g.o.Protocols {
		switch pr {
		case profile.IMAP:
			out = append(out, "IMAP server: "+c.IMAPHost+" (TLS)")
		case profile.POP:
			out = append(out, "POP3 server: "+c.POPHost+" (TLS)")
		case profile.SMTP:
			out = append(out, "SMTP server: "+c.SMTPHost+" (STARTTLS)")
		case profile.Graph:
			out = append(out, "Microsoft Graph: "+c.GraphHost)
		}
	}
	if g.appOnly() {
		scope := c.ExchangeScope()
		if len(g.o.Protocols) == 1 && g.o.Protocols[0] == profile.Graph {
			scope = c.GraphScope()
		}
		out = append(out, "Token scope: "+scope+" (sign-in at "+c.AuthorityHost+")")
	} else {
		var scopes []string
		for _, pr := range g.o.Protocols {
			switch pr {
			case profile.IMAP:
				scopes = append(scopes, c.DelegatedResource+"/IMAP.AccessAsUser.All")
			case profile.POP:
				scopes = append(scopes, c.DelegatedResource+"/POP.AccessAsUser.All")
			case profile.SMTP:
				scopes = append(scopes, c.DelegatedResource+"/SMTP.Send")
			}
		}
		if g.p.RefreshToken {
			scopes = append(scopes, "offline_access")
		}
		if len(scopes) > 0 {
			out = append(out, "Scopes: "+strings.Join(scopes, " ")+" (sign-in at "+c.AuthorityHost+")")
		}
	}
	return out
}

// testCommand is the mailoauth command line that checks the result. It
// holds no secret: the CLI asks for one.
func (g *gen) testCommand() string {
	parts := []string{"mailoauth"}
	if g.p.ID != "run" {
		parts = append(parts, "--preset", g.p.ID)
	} else {
		parts = append(parts, "--flow", string(g.p.Flow))
	}
	parts = append(parts, "--cloud", g.o.Cloud.Name, "--tenant", g.o.Tenant)
	if g.o.ClientID != "" {
		parts = append(parts, "--client-id", g.o.ClientID)
	} else {
		parts = append(parts, "--client-id", "<Client ID above>")
	}
	if len(g.o.Mailboxes) > 0 {
		parts = append(parts, "--mailbox", g.o.Mailboxes[0])
	}
	if u := g.signInUser(); u != "" && (len(g.o.Mailboxes) == 0 || u != g.o.Mailboxes[0]) {
		parts = append(parts, "--user", u)
	}
	return strings.Join(parts, " ")
}
