// Package store keeps named profiles: the non-secret fields of a run
// (flow, cloud, tenant, client ID, mailbox, user, protocols, hosts,
// redirect URI, certificate file or thumbprint, proxies) that the CLI and
// the window share, one JSON file per profile in the user's configuration
// folder. The Profile type has no field for a secret, and Save refuses a
// value shaped like one, so no secret is ever written. The format is
// documented in docs/profiles.md.
//
// Values are layered lowest first: MAILOAUTH_* environment variables,
// then the chosen profile, then the command-line flags the user typed
// (Merge, Resolve).
package store

import (
	"errors"
	"reflect"
	"regexp"
	"strings"
	"time"

	"github.com/mailoauth/mailoauth-tester/core/netenv"
	"github.com/mailoauth/mailoauth-tester/core/profile"
	"github.com/mailoauth/mailoauth-tester/core/secret"
)

// Profile is one saved profile. Each JSON key is the command-line flag of
// the same name. Secrets (client secret, certificate password, user
// password, proxy password, tokens) have no field here by design.
type Profile struct {
	Name string `json:"name"`

	Flow        string   `json:"flow,omitempty"`
	Cloud       string   `json:"cloud,omitempty"`
	Tenant      string   `json:"tenant,omitempty"`
	ClientID    string   `json:"client-id,omitempty"`
	Mailbox     string   `json:"mailbox,omitempty"`
	User        string   `json:"user,omitempty"`
	Protocols   []string `json:"protocols,omitempty"`
	Mechanism   string   `json:"mech,omitempty"`
	Provider    string   `json:"provider,omitempty"`
	Scopes      []string `json:"scope,omitempty"`
	RedirectURI string   `json:"redirect-uri,omitempty"`
	// Preset is the product preset the profile is set up for (a
	// core/preset ID such as "cisco-ece"), as --preset and the window's
	// "Set up for…" choose it.
	Preset string `json:"preset,omitempty"`

	CertFile       string `json:"cert,omitempty"`            // PEM or PFX path (its password is a secret, not kept)
	CertThumbprint string `json:"cert-thumbprint,omitempty"` // Windows store certificate, SHA-1

	AuthorityHost string `json:"authority-host,omitempty"`
	IMAPHost      string `json:"imap-host,omitempty"`
	POPHost       string `json:"pop-host,omitempty"`
	SMTPHost      string `json:"smtp-host,omitempty"`
	GraphURL      string `json:"graph-url,omitempty"`
	CAFile        string `json:"ca-file,omitempty"`
	Timeout       string `json:"timeout,omitempty"` // Go duration, e.g. "30s"

	Proxy     string `json:"proxy,omitempty"`      // "direct" or a proxy URL without password
	MailProxy string `json:"mail-proxy,omitempty"` // "direct" or a proxy URL without password

	// RememberSecrets opts this profile in to keeping its secrets in the
	// operating system's keyring (core/keyring). Off unless the user
	// ticks it; the secrets themselves are never in this file.
	RememberSecrets bool `json:"remember-secrets,omitempty"`
}

// field is one settable field of Profile, found by reflection so the list
// lives in the struct alone.
type field struct {
	key   string // JSON key = flag name
	index int
	kind  reflect.Kind // String, Slice ([]string) or Bool
}

// fields lists Profile's fields except Name.
var fields = func() []field {
	var out []field
	t := reflect.TypeOf(Profile{})
	for i := range t.NumField() {
		key, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if key == "name" {
			continue
		}
		out = append(out, field{key: key, index: i, kind: t.Field(i).Type.Kind()})
	}
	return out
}()

// Keys returns the JSON keys of a profile (the flag names), Name excluded.
func Keys() []string {
	out := make([]string, len(fields))
	for i, f := range fields {
		out[i] = f.key
	}
	return out
}

// isSet reports whether a field holds a value.
func isSet(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.String:
		return v.String() != ""
	case reflect.Slice:
		return v.Len() > 0
	case reflect.Bool:
		return v.Bool()
	}
	return false
}

