package server

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/credentials/endpointcreds"
)

func startTestECS(t *testing.T, src *fakeSource, mod func(*Options)) (*ECS, *logBuffer) {
	t.Helper()
	logs := &logBuffer{}
	o := Options{Source: src.fetch, Now: src.clock.Now, Logf: logs.Logf}
	if mod != nil {
		mod(&o)
	}
	s, err := StartECS(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s, logs
}

func TestECSEnv(t *testing.T) {
	src := &fakeSource{clock: newClock(), life: time.Hour}
	s, _ := startTestECS(t, src, nil)
	env := s.Env()
	if !regexp.MustCompile(`^http://127\.0\.0\.1:[0-9]+/role-credentials$`).MatchString(env["AWS_CONTAINER_CREDENTIALS_FULL_URI"]) {
		t.Errorf("AWS_CONTAINER_CREDENTIALS_FULL_URI = %q", env["AWS_CONTAINER_CREDENTIALS_FULL_URI"])
	}
	tok := env["AWS_CONTAINER_AUTHORIZATION_TOKEN"]
	// 32 random bytes, base64url without padding.
	if !regexp.MustCompile(`^[A-Za-z0-9_-]{43}$`).MatchString(tok) {
		t.Errorf("token %d characters, not 32 bytes of base64url", len(tok))
	}
	s2, _ := startTestECS(t, src, nil)
	if s2.Env()["AWS_CONTAINER_AUTHORIZATION_TOKEN"] == tok {
		t.Error("two servers share a token")
	}
	if len(env) != 2 {
		t.Errorf("Env has %d variables, want 2", len(env))
	}
}

func TestECSRefuses403(t *testing.T) {
	src := &fakeSource{clock: newClock(), life: time.Hour}
	s, logs := startTestECS(t, src, nil)
	tok := s.Env()["AWS_CONTAINER_AUTHORIZATION_TOKEN"]
	host := strings.TrimPrefix(strings.TrimSuffix(s.URL(), ECSCredentialsPath), "http://")
	_, port, _ := strings.Cut(host, ":")
	c := newClient()
	for _, tc := range []struct {
		name   string
		host   string
		header map[string][]string
	}{
		{"no token", "", nil},
		{"empty token", "", map[string][]string{"Authorization": {""}}},
		{"wrong token", "", map[string][]string{"Authorization": {otherFirstByte(tok)}}},
		{"token prefix", "", map[string][]string{"Authorization": {tok[:42]}}},
		{"token and more", "", map[string][]string{"Authorization": {tok + "x"}}},
		{"bearer token", "", map[string][]string{"Authorization": {"Bearer " + tok}}},
		{"two tokens", "", map[string][]string{"Authorization": {tok, tok}}},
		{"foreign host", "evil.example.com", map[string][]string{"Authorization": {tok}}},
		{"foreign host with port", "evil.example.com:" + port, map[string][]string{"Authorization": {tok}}},
		{"localhost", "localhost:" + port, map[string][]string{"Authorization": {tok}}},
		{"no port", "127.0.0.1", map[string][]string{"Authorization": {tok}}},
		{"x-forwarded-for", "", map[string][]string{"Authorization": {tok}, "X-Forwarded-For": {"127.0.0.1"}}},
		{"forwarded", "", map[string][]string{"Authorization": {tok}, "Forwarded": {"for=127.0.0.1"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, method := range []string{"GET", "POST", "PUT", "DELETE"} {
				for _, path := range []string{ECSCredentialsPath, "/", "/stop"} {
					r := do(t, c, method, "http://"+host+path, tc.host, tc.header)
					if r.status != http.StatusForbidden {
						t.Errorf("%s %s: status %d, want 403", method, path, r.status)
					}
					if strings.Contains(r.body, "ASIA") || strings.Contains(r.body, "Secret") {
						t.Errorf("%s %s: body has credentials: %s", method, path, r.body)
					}
				}
			}
		})
	}
	if r := do(t, c, "GET", s.URL(), "", map[string][]string{"Authorization": {tok}}); r.status != http.StatusOK {
		t.Fatalf("good request: %d %s", r.status, r.body)
	}
	if r := do(t, c, "GET", "http://"+host+"/other", "", map[string][]string{"Authorization": {tok}}); r.status != http.StatusNotFound {
		t.Errorf("other path: %d", r.status)
	}
	if r := do(t, c, "POST", s.URL(), "", map[string][]string{"Authorization": {tok}}); r.status != http.StatusMethodNotAllowed {
		t.Errorf("POST: %d", r.status)
	}
	if src.calls.Load() != 1 {
		t.Errorf("source calls: %d, want 1", src.calls.Load())
	}
	creds, _ := src.fetch(context.Background())
	assertNoSecrets(t, "debug log", logs.String(), tok, creds.SecretAccessKey, creds.SessionToken, "fakeSecret", "fakeSessionToken")
	if !strings.Contains(logs.String(), "refused") {
		t.Errorf("refusals not logged:\n%s", logs)
	}
}

// A client that is not on this machine is refused even with the token
// (the listener is on 127.0.0.1, so this is checked on the handler).
func TestECSRefusesRemoteClient(t *testing.T) {
	src := &fakeSource{clock: newClock(), life: time.Hour}
	s, _ := startTestECS(t, src, nil)
	for _, remote := range []string{"192.0.2.10:5555", "169.254.169.254:5555", "[2001:db8::1]:5555", "garbage"} {
		req := httptest.NewRequest("GET", s.URL(), nil)
		req.RemoteAddr = remote
		req.Host = strings.TrimPrefix(strings.TrimSuffix(s.URL(), ECSCredentialsPath), "http://")
		req.Header.Set("Authorization", s.Env()["AWS_CONTAINER_AUTHORIZATION_TOKEN"])
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		if rec.Code != http.StatusForbidden {
			t.Errorf("remote %s: %d, want 403", remote, rec.Code)
		}
	}
	req := httptest.NewRequest("GET", s.URL(), nil)
	req.RemoteAddr = "[::1]:5555"
	req.Host = strings.TrimPrefix(strings.TrimSuffix(s.URL(), ECSCredentialsPath), "http://")
	req.Header.Set("Authorization", s.Env()["AWS_CONTAINER_AUTHORIZATION_TOKEN"])
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		t.Errorf("remote ::1: %d, want 200", rec.Code)
	}
}

// The SDK's own container provider accepts the server's documents.
func TestECSWithSDKEndpointProvider(t *testing.T) {
	src := &fakeSource{clock: newClock(), life: time.Hour}
	s, _ := startTestECS(t, src, nil)
	want, _ := (&fakeSource{clock: src.clock, life: time.Hour}).fetch(context.Background())
	p := endpointcreds.New(s.URL(), func(o *endpointcreds.Options) {
		o.AuthorizationToken = s.Env()["AWS_CONTAINER_AUTHORIZATION_TOKEN"]
	})
	got, err := p.Retrieve(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if got.AccessKeyID != want.AccessKeyID || got.SecretAccessKey != want.SecretAccessKey || got.SessionToken != want.SessionToken {
		t.Errorf("got %s / %q, want %s", got.AccessKeyID, got.SessionToken, want.AccessKeyID)
	}
	if !got.CanExpire || !got.Expires.Equal(want.Expires) {
		t.Errorf("expires %v (can expire %v), want %v", got.Expires, got.CanExpire, want.Expires)
	}

	bad := endpointcreds.New(s.URL(), func(o *endpointcreds.Options) { o.AuthorizationToken = "nope" })
	if _, err := bad.Retrieve(context.Background()); err == nil || !strings.Contains(err.Error(), "403") && !strings.Contains(err.Error(), "AccessDenied") {
		t.Errorf("wrong token: %v", err)
	}
}

func TestECSRefreshesNearExpiry(t *testing.T) {
	clk := newClock()
	src := &fakeSource{clock: clk, life: time.Hour}
	s, _ := startTestECS(t, src, func(o *Options) { o.MinTTL = 5 * time.Minute })
	if n := src.calls.Load(); n != 1 {
		t.Fatalf("calls after start: %d, want 1 (not lazy)", n)
	}
	c := newClient()
	auth := map[string][]string{"Authorization": {s.Env()["AWS_CONTAINER_AUTHORIZATION_TOKEN"]}}
	key := func() (string, time.Time) {
		t.Helper()
		r := do(t, c, "GET", s.URL(), "", auth)
		if r.status != 200 {
			t.Fatalf("status %d: %s", r.status, r.body)
		}
		var doc ecsCredentials
		if err := json.Unmarshal([]byte(r.body), &doc); err != nil {
			t.Fatal(err)
		}
		exp, err := time.Parse(time.RFC3339, doc.Expiration)
		if err != nil {
			t.Fatal(err)
		}
		return doc.AccessKeyID, exp
	}
	k1, exp1 := key()
	if want := clk.Now().Add(time.Hour); !exp1.Equal(want) {
		t.Errorf("expiration %v, want %v", exp1, want)
	}
	clk.Add(54 * time.Minute) // 6m left: still good
	if k, _ := key(); k != k1 || src.calls.Load() != 1 {
		t.Errorf("at 54m: key %s calls %d; want the first key and 1 call", k, src.calls.Load())
	}
	clk.Add(2 * time.Minute) // 4m left: within AWS_MIN_TTL
	k2, exp2 := key()
	if k2 == k1 || src.calls.Load() != 2 {
		t.Errorf("at 56m: key %s calls %d; want a new key and 2 calls", k2, src.calls.Load())
	}
	if !exp2.After(exp1) {
		t.Errorf("new expiration %v not after %v", exp2, exp1)
	}
	for range 10 {
		key()
	}
	if src.calls.Load() != 2 {
		t.Errorf("calls %d after more requests, want 2", src.calls.Load())
	}
}

func TestECSLazy(t *testing.T) {
	src := &fakeSource{clock: newClock(), life: time.Hour}
	s, _ := startTestECS(t, src, func(o *Options) { o.Lazy = true })
	if n := src.calls.Load(); n != 0 {
		t.Fatalf("calls after a lazy start: %d", n)
	}
	r := do(t, newClient(), "GET", s.URL(), "", map[string][]string{"Authorization": {s.Env()["AWS_CONTAINER_AUTHORIZATION_TOKEN"]}})
	if r.status != 200 || src.calls.Load() != 1 {
		t.Errorf("first request: %d, calls %d", r.status, src.calls.Load())
	}
}

func TestECSSourceFailure(t *testing.T) {
	clk := newClock()
	src := &fakeSource{clock: clk, life: time.Hour}
	src.fail.Store(true)
	if _, err := StartECS(context.Background(), Options{Source: src.fetch, Now: clk.Now, Logf: t.Logf}); err == nil || !strings.Contains(err.Error(), "sts is down") {
		t.Fatalf("non-lazy start with a failing source: %v", err)
	}

	s, _ := startTestECS(t, src, func(o *Options) { o.Lazy = true })
	tok := s.Env()["AWS_CONTAINER_AUTHORIZATION_TOKEN"]
	r := do(t, newClient(), "GET", s.URL(), "", map[string][]string{"Authorization": {tok}})
	var e ecsError
	if r.status != 500 || json.Unmarshal([]byte(r.body), &e) != nil || e.Code == "" || !strings.Contains(e.Message, "sts is down") {
		t.Errorf("failing source: %d %s", r.status, r.body)
	}
	p := endpointcreds.New(s.URL(), func(o *endpointcreds.Options) { o.AuthorizationToken = tok })
	if _, err := p.Retrieve(context.Background()); err == nil {
		t.Error("the SDK got credentials from a failing source")
	}
	// A client retrying hard does not turn into a storm of fetches.
	before := src.calls.Load()
	for range 20 {
		do(t, newClient(), "GET", s.URL(), "", map[string][]string{"Authorization": {tok}})
	}
	if n := src.calls.Load() - before; n != 0 {
		t.Errorf("%d fetches within the failure backoff", n)
	}

	// Once the source works again, credentials flow.
	clk.Add(failureBackoff)
	src.fail.Store(false)
	if r := do(t, newClient(), "GET", s.URL(), "", map[string][]string{"Authorization": {tok}}); r.status != 200 {
		t.Errorf("after recovery: %d %s", r.status, r.body)
	}

	// Within AWS_MIN_TTL but not expired, a failed refresh hands out the
	// current credentials.
	clk.Add(58 * time.Minute)
	src.fail.Store(true)
	r = do(t, newClient(), "GET", s.URL(), "", map[string][]string{"Authorization": {tok}})
	if r.status != 200 {
		t.Errorf("failed refresh of still-valid credentials: %d %s", r.status, r.body)
	}
	// Expired, they are not.
	clk.Add(3 * time.Minute)
	if r := do(t, newClient(), "GET", s.URL(), "", map[string][]string{"Authorization": {tok}}); r.status != 500 {
		t.Errorf("failed refresh of expired credentials: %d %s", r.status, r.body)
	}
}

// A long-term key (--no-session) does not expire; clients that insist on
// an Expiration and a Token get them.
func TestECSStaticCredentials(t *testing.T) {
	clk := newClock()
	src := &fakeSource{clock: clk, static: true}
	s, _ := startTestECS(t, src, nil)
	r := do(t, newClient(), "GET", s.URL(), "", map[string][]string{"Authorization": {s.Env()["AWS_CONTAINER_AUTHORIZATION_TOKEN"]}})
	var doc map[string]any
	if err := json.Unmarshal([]byte(r.body), &doc); err != nil {
		t.Fatal(err)
	}
	if doc["Token"] != "" || doc["Expiration"] != clk.Now().Add(staticLifetime).UTC().Format(time.RFC3339) {
		t.Errorf("static credentials document: %v", doc)
	}
	// Within the announced hour it is not fetched again; a day later it
	// is, and the document announces an expiry in the future again.
	clk.Add(30 * time.Minute)
	do(t, newClient(), "GET", s.URL(), "", map[string][]string{"Authorization": {s.Env()["AWS_CONTAINER_AUTHORIZATION_TOKEN"]}})
	if src.calls.Load() != 1 {
		t.Errorf("a key that does not expire was fetched %d times within its hour", src.calls.Load())
	}
	clk.Add(24 * time.Hour)
	r = do(t, newClient(), "GET", s.URL(), "", map[string][]string{"Authorization": {s.Env()["AWS_CONTAINER_AUTHORIZATION_TOKEN"]}})
	doc = nil
	if err := json.Unmarshal([]byte(r.body), &doc); err != nil {
		t.Fatal(err)
	}
	if exp, _ := time.Parse(time.RFC3339, fmt.Sprint(doc["Expiration"])); !exp.After(clk.Now()) {
		t.Errorf("a day later the document announces %v, in the past", doc["Expiration"])
	}
}

func TestECSCloseStopsServing(t *testing.T) {
	src := &fakeSource{clock: newClock(), life: time.Hour}
	s, err := StartECS(context.Background(), Options{Source: src.fetch, Now: src.clock.Now, Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := http.Get(s.URL()); err == nil {
		t.Error("server still answers after Close")
	}
}

func TestChildEnv(t *testing.T) {
	env := ChildEnv("work", "eu-west-1", map[string]string{"AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://127.0.0.1:1/role-credentials", "AWS_CONTAINER_AUTHORIZATION_TOKEN": "t"})
	for _, k := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_CREDENTIAL_EXPIRATION"} {
		if _, ok := env.Set[k]; ok {
			t.Errorf("%s is set", k)
		}
	}
	for _, k := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_CREDENTIAL_EXPIRATION", "AWS_PROFILE", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", "AWS_SECURITY_TOKEN", "AWS_CREDENTIAL_FILE"} {
		found := false
		for _, u := range env.Unset {
			found = found || u == k
		}
		if !found {
			t.Errorf("%s is not unset: %v", k, env.Unset)
		}
	}
	for _, u := range env.Unset {
		if _, ok := env.Set[u]; ok {
			t.Errorf("%s both set and unset", u)
		}
	}
	want := map[string]string{"AWS_VAULT": "work", "AWS_REGION": "eu-west-1", "AWS_DEFAULT_REGION": "eu-west-1", "AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://127.0.0.1:1/role-credentials", "AWS_CONTAINER_AUTHORIZATION_TOKEN": "t"}
	if len(env.Set) != len(want) {
		t.Errorf("set %v, want %v", env.Keys(), want)
	}
	for k, v := range want {
		if env.Set[k] != v {
			t.Errorf("%s=%q, want %q", k, env.Set[k], v)
		}
	}
	noRegion := ChildEnv("work", "", nil)
	if _, ok := noRegion.Set["AWS_REGION"]; ok {
		t.Error("AWS_REGION set without a region")
	}
}

// otherFirstByte returns tok with its first character changed, whatever it
// was (a fixed replacement equals the token once in 64 runs).
func otherFirstByte(tok string) string {
	b := []byte(tok)
	if b[0] == 'x' {
		b[0] = 'y'
	} else {
		b[0] = 'x'
	}
	return string(b)
}
