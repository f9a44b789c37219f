package cache

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws-vault/aws-vault/engine/keyring"
)

// cacheWorld is a Provider over a real file keyring, and the lock another
// aws-vault would take for the same session.
type cacheWorld struct {
	p       *Provider
	fetches atomic.Int32
	now     time.Time
}

func newCacheWorld(t *testing.T) *cacheWorld {
	t.Helper()
	saved := Wait
	Wait = 300 * time.Millisecond
	t.Cleanup(func() { Wait = saved })
	w := &cacheWorld{now: time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)}
	ring := keyring.New(keyring.Options{Backend: "file", FileDir: t.TempDir(), Passphrase: func(string) (string, error) { return "pw", nil }})
	w.p = &Provider{
		Ring:     ring,
		Key:      keyring.SessionKey{Type: "sts.GetSessionToken", ProfileName: "work", MfaSerial: "arn:aws:iam::111111111111:mfa/me"},
		MinTTL:   5 * time.Minute,
		LockDir:  t.TempDir(),
		Now:      func() time.Time { return w.now },
		Describe: "profile work",
		Fetch: func(context.Context) (keyring.Session, error) {
			w.fetches.Add(1)
			return keyring.Session{AccessKeyID: "ASIAFETCHED", SecretAccessKey: "s", SessionToken: "t", Expiration: w.now.Add(time.Hour)}, nil
		},
	}
	return w
}

func (w *cacheWorld) store(t *testing.T, id string, expires time.Time) {
	t.Helper()
	key := w.p.Key
	key.Expiration = expires
	if err := w.p.Ring.SetSession(key, keyring.Session{AccessKeyID: id, SecretAccessKey: "s", SessionToken: "t", Expiration: expires}); err != nil {
		t.Fatal(err)
	}
}

// hold takes the session's lock as another aws-vault refreshing it would.
func (w *cacheWorld) hold(t *testing.T) func() {
	t.Helper()
	unlock, err := Lock(context.Background(), w.p.LockDir, w.p.Key.Type+"\x00"+w.p.Key.ProfileName+"\x00"+w.p.Key.MfaSerial)
	if err != nil {
		t.Fatal(err)
	}
	return unlock
}

// A usable cached session is handed out while another run holds the
// lock (refreshing, or waiting for an MFA code): concurrent readers do not
// queue behind each other.
func TestUsableSessionReadWithoutLock(t *testing.T) {
	w := newCacheWorld(t)
	w.store(t, "ASIACACHED", w.now.Add(time.Hour))
	unlock := w.hold(t)
	defer unlock()
	creds, err := w.p.Retrieve(context.Background())
	if err != nil {
		t.Fatalf("a usable session waited for the lock: %v", err)
	}
	if creds.AccessKeyID != "ASIACACHED" || creds.Source != "cache" || w.fetches.Load() != 0 {
		t.Errorf("got %s from %s with %d fetches, want the cached session and no fetch", creds.AccessKeyID, creds.Source, w.fetches.Load())
	}
}

// A session that must be fetched still waits for the lock, and one that
// the holder stored meanwhile is taken instead of fetching another.
func TestRefreshWaitsForLockAndRereads(t *testing.T) {
	w := newCacheWorld(t)
	w.store(t, "ASIAEXPIRING", w.now.Add(time.Minute)) // within MinTTL
	unlock := w.hold(t)
	_, err := w.p.Retrieve(context.Background())
	if err == nil || !strings.Contains(err.Error(), "held the lock") || w.fetches.Load() != 0 {
		t.Fatalf("refresh did not wait for the lock: err %v, %d fetches", err, w.fetches.Load())
	}

	done := make(chan error, 1)
	var got string
	go func() {
		creds, err := w.p.Retrieve(context.Background())
		got = creds.AccessKeyID
		done <- err
	}()
	time.Sleep(100 * time.Millisecond)
	if len(done) != 0 {
		t.Fatal("a refresh returned while another run held the lock")
	}
	w.store(t, "ASIAFROMHOLDER", w.now.Add(time.Hour)) // the holder's refresh
	unlock()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if got != "ASIAFROMHOLDER" || w.fetches.Load() != 0 {
		t.Errorf("got %s with %d fetches, want the holder's session and no fetch", got, w.fetches.Load())
	}

	// With nothing usable and nobody holding the lock: one fetch.
	w.now = w.now.Add(2 * time.Hour)
	creds, err := w.p.Retrieve(context.Background())
	if err != nil || creds.AccessKeyID != "ASIAFETCHED" || w.fetches.Load() != 1 {
		t.Errorf("got %s, %v with %d fetches, want one fetch", creds.AccessKeyID, err, w.fetches.Load())
	}
}
