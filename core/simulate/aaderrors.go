package simulate

import (
	"fmt"
	"net/http"
	"strconv"
)

// aadError is one Entra ID (AADSTS) error reply. desc is the message after
// "AADSTSnnnn: "; the trace lines are added when it is written.
type aadError struct {
	status int
	err    string // OAuth error code, e.g. invalid_client
	code   int    // AADSTS number
	desc   string
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
	})
}

// The constructors below use Microsoft's wording as seen in public error
// reports (GitHub issues quoting Entra responses).

func errTenantNotFound(tenant string) *aadError {
	return &aadError{http.StatusBadRequest, "invalid_tenant", 90002, fmt.Sprintf(
		"Tenant '%s' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.", tenant)}
}

func errTenantInvalid(tenant string) *aadError {
	return &aadError{http.StatusBadRequest, "invalid_request", 900023, fmt.Sprintf(
		"Specified tenant identifier '%s' is neither a valid DNS name, nor a valid external domain.", tenant)}
}

func errMissingParam(name string) *aadError {
	return &aadError{http.StatusBadRequest, "invalid_request", 900144, fmt.Sprintf(
		"The request body must contain the following parameter: '%s'.", name)}
}

func errUnsupportedGrant(grant string) *aadError {
	return &aadError{http.StatusBadRequest, "unsupported_grant_type", 70003, fmt.Sprintf(
		"The app requested an unsupported grant type '%s'.", grant)}
}

func errAppNotFound(clientID, directory string) *aadError {
	return &aadError{http.StatusBadRequest, "unauthorized_client", 700016, fmt.Sprintf(
		"Application with identifier '%s' was not found in the directory '%s'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.", clientID, directory)}
}

func errAppDisabled(app *App) *aadError {
	return &aadError{http.StatusBadRequest, "unauthorized_client", 7000112, fmt.Sprintf(
		"Application '%s'(%s) is disabled.", app.ClientID, app.DisplayName)}
}

func errCredentialMissing() *aadError {
	return &aadError{http.StatusUnauthorized, "invalid_client", 7000216,
		"'client_assertion', 'client_secret' or 'request' is required for the 'client_credentials' grant type."}
}

func errSecretInvalid(clientID string) *aadError {
	return &aadError{http.StatusUnauthorized, "invalid_client", 7000215, fmt.Sprintf(
		"Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '%s'.", clientID)}
}

func errSecretExpired(clientID string) *aadError {
	return &aadError{http.StatusUnauthorized, "invalid_client", 7000222, fmt.Sprintf(
		"The provided client secret keys for app '%s' are expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds.", clientID)}
}

func errCertNotRegistered(thumb, clientID string) *aadError {
	return &aadError{http.StatusUnauthorized, "invalid_client", 700027, fmt.Sprintf(
		"The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., Thumbprint of key used by client: '%s', Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '%s'. Review the documentation at https://docs.microsoft.com/en-us/graph/deployments to determine the corresponding service endpoint and https://docs.microsoft.com/en-us/graph/api/application-get?view=graph-rest-1.0&tabs=http to build a query request URL, such as 'https://graph.microsoft.com/beta/applications/%s'].", thumb, clientID, clientID)}
}

func errBadSignature(thumb, start, end string) *aadError {
	return &aadError{http.StatusUnauthorized, "invalid_client", 700027, fmt.Sprintf(
		"Client assertion contains an invalid signature. [Reason - The provided signature value did not match the expected signature value., Thumbprint of key used by client: '%s', Found key 'Start=%s, End=%s']", thumb, start, end)}
}

func errAssertionMalformed() *aadError {
	return &aadError{http.StatusUnauthorized, "invalid_client", 50027, "JWT token is invalid or malformed."}
}

func errAssertionType() *aadError {
	return &aadError{http.StatusBadRequest, "invalid_request", 7000219, fmt.Sprintf(
		"'client_assertion_type' must be '%s'.", assertionType)}
}

func errAssertionIssuer() *aadError {
	return &aadError{http.StatusUnauthorized, "invalid_client", 700021,
		"Client assertion application identifier doesn't match 'client_id' parameter. Review the documentation at https://docs.microsoft.com/en-us/azure/active-directory/develop/active-directory-certificate-credentials ."}
}

func errAssertionAudience(aud string) *aadError {
	return &aadError{http.StatusUnauthorized, "invalid_client", 700212, fmt.Sprintf(
		"The client assertion audience '%s' does not match this token endpoint.", aud)}
}

func errAssertionTime(now, from, to string) *aadError {
	return &aadError{http.StatusUnauthorized, "invalid_client", 700024, fmt.Sprintf(
		"Client assertion is not within its valid time range. Current time: %s, assertion valid from %s, expiry time of assertion %s. Review the documentation at https://docs.microsoft.com/en-us/azure/active-directory/develop/active-directory-certificate-credentials .", now, from, to)}
}

func errScopeNotDefault(scope string) *aadError {
	return &aadError{http.StatusBadRequest, "invalid_scope", 1002012, fmt.Sprintf(
		"The provided value for scope %s is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).", scope)}
}

func errResourceNotFound(resource, tenantName string) *aadError {
	return &aadError{http.StatusBadRequest, "invalid_resource", 500011, fmt.Sprintf(
		"The resource principal named %s was not found in the tenant named %s. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.", resource, tenantName)}
}

// errCrossCloud is the answer of another cloud's login host (for example
// login.microsoftonline.com for a GCC High tenant) to a confidential
// client's token request. Text: Entra's AADSTS error-code table.
func errCrossCloud() *aadError {
	return &aadError{http.StatusBadRequest, "invalid_request", 900382,
		"Confidential Client is not supported in Cross Cloud request."}
}

func errServer(err error) *aadError {
	return &aadError{http.StatusInternalServerError, "temporarily_unavailable", 50000, "There was an error issuing a token or an authorization code. " + err.Error()}
}
