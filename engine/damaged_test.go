package engine_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	kr "github.com/99designs/keyring"

	"github.com/aws-vault/aws-vault/engine"
	"github.com/aws-vault/aws-vault/engine/keyring"
)

// damages are the ways a file backend item is found broken: disk-full
// writes, kills mid-write, bit rot. The last two fail to decrypt the way a
// wrong passphrase does.
var damages = []struct {
	name string
	do   func(w *world, key string) error
}{
	{"not a session", func(w *world, key string) error { return w.ring.Set(kr.Item{Key: key, Data: []byte("{")}) }},
	{"not a JWE", func(w *world, key string) error { return os.WriteFile(w.itemFile(key), []byte("damaged"), 0o600) }},
	{"empty", func(w *world, key string) error { return os.WriteFile(w.itemFile(key), nil, 0o600) }},
	{"truncated", func(w *world, key string) error {
		return w.editItem(key, func(b []byte) []byte { return b[:len(b)/2] })
	}},
	{"ciphertext changed", func(w *world, key string) error { return w.editItem(key, flipIn(3)) }},
	{"wrapped key changed", func(w *world, key string) error { return w.editItem(key, flipIn(1)) }},
}

// flipIn changes a character in the middle of part n of the compact JWE.
func flipIn(n int) func([]byte) []byte {
	return func(b []byte) []byte {
		parts := bytes.Split(b, []byte("."))
		p := parts[n]
		i := len(p) / 2
		if p[i] == 'A' {
			p[i] = 'B'
		} else {
			p[i] = 'A'
		}
		return bytes.Join(parts, []byte("."))
	}
}

func (w *world) itemFile(key string) string {
	return filepath.Join(w.ringDir, strings.ReplaceAll(strings.ReplaceAll(key, "%", "%25"), "/", "%2F"))
}

func (w *world) editItem(key string, edit func([]byte) []byte) error {
	b, err := os.ReadFile(w.itemFile(key))
	if err != nil {
		return err
	}
	return os.WriteFile(w.itemFile(key), edit(b), 0o600)
}

// captureLog collects what --debug would show while f runs.
func captureLog(f func()) string {
	var buf bytes.Buffer
	saved := log.Writer()
	log.SetOutput(&buf)
	defer log.SetOutput(saved)
	f()
	return buf.String()
}

// Every kind of cached item, damaged in every way, is reported once under
// --debug, ignored, and replaced: the profile works at once, and the
// replacement is used from then on.
func TestDamagedCacheItemsAreReplaced(t *testing.T) {
	type kind struct {
		name string
		// world returns a world and a count of the calls (or runs) that
		// fetch what is cached.
		world   func(t *testing.T) (*world, func() int)
		profile string
		// item is the key of the cached item to damage.
		item func(t *testing.T, w *world) string
	}
	session := func(typ string) func(t *testing.T, w *world) string {
		return func(t *testing.T, w *world) string {
			t.Helper()
			sessions, err := w.ring.Sessions()
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range sessions {
				if s.Type == typ {
					return s.String()
				}
			}
			t.Fatalf("no %s session in %v", typ, sessions)
			return ""
		}
	}
	counting := func(newW func(*testing.T) *world, action string) func(t *testing.T) (*world, func() int) {
		return func(t *testing.T) (*world, func() int) {
			w := newW(t)
			return w, func() int { return w.fake.CountCalls(action) }
		}
	}
	readme := func(t *testing.T) *world { return newWorld(t, readmeConfig) }
	kinds := []kind{
		{"sts session", counting(readme, "GetSessionToken"), "jonsmith", session("sts.GetSessionToken")},
		{"role session", counting(readme, "AssumeRole"), "foo-readonly", session("sts.AssumeRole")},
		{"credential_process output", func(t *testing.T) (*world, func() int) {
			pw := newProcessWorld(t, "")
			pw.prints(t, pw.now.Add(time.Hour))
			return pw.world, func() int { return pw.runs(t) }
		}, "proc", session("credential_process")},
	}
	if runtime.GOOS != "windows" {
		kinds = append(kinds,
			kind{"sso role credentials", counting(newSSOWorld, "GetRoleCredentials"), "sso-dev", session("sso.GetRoleCredentials")},
			// A sign-in: the authorization code flow (Authorize) with a
			// browser, else the device code flow.
			kind{"sso token", func(t *testing.T) (*world, func() int) {
				w := newSSOWorld(t)
				return w, func() int { return w.fake.CountCalls("Authorize") + w.fake.CountCalls("StartDeviceAuthorization") }
			}, "sso-dev", func(t *testing.T, w *world) string {
				// The role credentials go too, so that the token is read.
				if _, err := w.ring.RemoveSessions("sso-dev"); err != nil {
					t.Fatal(err)
				}
				return keyring.OIDCTokenKey(ssoStartURL)
			}})
	}
	for _, k := range kinds {
		for _, d := range damages {
			t.Run(k.name+"/"+d.name, func(t *testing.T) {
				w, count := k.world(t)
				get := func() {
					t.Helper()
					if _, err := w.engine(t, func(o *engine.Options) { o.Stderr = &bytes.Buffer{} }).Credentials(context.Background(), k.profile); err != nil {
						t.Fatalf("%v", err)
					}
				}
				get()
				key := k.item(t, w)
				if err := d.do(w, key); err != nil {
					t.Fatal(err)
				}
				before := count()
				logged := captureLog(get)
				if n := strings.Count(logged, "ignoring the cached"); n != 1 || !strings.Contains(logged, key) {
					t.Errorf("--debug output (want the damaged item named once):\n%s", logged)
				}
				if n := count() - before; n != 1 {
					t.Errorf("%d fetches to replace the damaged item, want 1", n)
				}
				// The replacement is used.
				after := count()
				logged = captureLog(get)
				if count() != after || strings.Contains(logged, "ignoring") {
					t.Errorf("the replacement was not used:\n%s", logged)
				}
			})
		}
	}
}

// A damaged long-term key stays an error, and so does a wrong passphrase
// (which fails on every item, the cached ones included).
func TestDamagedLongTermKeyAndWrongPassphraseStayErrors(t *testing.T) {
	for _, d := range damages[1:] {
		t.Run(d.name, func(t *testing.T) {
			w := newWorld(t, readmeConfig)
			if err := d.do(w, "jonsmith"); err != nil {
				t.Fatal(err)
			}
			if _, err := w.engine(t, nil).Credentials(context.Background(), "jonsmith"); err == nil || !strings.Contains(err.Error(), `"jonsmith"`) {
				t.Errorf("err = %v", err)
			}
		})
	}
	w := newWorld(t, readmeConfig)
	if _, err := w.engine(t, nil).Credentials(context.Background(), "foo-readonly"); err != nil {
		t.Fatal(err)
	}
	items, _ := os.ReadDir(w.ringDir)
	w.ring = keyring.New(keyring.Options{Backend: "file", FileDir: w.ringDir, Passphrase: func(string) (string, error) { return "wrong", nil }})
	_, err := w.engine(t, nil).Credentials(context.Background(), "foo-readonly")
	var wrong *keyring.WrongPassphraseError
	if !errors.As(err, &wrong) {
		t.Errorf("wrong passphrase: %v", err)
	}
	if after, _ := os.ReadDir(w.ringDir); fmt.Sprint(after) != fmt.Sprint(items) {
		t.Errorf("items after the wrong passphrase: %v, before %v", after, items)
	}
}
