package simulate

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/mail"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// ProtoGraph names Microsoft Graph for LastRejection.
const ProtoGraph = "graph"

// maxGraphBody bounds a sendMail request body (Graph's own JSON limit is
// 4 MB).
const maxGraphBody = 4 << 20

// Microsoft Graph error texts, as quoted in public reports of real
// responses:
//   - "Access token is empty.": microsoftgraph upload-session sample output
//     quoted in a public C# project ({"error":{"code":"InvalidAuthenticationToken",...}}).
//   - IDX14100: a Graph 401 body quoted in a public C# model comment.
//   - "Access token validation failure. Invalid audience.": Graph /oidc/userinfo
//     answer quoted with innerError (2023) and several fakes built from it.
//   - "Lifetime validation failed, the token is expired.": Graph 401 bodies
//     quoted in webhook and SDK bug reports.
//   - "/me request is only valid with delegated authentication flow.":
//     microsoftgraph/msgraph-sdk-php#1163 (400 BadRequest).
//   - "Access is denied. Check credentials and try again.":
//     microsoftgraph/microsoft-graph-docs#10880, msgraph-sdk-php#1204.
//   - "Access to OData is disabled: [RAOP] : Blocked by tenant configured
//     AppOnly AccessPolicy settings.": 403 bodies quoted in public
//     write-ups of application access policies.
//   - "The mailbox is either inactive, soft-deleted, or is hosted
//     on-premise.": iyear/E5SubBot#39 (MailboxNotEnabledForRESTAPI with innerError).
//   - "The requested user '<id>' is invalid.": microsoftgraph/microsoft-graph-docs#4097, #7909 (404).
//   - "Application is over its MailboxConcurrency limit.":
//     magodo/terraform-provider-outlook#21 (429 ApplicationThrottled).
//   - "At least one recipient is not valid., Recipient '…' is not resolved.
//     All recipients must be resolved before a message can be submitted." and
//     "…, A message can't be sent because it contains no recipients.":
//     Azure/Microsoft365R#110, microsoftgraph/msgraph-sdk-dotnet#1891.
//   - "Unable to read JSON request payload. …": a Graph 400 quoted with its
//     headers in a public issue.
const (
	graphMsgTokenEmpty   = "Access token is empty."
	graphMsgNotJWT       = "IDX14100: JWT is not well formed, there are no dots (.).\nThe token needs to be in JWS or JWE Compact Serialization Format. (JWS): 'EncodedHeader.EncodedPayload.EncodedSignature'. (JWE): 'EncodedProtectedHeader.EncodedEncryptedKey.EncodedInitializationVector.EncodedCiphertext.EncodedAuthenticationTag'."
	graphMsgTokenInvalid = "Access token validation failure."
	graphMsgAudience     = "Access token validation failure. Invalid audience."
	graphMsgExpired      = "Lifetime validation failed, the token is expired."
	graphMsgNotYetValid  = "Lifetime validation failed, the token is not yet valid."
	graphMsgMeAppOnly    = "/me request is only valid with delegated authentication flow."
	graphMsgAccessDenied = "Access is denied. Check credentials and try again."
	graphMsgAccessPolicy = "Access to OData is disabled: [RAOP] : Blocked by tenant configured AppOnly AccessPolicy settings."
	// graphMsgCAE is Graph's continuous access evaluation challenge, as
	// quoted in public reports (testdata/diagnose/graph.txt).
	graphMsgCAE           = "Continuous access evaluation resulted in challenge with result: InteractionRequired and code: TokenCreatedWithOutdatedPolicies"
	graphMsgNoRESTMailbox = "The mailbox is either inactive, soft-deleted, or is hosted on-premise."
	graphMsgThrottled     = "Application is over its MailboxConcurrency limit."
	graphMsgBadJSON       = "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format."
	graphMsgEmptyPayload  = "Empty Payload. JSON content expected."
	graphMsgNoRecipients  = "At least one recipient is not valid., A message can't be sent because it contains no recipients."
	graphMsgMethod        = "Specified HTTP method is not allowed for the request target."
)

