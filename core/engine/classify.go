package engine

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"syscall"

	"github.com/mailoauth/mailoauth-tester/core/auth"
	"github.com/mailoauth/mailoauth-tester/core/diagnose"
	"github.com/mailoauth/mailoauth-tester/core/probe"
	"github.com/mailoauth/mailoauth-tester/core/protocol"
	"github.com/mailoauth/mailoauth-tester/core/token"
)

// genericRejection lists the IDs that only say "the server said no" and can
// be narrowed with the token's claims.
var genericRejection = map[diagnose.ID]bool{diagnose.MailboxAuthRejected: true, diagnose.Unknown: true}

// claimsFunc reads the token's claims and findings when a diagnosis needs
// them (a step waits for them only then); nil when there are none.
type claimsFunc func() (*token.Claims, []token.Finding)

// mailDiagnosis explains a failed mail probe by what the server really
// said (its typed reply: SMTP code and enhanced code, IMAP response code,
// POP3 response code), using the token's claims to narrow a bare
// rejection down to its cause. It returns the diagnosis and the step's
// one-line detail.
func (r *run) mailDiagnosis(step protocol.Name, err error, claims claimsFunc) (*diagnose.Diagnosis, string) {
	var rej *probe.RejectedError
	var cmd *probe.CommandError
	var mech *probe.MechanismError
	var ne *probe.NetError
	switch {
	case errors.As(err, &rej):
		text := rej.Reply
		if rej.Challenge != "" {
			text += "\n" + rej.Challenge
		}
		d := r.classify(mailEvidence(step, rej.Code, rej.Reply, rej.Challenge), step)
		if genericRejection[d.ID] && claims != nil {
			d = r.narrow(step, d, claims)
		}
		d.Evidence = text
		detail := "server rejected the sign-in: " + rej.Reply
		if rej.Challenge != "" {
			detail += " (" + rej.Challenge + ")"
		}
		return d, detail
	case errors.As(err, &cmd):
		d := r.classify(mailEvidence(step, cmd.Code, cmd.Reply, ""), step)
		d.Evidence = cmd.Reply
		return d, fmt.Sprintf("signed in, but %s failed: %s", cmd.Command, cmd.Reply)
	case errors.As(err, &mech):
		d := r.diag(diagnose.AuthMechanismUnsupported, step)
		d.Evidence = err.Error()
		return d, fmt.Sprintf("the server does not offer %s (it offers %s)", mech.Mech, strings.Join(mech.Offered, ", "))
	case errors.As(err, &ne):
		return r.netDiagnosis(ne.Stage, ne.Addr, ne.Err, step)
	}
	addr := r.j.hosts[step]
	if strings.Contains(addr, "://") {
		addr = hostKey(addr) // a web service's URL: name its host
	}
	if d, text := r.netDiagnosis("", addr, err, step); d != nil {
		return d, text
	}
	d := r.recognize(err.Error(), step)
	return d, err.Error()
}

// mailEvidence turns a mail server's refusal into typed evidence: the
// probes read the reply code, the enhanced code and the IMAP and POP3
// response codes from their protocol libraries. A reply without any (a
// test server, an unusual server) is read for codes as text.
func mailEvidence(p protocol.Name, code probe.ReplyCode, reply, challenge string) diagnose.Evidence {
	ev := diagnose.Evidence{Source: string(p), Text: reply, Challenge: challenge,
		SMTPCode: code.SMTP, SMTPEnhanced: code.Enhanced, IMAPCode: code.IMAP, POPCode: code.POP}
	if code == (probe.ReplyCode{}) {
		x := diagnose.Extract(reply)
		ev.SMTPCode, ev.SMTPEnhanced, ev.IMAPCode, ev.POPCode = x.SMTPCode, x.SMTPEnhanced, x.IMAPCode, x.POPCode
	}
	return ev
}

// narrow picks the specific cause of a bare rejection from the claims.
func (r *run) narrow(step protocol.Name, base *diagnose.Diagnosis, claims claimsFunc) *diagnose.Diagnosis {
	c, findings := claims()
	for _, f := range findings {
		if f.Protocol != "" && f.Protocol != string(step) {
			continue
		}
		switch f.ID {
		case diagnose.TokenAudienceWrong, diagnose.AdminConsentRequired, diagnose.TokenPermissionMissing, diagnose.AccessTokenExpired, diagnose.AppNotFound, diagnose.TenantNotFound:
			d := r.diag(f.ID, step)
			d.Cause = f.Message + ". " + d.Cause
			return d
		}
	}
	if c != nil && c.AppOnly() {
		// The token is right; what is left is on the Exchange side.
		return r.diag(diagnose.ExchangeServicePrincipalMissing, step)
	}
	return base
}

