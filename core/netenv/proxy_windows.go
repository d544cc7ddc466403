//go:build windows

package netenv

import (
	"strings"

	"golang.org/x/sys/windows/registry"
)

// systemProxy reads the current user's Internet Options proxy.
func systemProxy() Proxy {
	k, err := registry.OpenKey(registry.CURRENT_USER, `Software\Microsoft\Windows\CurrentVersion\Internet Settings`, registry.QUERY_VALUE)
	if err != nil {
		return Proxy{}
	}
	defer k.Close()
	var p Proxy
	if pac, _, err := k.GetStringValue("AutoConfigURL"); err == nil {
		p.PAC = pac
	}
	enabled, _, err := k.GetIntegerValue("ProxyEnable")
	if err != nil || enabled == 0 {
		return p
	}
	server, _, err := k.GetStringValue("ProxyServer")
	if err != nil {
		return p
	}
	p.URL = parseProxyServer(server)
	if p.URL != nil {
		p.Source = "system"
	}
	if over, _, err := k.GetStringValue("ProxyOverride"); err == nil {
		p.Bypass = strings.Split(over, ";")
	}
	return p
}
