package diagnose

import (
	"net/url"
	"strconv"
)

// family explains a code the vocabularies do not know by what its class
// says: the OAuth error class sent with an AADSTS code, the SMTP class and
// subject digits, or the HTTP status. It still shows the code, any known
// symbolic name and a place to look it up, so an unmapped code is never a
// bare "unknown".
type family struct {
	label  string // the code as people search for it, e.g. "AADSTS530084"
	name   string // Microsoft's symbolic name, if known
	id     string // the family's diagnosis ID
	basis  string // why this family: "its OAuth error class invalid_client"
	lookup Link   // where to read about the code (empty when there is none)
	server string // who answered, e.g. "Microsoft Entra ID"
}

func (fm *family) render(f Facts) Diagnosis {
	d := Get(fm.id, f)
	code := fm.label
	if fm.name != "" {
		code += " (" + fm.name + ")"
	}
	if fm.id == Unknown {
		d.Title = fm.server + " error " + fm.label + " is not in the knowledge base"
		d.Cause = fm.server + " answered with " + code + ", which this version cannot explain yet, and nothing else in the answer says what kind of problem it is. The lookup page describes the code; the raw text is shown below."
	} else {
		d.Title = d.Title + " (judged from " + fm.label + ", which is not in the knowledge base)"
		d.Cause = fm.server + " answered with " + code + ", a code this version has no entry for. Judging by " + fm.basis + ", the most likely cause is: " + d.Cause
	}
	if fm.lookup.URL != "" {
		d.Fix = append([]string{"Open the lookup page for " + fm.label + " (first link) and compare its advice with the steps below."}, d.Fix...)
		d.Links = append([]Link{newRenderer(f).link(linkSpec{Title: fm.lookup.Title, URL: fm.lookup.URL})}, d.Links...)
	}
	return d
}

// aadstsFamily explains an Entra code that is in no vocabulary.
func aadstsFamily(code int, ev Evidence) *family {
	n := strconv.Itoa(code)
	fm := &family{label: "AADSTS" + n, server: "Microsoft Entra ID"}
	fm.lookup = Link{Title: "Look up AADSTS" + n, URL: "https://{authority}/error?code=" + n}
	if c, ok := vocabulary.oauth[ev.OAuthError]; ok {
		fm.id, fm.basis = c.ID, "its OAuth error class "+ev.OAuthError+" ("+c.Meaning+")"
		return fm
	}
	if id, basis := httpFamily(ev.HTTPStatus, SourceEntra); id != "" {
		fm.id, fm.basis = id, basis
		return fm
	}
	fm.id, fm.basis = Unknown, "nothing else it said"
	return fm
}

// codeFamily explains an SMTP, Graph, IMAP, POP3 or HTTP answer whose code
// is in no vocabulary. It returns nil when the evidence has no code.
func codeFamily(ev Evidence) *family {
	switch {
	case ev.SMTPCode >= 400 || ev.SMTPEnhanced != "":
		return smtpFamily(ev)
	case ev.GraphCode != "" || (ev.Source == SourceGraph && ev.HTTPStatus >= 400):
		fm := &family{label: ev.GraphCode, server: "Microsoft Graph"}
		if fm.label == "" {
			fm.label = "HTTP " + strconv.Itoa(ev.HTTPStatus)
		}
		fm.id, fm.basis = httpFamily(ev.HTTPStatus, SourceGraph)
		if fm.id == "" {
			fm.id, fm.basis = ProtocolError, "the error envelope alone"
		}
		fm.lookup = Link{Title: "Microsoft Graph error responses", URL: "https://learn.microsoft.com/graph/errors"}
		return fm
	case ev.IMAPCode != "" || ev.POPCode != "":
		c := ev.IMAPCode + ev.POPCode
		return &family{label: "[" + c + "]", server: "The mail server", id: MailboxAuthRejected,
			basis: "the failed reply it came with"}
	case ev.HTTPStatus >= 400:
		id, basis := httpFamily(ev.HTTPStatus, ev.Source)
		if id == "" {
			return nil
		}
		return &family{label: "HTTP " + strconv.Itoa(ev.HTTPStatus), server: "The server", id: id, basis: basis}
	}
	return nil
}

