package server

import (
	"context"
	"net"
	"net/http"
	"sync"
	"time"
)

// A credential server is reachable by every process of the machine, so
// one of them could tie up its connections: connect and send nothing, send
// headers a byte at a time, or keep a refused connection open. Requests
// with the right token must still be answered at once. So:
//
//   - a refused request's connection is closed after the answer;
//   - headers must arrive within ReadHeaderTimeout, and an idle
//     connection is closed after IdleTimeout (newHTTPServer);
//   - at most MaxConns connections are open. When one more arrives, the
//     connection that has been waiting longest without a request being
//     answered on it (connected and silent, still sending headers, or
//     idle between requests) is closed for it; a request being answered
//     (which may be waiting for an MFA code) is never cut off. When every
//     connection has a request being answered, the new one is closed.
//
// A client with the token sends its request as soon as it has connected,
// so it is not the longest-waiting connection: it gets in whatever else
// is connecting.

// MaxConns bounds the connections a credential server keeps open.
const MaxConns = 512

// connLimit tracks a server's open connections.
type connLimit struct {
	max int

	mu    sync.Mutex
	conns map[net.Conn]*conn
	// peak is the most connections open at once (for tests).
	peak int
}

type conn struct {
	c     net.Conn
	busy  int       // requests being answered on it
	since time.Time // when it last started waiting
}

type connKey struct{}

// limitConns makes srv keep at most max connections from ln open, as
// described above, and returns the listener to serve.
func limitConns(srv *http.Server, ln net.Listener, max int) net.Listener {
	l := &connLimit{max: max, conns: map[net.Conn]*conn{}}
	srv.ConnContext = func(ctx context.Context, c net.Conn) context.Context {
		return context.WithValue(ctx, connKey{}, c)
	}
	srv.ConnState = func(c net.Conn, st http.ConnState) {
		if st == http.StateClosed || st == http.StateHijacked {
			l.mu.Lock()
			delete(l.conns, c)
			l.mu.Unlock()
		}
	}
	h := srv.Handler
	srv.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, _ := r.Context().Value(connKey{}).(net.Conn)
		l.busy(c, 1)
		defer l.busy(c, -1)
		h.ServeHTTP(w, r)
	})
	return &limitListener{Listener: ln, limit: l}
}

func (l *connLimit) busy(c net.Conn, d int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if t := l.conns[c]; t != nil {
		t.busy += d
		if t.busy == 0 {
			t.since = time.Now()
		}
	}
}

// admit makes room for c, or reports that there is none.
func (l *connLimit) admit(c net.Conn) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.conns) >= l.max {
		var oldest *conn
		for _, t := range l.conns {
			if t.busy == 0 && (oldest == nil || t.since.Before(oldest.since)) {
				oldest = t
			}
		}
		if oldest == nil {
			return false
		}
		delete(l.conns, oldest.c)
		_ = oldest.c.Close()
	}
	l.conns[c] = &conn{c: c, since: time.Now()}
	l.peak = max(l.peak, len(l.conns))
	return true
}

// open and peakOpen are the connections open now and at most (for tests).
func (l *connLimit) open() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.conns)
}

func (l *connLimit) peakOpen() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.peak
}

type limitListener struct {
	net.Listener
	limit *connLimit
}

func (l *limitListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		if l.limit.admit(c) {
			return c, nil
		}
		_ = c.Close()
	}
}

// closeAfter asks the server to close the connection once w is answered:
// for refusals, so a client without the right token cannot keep the
// connection.
func closeAfter(w http.ResponseWriter) { w.Header().Set("Connection", "close") }
