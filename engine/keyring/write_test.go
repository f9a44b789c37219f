package keyring

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	kr "github.com/99designs/keyring"
)

// halfWriter is a real backend whose next Set writes only the first half
// of the data (as pass does when gpg fails after the file was truncated)
// and then fails, or, with silent, writes something else and reports
// success.
type halfWriter struct {
	kr.Keyring
	failNext bool
	silent   bool
}

func (h *halfWriter) Set(item kr.Item) error {
	if !h.failNext {
		return h.Keyring.Set(item)
	}
	h.failNext = false
	half := item
	half.Data = item.Data[:len(item.Data)/2]
	if err := h.Keyring.Set(half); err != nil {
		return err
	}
	if h.silent {
		return nil
	}
	return errors.New("no space left on device")
}

// On a backend that replaces items itself, a failed or wrong write of a
// long-term key puts back the key that was there.
func TestFailedWritePutsBackTheOldKey(t *testing.T) {
	for name, open := range backends(t) {
		for _, silent := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/silent=%v", name, silent), func(t *testing.T) {
				_, raw := open(t)
				h := &halfWriter{Keyring: raw, silent: silent}
				// Named as pass, the one backend that does truncate first.
				k := Wrap(h, "pass")
				profile := fmt.Sprintf("t-half-%d", time.Now().UnixNano())
				defer func() { _ = raw.Remove(profile) }()
				if err := k.SetCredentials(profile, LongTerm{AccessKeyID: "AKIAOLD", SecretAccessKey: "oldsecret"}); err != nil {
					t.Fatal(err)
				}
				h.failNext = true
				err := k.SetCredentials(profile, LongTerm{AccessKeyID: "AKIANEW", SecretAccessKey: "newsecret"})
				if err == nil || !strings.Contains(err.Error(), "the item that was there was put back") || strings.Contains(err.Error(), "secret") {
					t.Errorf("err = %v", err)
				}
				if got, err := k.GetCredentials(profile); err != nil || got.AccessKeyID != "AKIAOLD" || got.SecretAccessKey != "oldsecret" {
					t.Errorf("after the failed write: %+v, %v", got, err)
				}
			})
		}
	}
}

// The file backend writes a temporary file and renames it: what it writes
// is what the keyring library (and so the original) reads, the temporary
// files are never listed as items, and those left by a killed write go.
func TestFileWriteIsAtomic(t *testing.T) {
	dir := t.TempDir()
	pass := func(string) (string, error) { return "correct horse", nil }
	k := New(Options{Backend: "file", FileDir: dir, Passphrase: pass})
	raw, err := kr.Open(kr.Config{AllowedBackends: []kr.BackendType{kr.FileBackend}, FileDir: dir, FilePasswordFunc: pass})
	if err != nil {
		t.Fatal(err)
	}
	// A key with the characters the backend escapes in file names.
	key := "team/a%b"
	if err := k.SetCredentials(key, LongTerm{AccessKeyID: "AKIA1", SecretAccessKey: "s1"}); err != nil {
		t.Fatal(err)
	}
	if item, err := raw.Get(key); err != nil || item.Key != key || !strings.Contains(string(item.Data), "AKIA1") {
		t.Fatalf("the library reads %+v, %v", item, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "team%2Fa%25b")); err != nil {
		t.Errorf("not at the library's file name: %v", err)
	}

	// A killed write's temporary file: a fresh one is left alone (a
	// write in progress), a stale one is removed by the next write;
	// neither is ever an item.
	fresh := filepath.Join(dir, tempPrefix+"fresh")
	stale := filepath.Join(dir, tempPrefix+"stale")
	for _, f := range []string{fresh, stale} {
		if err := os.WriteFile(f, []byte("eyJhbGciOi"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	old := time.Now().Add(-time.Hour)
	if err := os.Chtimes(stale, old, old); err != nil {
		t.Fatal(err)
	}
	if keys, err := k.Keys(); err != nil || len(keys) != 1 || keys[0] != key {
		t.Errorf("keys = %q, %v", keys, err)
	}
	if names, _ := k.CredentialNames(); len(names) != 1 {
		t.Errorf("credential names = %q", names)
	}
	if err := k.SetCredentials(key, LongTerm{AccessKeyID: "AKIA2", SecretAccessKey: "s2"}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("stale temporary file: %v", err)
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Errorf("fresh temporary file: %v", err)
	}
	if got, err := k.GetCredentials(key); err != nil || got.AccessKeyID != "AKIA2" {
		t.Errorf("after the second write: %+v, %v", got, err)
	}
	if err := k.SetCredentials(tempPrefix+"x", LongTerm{AccessKeyID: "A", SecretAccessKey: "S"}); err == nil {
		t.Error("a profile named like a temporary file was stored")
	}
}

// A write into a directory that refuses new files fails before touching
// the item.
func TestFileWriteFailureKeepsTheItem(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root writes into read-only directories; the file size limit test (commands/testdata/script/write_failure.txtar) covers this")
	}
	dir := t.TempDir()
	k := New(Options{Backend: "file", FileDir: dir, Passphrase: func(string) (string, error) { return "pw", nil }})
	if err := k.SetCredentials("p", LongTerm{AccessKeyID: "AKIAOLD", SecretAccessKey: "old"}); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o500); err != nil {
		t.Fatal(err)
	}
	defer os.Chmod(dir, 0o700)
	err := k.SetCredentials("p", LongTerm{AccessKeyID: "AKIANEW", SecretAccessKey: "new"})
	if err == nil || !strings.Contains(err.Error(), "the item that was there is unchanged") {
		t.Errorf("err = %v", err)
	}
	if got, err := k.GetCredentials("p"); err != nil || got.AccessKeyID != "AKIAOLD" {
		t.Errorf("after the failed write: %+v, %v", got, err)
	}
}
