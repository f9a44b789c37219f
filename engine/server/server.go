// Package server runs the local credential servers of `aws-vault exec`:
// an ECS-style container credentials endpoint (--ecs-server), an emulation
// of the EC2 instance metadata service (--ec2-server), and the privileged
// reverse proxy that puts the latter behind 169.254.169.254:80
// (`aws-vault proxy`).
//
// The servers know nothing of keyrings or STS: they take a Source, which the
// engine provides, keep the last credentials in memory and ask the Source
// again only when those have less than MinTTL left.
//
// Every server refuses requests that do not come from this machine, that
// carry X-Forwarded-For or Forwarded (a proxy relayed them), or whose Host
// is not the server's own address (a DNS-rebinding guard). No endpoint stops
// or reconfigures a server.
package server

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"log"
	"net"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// Source returns credentials for the one profile a server serves; it is
// the engine's Credentials for that profile.
type Source func(ctx context.Context) (aws.Credentials, error)

// DefaultMinTTL is AWS_MIN_TTL's default.
const DefaultMinTTL = 5 * time.Minute

// staticLifetime is the expiry announced for credentials that do not
// expire (a long-term key with --no-session): clients that insist on an
// Expiration get one, and simply ask again when it passes.
const staticLifetime = time.Hour

// failureBackoff is how long a failed fetch is remembered, so that clients
// that retry hard do not turn one failure into a storm of STS calls.
const failureBackoff = 2 * time.Second

// Options are what both servers need.
type Options struct {
	// Source fetches credentials. Required.
	Source Source
	// MinTTL: credentials with less than this left are replaced
	// (AWS_MIN_TTL; default DefaultMinTTL).
	MinTTL time.Duration
	// Lazy defers the first fetch to the first request; otherwise Start
	// fetches before it returns, so MFA is asked before the command runs.
	Lazy bool
	// Now is the clock (default time.Now).
	Now func() time.Time
	// Logf receives debugging notes, never secrets (default log.Printf).
	Logf func(format string, args ...any)
}

