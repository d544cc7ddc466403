//go:build windows

package certstore

import (
	"crypto"
	"crypto/rsa"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"unsafe"

	"golang.org/x/sys/windows"
)

// The calls that golang.org/x/sys/windows does not wrap.
var (
	modcrypt32 = windows.NewLazySystemDLL("crypt32.dll")
	modncrypt  = windows.NewLazySystemDLL("ncrypt.dll")

	procCertGetCertificateContextProperty = modcrypt32.NewProc("CertGetCertificateContextProperty")
	procNCryptSignHash                    = modncrypt.NewProc("NCryptSignHash")
	procNCryptFreeObject                  = modncrypt.NewProc("NCryptFreeObject")
)

const (
	certKeyProvInfoPropID = 2 // CERT_KEY_PROV_INFO_PROP_ID: the certificate names a private key

	bcryptPadPKCS1 = 0x00000002 // BCRYPT_PAD_PKCS1
	bcryptPadPSS   = 0x00000008 // BCRYPT_PAD_PSS

	encoding = windows.X509_ASN_ENCODING | windows.PKCS_7_ASN_ENCODING
)

// location is one system store this package reads.
type location struct {
	name  string
	flags uint32
}

// locations are searched in this order: the user's own store first.
var locations = []location{
	{`CurrentUser\My`, windows.CERT_SYSTEM_STORE_CURRENT_USER},
	{`LocalMachine\My`, windows.CERT_SYSTEM_STORE_LOCAL_MACHINE},
}

// List returns the certificates of CurrentUser\My and LocalMachine\My that
// have a private key. A store that cannot be opened is reported in the
// error while the other's certificates are still returned.
func List() ([]Cert, error) {
	var out []Cert
	var errs []error
	for _, loc := range locations {
		certs, err := listStore(loc)
		out = append(out, certs...)
		if err != nil {
			errs = append(errs, err)
		}
	}
	return out, errors.Join(errs...)
}

// openStore opens a system "My" store read-only.
func openStore(loc location) (windows.Handle, error) {
	name, _ := windows.UTF16PtrFromString("MY")
	h, err := windows.CertOpenStore(windows.CERT_STORE_PROV_SYSTEM, 0, 0,
		loc.flags|windows.CERT_STORE_READONLY_FLAG|windows.CERT_STORE_OPEN_EXISTING_FLAG, uintptr(unsafe.Pointer(name)))
	if err != nil {
		return 0, fmt.Errorf("certstore: cannot open %s: %w", loc.name, err)
	}
	return h, nil
}

// listStore lists one store's certificates that have a private key.
func listStore(loc location) ([]Cert, error) {
	store, err := openStore(loc)
	if err != nil {
		return nil, err
	}
	defer windows.CertCloseStore(store, 0)
	var out []Cert
	var ctx *windows.CertContext
	for {
		ctx, _ = windows.CertEnumCertificatesInStore(store, ctx)
		if ctx == nil {
			return out, nil
		}
		if !hasPrivateKey(ctx) {
			continue
		}
		if cert, err := parseContext(ctx); err == nil {
			out = append(out, fromX509(loc.name, cert))
		}
	}
}

// hasPrivateKey reports whether the certificate names a private key.
func hasPrivateKey(ctx *windows.CertContext) bool {
	var size uint32
	r, _, _ := procCertGetCertificateContextProperty.Call(uintptr(unsafe.Pointer(ctx)), certKeyProvInfoPropID, 0, uintptr(unsafe.Pointer(&size)))
	return r != 0
}

// parseContext copies and parses the certificate of a context.
func parseContext(ctx *windows.CertContext) (*x509.Certificate, error) {
	der := make([]byte, ctx.Length)
	copy(der, unsafe.Slice(ctx.EncodedCert, ctx.Length))
	return x509.ParseCertificate(der)
}

// Open finds the certificate with this SHA-1 thumbprint in CurrentUser\My,
// then LocalMachine\My, and returns it with a signer over its CNG private
// key. The key is never exported: a non-exportable key works. With
// allowPrompt false, a key that needs a PIN or consent dialog fails
// instead of showing one (for unattended runs).
func Open(thumbprint string, allowPrompt bool) (*Key, error) {
	tp, err := NormalizeThumbprint(thumbprint)
	if err != nil {
		return nil, err
	}
	hash, _ := hex.DecodeString(tp)
	for _, loc := range locations {
		k, err := openIn(loc, hash, tp, allowPrompt)
		if k != nil || (err != nil && !errors.Is(err, errNotHere)) {
			return k, err
		}
	}
	return nil, &FieldError{Field: FieldThumbprint, Message: "no certificate with thumbprint " + tp + ` in CurrentUser\My or LocalMachine\My`,
		Fix: "import the certificate with its private key into the personal store (certmgr.msc or Import-PfxCertificate), or check the thumbprint"}
}

var errNotHere = errors.New("certstore: not in this store")

