package server

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"
)

// TestECSLoad: 20 clients × 200 requests against a server backed by the
// real engine and the fake STS, while the clock runs through more than one
// credential lifetime. Every request must succeed with credentials that
// are not within AWS_MIN_TTL of expiring, and STS must see at most one call
// per lifetime.
func TestECSLoad(t *testing.T) {
	const clients, perClient = 20, 200
	const tick = time.Second // of fake time per request: 4000 requests ≈ 67 minutes
	const minTTL = 5 * time.Minute
	w := newWorld(t)
	start := w.clock.Now()
	s, err := StartECS(context.Background(), Options{Source: w.source, Now: w.clock.Now, MinTTL: minTTL, Logf: func(string, ...any) {}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	tok := s.Env()["AWS_CONTAINER_AUTHORIZATION_TOKEN"]
	client := newClient()

	var wg sync.WaitGroup
	lat := make([][]time.Duration, clients)
	errs := make(chan error, clients*perClient)
	for i := range clients {
		wg.Go(func() {
			for range perClient {
				w.clock.Add(tick)
				req, _ := http.NewRequest("GET", s.URL(), nil)
				req.Header.Set("Authorization", tok)
				t0 := time.Now()
				resp, err := client.Do(req)
				if err != nil {
					errs <- err
					continue
				}
				body, err := io.ReadAll(resp.Body)
				resp.Body.Close()
				lat[i] = append(lat[i], time.Since(t0))
				if err != nil || resp.StatusCode != 200 {
					errs <- fmt.Errorf("status %d: %v %s", resp.StatusCode, err, body)
					continue
				}
				var doc ecsCredentials
				if err := json.Unmarshal(body, &doc); err != nil {
					errs <- err
					continue
				}
				exp, err := time.Parse(time.RFC3339, doc.Expiration)
				// The clock moves on while the request is in flight; allow
				// for the other clients' ticks.
				if err != nil || exp.Sub(w.clock.Now()) < minTTL-time.Duration(clients)*tick {
					errs <- fmt.Errorf("credentials expire %s at %s", doc.Expiration, w.clock.Now().Format(time.RFC3339))
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	n := 0
	for err := range errs {
		if n < 5 {
			t.Error(err)
		}
		n++
	}
	if n > 0 {
		t.Fatalf("%d of %d requests failed", n, clients*perClient)
	}

	elapsed := w.clock.Now().Sub(start)
	usable := time.Hour - minTTL // a 1h session is renewed with 5m left
	lifetimes := int(elapsed/usable) + 1
	calls := w.fake.CountCalls("GetSessionToken")
	if calls < 2 || calls > lifetimes {
		t.Errorf("GetSessionToken calls: %d over %s of fake time; want 2..%d (one per lifetime)", calls, elapsed.Round(time.Second), lifetimes)
	}
	all := slices.Concat(lat...)
	slices.Sort(all)
	t.Logf("%d requests, %d clients: p50 %s, p99 %s, max %s; %d STS calls over %s of fake time",
		len(all), clients, all[len(all)/2], all[len(all)*99/100], all[len(all)-1], calls, elapsed.Round(time.Second))
}

// BenchmarkECSServerWarm times one credential request (HTTP round trip over
// loopback with keep-alive, token check, JSON) from a warm cache.
func BenchmarkECSServerWarm(b *testing.B) {
	src := &fakeSource{clock: newClock(), life: time.Hour}
	s, err := StartECS(context.Background(), Options{Source: src.fetch, Now: src.clock.Now, Logf: func(string, ...any) {}})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	tok := s.Env()["AWS_CONTAINER_AUTHORIZATION_TOKEN"]
	client := newClient()
	req, _ := http.NewRequest("GET", s.URL(), nil)
	req.Header.Set("Authorization", tok)
	var lat []time.Duration
	for b.Loop() {
		t0 := time.Now()
		resp, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			b.Fatalf("status %d", resp.StatusCode)
		}
		lat = append(lat, time.Since(t0))
	}
	if src.calls.Load() != 1 {
		b.Errorf("source calls %d, want 1", src.calls.Load())
	}
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Nanoseconds()), "p50-ns")
	b.ReportMetric(float64(lat[len(lat)*99/100].Nanoseconds()), "p99-ns")
}