// readPerms and sendPerms are the permissions that allow each operation;
// delegated tokens may also hold the .Shared variants.
var (
	readPerms = []string{PermMailReadBasic, PermMailReadBasicAll, PermMailRead, PermMailReadWrite, "Mail.Read.Shared", "Mail.ReadWrite.Shared"}
	sendPerms = []string{PermMailSend, "Mail.Send.Shared"}
)

// graphError is one Graph error reply.
type graphError struct {
	status  int
	code    string
	message string
	reason  string // server side only, for LastRejection
	header  http.Header
}

// graphInnerError is Graph's innerError, in Graph's field order.
type graphInnerError struct {
	Date            string `json:"date"`
	RequestID       string `json:"request-id"`
	ClientRequestID string `json:"client-request-id"`
}

// graphErrorBody is Graph's error envelope.
type graphErrorBody struct {
	Error struct {
		Code       string          `json:"code"`
		Message    string          `json:"message"`
		InnerError graphInnerError `json:"innerError"`
	} `json:"error"`
}

// graphOp is a routed Graph request.
type graphOp struct {
	version string // "v1.0" or "beta"
	me      bool
	userID  string // as written in the URL (unescaped)
	send    bool   // sendMail; otherwise GET mailFolders/inbox
}

// graphDirectory is what Microsoft Graph asks the directory: what a
// request may see or do, as Graph's answer or its refusal.
type graphDirectory interface {
	graphAccess(r *http.Request, body []byte) (any, *graphError)
}

// graphAPI is the Microsoft Graph stand-in: the HTTP front (request IDs,
// headers, the error envelope, the body limit). What a request may see is
// the directory's decision.
type graphAPI struct {
	dir      graphDirectory
	now      func() time.Time
	requests *atomic.Int64
}

// ServeHTTP runs Graph's checks in Graph's order: token, route, payload,
// /me, permissions, user, Exchange Online mailbox, application access
// policy, throttling, recipients.
func (g *graphAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	g.requests.Add(1)
	g.serve(w, r)
}

func (g *graphAPI) serve(w http.ResponseWriter, r *http.Request) {
	reqID := newGUID()
	clientReqID := r.Header.Get("client-request-id")
	if clientReqID == "" || len(clientReqID) > 100 {
		clientReqID = reqID
	}
	now := g.now().UTC()
	h := w.Header()
	h.Set("request-id", reqID)
	h.Set("client-request-id", clientReqID)
	h.Set("Date", now.Format(http.TimeFormat))
	h.Set("Cache-Control", "private")
	h.Set("Strict-Transport-Security", "max-age=31536000")
	h.Set("x-ms-ags-diagnostic", `{"ServerInfo":{"DataCenter":"West Europe","Slice":"E","Ring":"5","ScaleUnit":"003","RoleInstance":"AM2PEPF0001C6F1"}}`)

	var body []byte
	if r.Method == http.MethodPost {
		b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxGraphBody))
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				g.writeGraphError(w, now, reqID, clientReqID, &graphError{status: http.StatusRequestEntityTooLarge,
					code: "RequestEntityTooLarge", message: "The request entity is too large.", reason: "body over 4 MB"})
				return
			}
			g.writeGraphError(w, now, reqID, clientReqID, &graphError{status: http.StatusBadRequest,
				code: "BadRequest", message: graphMsgBadJSON, reason: "reading the body: " + err.Error()})
			return
		}
		body = b
	}

	ok, gerr := g.dir.graphAccess(r, body)
	if gerr != nil {
		g.writeGraphError(w, now, reqID, clientReqID, gerr)
		return
	}
	if ok == nil {
		w.WriteHeader(http.StatusAccepted)
		return
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(ok)
	h.Set("Content-Type", "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8")
	w.WriteHeader(http.StatusOK)
	w.Write(bytes.TrimRight(buf.Bytes(), "\n"))
}

// writeGraphError writes e in Graph's envelope.
func (g *graphAPI) writeGraphError(w http.ResponseWriter, now time.Time, reqID, clientReqID string, e *graphError) {
	for k, v := range e.header {
		w.Header()[k] = v
	}
	var b graphErrorBody
	b.Error.Code, b.Error.Message = e.code, e.message
	b.Error.InnerError = graphInnerError{Date: now.Format("2006-01-02T15:04:05"), RequestID: reqID, ClientRequestID: clientReqID}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(b)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(e.status)
	w.Write(bytes.TrimRight(buf.Bytes(), "\n"))
}

