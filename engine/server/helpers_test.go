package server

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/aws-vault/aws-vault/engine"
	"github.com/aws-vault/aws-vault/engine/awsfake"
	"github.com/aws-vault/aws-vault/engine/config"
	"github.com/aws-vault/aws-vault/engine/keyring"
)

// clock is a settable clock safe for concurrent use.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// fakeSource hands out numbered credentials that last life, counting calls.
type fakeSource struct {
	clock  *clock
	life   time.Duration
	static bool
	calls  atomic.Int32
	fail   atomic.Bool
}

func (s *fakeSource) fetch(context.Context) (aws.Credentials, error) {
	n := s.calls.Add(1)
	if s.fail.Load() {
		return aws.Credentials{}, fmt.Errorf("sts is down (call %d)", n)
	}
	c := aws.Credentials{
		AccessKeyID:     fmt.Sprintf("ASIAFAKE%012d", n),
		SecretAccessKey: fmt.Sprintf("fakeSecret%030d", n),
		SessionToken:    fmt.Sprintf("fakeSessionToken%040d", n),
	}
	if s.static {
		c.AccessKeyID, c.SessionToken = fmt.Sprintf("AKIAFAKE%012d", n), ""
		return c, nil
	}
	c.CanExpire, c.Expires = true, s.clock.Now().Add(s.life)
	return c, nil
}

// logBuffer collects a server's debugging notes, to check them for secrets.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Logf(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	fmt.Fprintf(&l.buf, format+"\n", args...)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// client never goes through an HTTP proxy and keeps connections alive.
func newClient() *http.Client {
	return &http.Client{
		Transport: &http.Transport{Proxy: nil, MaxIdleConnsPerHost: 64, MaxIdleConns: 64},
		Timeout:   10 * time.Second,
	}
}

type reply struct {
	status int
	body   string
	header http.Header
}

// do sends one request; host overrides the Host header when not "".
func do(t testing.TB, c *http.Client, method, url, host string, header map[string][]string) reply {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if host != "" {
		req.Host = host
	}
	for k, vs := range header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return reply{resp.StatusCode, string(b), resp.Header}
}

func assertNoSecrets(t *testing.T, what, text string, secrets ...string) {
	t.Helper()
	for _, s := range secrets {
		if s != "" && strings.Contains(text, s) {
			t.Errorf("%s contains a secret (%.6s…)", what, s)
		}
	}
}

// The fake AWS's user, as in the other packages' tests.
const (
	userKey    = "AKIAJONSMITHEXAMPLE"
	userSecret = "jonsmithSecretKeyExample0123456789abcdef"
)

// world is a real engine (file keyring, config, fake STS) on a clock.
type world struct {
	fake  *awsfake.Server
	eng   *engine.Engine
	clock *clock
}

func newWorld(t testing.TB) *world {
	t.Helper()
	w := &world{fake: awsfake.Start(t), clock: newClock()}
	w.fake.SetNow(w.clock.Now)
	w.fake.AddUser(awsfake.User{Name: "jonsmith", AccountID: "111111111111", AccessKeyID: userKey, SecretAccessKey: userSecret})
	ring := keyring.New(keyring.Options{Backend: "file", FileDir: t.TempDir(), Passphrase: func(string) (string, error) { return "pw", nil }})
	if err := ring.SetCredentials("jonsmith", keyring.LongTerm{AccessKeyID: userKey, SecretAccessKey: userSecret}); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Parse("/test/config", []byte("[profile jonsmith]\nregion = eu-west-1\n"))
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"AWS_ENDPOINT_URL_STS": w.fake.URL()}
	w.eng, err = engine.New(engine.Options{
		Ring: ring, Config: cfg, Getenv: func(k string) string { return env[k] },
		LockDir: t.TempDir(), Now: w.clock.Now,
	})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// source is the engine's credentials for jonsmith, as exec wires it.
func (w *world) source(ctx context.Context) (aws.Credentials, error) {
	r, err := w.eng.Credentials(ctx, "jonsmith")
	if err != nil {
		return aws.Credentials{}, err
	}
	return r.Credentials, nil
}