// openIn looks for the certificate in one store.
func openIn(loc location, hash []byte, tp string, allowPrompt bool) (*Key, error) {
	store, err := openStore(loc)
	if err != nil {
		return nil, errNotHere
	}
	defer windows.CertCloseStore(store, 0)
	blob := windows.CryptHashBlob{Size: uint32(len(hash)), Data: &hash[0]}
	ctx, _ := windows.CertFindCertificateInStore(store, encoding, 0, windows.CERT_FIND_SHA1_HASH, unsafe.Pointer(&blob), nil)
	if ctx == nil {
		return nil, errNotHere
	}
	defer windows.CertFreeCertificateContext(ctx)
	cert, err := parseContext(ctx)
	if err != nil {
		return nil, fmt.Errorf("certstore: the certificate %s in %s cannot be read: %w", tp, loc.name, err)
	}
	pub, ok := cert.PublicKey.(*rsa.PublicKey)
	if !ok {
		return nil, &FieldError{Field: FieldThumbprint, Message: "the certificate " + tp + " has a " + cert.PublicKeyAlgorithm.String() + " key",
			Fix: "Entra ID client assertions need an RSA certificate"}
	}
	flags := uint32(windows.CRYPT_ACQUIRE_ONLY_NCRYPT_KEY_FLAG)
	if !allowPrompt {
		flags |= windows.CRYPT_ACQUIRE_SILENT_FLAG
	}
	var key windows.Handle
	var spec uint32
	var mustFree bool
	if err := windows.CryptAcquireCertificatePrivateKey(ctx, flags, nil, &key, &spec, &mustFree); err != nil {
		return nil, &FieldError{Field: FieldThumbprint, Message: fmt.Sprintf("the private key of %s in %s cannot be used: %v", tp, loc.name, err),
			Fix: "check that this Windows account may use the key (certmgr.msc → All Tasks → Manage Private Keys) and that it is not a smart card that needs its PIN"}
	}
	if spec != windows.CERT_NCRYPT_KEY_SPEC {
		if mustFree {
			windows.CryptReleaseContext(windows.Handle(key), 0)
		}
		return nil, fmt.Errorf("certstore: the key of %s is not a CNG key", tp)
	}
	s := &cngSigner{key: uintptr(key), pub: pub}
	k := &Key{Cert: fromX509(loc.name, cert), Signer: s}
	if mustFree {
		k.close = s.free
	}
	return k, nil
}

// cngSigner signs with an NCrypt key handle.
type cngSigner struct {
	key uintptr
	pub *rsa.PublicKey
}

// Public returns the certificate's public key.
func (s *cngSigner) Public() crypto.PublicKey { return s.pub }

// bcryptPKCS1PaddingInfo is BCRYPT_PKCS1_PADDING_INFO.
type bcryptPKCS1PaddingInfo struct{ algID *uint16 }

// bcryptPSSPaddingInfo is BCRYPT_PSS_PADDING_INFO.
type bcryptPSSPaddingInfo struct {
	algID *uint16
	salt  uint32
}

// hashNames are CNG's names for the hashes an assertion may use.
var hashNames = map[crypto.Hash]string{crypto.SHA256: "SHA256", crypto.SHA384: "SHA384", crypto.SHA512: "SHA512"}

// Sign signs digest with PKCS #1 v1.5, or PSS when opts is
// *rsa.PSSOptions (salt: the hash length, or the length given).
func (s *cngSigner) Sign(_ io.Reader, digest []byte, opts crypto.SignerOpts) ([]byte, error) {
	name, ok := hashNames[opts.HashFunc()]
	if !ok || len(digest) != opts.HashFunc().Size() {
		return nil, fmt.Errorf("certstore: unsupported hash %v", opts.HashFunc())
	}
	alg, _ := windows.UTF16PtrFromString(name)
	var info unsafe.Pointer
	var flags uintptr
	if pss, ok := opts.(*rsa.PSSOptions); ok {
		salt := pss.SaltLength
		switch salt {
		case rsa.PSSSaltLengthEqualsHash:
			salt = opts.HashFunc().Size()
		case rsa.PSSSaltLengthAuto:
			return nil, errors.New("certstore: PSS needs an explicit salt length")
		}
		info, flags = unsafe.Pointer(&bcryptPSSPaddingInfo{algID: alg, salt: uint32(salt)}), bcryptPadPSS
	} else {
		info, flags = unsafe.Pointer(&bcryptPKCS1PaddingInfo{algID: alg}), bcryptPadPKCS1
	}
	sig := make([]byte, s.pub.Size())
	var n uint32
	r, _, _ := procNCryptSignHash.Call(s.key, uintptr(info), uintptr(unsafe.Pointer(&digest[0])), uintptr(len(digest)),
		uintptr(unsafe.Pointer(&sig[0])), uintptr(len(sig)), uintptr(unsafe.Pointer(&n)), flags)
	if r != 0 {
		return nil, fmt.Errorf("certstore: Windows refused to sign with the key (NCryptSignHash 0x%08X)", uint32(r))
	}
	return sig[:n], nil
}

// free releases the key handle.
func (s *cngSigner) free() error {
	if r, _, _ := procNCryptFreeObject.Call(s.key); r != 0 {
		return fmt.Errorf("certstore: NCryptFreeObject 0x%08X", uint32(r))
	}
	return nil
}