// graphAccess decides a Graph request and records why it was refused.
func (t *directory) graphAccess(r *http.Request, body []byte) (any, *graphError) {
	t.mu.Lock()
	defer t.mu.Unlock()
	ok, gerr := t.graphDecide(r, body)
	if gerr != nil {
		t.rejections[ProtoGraph] = gerr.reason
	}
	return ok, gerr
}

// route parses the request path (case-insensitive, as Graph is).
func routeGraph(r *http.Request) (graphOp, *graphError) {
	segs := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	var op graphOp
	notFound := func(seg string) *graphError {
		return &graphError{status: http.StatusBadRequest, code: "BadRequest",
			message: fmt.Sprintf("Resource not found for the segment '%s'.", seg), reason: "unknown path " + r.URL.Path}
	}
	if len(segs) == 0 || segs[0] == "" {
		return op, notFound("")
	}
	switch v := strings.ToLower(segs[0]); v {
	case "v1.0", "beta":
		op.version = v
	default:
		return op, &graphError{status: http.StatusBadRequest, code: "BadRequest",
			message: "Invalid version: " + segs[0], reason: "unknown Graph version " + segs[0]}
	}
	rest := segs[1:]
	switch {
	case len(rest) >= 1 && strings.EqualFold(rest[0], "me"):
		op.me, rest = true, rest[1:]
	case len(rest) >= 2 && strings.EqualFold(rest[0], "users") && rest[1] != "":
		op.userID, rest = rest[1], rest[2:]
	case len(rest) >= 1:
		return op, notFound(rest[0])
	default:
		return op, notFound(segs[0])
	}
	var method string
	switch {
	case len(rest) == 2 && strings.EqualFold(rest[0], "mailFolders") && strings.EqualFold(rest[1], "inbox"):
		method = http.MethodGet
	case len(rest) == 1 && strings.EqualFold(rest[0], "sendMail"):
		op.send, method = true, http.MethodPost
	case len(rest) == 0:
		return op, notFound("users")
	default:
		return op, notFound(rest[len(rest)-1])
	}
	if r.Method != method && !(method == http.MethodGet && r.Method == http.MethodHead) {
		return op, &graphError{status: http.StatusMethodNotAllowed, code: "BadRequest", message: graphMsgMethod,
			reason: r.Method + " not allowed on " + r.URL.Path}
	}
	return op, nil
}

// graphToken is a validated Graph access token.
type graphToken struct {
	delegated bool
	user      string   // upn / preferred_username of a delegated token
	oid       string   // object ID of a delegated token's user
	perms     []string // roles (app-only) or scp (delegated)
	appID     string
}