func (o *Options) setDefaults() error {
	if o.Source == nil {
		return errors.New("credential server: no credential source")
	}
	if o.MinTTL <= 0 {
		o.MinTTL = DefaultMinTTL
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logf == nil {
		o.Logf = log.Printf
	}
	return nil
}

// entry is one set of credentials and when they were fetched.
type entry struct {
	creds   aws.Credentials
	fetched time.Time
}

// expires is when clients should ask again.
func (e *entry) expires() time.Time {
	if e.creds.CanExpire {
		return e.creds.Expires
	}
	return e.fetched.Add(staticLifetime)
}

// credCache keeps the last credentials in memory. Reads take no lock; a
// refresh is done by one request at a time while the others wait for it.
type credCache struct {
	src    Source
	minTTL time.Duration
	now    func() time.Time
	logf   func(string, ...any)
	name   string
	// base is the context of fetches: a client that goes away must not
	// cancel a fetch (and an MFA prompt) that other clients wait for.
	base context.Context

	cur  atomic.Pointer[entry]
	sem  chan struct{} // held while fetching
	fail atomic.Pointer[failure]
}

type failure struct {
	err error
	at  time.Time
}

func newCache(base context.Context, name string, o *Options) *credCache {
	return &credCache{src: o.Source, minTTL: o.MinTTL, now: o.Now, logf: o.Logf, name: name, base: base, sem: make(chan struct{}, 1)}
}

// fresh uses the expiry clients are told, the announced one included for a
// key that does not expire, so an entry is never served past it.
func (c *credCache) fresh(e *entry, now time.Time) bool {
	return e != nil && e.expires().Sub(now) > c.minTTL
}

// get returns credentials with more than minTTL left, fetching new ones
// when needed. When a fetch fails, credentials that have not yet expired
// are still handed out.
func (c *credCache) get(ctx context.Context) (*entry, error) {
	if e := c.cur.Load(); c.fresh(e, c.now()) {
		return e, nil
	}
	select {
	case c.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-c.sem }()

	now := c.now()
	old := c.cur.Load()
	if c.fresh(old, now) {
		return old, nil // another request refreshed them while this one waited
	}
	if f := c.fail.Load(); f != nil && now.Sub(f.at) >= 0 && now.Sub(f.at) < failureBackoff {
		return c.fallback(old, now, f.err)
	}
	if old == nil {
		c.logf("%s: fetching credentials", c.name)
	} else {
		c.logf("%s: credentials expire %s, within %s: fetching new ones", c.name, old.creds.Expires.UTC().Format(time.RFC3339), c.minTTL)
	}
	creds, err := c.src(c.base)
	if err == nil && creds.AccessKeyID == "" {
		err = errors.New("the credential source returned no access key")
	}
	if err != nil {
		c.fail.Store(&failure{err: err, at: now})
		return c.fallback(old, now, err)
	}
	c.fail.Store(nil)
	e := &entry{creds: creds, fetched: c.now()}
	c.cur.Store(e)
	if creds.CanExpire {
		c.logf("%s: new credentials expire %s", c.name, creds.Expires.UTC().Format(time.RFC3339))
	}
	return e, nil
}

func (c *credCache) fallback(old *entry, now time.Time, err error) (*entry, error) {
	if old != nil && old.expires().After(now) {
		c.logf("%s: fetching credentials failed (%v); handing out the current ones until %s", c.name, err, old.expires().UTC().Format(time.RFC3339))
		return old, nil
	}
	return nil, err
}

// newSecret returns n random bytes, base64url-encoded without padding.
func newSecret(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("reading random bytes: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// guard holds the checks every request passes before anything else.
type guard struct {
	// hosts are the Host header values accepted.
	hosts []string
	// remoteOK says whether a client address is acceptable (default: loopback).
	remoteOK func(net.IP) bool
}

// check returns why r is refused, or "" when it may proceed.
func (g *guard) check(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return "unparsable client address"
	}
	ip := net.ParseIP(host)
	ok := g.remoteOK
	if ok == nil {
		ok = net.IP.IsLoopback
	}
	if ip == nil || !ok(ip) {
		return "client is not on this machine"
	}
	if len(r.Header.Values("X-Forwarded-For")) > 0 || len(r.Header.Values("Forwarded")) > 0 {
		return "request was forwarded by a proxy"
	}
	for _, h := range g.hosts {
		if r.Host == h {
			return ""
		}
	}
	return fmt.Sprintf("host %q is not this server", r.Host)
}

// newHTTPServer returns an http.Server with the limits every server here
// uses (see limit.go), and the listener to serve with it. No write
// timeout: a fetch may wait for a person typing an MFA code. Its errors go
// to the standard logger, which is silent without --debug.
func newHTTPServer(h http.Handler, ln net.Listener) (*http.Server, net.Listener) {
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		IdleTimeout:       30 * time.Second,
		MaxHeaderBytes:    16 << 10,
	}
	return srv, limitConns(srv, ln, MaxConns)
}

// listenLoopback binds addr and refuses anything that is not a loopback
// address, so a server can never be reached from the network by mistake.
func listenLoopback(addr string) (net.Listener, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("listen address %q: %w", addr, err)
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return nil, fmt.Errorf("listen address %q is not a loopback address", addr)
	}
	return net.Listen("tcp", addr)
}

// serving is the part of a server that runs its HTTP loop: both servers
// embed it, and its Close is theirs.
type serving struct {
	ln     net.Listener
	srv    *http.Server
	limit  *connLimit         // for tests
	cancel context.CancelFunc // ends fetches started for clients
	done   chan struct{}
}

// serve starts answering on s.ln with h in the background.
func (s *serving) serve(h http.Handler) {
	srv, ln := newHTTPServer(h, s.ln)
	s.srv, s.limit = srv, ln.(*limitListener).limit
	go func() {
		defer close(s.done)
		_ = s.srv.Serve(ln)
	}()
}

// Close stops the server and waits for it.
func (s *serving) Close() error {
	s.cancel()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	err := s.srv.Shutdown(ctx)
	if err != nil {
		err = s.srv.Close()
	}
	<-s.done
	return err
}
