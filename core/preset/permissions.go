package preset

import "strings"

// API names a resource application whose permissions a preset asks for.
type API string

// The two resource applications mail products use. Their application
// (client) IDs are the same in every Microsoft 365 cloud.
const (
	Exchange API = "exchange" // Office 365 Exchange Online
	Graph    API = "graph"    // Microsoft Graph
)

// Title is the API's name as the Entra admin center shows it under
// "API permissions".
func (a API) Title() string {
	switch a {
	case Exchange:
		return "Office 365 Exchange Online"
	case Graph:
		return "Microsoft Graph"
	}
	return string(a)
}

// AppID is the resource application's well-known application ID.
func (a API) AppID() string {
	switch a {
	case Exchange:
		return "00000002-0000-0ff1-ce00-000000000000"
	case Graph:
		return "00000003-0000-0000-c000-000000000000"
	}
	return ""
}

// Kind says whether a permission is an application permission (app role,
// "Role" in a manifest) or a delegated permission (scope, "Scope").
type Kind string

// Kinds.
const (
	Application Kind = "application"
	Delegated   Kind = "delegated"
)

// Known is one permission of the catalogue: where it lives, its stable
// GUID and where that GUID was checked.
type Known struct {
	API   API
	Kind  Kind
	Value string // e.g. "IMAP.AccessAsApp"
	ID    string // app role or OAuth2 permission scope GUID
	// Source names where the GUID was verified. Setup scripts repeat it in
	// a comment so the admin can check it, and they compare it at run time
	// with the tenant's own resource service principal.
	Source string
	// RBACRole is the Exchange "RBAC for Applications" role that grants the
	// same right scoped to some mailboxes ("" when there is none).
	RBACRole string
}

// Sources of the GUIDs below, in words an admin can look up.
const (
	srcGraphRef = "a public JSON list of Microsoft Graph permission IDs, matching published app manifests (Microsoft's Graph permissions reference, learn.microsoft.com/graph/permissions-reference, lists each ID)"
	srcEXORoles = "published dumps of the Office 365 Exchange Online service principal's appRoles, matching the requiredResourceAccess of Exchange MVP sample manifests (Microsoft's pages name these permissions but not their IDs)"
)

// catalog lists every permission a preset may ask for. A preset that names
// a permission missing here fails validation.
var catalog = []Known{
	// Office 365 Exchange Online, application permissions (client credentials).
	{Exchange, Application, "IMAP.AccessAsApp", "5e5addcd-3e8d-4e90-baf5-964efab2b20a", srcEXORoles, ""},
	{Exchange, Application, "POP.AccessAsApp", "cb842b43-da6e-4506-86fe-bb12199c656d", srcEXORoles, ""},
	{Exchange, Application, "SMTP.SendAsApp", "7146a1f0-8703-45b3-9eae-527a64c00995", srcEXORoles, ""},
	{Exchange, Application, "full_access_as_app", "dc890d15-9560-4a4c-9b7f-a736ec74ec40", srcEXORoles, "Application EWS.AccessAsApp"},

	// Microsoft Graph, delegated permissions. IMAP, POP and SMTP scopes are
	// added under Microsoft Graph in the portal; the token is then asked for
	// on the Exchange resource (e.g. https://outlook.office.com/IMAP.AccessAsUser.All).
	{Graph, Delegated, "IMAP.AccessAsUser.All", "652390e4-393a-48de-9484-05f9b1212954", srcGraphRef, ""},
	{Graph, Delegated, "POP.AccessAsUser.All", "d7b7f2d9-0f45-4ea1-9d42-e50810c06991", srcGraphRef, ""},
	{Graph, Delegated, "SMTP.Send", "258f6531-6087-4cc4-bb90-092c5fb3ed3f", srcGraphRef, ""},
	{Graph, Delegated, "offline_access", "7427e0e9-2fba-42fe-b0c0-848c9e6a8182", srcGraphRef, ""},
	{Graph, Delegated, "openid", "37f7f235-527c-4136-accd-4a02d197296e", srcGraphRef, ""},
	{Graph, Delegated, "profile", "14dad69e-099b-42c9-810b-d002981feec1", srcGraphRef, ""},
	{Graph, Delegated, "email", "64a6cdd6-aab1-4aaf-94b8-3cc8405e90d0", srcGraphRef, ""},
	{Graph, Delegated, "User.Read", "e1fe6dd8-ba31-4d61-89e7-88639da4683d", srcGraphRef, ""},
	{Graph, Delegated, "Mail.Read", "570282fd-fa5c-430d-a7fd-fc8dc98a9dca", srcGraphRef, ""},
	{Graph, Delegated, "Mail.Read.Shared", "7b9103a5-4610-446b-9670-80643382c1fa", srcGraphRef, ""},
	{Graph, Delegated, "Mail.ReadWrite", "024d486e-b451-40bb-833d-3e66d98c5c73", srcGraphRef, ""},
	{Graph, Delegated, "Mail.ReadWrite.Shared", "5df07973-7d5d-46ed-9847-1271055cbd51", srcGraphRef, ""},
	{Graph, Delegated, "Mail.Send", "e383f46e-2787-4529-855e-0e479a3ffac0", srcGraphRef, ""},
	{Graph, Delegated, "Mail.Send.Shared", "a367ab51-6b49-43bf-a716-a1fb06d2a174", srcGraphRef, ""},

	// Microsoft Graph, application permissions (client credentials).
	{Graph, Application, "Mail.Send", "b633e1c5-b582-4048-a93e-9f11b44c7e96", srcGraphRef, "Application Mail.Send"},
	{Graph, Application, "Mail.Read", "810c84a8-4a9e-49e6-bf7d-12d183f40d01", srcGraphRef, "Application Mail.Read"},
	{Graph, Application, "Mail.ReadWrite", "e2a3a72e-5f79-4c64-b1b1-878b674786c9", srcGraphRef, "Application Mail.ReadWrite"},
}

// KnownPermission finds a permission of the catalogue.
func KnownPermission(api API, kind Kind, value string) (Known, bool) {
	for _, k := range catalog {
		if k.API == api && k.Kind == kind && strings.EqualFold(k.Value, value) {
			return k, true
		}
	}
	return Known{}, false
}

// Catalog returns a copy of every known permission.
func Catalog() []Known { return append([]Known(nil), catalog...) }