// checkGraphToken validates the bearer token as Graph does. The caller
// holds t.mu.
func (t *directory) checkGraphToken(r *http.Request) (*graphToken, *graphError) {
	unauth := func(msg, reason string) *graphError {
		h := http.Header{}
		h.Set("WWW-Authenticate", `Bearer realm="", authorization_uri="https://`+t.cloud.loginHosts[0]+`/common/oauth2/authorize", client_id="`+GraphAppID+`"`)
		return &graphError{status: http.StatusUnauthorized, code: "InvalidAuthenticationToken", message: msg, reason: reason, header: h}
	}
	scheme, tok, _ := strings.Cut(strings.TrimSpace(r.Header.Get("Authorization")), " ")
	tok = strings.TrimSpace(tok)
	if !strings.EqualFold(scheme, "Bearer") || tok == "" {
		return nil, unauth(graphMsgTokenEmpty, "no bearer token")
	}
	if !strings.Contains(tok, ".") {
		return nil, unauth(graphMsgNotJWT, "token is not a JWT")
	}
	p, err := parseJWT(tok)
	if err != nil {
		return nil, unauth(graphMsgTokenInvalid, "token is not a well-formed JWT")
	}
	if err := p.verify(t.verify, "RS256"); err != nil {
		return nil, unauth(graphMsgTokenInvalid, "token signature invalid: "+err.Error())
	}
	tid := t.state.Directory.ID
	if p.claimString("iss") != t.cloud.issuer(tid) || p.claimString("tid") != tid {
		return nil, unauth(graphMsgTokenInvalid, fmt.Sprintf("token issued by %q for tenant %q, not this tenant", p.claimString("iss"), p.claimString("tid")))
	}
	if aud := p.claimString("aud"); !t.cloud.isGraph(aud) {
		return nil, unauth(graphMsgAudience, fmt.Sprintf("token audience %q is not Microsoft Graph in the %s cloud", aud, t.cloud.name))
	}
	now := t.now().Unix()
	if nbf, ok := p.claimTime("nbf"); ok && now < nbf {
		return nil, unauth(graphMsgNotYetValid, "token not yet valid")
	}
	if exp, ok := p.claimTime("exp"); !ok || now >= exp {
		return nil, unauth(graphMsgExpired, "token expired")
	}
	gt := &graphToken{appID: p.claimString("appid")}
	if gt.appID == "" {
		gt.appID = p.claimString("azp")
	}
	if scp := p.claimString("scp"); scp != "" {
		gt.delegated, gt.perms, gt.oid = true, strings.Fields(scp), p.claimString("oid")
		for _, c := range []string{"upn", "preferred_username", "unique_name"} {
			if gt.user = p.claimString(c); gt.user != "" {
				break
			}
		}
	} else {
		gt.perms = p.claimStrings("roles")
	}
	return gt, nil
}

// sendMailBody is the part of a sendMail payload the server checks.
type sendMailBody struct {
	Message *struct {
		Subject       string           `json:"subject"`
		ToRecipients  []graphRecipient `json:"toRecipients"`
		CcRecipients  []graphRecipient `json:"ccRecipients"`
		BccRecipients []graphRecipient `json:"bccRecipients"`
	} `json:"message"`
	SaveToSentItems json.RawMessage `json:"saveToSentItems"`
}

// graphRecipient is a Graph recipient.
type graphRecipient struct {
	EmailAddress struct {
		Name    string `json:"name"`
		Address string `json:"address"`
	} `json:"emailAddress"`
}

