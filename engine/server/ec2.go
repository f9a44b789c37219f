package server

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

const (
	// MetadataIP is the address of the EC2 instance metadata service.
	MetadataIP = "169.254.169.254"
	// MetadataAddr is where the proxy listens.
	MetadataAddr = MetadataIP + ":80"
	// EC2ServerAddr is where the EC2 metadata server listens, unprivileged,
	// behind the proxy (the original aws-vault's address).
	EC2ServerAddr = "127.0.0.1:9099"
	// EC2RoleName is the role name the metadata server announces.
	EC2RoleName = "local-credentials"
)

// IMDS paths and headers.
const (
	imdsTokenPath     = "/latest/api/token"
	imdsCredsPath     = "/latest/meta-data/iam/security-credentials/"
	imdsTokenHeader   = "X-Aws-Ec2-Metadata-Token"
	imdsTTLHeader     = "X-Aws-Ec2-Metadata-Token-Ttl-Seconds"
	imdsMaxTokenTTL   = 21600
	imdsTokenMACBytes = 32
)

// EC2Options configure the metadata server.
type EC2Options struct {
	Options
	// Addr is the listen address (default EC2ServerAddr); it must be a
	// loopback address.
	Addr string
	// Region is served as the instance's region ("" serves none).
	Region string
}

// EC2 emulates the parts of the EC2 instance metadata service (IMDSv1 and
// IMDSv2) that SDKs use to find credentials and the region.
type EC2 struct {
	addr   string
	region string
	key    []byte // signs IMDSv2 session tokens
	cache  *credCache
	guard  guard
	logf   func(string, ...any)
	now    func() time.Time
	serving
}

// StartEC2 listens on o.Addr and serves in the background until Close.
// Unless o.Lazy, it fetches credentials first.
func StartEC2(ctx context.Context, o EC2Options) (*EC2, error) {
	if err := o.setDefaults(); err != nil {
		return nil, err
	}
	if o.Addr == "" {
		o.Addr = EC2ServerAddr
	}
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("ec2 metadata server: reading random bytes: %w", err)
	}
	base, cancel := context.WithCancel(context.WithoutCancel(ctx))
	s := &EC2{
		region: o.Region, key: key, cache: newCache(base, "ec2 server", &o.Options),
		logf: o.Logf, now: o.Now, serving: serving{cancel: cancel, done: make(chan struct{})},
	}
	if !o.Lazy {
		if _, err := s.cache.get(ctx); err != nil {
			cancel()
			return nil, err
		}
	}
	ln, err := listenLoopback(o.Addr)
	if err != nil {
		cancel()
		if errors.Is(err, errAddrInUse) {
			return nil, fmt.Errorf("ec2 metadata server: %s is in use; is another aws-vault exec --ec2-server running?", o.Addr)
		}
		return nil, fmt.Errorf("ec2 metadata server: %w", err)
	}
	s.ln, s.addr = ln, ln.Addr().String()
	s.guard = guard{hosts: []string{MetadataIP, MetadataAddr, s.addr}}
	s.serve(s)
	s.logf("ec2 server: listening on %s", s.addr)
	return s, nil
}

// Addr is the address the server listens on.
func (s *EC2) Addr() string { return s.addr }

// ec2Credentials is the instance role credentials document.
type ec2Credentials struct {
	Code            string `json:"Code"`
	LastUpdated     string `json:"LastUpdated"`
	Type            string `json:"Type"`
	AccessKeyID     string `json:"AccessKeyId"`
	SecretAccessKey string `json:"SecretAccessKey"`
	Token           string `json:"Token"`
	Expiration      string `json:"Expiration"`
}

