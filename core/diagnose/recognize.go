package diagnose

import (
	"strings"
	"unicode/utf8"
)

const (
	// maxEvidence caps Diagnosis.Evidence; reports show it verbatim.
	maxEvidence = 4 << 10
	// scanHead and scanTail bound how much of a text is examined: its start
	// and its end, where a pasted log usually has the final error. Real error
	// texts are a few kilobytes; the cap keeps Recognize fast on hostile input.
	scanHead = 48 << 10
	scanTail = 16 << 10
	// maxCodesOut bounds Diagnosis.Codes.
	maxCodesOut = 16
)

// Recognize turns any error text — a token-endpoint body, an MSAL error of
// any language, a mail-protocol reply, a Microsoft Graph envelope, a
// library's wrapper or a network error — into the best-matching diagnosis,
// filled with f. It first reads the typed values out of the text (Extract:
// AADSTS and OAuth codes, SMTP reply and enhanced codes, IMAP and POP3
// response codes, Graph error codes, HTTP status) and classifies by them;
// wordings are matched only after every code (Classify). It never fails:
// text it cannot place yields the Unknown diagnosis. Evidence holds the
// trimmed input (capped at about 4 KB) and may contain secrets; Codes lists
// the codes found, such as "AADSTS7000215", "535 5.7.139" or
// "ErrorAccessDenied".
func Recognize(text string, f Facts) Diagnosis {
	d := Classify(Extract(text), f)
	d.Evidence = evidence(text)
	return d
}

// scanWindow returns the part of text that is examined: all of it when
// short, else its head and tail.
func scanWindow(text string) string {
	if len(text) <= scanHead+scanTail {
		return text
	}
	return text[:scanHead] + "\n" + text[len(text)-scanTail:]
}

// evidence trims text and caps it at maxEvidence bytes on a rune boundary.
func evidence(text string) string {
	text = strings.TrimSpace(text)
	if len(text) <= maxEvidence {
		return text
	}
	cut := maxEvidence
	for cut > 0 && !utf8.RuneStart(text[cut]) {
		cut--
	}
	return text[:cut] + " …[truncated]"
}