// graphDecide runs the checks and returns the JSON reply (nil for 202) or
// an error. The caller holds t.mu.
func (t *directory) graphDecide(r *http.Request, body []byte) (any, *graphError) {
	tok, gerr := t.checkGraphToken(r)
	if gerr != nil {
		return nil, gerr
	}
	if t.state.GraphCAE {
		return nil, t.caeChallenge()
	}
	op, gerr := routeGraph(r)
	if gerr != nil {
		return nil, gerr
	}
	var send sendMailBody
	if op.send {
		if len(bytes.TrimSpace(body)) == 0 {
			return nil, &graphError{status: http.StatusBadRequest, code: "BadRequest", message: graphMsgEmptyPayload, reason: "empty sendMail body"}
		}
		if err := json.Unmarshal(body, &send); err != nil {
			return nil, &graphError{status: http.StatusBadRequest, code: "BadRequest", message: graphMsgBadJSON, reason: "sendMail body is not JSON: " + err.Error()}
		}
	}
	id := op.userID
	if op.me {
		if !tok.delegated {
			return nil, &graphError{status: http.StatusBadRequest, code: "BadRequest", message: graphMsgMeAppOnly, reason: "/me with an app-only token"}
		}
		id = tok.user
		if tok.oid != "" && t.state.mailboxByID(tok.oid) != nil {
			id = tok.oid
		}
	}
	need := readPerms
	if op.send {
		need = sendPerms
	}
	if !slices.ContainsFunc(tok.perms, func(p string) bool { return slices.Contains(need, p) }) && !t.rbacGrants(tok, id, need) {
		kind := "roles"
		if tok.delegated {
			kind = "scp"
		}
		return nil, &graphError{status: http.StatusForbidden, code: "ErrorAccessDenied", message: graphMsgAccessDenied,
			reason: fmt.Sprintf("token %s %v lack one of %v, and no RBAC for Applications assignment covers %s", kind, tok.perms, need, id)}
	}
	mb := t.state.mailboxByID(id)
	if mb == nil {
		return nil, &graphError{status: http.StatusNotFound, code: "ErrorInvalidUser",
			message: fmt.Sprintf("The requested user '%s' is invalid.", id), reason: fmt.Sprintf("no user %q", id)}
	}
	if !mb.ExchangeOnline {
		return nil, &graphError{status: http.StatusNotFound, code: "MailboxNotEnabledForRESTAPI", message: graphMsgNoRESTMailbox,
			reason: mb.Address + " has no Exchange Online mailbox"}
	}
	if tok.delegated && !op.me {
		if gerr := t.delegatedMailboxAccess(tok, mb, op.send); gerr != nil {
			return nil, gerr
		}
	}
	if !tok.delegated {
		if app := t.state.app(tok.appID); app != nil && !app.AccessPolicy.allows(mb.Address) {
			return nil, &graphError{status: http.StatusForbidden, code: "ErrorAccessDenied", message: graphMsgAccessPolicy,
				reason: fmt.Sprintf("application access policy blocks app %s on %s", app.ClientID, mb.Address)}
		}
	}
	if th := &t.state.GraphThrottle; th.Remaining > 0 || t.now().Before(th.until) {
		now := t.now()
		secs := max(th.RetryAfterSeconds, 0)
		reason := ""
		if now.Before(th.until) {
			secs = max(int(th.until.Sub(now).Round(time.Second)/time.Second), 1)
			reason = fmt.Sprintf("throttled again: came back %ds before Retry-After ended", secs)
		} else {
			th.Remaining--
			th.until = now.Add(time.Duration(secs) * time.Second)
			reason = fmt.Sprintf("throttled (Retry-After %d, %d more)", secs, th.Remaining)
		}
		h := http.Header{}
		h.Set("Retry-After", strconv.Itoa(secs))
		return nil, &graphError{status: http.StatusTooManyRequests, code: "ApplicationThrottled", message: graphMsgThrottled, header: h,
			reason: reason}
	}
	if !op.send {
		return t.inboxFolder(op, id, mb), nil
	}
	msg := GraphMessage{SaveToSentItems: true}
	if s := strings.Trim(string(send.SaveToSentItems), `"`); strings.EqualFold(s, "false") {
		msg.SaveToSentItems = false
	}
	if send.Message != nil {
		msg.Subject = send.Message.Subject
		for _, list := range [][]graphRecipient{send.Message.ToRecipients, send.Message.CcRecipients, send.Message.BccRecipients} {
			for _, rc := range list {
				addr := strings.TrimSpace(rc.EmailAddress.Address)
				if !validRecipient(addr) {
					return nil, &graphError{status: http.StatusBadRequest, code: "ErrorInvalidRecipients",
						message: fmt.Sprintf("At least one recipient is not valid., Recipient '%s' is not resolved. All recipients must be resolved before a message can be submitted.", rc.EmailAddress.Address),
						reason:  fmt.Sprintf("recipient %q is malformed", rc.EmailAddress.Address)}
				}
				msg.To = append(msg.To, addr)
			}
		}
	}
	if len(msg.To) == 0 {
		return nil, &graphError{status: http.StatusBadRequest, code: "ErrorInvalidRecipients", message: graphMsgNoRecipients, reason: "sendMail without recipients"}
	}
	mb.GraphSent = append(mb.GraphSent, msg)
	return nil, nil
}

// rbacGrants reports whether an Exchange RBAC for Applications assignment
// of the app-only token's app grants one of the permissions on the mailbox
// id. Exchange checks these itself; they never appear in the token. The
// caller holds t.mu.
func (t *directory) rbacGrants(tok *graphToken, id string, perms []string) bool {
	if tok.delegated {
		return false
	}
	app, mb := t.state.app(tok.appID), t.state.mailboxByID(id)
	if app == nil || mb == nil {
		return false
	}
	for _, a := range app.RBAC {
		for _, p := range perms {
			if a.grants(p, mb.Address) {
				return true
			}
		}
	}
	return false
}

