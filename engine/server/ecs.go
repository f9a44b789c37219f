package server

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"
)

// ECSCredentialsPath is the path of the credentials in
// AWS_CONTAINER_CREDENTIALS_FULL_URI. Some SDKs (Ruby's) need a path.
const ECSCredentialsPath = "/role-credentials"

// ecsTokenBytes is the size of the authorization token's randomness.
const ecsTokenBytes = 32

// ECS is a container credentials endpoint, as the SDKs' container provider
// (AWS_CONTAINER_CREDENTIALS_FULL_URI with AWS_CONTAINER_AUTHORIZATION_TOKEN)
// expects, on a random port of 127.0.0.1.
type ECS struct {
	token  [sha256.Size]byte // digest of the authorization token
	secret string            // the token itself, only for Env
	url    string
	host   string
	cache  *credCache
	guard  guard
	logf   func(string, ...any)
	serving
}

// StartECS listens on a random port of 127.0.0.1 and serves in the
// background until Close. Unless o.Lazy, it fetches credentials first and
// returns the error if that fails.
func StartECS(ctx context.Context, o Options) (*ECS, error) {
	return startECS(ctx, "127.0.0.1:0", o)
}

func startECS(ctx context.Context, addr string, o Options) (*ECS, error) {
	if err := o.setDefaults(); err != nil {
		return nil, err
	}
	token, err := newSecret(ecsTokenBytes)
	if err != nil {
		return nil, fmt.Errorf("ecs credential server: %w", err)
	}
	base, cancel := context.WithCancel(context.WithoutCancel(ctx))
	s := &ECS{
		token: sha256.Sum256([]byte(token)), secret: token,
		cache: newCache(base, "ecs server", &o), logf: o.Logf,
		serving: serving{cancel: cancel, done: make(chan struct{})},
	}
	if !o.Lazy {
		if _, err := s.cache.get(ctx); err != nil {
			cancel()
			return nil, err
		}
	}
	s.ln, err = listenLoopback(addr)
	if err != nil {
		cancel()
		return nil, fmt.Errorf("ecs credential server: %w", err)
	}
	s.host = s.ln.Addr().String()
	s.url = "http://" + s.host + ECSCredentialsPath
	s.guard = guard{hosts: []string{s.host}}
	s.serve(s)
	s.logf("ecs server: listening on %s", s.url)
	return s, nil
}

// URL is the credentials URL, http://127.0.0.1:PORT/role-credentials.
func (s *ECS) URL() string { return s.url }

// Env returns the variables that point a command's SDK at the server:
// AWS_CONTAINER_CREDENTIALS_FULL_URI and AWS_CONTAINER_AUTHORIZATION_TOKEN.
// The token is a secret: it must only ever reach the command's environment.
func (s *ECS) Env() map[string]string {
	return map[string]string{
		"AWS_CONTAINER_CREDENTIALS_FULL_URI": s.url,
		"AWS_CONTAINER_AUTHORIZATION_TOKEN":  s.secret,
	}
}

// ecsCredentials is the container credentials document.
type ecsCredentials struct {
	AccessKeyID     string `json:"AccessKeyId"`
	SecretAccessKey string `json:"SecretAccessKey"`
	Token           string `json:"Token"`
	Expiration      string `json:"Expiration"`
}

// ecsError is the error document the SDKs parse.
type ecsError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

func (s *ECS) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if why := s.guard.check(r); why != "" {
		s.refuse(w, r, why)
		return
	}
	if !s.authorized(r) {
		s.refuse(w, r, "missing or wrong authorization token")
		return
	}
	if r.URL.Path != ECSCredentialsPath {
		writeJSON(w, http.StatusNotFound, ecsError{Code: "NotFound", Message: "no such path; credentials are at " + ECSCredentialsPath})
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		writeJSON(w, http.StatusMethodNotAllowed, ecsError{Code: "MethodNotAllowed", Message: "only GET"})
		return
	}
	e, err := s.cache.get(r.Context())
	if err != nil {
		if errors.Is(err, r.Context().Err()) {
			return // the client went away
		}
		s.logf("ecs server: %s %s: %v", r.Method, r.URL.Path, err)
		writeJSON(w, http.StatusInternalServerError, ecsError{Code: "CredentialsUnavailable", Message: "aws-vault could not get credentials: " + err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, ecsCredentials{
		AccessKeyID:     e.creds.AccessKeyID,
		SecretAccessKey: e.creds.SecretAccessKey,
		Token:           e.creds.SessionToken,
		Expiration:      e.expires().UTC().Format(time.RFC3339),
	})
}

// authorized compares the Authorization header with the token in constant
// time (of digests, so not even the length leaks).
func (s *ECS) authorized(r *http.Request) bool {
	v := r.Header.Values("Authorization")
	if len(v) != 1 {
		return false
	}
	got := sha256.Sum256([]byte(v[0]))
	return subtle.ConstantTimeCompare(got[:], s.token[:]) == 1
}

func (s *ECS) refuse(w http.ResponseWriter, r *http.Request, why string) {
	s.logf("ecs server: refused %s %q from %s: %s", r.Method, r.URL.Path, r.RemoteAddr, why)
	closeAfter(w)
	writeJSON(w, http.StatusForbidden, ecsError{Code: "AccessDenied", Message: "access denied"})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