// classify explains typed evidence with the run's facts.
func (r *run) classify(ev diagnose.Evidence, p protocol.Name) *diagnose.Diagnosis {
	d := diagnose.Classify(ev, r.factsFor(p))
	return &d
}

// recognize diagnoses a text with the run's facts; only for errors that
// carry no typed value (the text is read for codes first, then wording).
func (r *run) recognize(text string, p protocol.Name) *diagnose.Diagnosis {
	d := diagnose.Recognize(text, r.factsFor(p))
	return &d
}

// tokenDiagnosis explains a failed token request from Entra's answer: the
// HTTP status and the JSON body's error, error_codes and description.
func (r *run) tokenDiagnosis(err error) *diagnose.Diagnosis {
	var te *auth.TokenError
	if errors.As(err, &te) {
		d := r.classify(diagnose.FromTokenBody(te.Status, te.Body), "")
		d.Evidence = te.Body
		return d
	}
	if d, _ := r.netDiagnosis("", r.j.cloud.AuthorityHostName(), err, ""); d != nil {
		return d
	}
	return r.recognize(err.Error(), "")
}

// graphDiagnosis explains a Graph refusal by its status and error code
// (and a claims challenge), narrowed by the Graph token's claims: a 403
// when the token carries no mail permission means nothing grants access
// (neither an Entra permission nor Exchange RBAC for Applications covers
// the mailbox); a 403 although the token carries one means Exchange
// itself limits the app (an application access policy); a 401 for a
// token of another audience is the audience.
func (r *run) graphDiagnosis(ge *probe.GraphError, c *token.Claims) (*diagnose.Diagnosis, string) {
	text := fmt.Sprintf("Graph answered HTTP %d %s: %s", ge.Status, ge.Code, ge.Message)
	ev := diagnose.Evidence{Source: diagnose.SourceGraph, GraphCode: ge.Code, HTTPStatus: ge.Status, Challenge: ge.Challenge, Text: ge.Message + "\n" + ge.Body}
	d := r.classify(ev, protocol.Graph)
	graph, _ := r.j.table.Lookup(protocol.Graph)
	switch {
	case ge.InsufficientClaims():
		d = r.diag(diagnose.CAEChallenge, protocol.Graph)
	case ge.Status == http.StatusTooManyRequests:
		d = r.diag(diagnose.Throttled, protocol.Graph)
	case ge.Status == http.StatusForbidden && d.ID == diagnose.GraphPermissionDenied && c != nil && c.AppOnly() && len(token.CheckService(*c, graph, false, "")) == 0:
		d = r.diag(diagnose.GraphAccessPolicy, protocol.Graph)
	case ge.Status == http.StatusUnauthorized && d.ID != diagnose.CAEChallenge && c != nil && !strings.Contains(strings.ToLower(c.Audience), "graph") && c.Audience != token.GraphAppID:
		d = r.diag(diagnose.TokenAudienceWrong, protocol.Graph)
	}
	d.Evidence = ge.Body
	return d, text
}

// tokenErrorText is the one-line detail of a failed token request: the
// first line of Entra's error_description, or the network error.
func tokenErrorText(err error) string {
	var te *auth.TokenError
	if errors.As(err, &te) {
		var body struct {
			Error string `json:"error"`
			Desc  string `json:"error_description"`
		}
		if json.Unmarshal([]byte(te.Body), &body) == nil && body.Desc != "" {
			first, _, _ := strings.Cut(body.Desc, "\r\n")
			first, _, _ = strings.Cut(first, " Trace ID:")
			return fmt.Sprintf("Entra ID refused (HTTP %d, %s): %s", te.Status, body.Error, strings.TrimSpace(first))
		}
		return fmt.Sprintf("Entra ID refused (HTTP %d): %s", te.Status, truncate(te.Body, 300))
	}
	return shortNetError(err)
}