// smtpFamily uses RFC 3463's class and subject: 4.x.x is transient, 5.1
// addressing, 5.2 mailbox status, 5.3 mail system, 5.4 routing, 5.5
// protocol, 5.6 content, 5.7 security or policy.
func smtpFamily(ev Evidence) *family {
	fm := &family{label: smtpLabel(ev.SMTPCode, ev.SMTPEnhanced), server: "The SMTP server"}
	enc := url.QueryEscape(fm.label)
	fm.lookup = Link{Title: "Exchange Online NDR and SMTP error reference", URL: "https://learn.microsoft.com/exchange/troubleshoot/email-delivery/ndr/non-delivery-reports-in-exchange-online?q=" + enc}
	enh, hasEnh := parseEnhanced(ev.SMTPEnhanced)
	class := ev.SMTPCode / 100
	if hasEnh {
		class = enh[0]
	}
	switch {
	case class == 4:
		fm.id, fm.basis = ServerTemporaryError, "its class 4 (a temporary failure)"
	case ev.SMTPCode == 530:
		fm.id, fm.basis = SMTPNotAuthenticated, "its reply 530 (authentication required)"
	case ev.SMTPCode == 534 || ev.SMTPCode == 535 || ev.SMTPCode == 538:
		fm.id, fm.basis = MailboxAuthRejected, "its reply "+strconv.Itoa(ev.SMTPCode)+" (authentication refused)"
	case !hasEnh:
		fm.id, fm.basis = ProtocolError, "its reply "+strconv.Itoa(ev.SMTPCode)+" (a permanent failure)"
	case enh[1] == 1:
		fm.id, fm.basis = MailboxNotFound, "its subject 5.1 (an address problem)"
	case enh[1] == 2:
		fm.id, fm.basis = MessageTooLarge, "its subject 5.2 (a mailbox status problem such as a full mailbox)"
	case enh[1] == 3:
		fm.id, fm.basis = MessageTooLarge, "its subject 5.3 (a mail system limit)"
	case enh[1] == 4:
		fm.id, fm.basis = RecipientRestricted, "its subject 5.4 (a routing problem)"
	case enh[1] == 5 || enh[1] == 6:
		fm.id, fm.basis = ProtocolError, "its subject 5."+strconv.Itoa(enh[1])+" (a protocol or content problem)"
	case enh[1] == 7 && enh[2] < 10:
		fm.id, fm.basis = MailboxAuthRejected, "its subject 5.7 (a security problem)"
	case enh[1] == 7:
		fm.id, fm.basis = RecipientRestricted, "its subject 5.7 (a security or policy refusal)"
	default:
		fm.id, fm.basis = ProtocolError, "its class 5 (a permanent failure)"
	}
	return fm
}

// httpFamily maps an HTTP status to the usual cause for a source.
func httpFamily(status int, source string) (id, basis string) {
	b := "its HTTP status " + strconv.Itoa(status)
	switch {
	case status == 400 && source == SourceEntra:
		return RequestMalformed, b + " (a bad request)"
	case status == 400:
		return ProtocolError, b + " (a bad request)"
	case status == 401 && source == SourceEntra:
		return ClientSecretInvalid, b + " (the client could not be authenticated)"
	case status == 401:
		return MailboxAuthRejected, b + " (the token was refused)"
	case status == 403 && source == SourceGraph:
		return GraphPermissionDenied, b + " (forbidden)"
	case status == 403:
		return AdminConsentRequired, b + " (forbidden)"
	case status == 404 && source == SourceGraph:
		return MailboxNotFound, b + " (not found)"
	case status == 404:
		return ResourceNotFound, b + " (not found)"
	case status == 407:
		return ProxyAuthRequired, b + " (proxy authentication required)"
	case status == 408 || status == 504:
		return NetworkUnreachable, b + " (a timeout on the way)"
	case status == 413:
		return MessageTooLarge, b + " (payload too large)"
	case status == 429:
		return Throttled, b + " (too many requests)"
	case status >= 500:
		return ServerTemporaryError, b + " (a server-side failure)"
	case status >= 400:
		return ProtocolError, b
	}
	return "", ""
}
