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
	"os"
	"strings"
	"syscall"

	"github.com/mailoauth/mailoauth-tester/core/auth"
	"github.com/mailoauth/mailoauth-tester/core/diagnose"
	"github.com/mailoauth/mailoauth-tester/core/probe"
)

// genericRejection lists the IDs that only say "the server said no" and can
// be narrowed with the token's claims.
var genericRejection = map[string]bool{"mailbox-auth-rejected": true, diagnose.Unknown: true}

// mailDiagnosis explains a failed mail probe, using the token's claims to
// narrow a bare rejection down to its cause. It returns the diagnosis and
// the step's one-line detail.
func (r *run) mailDiagnosis(step string, err error, out *tokenOutcome) (*diagnose.Diagnosis, string) {
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
		d := r.recognize(text, step)
		if genericRejection[d.ID] && out != nil {
			d = r.narrow(step, d, out)
		}
		d.Evidence = text
		detail := "server rejected the token: " + rej.Reply
		if rej.Challenge != "" {
			detail += " (" + rej.Challenge + ")"
		}
		return d, detail
	case errors.As(err, &cmd):
		d := r.recognize(cmd.Reply, step)
		d.Evidence = cmd.Reply
		return d, fmt.Sprintf("signed in, but %s failed: %s", cmd.Command, cmd.Reply)
	case errors.As(err, &mech):
		d := r.diag("auth-mechanism-unsupported", step)
		d.Evidence = err.Error()
		return d, fmt.Sprintf("the server does not offer %s (it offers %s)", mech.Mech, strings.Join(mech.Offered, ", "))
	case errors.As(err, &ne):
		return r.netDiagnosis(ne.Stage, ne.Addr, ne.Err, step)
	}
	d := r.recognize(err.Error(), step)
	return d, err.Error()
}

// narrow picks the specific cause of a bare rejection from the claims.
func (r *run) narrow(step string, base *diagnose.Diagnosis, out *tokenOutcome) *diagnose.Diagnosis {
	for _, f := range out.findings {
		if f.Protocol != "" && f.Protocol != step {
			continue
		}
		switch f.ID {
		case "token-audience-wrong", "token-permission-missing", "access-token-expired", "app-not-found", "tenant-not-found":
			d := r.diag(f.ID, step)
			d.Cause = f.Message + ". " + d.Cause
			return d
		}
	}
	if out.claims != nil && out.claims.AppOnly() {
		// The token is right; what is left is on the Exchange side.
		return r.diag("exchange-service-principal-missing", step)
	}
	return base
}

// recognize diagnoses a text with the run's facts.
func (r *run) recognize(text, protocol string) *diagnose.Diagnosis {
	d := diagnose.Recognize(text, r.factsFor(protocol))
	return &d
}

// tokenDiagnosis explains a failed token request.
func (r *run) tokenDiagnosis(err error) *diagnose.Diagnosis {
	var te *auth.TokenError
	if errors.As(err, &te) {
		d := r.recognize(te.Body, "")
		d.Evidence = te.Body
		return d
	}
	if d, _ := r.netDiagnosis("", r.j.cloud.AuthorityHostName(), err, ""); d != nil {
		return d
	}
	return r.recognize(err.Error(), "")
}

// tokenErrorText is the one-line detail of a failed token request: the
// first line of Entra's error_description, or the network error.
func tokenErrorText(err error, ctx context.Context) string {
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
	if ctx.Err() == context.Canceled {
		return "cancelled"
	}
	return shortNetError(err)
}

// netDiagnosis explains a failure to reach a server at some stage.
func (r *run) netDiagnosis(stage probe.Stage, addr string, err error, protocol string) (*diagnose.Diagnosis, string) {
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
	id, text := "", ""
	switch {
	case errors.As(err, &dnsErr):
		id, text = "network-unreachable", fmt.Sprintf("cannot resolve %s: %s", dnsErr.Name, dnsErr.Err)
	case errors.As(err, &hostErr):
		id, text = "tls-interception", fmt.Sprintf("the certificate of %s is for another host (%s)", addr, certNames(hostErr.Certificate))
	case errors.As(err, &unknown):
		id, text = "tls-interception", fmt.Sprintf("the certificate of %s is not trusted: issued by %q, which is not a trusted root on this computer", addr, issuer(unknown.Cert))
	case errors.As(err, &verify):
		var iss string
		if len(verify.UnverifiedCertificates) > 0 {
			iss = issuer(verify.UnverifiedCertificates[0])
		}
		id, text = "tls-interception", fmt.Sprintf("the certificate of %s is not trusted (issued by %q): %v", addr, iss, verify.Err)
	case errors.As(err, &invalid):
		id, text = "tls-interception", fmt.Sprintf("the certificate of %s is not valid: %v", addr, invalid)
	case errors.As(err, &record):
		id, text = "wrong-port", fmt.Sprintf("%s did not answer with TLS — it speaks plain text (wrong port, or STARTTLS expected)", addr)
	case errors.As(err, &alertErr) && strings.Contains(err.Error(), "version"), strings.Contains(err.Error(), "protocol version"):
		id, text = "tls-version", fmt.Sprintf("%s refused the TLS version or ciphers: %v", addr, err)
	case strings.Contains(err.Error(), "does not offer STARTTLS"):
		id, text = "wrong-port", fmt.Sprintf("%s does not offer STARTTLS (wrong port, or implicit TLS expected)", addr)
	case timeout && (stage == probe.StageTLS || stage == probe.StageGreeting):
		id, text = "wrong-port", fmt.Sprintf("%s accepted the connection but sent no %s in time (wrong port, or TLS/STARTTLS confusion)", addr, stageNoun(stage))
	case stage == probe.StageGreeting && (errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNRESET)):
		id, text = "wrong-port", fmt.Sprintf("%s closed the connection before greeting", addr)
	case errors.Is(err, syscall.ECONNREFUSED):
		id, text = "network-unreachable", fmt.Sprintf("%s refused the connection (nothing listens there, or a firewall rejects it)", addr)
	case errors.Is(err, syscall.ECONNRESET):
		id, text = "network-unreachable", fmt.Sprintf("the connection to %s was reset (a firewall or proxy may block it)", addr)
	case timeout:
		id, text = "network-unreachable", fmt.Sprintf("%s did not answer in time (%s)", addr, stageNoun(stage))
	case stage == probe.StageDNS || stage == probe.StageTCP:
		id, text = "network-unreachable", fmt.Sprintf("cannot connect to %s: %v", addr, innerMost(err))
	}
	if id == "" {
		var oe *net.OpError
		if errors.As(err, &oe) && oe.Op == "dial" {
			id, text = "network-unreachable", fmt.Sprintf("cannot connect to %s: %v", addr, innerMost(err))
		}
	}
	if id == "" {
		if stage == "" {
			return nil, ""
		}
		d := r.recognize(err.Error(), protocol)
		d.Evidence = err.Error()
		return d, fmt.Sprintf("%s: %v", stageNoun(stage), err)
	}
	d := r.diag(id, protocol)
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