// netDiagnosis explains a failure to reach a server at some stage.
func (r *run) netDiagnosis(stage probe.Stage, addr string, err error, p protocol.Name) (*diagnose.Diagnosis, string) {
	var (
		dnsErr   *net.DNSError
		unknown  x509.UnknownAuthorityError
		verify   *tls.CertificateVerificationError
		hostErr  x509.HostnameError
		invalid  x509.CertificateInvalidError
		record   tls.RecordHeaderError
		alertErr tls.AlertError
	)
	timeout := errors.Is(err, context.DeadlineExceeded) || errors.Is(err, os.ErrDeadlineExceeded)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		timeout = true
	}
	var id diagnose.ID
	text := ""
	switch {
	case errors.As(err, &dnsErr):
		id, text = diagnose.NetworkUnreachable, fmt.Sprintf("cannot resolve %s: %s", dnsErr.Name, dnsErr.Err)
	case errors.As(err, &hostErr):
		id, text = diagnose.TLSInterception, fmt.Sprintf("the certificate of %s is for another host (%s)", addr, certNames(hostErr.Certificate))
	case errors.As(err, &unknown):
		id, text = diagnose.TLSInterception, fmt.Sprintf("the certificate of %s is not trusted: issued by %q, which is not a trusted root on this computer", addr, issuer(unknown.Cert))
	case errors.As(err, &verify):
		var iss string
		if len(verify.UnverifiedCertificates) > 0 {
			iss = issuer(verify.UnverifiedCertificates[0])
		}
		id, text = diagnose.TLSInterception, fmt.Sprintf("the certificate of %s is not trusted (issued by %q): %v", addr, iss, verify.Err)
	case errors.As(err, &invalid):
		id, text = diagnose.TLSInterception, fmt.Sprintf("the certificate of %s is not valid: %v", addr, invalid)
	case errors.As(err, &record):
		id, text = diagnose.WrongPort, fmt.Sprintf("%s did not answer with TLS — it speaks plain text (wrong port, or STARTTLS expected)", addr)
	case errors.As(err, &alertErr) && strings.Contains(err.Error(), "version"), strings.Contains(err.Error(), "protocol version"):
		id, text = diagnose.TLSVersion, fmt.Sprintf("%s refused the TLS version or ciphers: %v", addr, err)
	case errors.Is(err, probe.ErrNoSTARTTLS):
		id, text = diagnose.WrongPort, fmt.Sprintf("%s does not offer STARTTLS (wrong port, or implicit TLS expected)", addr)
	case timeout && (stage == probe.StageTLS || stage == probe.StageGreeting):
		id, text = diagnose.WrongPort, fmt.Sprintf("%s accepted the connection but sent no %s in time (wrong port, or TLS/STARTTLS confusion)", addr, stageNoun(stage))
	case stage == probe.StageGreeting && (errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNRESET)):
		id, text = diagnose.WrongPort, fmt.Sprintf("%s closed the connection before greeting", addr)
	case errors.Is(err, syscall.ECONNREFUSED):
		id, text = diagnose.NetworkUnreachable, fmt.Sprintf("%s refused the connection (nothing listens there, or a firewall rejects it)", addr)
	case errors.Is(err, syscall.ECONNRESET):
		id, text = diagnose.NetworkUnreachable, fmt.Sprintf("the connection to %s was reset (a firewall or proxy may block it)", addr)
	case timeout:
		id, text = diagnose.NetworkUnreachable, fmt.Sprintf("%s did not answer in time (%s)", addr, stageNoun(stage))
	case stage == probe.StageDNS || stage == probe.StageTCP:
		id, text = diagnose.NetworkUnreachable, fmt.Sprintf("cannot connect to %s: %v", addr, innerMost(err))
	}
	if id == "" {
		var oe *net.OpError
		if errors.As(err, &oe) && oe.Op == "dial" {
			id, text = diagnose.NetworkUnreachable, fmt.Sprintf("cannot connect to %s: %v", addr, innerMost(err))
		}
	}
	if id == "" {
		if stage == "" {
			return nil, ""
		}
		d := r.recognize(err.Error(), p)
		d.Evidence = err.Error()
		return d, fmt.Sprintf("%s: %v", stageNoun(stage), err)
	}
	d := r.diag(id, p)
	d.Evidence = err.Error()
	return d, text
}

func stageNoun(s probe.Stage) string {
	switch s {
	case probe.StageTLS:
		return "TLS handshake"
	case probe.StageGreeting:
		return "greeting"
	case probe.StageDNS:
		return "DNS lookup"
	case probe.StageTCP:
		return "TCP connect"
	}
	return "reply"
}

func issuer(c *x509.Certificate) string {
	if c == nil {
		return "?"
	}
	if c.Issuer.CommonName != "" {
		return c.Issuer.CommonName
	}
	return c.Issuer.String()
}

func certNames(c *x509.Certificate) string {
	if c == nil {
		return "?"
	}
	if len(c.DNSNames) > 0 {
		return strings.Join(c.DNSNames, ", ")
	}
	return c.Subject.CommonName
}

func innerMost(err error) error {
	for {
		u := errors.Unwrap(err)
		if u == nil {
			return err
		}
		err = u
	}
}

func shortNetError(err error) string {
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return fmt.Sprintf("cannot resolve %s: %s", dnsErr.Name, dnsErr.Err)
	}
	return truncate(err.Error(), 300)
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}
