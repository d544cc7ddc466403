package keyring

import (
	"errors"
	"strings"
	"testing"

	gokeyring "github.com/zalando/go-keyring"

	"github.com/mailoauth/mailoauth-tester/core/store"
)

const secret = "Xy8Q~abcdefghijklmnopqrstuvwxyz012345678"

// The mock is go-keyring's package-level state: these tests do not run in
// parallel.

func TestOnlyWhenOptedIn(t *testing.T) {
	gokeyring.MockInit()
	k := System()
	in := store.Profile{Name: "Contoso", RememberSecrets: true}
	out := store.Profile{Name: "Contoso"}

	if err := k.Store(out, ClientSecret, secret); !errors.Is(err, ErrNotOptedIn) {
		t.Fatalf("Store(not opted in) = %v, want ErrNotOptedIn", err)
	}
	if _, err := gokeyring.Get(Service, "contoso/client-secret"); !errors.Is(err, gokeyring.ErrNotFound) {
		t.Fatalf("a refused Store wrote to the keyring: %v", err)
	}
	if err := k.Store(in, ClientSecret, secret); err != nil {
		t.Fatal(err)
	}
	if s, ok, err := k.Load(in, ClientSecret); s != secret || !ok || err != nil {
		t.Errorf("Load(opted in) = %q, %v, %v", s, ok, err)
	}
	// The same name without the opt-in does not get the stored secret.
	if s, ok, err := k.Load(out, ClientSecret); s != "" || ok || err != nil {
		t.Errorf("Load(not opted in) = %q, %v, %v; want nothing", s, ok, err)
	}
	// Names are case-insensitive, kinds are separate.
	if s, ok, _ := k.Load(store.Profile{Name: "CONTOSO", RememberSecrets: true}, ClientSecret); s != secret || !ok {
		t.Errorf("Load(other case) = %q, %v", s, ok)
	}
	if _, ok, _ := k.Load(in, Password); ok {
		t.Error("Load(another kind) found a secret")
	}
}

func TestForget(t *testing.T) {
	gokeyring.MockInit()
	k := System()
	p := store.Profile{Name: "Fabrikam", RememberSecrets: true}
	other := store.Profile{Name: "Contoso", RememberSecrets: true}
	for _, kind := range Kinds {
		if err := k.Store(p, kind, secret+string(kind)); err != nil {
			t.Fatal(err)
		}
	}
	if err := k.Store(other, ClientSecret, "other-secret-value"); err != nil {
		t.Fatal(err)
	}
	if err := k.Forget("fabrikam"); err != nil {
		t.Fatal(err)
	}
	for _, kind := range Kinds {
		if _, ok, err := k.Load(p, kind); ok || err != nil {
			t.Errorf("after Forget, Load(%s) = %v, %v", kind, ok, err)
		}
	}
	if s, ok, _ := k.Load(other, ClientSecret); !ok || s != "other-secret-value" {
		t.Error("Forget removed another profile's secret")
	}
	if err := k.Forget("fabrikam"); err != nil {
		t.Errorf("Forget twice = %v, want nil", err)
	}
	// Storing an empty secret forgets that kind.
	k.Store(other, ClientSecret, "")
	if _, ok, _ := k.Load(other, ClientSecret); ok {
		t.Error("Store(\"\") kept the secret")
	}
}

func TestBackendErrors(t *testing.T) {
	gokeyring.MockInitWithError(errors.New("org.freedesktop.secrets was not provided"))
	k := System()
	p := store.Profile{Name: "Contoso", RememberSecrets: true}
	for name, err := range map[string]error{
		"store":  k.Store(p, ClientSecret, secret),
		"load":   func() error { _, _, err := k.Load(p, ClientSecret); return err }(),
		"forget": k.Forget("Contoso"),
	} {
		var ke *Error
		if !errors.As(err, &ke) || !strings.Contains(err.Error(), "Secret Service") || strings.Contains(err.Error(), secret) {
			t.Errorf("%s: %v, want a *Error that names the fix and not the secret", name, err)
		}
	}
	gokeyring.MockInitWithError(gokeyring.ErrSetDataTooBig)
	if err := System().Store(p, ClientSecret, secret); err == nil || !strings.Contains(err.Error(), "too long") {
		t.Errorf("Store(too big) = %v", err)
	}
}
