package hostile

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Request is one request a hostile HTTP server received. Body holds at
// most 64 KiB.
type Request struct {
	Method string
	Path   string
	Header http.Header
	Body   string
}

// HTTP is a hostile HTTP server: a sign-in authority (StartAuthority), a
// Graph endpoint (StartGraph) or a catcher standing for "another host"
// (StartCatcher).
type HTTP struct {
	URL string // https://127.0.0.1:port, or http:// for a plain catcher

	srv  *http.Server
	ln   net.Listener
	done chan struct{}

	mu   sync.Mutex
	reqs []Request
}

func start(p *PKI, plain bool, h func(*HTTP) http.Handler) (*HTTP, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("hostile: %w", err)
	}
	s := &HTTP{URL: "https://" + ln.Addr().String(), ln: ln, done: make(chan struct{})}
	s.srv = &http.Server{Handler: h(s), ReadHeaderTimeout: 10 * time.Second}
	if plain {
		s.URL = "http://" + ln.Addr().String()
		go s.srv.Serve(ln)
	} else {
		s.srv.TLSConfig = p.ServerConfig()
		go s.srv.ServeTLS(ln, "", "")
	}
	return s, nil
}

// Requests returns what the server received so far.
func (s *HTTP) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.reqs...)
}

// Close stops the server and ends any endless response.
func (s *HTTP) Close() {
	select {
	case <-s.done:
		return
	default:
	}
	close(s.done)
	s.srv.Close()
}

func (s *HTTP) record(r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 64<<10))
	r.Body = io.NopCloser(bytes.NewReader(body)) // the handler reads it again
	s.mu.Lock()
	s.reqs = append(s.reqs, Request{Method: r.Method, Path: r.URL.RequestURI(), Header: r.Header.Clone(), Body: string(body)})
	s.mu.Unlock()
}

// StartCatcher starts a server that records every request and answers
// 200 with an empty JSON object. plain makes it plain HTTP.
func StartCatcher(p *PKI, plain bool) (*HTTP, error) {
	return start(p, plain, func(s *HTTP) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			s.record(r)
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `{"access_token":"caught","token_type":"Bearer","expires_in":3600}`)
		})
	})
}

// endless writes a body that never ends, until the client goes or the
// server closes.
func (s *HTTP) endless(w http.ResponseWriter, start string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	io.WriteString(w, start)
	chunk := strings.Repeat("A", 32<<10)
	for {
		select {
		case <-s.done:
			return
		default:
		}
		if _, err := io.WriteString(w, chunk); err != nil {
			return
		}
	}
}

// StartAuthority starts a hostile sign-in authority. It understands
// EndlessDiscovery, DiscoveryElsewhere and DiscoveryHTTP (the token
// endpoint named is catcher's), EndlessBody (the token response),
// RedirectHTTP and RedirectHost (the token request is redirected to
// catcher) and Escapes (escape sequences in the error description and in
// every device-code field). Otherwise it refuses the client secret like
// Entra ID.
func StartAuthority(p *PKI, b Behaviour, catcher *HTTP) (*HTTP, error) {
	return start(p, false, func(s *HTTP) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			s.record(r)
			path := r.URL.Path
			tenant, _, _ := strings.Cut(strings.TrimPrefix(path, "/"), "/")
			switch {
			case strings.HasSuffix(path, "/.well-known/openid-configuration"):
				s.discovery(w, b, tenant, catcher)
			case strings.HasSuffix(path, "/oauth2/v2.0/token"):
				s.token(w, r, b, catcher)
			case strings.HasSuffix(path, "/oauth2/v2.0/devicecode"):
				writeJSON(w, http.StatusOK, map[string]any{"user_code": "AB\x1b[2JCD", "device_code": "dc-1",
					"verification_uri": "https://microsoft.com/devicelogin\x1b]8;;https://evil.example/\x07",
					"expires_in":       900, "interval": 1, "message": "To sign in, " + EscapeText})
			default:
				http.NotFound(w, r)
			}
		})
	})
}

func (s *HTTP) discovery(w http.ResponseWriter, b Behaviour, tenant string, catcher *HTTP) {
	if b == EndlessDiscovery {
		s.endless(w, `{"token_endpoint":"`)
		return
	}
	base := s.URL + "/" + tenant
	token := base + "/oauth2/v2.0/token"
	switch b {
	case DiscoveryElsewhere, DiscoveryHTTP:
		token = catcher.URL + "/" + tenant + "/oauth2/v2.0/token"
	}
	writeJSON(w, http.StatusOK, map[string]any{"token_endpoint": token, "authorization_endpoint": base + "/oauth2/v2.0/authorize",
		"device_authorization_endpoint": base + "/oauth2/v2.0/devicecode", "issuer": base + "/v2.0",
		"cloud_instance_name": "microsoftonline.com", "jwks_uri": base + "/discovery/v2.0/keys"})
}

func (s *HTTP) token(w http.ResponseWriter, r *http.Request, b Behaviour, catcher *HTTP) {
	switch b {
	case EndlessBody:
		s.endless(w, `{"access_token":"`)
	case RedirectHTTP, RedirectHost:
		http.Redirect(w, r, catcher.URL+r.URL.Path, http.StatusTemporaryRedirect)
	case Escapes:
		code, desc, n := "invalid_client", "AADSTS7000215: Invalid client secret provided. "+EscapeText, 7000215
		if strings.Contains(r.PostFormValue("grant_type"), "device_code") {
			code, desc, n = "authorization_declined", "AADSTS70000: The request was denied because one or more scopes requested are unauthorized or expired. "+EscapeText, 70000
		}
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": code, "error_description": desc, "error_codes": []int{n}})
	default:
		writeJSON(w, http.StatusUnauthorized, map[string]any{"error": "invalid_client",
			"error_description": "AADSTS7000215: Invalid client secret provided.", "error_codes": []int{7000215}})
	}
}

// StartGraph starts a hostile Microsoft Graph endpoint. It understands
// EndlessBody, RedirectHTTP, RedirectHost (to catcher) and Escapes (in the
// error message).
func StartGraph(p *PKI, b Behaviour, catcher *HTTP) (*HTTP, error) {
	return start(p, false, func(s *HTTP) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			s.record(r)
			switch b {
			case EndlessBody:
				s.endless(w, `{"totalItemCount":`)
			case RedirectHTTP, RedirectHost:
				http.Redirect(w, r, catcher.URL+r.URL.Path, http.StatusFound)
			case Escapes:
				writeJSON(w, http.StatusForbidden, map[string]any{"error": map[string]string{"code": "ErrorAccessDenied", "message": "Access is denied. " + EscapeText}})
			default:
				writeJSON(w, http.StatusOK, map[string]any{"totalItemCount": 1, "unreadItemCount": 0})
			}
		})
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}
