//go:build windows

package netenv

import (
	"context"
	"errors"
	"syscall"
	"unsafe"

	"golang.org/x/sys/windows"
)

// WinHTTP: the proxy settings Windows keeps and the proxy-script engine
// Windows itself runs (the same one Edge, .NET and PowerShell use). No PAC
// interpreter of our own.
var (
	modwinhttp = windows.NewLazySystemDLL("winhttp.dll")
	modkernel  = windows.NewLazySystemDLL("kernel32.dll")

	procGetIEProxyConfig      = modwinhttp.NewProc("WinHttpGetIEProxyConfigForCurrentUser")
	procGetDefaultProxyConfig = modwinhttp.NewProc("WinHttpGetDefaultProxyConfiguration")
	procOpen                  = modwinhttp.NewProc("WinHttpOpen")
	procCloseHandle           = modwinhttp.NewProc("WinHttpCloseHandle")
	procSetTimeouts           = modwinhttp.NewProc("WinHttpSetTimeouts")
	procGetProxyForURL        = modwinhttp.NewProc("WinHttpGetProxyForUrl")
	procGlobalFree            = modkernel.NewProc("GlobalFree")
)

// WinHTTP constants (winhttp.h).
const (
	accessTypeDefaultProxy = 0
	accessTypeNamedProxy   = 3

	autoProxyAutoDetect = 0x00000001
	autoProxyConfigURL  = 0x00000002
	autoDetectTypeDHCP  = 0x00000001
	autoDetectTypeDNSA  = 0x00000002

	// scriptStepTimeoutMS bounds each of resolve, connect, send and
	// receive while WinHTTP fetches a proxy script; pacTimeout bounds the
	// whole evaluation.
	scriptStepTimeoutMS = 5000
)

// ieProxyConfig is WINHTTP_CURRENT_USER_IE_PROXY_CONFIG.
type ieProxyConfig struct {
	autoDetect    int32 // BOOL
	autoConfigURL *uint16
	proxy         *uint16
	proxyBypass   *uint16
}

// proxyInfo is WINHTTP_PROXY_INFO.
type proxyInfo struct {
	accessType  uint32
	proxy       *uint16
	proxyBypass *uint16
}

// autoProxyOptions is WINHTTP_AUTOPROXY_OPTIONS.
type autoProxyOptions struct {
	flags                 uint32
	autoDetectFlags       uint32
	autoConfigURL         *uint16
	reserved              uintptr
	reservedDword         uint32
	autoLogonIfChallenged int32 // BOOL
}

func osSystem() System { return winSystem{} }

// winSystem reads Internet Options and the WinHTTP proxy and runs proxy
// scripts through WinHttpGetProxyForUrl.
type winSystem struct{}

// Config reads the current user's Internet Options and the machine's
// WinHTTP proxy.
func (winSystem) Config() (SystemConfig, error) {
	// Either half may fail (a service account has no Internet Options);
	// the other still counts.
	var cfg SystemConfig
	var ie ieProxyConfig
	r, _, ieErr := procGetIEProxyConfig.Call(uintptr(unsafe.Pointer(&ie)))
	ieOK := r != 0
	if ieOK {
		cfg.AutoDetect = ie.autoDetect != 0
		cfg.AutoConfigURL = takeString(ie.autoConfigURL)
		cfg.Proxy = takeString(ie.proxy)
		cfg.Bypass = takeString(ie.proxyBypass)
	}
	var info proxyInfo
	r, _, whErr := procGetDefaultProxyConfig.Call(uintptr(unsafe.Pointer(&info)))
	whOK := r != 0
	if whOK {
		proxy, bypass := takeString(info.proxy), takeString(info.proxyBypass)
		if info.accessType == accessTypeNamedProxy {
			cfg.WinHTTPProxy, cfg.WinHTTPBypass = proxy, bypass
		}
	}
	if !ieOK && !whOK {
		return cfg, &FindError{Code: errnoCode(ieErr), Err: errors.Join(ieErr, whErr)}
	}
	return cfg, nil
}

// FindProxy runs WPAD discovery or the PAC script at m.PACURL for rawURL
// with WinHTTP, which signs in to a script server that asks with the
// user's Windows credentials.
func (winSystem) FindProxy(ctx context.Context, rawURL string, m AutoMethod) (string, error) {
	target, err := windows.UTF16PtrFromString(rawURL)
	if err != nil {
		return "", &FindError{Err: err}
	}
	opts := autoProxyOptions{autoLogonIfChallenged: 1}
	if m.WPAD {
		opts.flags = autoProxyAutoDetect
		opts.autoDetectFlags = autoDetectTypeDHCP | autoDetectTypeDNSA
	} else {
		if opts.autoConfigURL, err = windows.UTF16PtrFromString(m.PACURL); err != nil {
			return "", &FindError{Code: 12005, Err: err}
		}
		opts.flags = autoProxyConfigURL
	}
	agent, _ := windows.UTF16PtrFromString("mailoauth")
	session, _, err := procOpen.Call(uintptr(unsafe.Pointer(agent)), accessTypeDefaultProxy, 0, 0, 0)
	if session == 0 {
		return "", &FindError{Code: errnoCode(err), Err: err}
	}
	defer procCloseHandle.Call(session)
	procSetTimeouts.Call(session, scriptStepTimeoutMS, scriptStepTimeoutMS, scriptStepTimeoutMS, scriptStepTimeoutMS)
	if ctx.Err() != nil {
		return "", &FindError{Err: ctx.Err()}
	}
	var info proxyInfo
	r, _, err := procGetProxyForURL.Call(session, uintptr(unsafe.Pointer(target)), uintptr(unsafe.Pointer(&opts)), uintptr(unsafe.Pointer(&info)))
	proxy, _ := takeString(info.proxy), takeString(info.proxyBypass)
	if r == 0 {
		return "", &FindError{Code: errnoCode(err), Err: err}
	}
	if info.accessType != accessTypeNamedProxy {
		return "", nil // WINHTTP_ACCESS_TYPE_NO_PROXY: DIRECT
	}
	return proxy, nil
}

// takeString copies a WinHTTP-allocated string and frees it.
func takeString(p *uint16) string {
	if p == nil {
		return ""
	}
	s := windows.UTF16PtrToString(p)
	procGlobalFree.Call(uintptr(unsafe.Pointer(p)))
	return s
}

// errnoCode extracts a Windows error number.
func errnoCode(err error) uint32 {
	var en syscall.Errno
	if errors.As(err, &en) {
		return uint32(en)
	}
	return 0
}
