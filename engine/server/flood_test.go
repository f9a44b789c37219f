package server

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// refusedAndClosed sends a request without the token and checks that the
// server answers 403 and closes the connection.
func refusedAndClosed(t *testing.T, addr string) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(10 * time.Second)) // a fail-safe, not a measure
	fmt.Fprintf(c, "GET %s HTTP/1.1\r\nHost: %s\r\n\r\n", ECSCredentialsPath, addr)
	r := bufio.NewReader(c)
	resp, err := http.ReadResponse(r, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden || !resp.Close {
		t.Errorf("status %d, Connection: close %v", resp.StatusCode, resp.Close)
	}
	if _, err := r.ReadByte(); !errors.Is(err, io.EOF) {
		t.Errorf("after the refusal the connection stays open (%v)", err)
	}
}

// A bounded flood of connections on loopback (silent ones, ones sending
// headers a byte at a time, refused requests kept open) while a client
// with the token asks for credentials: it is answered every time, the
// server never holds more than MaxConns connections, and refused
// connections are closed.
func TestECSConnectionFlood(t *testing.T) {
	clk := newClock()
	src := &fakeSource{clock: clk, life: time.Hour}
	s, err := StartECS(context.Background(), Options{Source: src.fetch, Now: clk.Now, Logf: func(string, ...any) {}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	addr := strings.TrimSuffix(strings.TrimPrefix(s.URL(), "http://"), ECSCredentialsPath)
	tok := s.Env()["AWS_CONTAINER_AUTHORIZATION_TOKEN"]
	refusedAndClosed(t, addr)

	const flood = 3000
	var (
		mu    sync.Mutex
		conns []net.Conn
		kinds []int
		dials atomic.Int32
	)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := w; i < flood; i += 4 {
				select {
				case <-stop:
					return
				default:
				}
				c, err := net.DialTimeout("tcp", addr, 10*time.Second)
				if err != nil {
					continue
				}
				dials.Add(1)
				switch i % 3 {
				case 0: // a refused request, never read
					fmt.Fprintf(c, "GET %s HTTP/1.1\r\nHost: %s\r\n\r\n", ECSCredentialsPath, addr)
				case 1: // connected and silent
				case 2: // the start of a request
					fmt.Fprintf(c, "GET %s HTTP/1.1\r\nHo", ECSCredentialsPath)
				}
				mu.Lock()
				conns, kinds = append(conns, c), append(kinds, i%3)
				mu.Unlock()
			}
		})
	}
	defer func() {
		close(stop)
		wg.Wait()
		for _, c := range conns {
			c.Close()
		}
	}()

	// Meanwhile, and after, the client with the token is answered.
	client := &http.Client{Transport: &http.Transport{Proxy: nil, DisableKeepAlives: true}, Timeout: 30 * time.Second}
	ask := func() {
		t.Helper()
		req, _ := http.NewRequest("GET", s.URL(), nil)
		req.Header.Set("Authorization", tok)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("with %d flood connections made: %v", dials.Load(), err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("status %d", resp.StatusCode)
		}
	}
	asked := 0
	for dials.Load() < flood/2 {
		ask()
		asked++
	}
	wg.Wait()
	for range 5 {
		ask()
	}
	if p := s.limit.peakOpen(); p > MaxConns {
		t.Errorf("the server held %d connections at once, more than %d", p, MaxConns)
	}

	// Of the flood's connections, at most MaxConns are still open; the
	// refused ones are all closed.
	mu.Lock()
	all := conns
	mu.Unlock()
	deadline := time.Now().Add(time.Second)
	var open, refusedOpen atomic.Int32
	var probes sync.WaitGroup
	for i, c := range all {
		probes.Go(func() {
			_ = c.SetReadDeadline(deadline)
			_, err := io.Copy(io.Discard, c)
			if errors.Is(err, os.ErrDeadlineExceeded) {
				open.Add(1)
				if kinds[i] == 0 {
					refusedOpen.Add(1)
				}
			}
		})
	}
	probes.Wait()
	if open.Load() > MaxConns {
		t.Errorf("%d of %d flood connections are still open (%d of them refused)", open.Load(), len(all), refusedOpen.Load())
	}
	t.Logf("%d flood connections; %d requests with the token answered during the flood; %d flood connections still open; peak %d on the server", len(all), asked, open.Load(), s.limit.peakOpen())
}

// The metadata server closes the connection of a request it refuses too.
func TestEC2RefusalsClose(t *testing.T) {
	clk := newClock()
	src := &fakeSource{clock: clk, life: time.Hour}
	s, err := StartEC2(context.Background(), EC2Options{Addr: "127.0.0.1:0", Options: Options{Source: src.fetch, Now: clk.Now, Logf: func(string, ...any) {}}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, extra := range []string{"X-Aws-Ec2-Metadata-Token: forged\r\n", "X-Forwarded-For: 10.0.0.1\r\n"} {
		c, err := net.Dial("tcp", s.Addr())
		if err != nil {
			t.Fatal(err)
		}
		_ = c.SetDeadline(time.Now().Add(10 * time.Second)) // a fail-safe
		fmt.Fprintf(c, "GET %s%s HTTP/1.1\r\nHost: %s\r\n%s\r\n", imdsCredsPath, EC2RoleName, MetadataIP, extra)
		r := bufio.NewReader(c)
		resp, err := http.ReadResponse(r, nil)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		if resp.StatusCode < 400 || !resp.Close {
			t.Errorf("%q: status %d, Connection: close %v", extra, resp.StatusCode, resp.Close)
		}
		if _, err := r.ReadByte(); !errors.Is(err, io.EOF) {
			t.Errorf("%q: the connection stays open (%v)", extra, err)
		}
		c.Close()
	}
}
