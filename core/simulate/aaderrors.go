package simulate

import (
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// aadError is one Entra ID (AADSTS) error reply. desc is the message after
// "AADSTSnnnn: "; the trace lines are added when it is written.
type aadError struct {
	status int
	err    string // OAuth error code, e.g. invalid_client
	code   int    // AADSTS number
	desc   string
	// suberror is Entra's suberror field (consent_required, basic_action,
	// bad_token), or "".
	suberror string
}

// aadErrorBody is Entra's error JSON, in Entra's field order.
type aadErrorBody struct {
	Error            string `json:"error"`
	ErrorDescription string `json:"error_description"`
	ErrorCodes       []int  `json:"error_codes"`
	Timestamp        string `json:"timestamp"`
	TraceID          string `json:"trace_id"`
	CorrelationID    string `json:"correlation_id"`
	ErrorURI         string `json:"error_uri"`
	Suberror         string `json:"suberror,omitempty"`
}

// aadTimestamp is Entra's timestamp layout, always UTC.
const aadTimestamp = "2006-01-02 15:04:05Z"

// writeAADError writes e the way login.microsoftonline.com does. The
// correlation ID echoes the client-request-id header MSAL sends.
func (t *Tenant) writeAADError(w http.ResponseWriter, r *http.Request, e *aadError) {
	ts := t.now().UTC().Format(aadTimestamp)
	trace := newGUID()
	corr := r.Header.Get("client-request-id")
	if !guidRe.MatchString(corr) {
		corr = newGUID()
	}
	code := strconv.Itoa(e.code)
	writeJSON(w, e.status, aadErrorBody{
		Error: e.err,
		ErrorDescription: "AADSTS" + code + ": " + e.desc +
			"\r\nTrace ID: " + trace + "\r\nCorrelation ID: " + corr + "\r\nTimestamp: " + ts,
		ErrorCodes:    []int{e.code},
		Timestamp:     ts,
		TraceID:       trace,
		CorrelationID: corr,
		ErrorURI:      "https://" + t.cloud.loginHosts[0] + "/error?code=" + code,
		Suberror:      e.suberror,
	})
}

// The constructors below use Microsoft's wording as seen in public error
// reports (GitHub issues quoting Entra responses).

func errTenantNotFound(tenant string) *aadError {
	return &aadError{status: http.StatusBadRequest, err: "invalid_tenant", code: 90002, desc: fmt.Sprintf(
		"Tenant '%s' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.", tenant)}
}

func errTenantInvalid(tenant string) *aadError {
	return &aadError{status: http.StatusBadRequest, err: "invalid_request", code: 900023, desc: fmt.Sprintf(
		"Specified tenant identifier '%s' is neither a valid DNS name, nor a valid external domain.", tenant)}
}

func errMissingParam(name string) *aadError {
	return &aadError{status: http.StatusBadRequest, err: "invalid_request", code: 900144, desc: fmt.Sprintf(
		"The request body must contain the following parameter: '%s'.", name)}
}

func errUnsupportedGrant(grant string) *aadError {
	return &aadError{status: http.StatusBadRequest, err: "unsupported_grant_type", code: 70003, desc: fmt.Sprintf(
		"The app requested an unsupported grant type '%s'.", grant)}
}

func errAppNotFound(clientID, directory string) *aadError {
	return &aadError{status: http.StatusBadRequest, err: "unauthorized_client", code: 700016, desc: fmt.Sprintf(
		"Application with identifier '%s' was not found in the directory '%s'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.", clientID, directory)}
}

// errSPMissing is AADSTS7000229; text as quoted in public reports
// (testdata/diagnose/aadsts.txt).
func errSPMissing(app *App, tid string) *aadError {
	return &aadError{status: http.StatusUnauthorized, err: "invalid_client", code: 7000229, desc: fmt.Sprintf(
		"The client application %s is missing service principal in the tenant %s. See instructions here: https://go.microsoft.com/fwlink/?linkid=2225119", app.ClientID, tid)}
}

// appUsable is the check every grant makes once the app is found: an
// enabled service principal must exist in the tenant. The caller holds
// t.mu.
func (t *Tenant) appUsable(app *App) *aadError {
	switch {
	case app.NoServicePrincipal:
		return errSPMissing(app, t.state.Directory.ID)
	case !app.Enabled:
		return errAppDisabled(app)
	}
	return nil
}

func errAppDisabled(app *App) *aadError {
	return &aadError{status: http.StatusBadRequest, err: "unauthorized_client", code: 7000112, desc: fmt.Sprintf(
		"Application '%s'(%s) is disabled.", app.ClientID, app.DisplayName)}
}

func errCredentialMissing() *aadError {
	return &aadError{status: http.StatusUnauthorized, err: "invalid_client", code: 7000216, desc: "'client_assertion', 'client_secret' or 'request' is required for the 'client_credentials' grant type."}
}

func errSecretInvalid(clientID string) *aadError {
	return &aadError{status: http.StatusUnauthorized, err: "invalid_client", code: 7000215, desc: fmt.Sprintf(
		"Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '%s'.", clientID)}
}

func errSecretExpired(clientID string) *aadError {
	return &aadError{status: http.StatusUnauthorized, err: "invalid_client", code: 7000222, desc: fmt.Sprintf(
		"The provided client secret keys for app '%s' are expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds.", clientID)}
}

func errCertNotRegistered(thumb, clientID string) *aadError {
	return &aadError{status: http.StatusUnauthorized, err: "invalid_client", code: 700027, desc: fmt.Sprintf(
		"The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., Thumbprint of key used by client: '%s', Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '%s'. Review the documentation at https://docs.microsoft.com/en-us/graph/deployments to determine the corresponding service endpoint and https://docs.microsoft.com/en-us/graph/api/application-get?view=graph-rest-1.0&tabs=http to build a query request URL, such as 'https://graph.microsoft.com/beta/applications/%s'].", thumb, clientID, clientID)}
}

func errBadSignature(thumb, start, end string) *aadError {
	return &aadError{status: http.StatusUnauthorized, err: "invalid_client", code: 700027, desc: fmt.Sprintf(
		"Client assertion contains an invalid signature. [Reason - The provided signature value did not match the expected signature value., Thumbprint of key used by client: '%s', Found key 'Start=%s, End=%s']", thumb, start, end)}
}

func errAssertionMalformed() *aadError {
	return &aadError{status: http.StatusUnauthorized, err: "invalid_client", code: 50027, desc: "JWT token is invalid or malformed."}
}

func errAssertionType() *aadError {
	return &aadError{status: http.StatusBadRequest, err: "invalid_request", code: 7000219, desc: fmt.Sprintf(
		"'client_assertion_type' must be '%s'.", assertionType)}
}

func errAssertionIssuer() *aadError {
	return &aadError{status: http.StatusUnauthorized, err: "invalid_client", code: 700021, desc: "Client assertion application identifier doesn't match 'client_id' parameter. Review the documentation at https://docs.microsoft.com/en-us/azure/active-directory/develop/active-directory-certificate-credentials ."}
}

func errAssertionAudience(aud string) *aadError {
	return &aadError{status: http.StatusUnauthorized, err: "invalid_client", code: 700212, desc: fmt.Sprintf(
		"The client assertion audience '%s' does not match this token endpoint.", aud)}
}

func errAssertionTime(now, from, to string) *aadError {
	return &aadError{status: http.StatusUnauthorized, err: "invalid_client", code: 700024, desc: fmt.Sprintf(
		"Client assertion is not within its valid time range. Current time: %s, assertion valid from %s, expiry time of assertion %s. Review the documentation at https://docs.microsoft.com/en-us/azure/active-directory/develop/active-directory-certificate-credentials .", now, from, to)}
}

func errScopeNotDefault(scope string) *aadError {
	return &aadError{status: http.StatusBadRequest, err: "invalid_scope", code: 1002012, desc: fmt.Sprintf(
		"The provided value for scope %s is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).", scope)}
}

func errResourceNotFound(resource, tenantName string) *aadError {
	return &aadError{status: http.StatusBadRequest, err: "invalid_resource", code: 500011, desc: fmt.Sprintf(
		"The resource principal named %s was not found in the tenant named %s. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.", resource, tenantName)}
}

// errCrossCloud is the answer of another cloud's login host (for example
// login.microsoftonline.com for a GCC High tenant) to a confidential
// client's token request. Text: Entra's AADSTS error-code table.
func errCrossCloud() *aadError {
	return &aadError{status: http.StatusBadRequest, err: "invalid_request", code: 900382, desc: "Confidential Client is not supported in Cross Cloud request."}
}

func errServer(err error) *aadError {
	return &aadError{status: http.StatusInternalServerError, err: "temporarily_unavailable", code: 50000, desc: "There was an error issuing a token or an authorization code. " + err.Error()}
}

// Delegated (user) sign-in errors. Texts as quoted from real responses in
// public issues (see the report in the package tests' comments); the
// OAuth error names follow the same quotes.

// errMultipleResources: MSAL.js and azure-cli reports of AADSTS28000.
func errMultipleResources(scope string) *aadError {
	return &aadError{status: http.StatusBadRequest, err: "invalid_scope", code: 28000, desc: fmt.Sprintf(
		"Provided value for the input parameter scope is not valid because it contains more than one resource. Scope %s is not valid.", scope)}
}

// errUndeclaredResource: azure-cli#33887 and others quoting AADSTS650057.
func errUndeclaredResource(app *App, resource, resourceAppID, valid string) *aadError {
	return &aadError{status: http.StatusBadRequest, err: "invalid_client", code: 650057, desc: fmt.Sprintf(
		"Invalid resource. The client has requested access to a resource which is not listed in the requested permissions in the client's application registration. Client app ID: %s(%s). Resource value from request: %s. Resource app ID: %s. List of valid resources from app registration: %s.",
		app.ClientID, app.DisplayName, resource, resourceAppID, valid)}
}

func errUserNotFound(tenantID string) *aadError {
	return &aadError{status: http.StatusBadRequest, err: "invalid_grant", code: 50034, desc: fmt.Sprintf(
		"The user account {EmailHidden} does not exist in the %s directory. To sign into this application, the account must be added to the directory.", tenantID)}
}

func errUserDisabled() *aadError {
	return &aadError{status: http.StatusBadRequest, err: "invalid_grant", code: 50057, desc: "The user account is disabled."}
}

func errUserLocked() *aadError {
	return &aadError{status: http.StatusBadRequest, err: "invalid_grant", code: 50053,
		desc: "The account is locked, you've tried to sign in too many times with an incorrect user ID or password."}
}

func errPasswordExpired() *aadError {
	return &aadError{status: http.StatusBadRequest, err: "invalid_grant", code: 50055, desc: "The password is expired."}
}

func errBadPassword() *aadError {
	return &aadError{status: http.StatusBadRequest, err: "invalid_grant", code: 50126,
		desc: "Error validating credentials due to invalid username or password."}
}

// errMFARequired: microsoft-authentication-library-for-go#398 (with
// suberror basic_action).
func errMFARequired(resourceAppID string) *aadError {
	return &aadError{status: http.StatusBadRequest, err: "invalid_grant", code: 50076, suberror: "basic_action", desc: fmt.Sprintf(
		"Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access '%s'.", resourceAppID)}
}

// errConsentRequired: MicrosoftDocs/azure-docs#39189 (invalid_grant,
// suberror consent_required).
func errConsentRequired(app *App) *aadError {
	return &aadError{status: http.StatusBadRequest, err: "invalid_grant", code: 65001, suberror: "consent_required", desc: fmt.Sprintf(
		"The user or administrator has not consented to use the application with ID '%s' named '%s'. Send an interactive authorization request for this user and resource.", app.ClientID, app.DisplayName)}
}

func errConsentDeclined() *aadError {
	return &aadError{status: http.StatusBadRequest, err: "access_denied", code: 65004, desc: "User declined to consent to access the app."}
}

func errAdminConsentRequired() *aadError {
	return &aadError{status: http.StatusBadRequest, err: "access_denied", code: 90094, desc: "The grant requires admin permission."}
}

// errPublicClientRequired: MSAL Java #71 (ROPC on an app that is not a
// public client) and the ADAL device code report.
func errPublicClientRequired() *aadError {
	return &aadError{status: http.StatusUnauthorized, err: "invalid_client", code: 7000218,
		desc: "The request body must contain the following parameter: 'client_assertion' or 'client_secret'."}
}

// errRedirectMismatch: the sign-in page quoted in unoplatform/uno.todo#180.
func errRedirectMismatch(uri, clientID string) *aadError {
	return &aadError{status: http.StatusBadRequest, err: "invalid_request", code: 50011, desc: fmt.Sprintf(
		"The redirect URI '%s' specified in the request does not match the redirect URIs configured for the application '%s'. Make sure the redirect URI sent in the request matches one added to your application in the Azure portal. Navigate to https://aka.ms/redirectUriMismatchError to learn more about how to fix this.", uri, clientID)}
}

func errCodeRedeemed() *aadError {
	return &aadError{status: http.StatusBadRequest, err: "invalid_grant", code: 54005,
		desc: "OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token."}
}

func errCodeExpired() *aadError {
	return &aadError{status: http.StatusBadRequest, err: "invalid_grant", code: 70008,
		desc: "The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource."}
}

func errVerifierMismatch() *aadError {
	return &aadError{status: http.StatusBadRequest, err: "invalid_grant", code: 501481,
		desc: "The Code_Verifier does not match the code_challenge supplied in the authorization request."}
}

func errGrantInvalid() *aadError {
	return &aadError{status: http.StatusBadRequest, err: "invalid_grant", code: 70000, desc: "Provided grant is invalid or malformed."}
}

func errGrantMalformed() *aadError {
	return &aadError{status: http.StatusBadRequest, err: "invalid_grant", code: 9002313, desc: "Invalid request. Request is malformed or invalid."}
}

// aadInstant is how AADSTS texts print grant times (7 fraction digits).
const aadInstant = "2006-01-02T15:04:05.0000000Z"

func errRefreshExpired(issued time.Time, inactive time.Duration) *aadError {
	d := int(inactive / (24 * time.Hour))
	rest := inactive - time.Duration(d)*24*time.Hour
	span := fmt.Sprintf("%d.%02d:%02d:%02d", d, int(rest.Hours()), int(rest.Minutes())%60, int(rest.Seconds())%60)
	return &aadError{status: http.StatusBadRequest, err: "invalid_grant", code: 700082, suberror: "bad_token", desc: fmt.Sprintf(
		"The refresh token has expired due to inactivity. The token was issued on %s and was inactive for %s.", issued.UTC().Format(aadInstant), span)}
}

func errRefreshRevoked(issued, validFrom time.Time) *aadError {
	return &aadError{status: http.StatusBadRequest, err: "invalid_grant", code: 50173, desc: fmt.Sprintf(
		"The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password. The grant was issued on '%s' and the TokensValidFrom date (before which tokens are not valid) for this user is '%s'.",
		issued.UTC().Format(aadInstant), validFrom.UTC().Format(aadInstant))}
}

func errAuthorizationPending() *aadError {
	return &aadError{status: http.StatusBadRequest, err: "authorization_pending", code: 70016,
		desc: "OAuth 2.0 device flow error. Authorization is pending. Continue polling."}
}

func errDeviceCodeExpired() *aadError {
	return &aadError{status: http.StatusBadRequest, err: "expired_token", code: 70020,
		desc: "The provided value for the input parameter 'device_code' is not valid. This device code has expired."}
}

// errDeviceDeclined is unverified: the error name is RFC 8628's and
// Microsoft's device code documentation's; the code and text are a guess.
func errDeviceDeclined() *aadError {
	return &aadError{status: http.StatusBadRequest, err: "authorization_declined", code: 70000,
		desc: "The request was denied because one or more scopes requested are unauthorized or expired. The user must first sign in and grant the client application access to the requested scope."}
}

func errUnsupportedResponseType(rt string) *aadError {
	return &aadError{status: http.StatusBadRequest, err: "unsupported_response_type", code: 70005, desc: fmt.Sprintf(
		"The response_type '%s' is not supported.", rt)}
}