// FromProfile returns the non-secret fields of p as a profile named name.
// ClientSecret, CertPassword and Password are dropped.
func FromProfile(name string, p profile.Profile) Profile {
	s := Profile{
		Name: name, Flow: string(p.Flow), Cloud: p.Cloud, Tenant: p.Tenant, ClientID: p.ClientID,
		Mailbox: p.Mailbox, User: p.User, Mechanism: string(p.Mechanism), Provider: p.Provider,
		Scopes: append([]string(nil), p.Scopes...), RedirectURI: p.RedirectURI, CertFile: p.CertFile,
		AuthorityHost: p.AuthorityHost, IMAPHost: p.IMAPHost, POPHost: p.POPHost, SMTPHost: p.SMTPHost,
		GraphURL: p.GraphURL, CAFile: p.CAFile, Preset: p.Preset,
	}
	for _, pr := range p.Protocols {
		s.Protocols = append(s.Protocols, string(pr))
	}
	if p.Timeout != 0 {
		s.Timeout = p.Timeout.String()
	}
	return s
}

// ToProfile returns the run input these fields describe, without
// secrets (the caller adds them from a flag, stdin, a secret file or the
// keyring). CertThumbprint, Proxy and MailProxy have no profile.Profile
// field yet: read them from s. An unreadable Timeout is left 0 (the
// default); Validate reports it.
func (s Profile) ToProfile() profile.Profile {
	p := profile.Profile{
		Tenant: s.Tenant, ClientID: s.ClientID, CertFile: s.CertFile, Mailbox: s.Mailbox, User: s.User,
		RedirectURI: s.RedirectURI, Provider: s.Provider, Scopes: append([]string(nil), s.Scopes...),
		Flow: profile.Flow(s.Flow), Mechanism: profile.Mechanism(s.Mechanism), Cloud: s.Cloud,
		AuthorityHost: s.AuthorityHost, IMAPHost: s.IMAPHost, POPHost: s.POPHost, SMTPHost: s.SMTPHost,
		GraphURL: s.GraphURL, CAFile: s.CAFile, Preset: s.Preset,
	}
	for _, pr := range s.Protocols {
		p.Protocols = append(p.Protocols, profile.Protocol(pr))
	}
	if d, err := time.ParseDuration(s.Timeout); err == nil {
		p.Timeout = d
	}
	return p
}

// Origins says where each effective value came from: JSON key → layer
// origin ("environment MAILOAUTH_TENANT", "profile contoso", "flag").
type Origins map[string]string

// Layer is one source of values with its name for Origins.
type Layer struct {
	Origin string  // e.g. "profile contoso", "flag"
	Values Profile // only set fields count
}

// Merge overlays layers, lowest first: a field set in a later layer
// replaces the earlier value. Name is taken from the last layer that has
// one. A bool (remember-secrets) can only be turned on by a layer.
func Merge(layers ...Layer) (Profile, Origins) {
	var out Profile
	origins := Origins{}
	dst := reflect.ValueOf(&out).Elem()
	for _, l := range layers {
		src := reflect.ValueOf(l.Values)
		if l.Values.Name != "" {
			out.Name = l.Values.Name
		}
		for _, f := range fields {
			v := src.Field(f.index)
			if !isSet(v) {
				continue
			}
			if f.kind == reflect.Slice {
				v = reflect.ValueOf(append([]string(nil), v.Interface().([]string)...))
			}
			dst.Field(f.index).Set(v)
			origins[f.key] = l.Origin
		}
	}
	return out, origins
}

// EnvPrefix starts every environment default.
const EnvPrefix = "MAILOAUTH_"

// EnvVar is the environment variable for a profile key:
// "client-id" → "MAILOAUTH_CLIENT_ID".
func EnvVar(key string) string {
	return EnvPrefix + strings.ToUpper(strings.ReplaceAll(key, "-", "_"))
}

// EnvVars lists every environment default, for --help.
func EnvVars() []string {
	var out []string
	for _, f := range fields {
		if f.kind != reflect.Bool {
			out = append(out, EnvVar(f.key))
		}
	}
	return out
}