func (s *EC2) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if why := s.guard.check(r); why != "" {
		s.logf("ec2 server: refused %s %q from %s: %s", r.Method, r.URL.Path, r.RemoteAddr, why)
		closeAfter(w)
		textError(w, http.StatusForbidden)
		return
	}
	if r.URL.Path == imdsTokenPath {
		s.serveToken(w, r)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		textError(w, http.StatusMethodNotAllowed)
		return
	}
	if v := r.Header.Values(imdsTokenHeader); len(v) > 0 {
		// IMDSv2: a request that carries a token must carry a valid one.
		if len(v) != 1 || !s.validToken(v[0]) {
			s.logf("ec2 server: refused %s %q: missing, wrong or expired IMDSv2 token", r.Method, r.URL.Path)
			closeAfter(w)
			textError(w, http.StatusUnauthorized)
			return
		}
	}
	switch p := r.URL.Path; p {
	case imdsCredsPath, strings.TrimSuffix(imdsCredsPath, "/"):
		text(w, EC2RoleName)
	case imdsCredsPath + EC2RoleName:
		s.serveCredentials(w, r)
	case "/latest/meta-data/iam/info", "/latest/meta-data/iam/info/":
		// The .NET SDK reads this before the credentials.
		e, err := s.cache.get(r.Context())
		if err != nil {
			s.unavailable(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, map[string]string{"Code": "Success", "LastUpdated": e.fetched.UTC().Format(time.RFC3339)})
	case "/latest/meta-data/instance-id", "/latest/meta-data/instance-id/":
		text(w, "aws-vault")
	case "/latest/meta-data/placement/region":
		if s.region == "" {
			textError(w, http.StatusNotFound)
			return
		}
		text(w, s.region)
	case "/latest/dynamic/instance-identity/document":
		if s.region == "" {
			textError(w, http.StatusNotFound)
			return
		}
		writeJSON(w, http.StatusOK, map[string]string{"region": s.region})
	default:
		textError(w, http.StatusNotFound)
	}
}

func (s *EC2) serveCredentials(w http.ResponseWriter, r *http.Request) {
	e, err := s.cache.get(r.Context())
	if err != nil {
		s.unavailable(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, ec2Credentials{
		Code:            "Success",
		LastUpdated:     e.fetched.UTC().Format(time.RFC3339),
		Type:            "AWS-HMAC",
		AccessKeyID:     e.creds.AccessKeyID,
		SecretAccessKey: e.creds.SecretAccessKey,
		Token:           e.creds.SessionToken,
		Expiration:      e.expires().UTC().Format(time.RFC3339),
	})
}

func (s *EC2) unavailable(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, r.Context().Err()) {
		return
	}
	s.logf("ec2 server: %s %s: %v", r.Method, r.URL.Path, err)
	writeJSON(w, http.StatusInternalServerError, map[string]string{"Code": "Failure", "Message": "aws-vault could not get credentials: " + err.Error()})
}

// serveToken answers PUT /latest/api/token with an IMDSv2 session token
// valid for the seconds asked for (1 to 21600).
func (s *EC2) serveToken(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPut {
		w.Header().Set("Allow", "PUT")
		textError(w, http.StatusMethodNotAllowed)
		return
	}
	ttl, err := strconv.Atoi(r.Header.Get(imdsTTLHeader))
	if err != nil || ttl < 1 || ttl > imdsMaxTokenTTL {
		textError(w, http.StatusBadRequest)
		return
	}
	w.Header().Set(imdsTTLHeader, strconv.Itoa(ttl))
	text(w, s.makeToken(s.now().Add(time.Duration(ttl)*time.Second)))
}

// An IMDSv2 token is its expiry and an HMAC of it under the server's key,
// so the server keeps no state per token and a token dies with the server.
func (s *EC2) makeToken(expiry time.Time) string {
	b := make([]byte, 8, 8+imdsTokenMACBytes)
	binary.BigEndian.PutUint64(b, uint64(expiry.Unix()))
	m := hmac.New(sha256.New, s.key)
	m.Write(b)
	return base64.RawURLEncoding.EncodeToString(m.Sum(b))
}

func (s *EC2) validToken(tok string) bool {
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil || len(b) != 8+imdsTokenMACBytes {
		return false
	}
	m := hmac.New(sha256.New, s.key)
	m.Write(b[:8])
	if !hmac.Equal(m.Sum(nil), b[8:]) {
		return false
	}
	expiry := time.Unix(int64(binary.BigEndian.Uint64(b[:8])), 0)
	return s.now().Before(expiry)
}

func text(w http.ResponseWriter, body string) {
	w.Header().Set("Content-Type", "text/plain")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write([]byte(body))
}

func textError(w http.ResponseWriter, status int) {
	w.Header().Set("Content-Type", "text/plain")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(http.StatusText(status) + "\n"))
}