// caeChallenge is Graph's answer to a token that continuous access
// evaluation revoked: 401 with a claims challenge in WWW-Authenticate
// (https://learn.microsoft.com/entra/identity-platform/claims-challenge).
func (t *directory) caeChallenge() *graphError {
	claims := base64.StdEncoding.EncodeToString([]byte(fmt.Sprintf(`{"access_token":{"nbf":{"essential":true,"value":"%d"}}}`, t.now().Unix())))
	h := http.Header{}
	h.Set("WWW-Authenticate", `Bearer authorization_uri="https://`+t.cloud.loginHosts[0]+`/common/oauth2/authorize", client_id="`+GraphAppID+`", error="insufficient_claims", claims="`+claims+`"`)
	return &graphError{status: http.StatusUnauthorized, code: "InvalidAuthenticationToken", message: graphMsgCAE, header: h,
		reason: "continuous access evaluation: a policy changed after the token was issued"}
}

// delegatedMailboxAccess lets a user token reach another user's mailbox
// only with FullAccess (Send As for sendMail) and a .Shared permission, as
// Graph does. The caller holds t.mu.
func (t *directory) delegatedMailboxAccess(tok *graphToken, mb *Mailbox, send bool) *graphError {
	u := t.state.userByOID(tok.oid)
	if u != nil && strings.EqualFold(u.Mailbox, mb.Address) {
		return nil
	}
	shared, right := []string{"Mail.Read.Shared", "Mail.ReadWrite.Shared"}, u != nil && u.FullAccess[strings.ToLower(mb.Address)]
	if send {
		shared, right = []string{"Mail.Send.Shared"}, u != nil && u.SendAs[strings.ToLower(mb.Address)]
	}
	if right && slices.ContainsFunc(tok.perms, func(p string) bool { return slices.Contains(shared, p) }) {
		return nil
	}
	return &graphError{status: http.StatusForbidden, code: "ErrorAccessDenied", message: graphMsgAccessDenied,
		reason: fmt.Sprintf("user %s may not open %s (needs FullAccess/Send As and a .Shared scope)", tok.user, mb.Address)}
}

// validRecipient reports whether addr is a plain resolvable SMTP address.
func validRecipient(addr string) bool {
	a, err := mail.ParseAddress(addr)
	if err != nil || a.Name != "" || !strings.EqualFold(a.Address, addr) {
		return false
	}
	_, domain, _ := strings.Cut(addr, "@")
	return strings.Contains(domain, ".") && !strings.HasSuffix(domain, ".") && !strings.HasPrefix(domain, ".")
}

// inboxFolder is the mailFolder resource of the mailbox's Inbox. The caller
// holds t.mu.
func (t *directory) inboxFolder(op graphOp, id string, mb *Mailbox) map[string]any {
	size, unread := 0, 0
	for _, m := range mb.Inbox {
		size += len(m.Body)
		if !m.Seen {
			unread++
		}
	}
	ctxID := strings.ReplaceAll(id, "@", "%40")
	return map[string]any{
		"@odata.context":   "https://" + t.cloud.msgraphHost + "/" + op.version + "/$metadata#users('" + ctxID + "')/mailFolders/$entity",
		"id":               folderID(mb, "inbox"),
		"displayName":      "Inbox",
		"parentFolderId":   folderID(mb, "msgfolderroot"),
		"childFolderCount": 0,
		"unreadItemCount":  unread,
		"totalItemCount":   len(mb.Inbox),
		"sizeInBytes":      size,
		"isHidden":         false,
	}
}

// folderID returns a stable Exchange-style folder ID for the mailbox's
// well-known folder.
func folderID(mb *Mailbox, folder string) string {
	a := sha256.Sum256([]byte(strings.ToLower(mb.Address)))
	f := sha256.Sum256([]byte(strings.ToLower(mb.Address) + "/" + folder))
	raw := append(append([]byte{0x00, 0x2e, 0x00, 0x00, 0x00, 0x00, 0x00}, a[:16]...), f[:16]...)
	raw = append(raw, 0x01, 0x00)
	return "AAMkA" + strings.NewReplacer("/", "-", "+", "_").Replace(base64.StdEncoding.EncodeToString(raw))
}