// FromEnv reads the MAILOAUTH_* environment defaults through getenv
// (os.Getenv outside tests). List fields (protocols, scope) are split on
// commas and spaces. Secrets are not read here: the CLI takes them from
// the variables the user names (--secret-env).
func FromEnv(getenv func(string) string) Layer {
	var p Profile
	dst := reflect.ValueOf(&p).Elem()
	for _, f := range fields {
		if f.kind == reflect.Bool {
			continue
		}
		v := strings.TrimSpace(getenv(EnvVar(f.key)))
		if v == "" {
			continue
		}
		if f.kind == reflect.Slice {
			dst.Field(f.index).Set(reflect.ValueOf(strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' })))
			continue
		}
		dst.Field(f.index).SetString(v)
	}
	return Layer{Origin: "environment", Values: p}
}

// Resolve layers the environment defaults, the saved profile (nil for
// none) and the flags the user typed, in that order of precedence from
// lowest to highest. flags must hold only flags given on the command line
// (flag.FlagSet.Visit), not their defaults, or they would hide the
// profile.
func Resolve(getenv func(string) string, saved *Profile, flags Profile) (Profile, Origins) {
	layers := []Layer{FromEnv(getenv)}
	if saved != nil {
		layers = append(layers, Layer{Origin: "profile " + saved.Name, Values: *saved})
	}
	layers = append(layers, Layer{Origin: "flag", Values: flags})
	p, o := Merge(layers...)
	for k, v := range o {
		if v == "environment" {
			o[k] = "environment " + EnvVar(k)
		}
	}
	return p, o
}

// entraSecretRE matches an Entra ID client secret value (since 2021:
// 40 characters with "Q~" after the first three or four).
var entraSecretRE = regexp.MustCompile(`[A-Za-z0-9_.\-]{2,4}Q~[A-Za-z0-9_.~\-]{30,}`)

// check refuses what must never be saved: a value shaped like a secret or
// token, a proxy with a password, a bad name.
func (s Profile) check() error {
	if err := validName(s.Name); err != nil {
		return err
	}
	v := reflect.ValueOf(s)
	for _, f := range fields {
		var values []string
		switch f.kind {
		case reflect.String:
			values = []string{v.Field(f.index).String()}
		case reflect.Slice:
			values = v.Field(f.index).Interface().([]string)
		}
		for _, x := range values {
			if looksSecret(x) {
				return &FieldError{Field: f.key, Message: "holds something shaped like a secret or token, which a profile never stores",
					Fix: "clear the field (a client secret belongs in the secret field, which is not saved) and save again"}
			}
		}
	}
	for _, p := range []struct{ key, value string }{{"proxy", s.Proxy}, {"mail-proxy", s.MailProxy}} {
		if err := checkProxy(p.key, p.value); err != nil {
			return err
		}
	}
	if s.Timeout != "" {
		if _, err := time.ParseDuration(s.Timeout); err != nil {
			return &FieldError{Field: profile.FieldTimeout, Message: "is not a duration", Fix: "use a value such as 30s or 1m"}
		}
	}
	return nil
}

// looksSecret reports whether x is shaped like a client secret, a token
// or a secret-bearing form field.
func looksSecret(x string) bool {
	return x != "" && (entraSecretRE.MatchString(x) || secret.ScrubShapes(x) != x)
}

// checkProxy accepts "", "direct" or a proxy URL without a password.
func checkProxy(key, value string) error {
	if value == "" {
		return nil
	}
	o, err := netenv.ParseOverride(key, value)
	var fe *netenv.FieldError
	if errors.As(err, &fe) {
		return &FieldError{Field: fe.Field, Message: fe.Message, Fix: fe.Fix}
	}
	if err != nil {
		return err
	}
	if o.Proxy != nil && o.Proxy.User != nil {
		if _, has := o.Proxy.User.Password(); has {
			return &FieldError{Field: key, Message: "contains a password, which a profile never stores",
				Fix: "save the address without it, e.g. https://user@proxy.contoso.com:8443"}
		}
	}
	return nil
}
