package keyring

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	kr "github.com/99designs/keyring"
)

// backends returns real backends to run a test against: the file backend
// always, and the kernel keyring where the kernel lets us use it.
func backends(t *testing.T) map[string]func(t *testing.T) (*Keyring, kr.Keyring) {
	return map[string]func(t *testing.T) (*Keyring, kr.Keyring){
		"file": func(t *testing.T) (*Keyring, kr.Keyring) {
			dir := t.TempDir()
			k := New(Options{Backend: "file", FileDir: dir, Passphrase: func(string) (string, error) { return "correct horse", nil }})
			raw, err := kr.Open(kr.Config{AllowedBackends: []kr.BackendType{kr.FileBackend}, ServiceName: ServiceName, FileDir: dir,
				FilePasswordFunc: func(string) (string, error) { return "correct horse", nil }})
			if err != nil {
				t.Fatal(err)
			}
			return k, raw
		},
		"keyctl": func(t *testing.T) (*Keyring, kr.Keyring) {
			if !contains(Available(), "keyctl") {
				t.Skip("keyctl is not built for this platform")
			}
			// A keyring named per test keeps runs apart and is removed after.
			k := New(Options{Backend: "keyctl", KeyctlScope: "user"})
			if _, err := k.Backend(); err != nil {
				if os.Getenv("REQUIRE_KEYCTL") == "1" {
					t.Fatalf("keyctl refused: %v", err)
				}
				t.Skipf("the kernel refuses the keyctl backend here: %v", err)
			}
			// The keyring library's keyctl backend, which the original
			// aws-vault uses, is the other side of the compatibility checks.
			raw, err := kr.Open(kr.Config{AllowedBackends: []kr.BackendType{kr.KeyCtlBackend}, ServiceName: ServiceName, KeyCtlScope: "user"})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() {
				keys, _ := raw.Keys()
				for _, key := range keys {
					if strings.HasPrefix(key, "t-") || strings.Contains(key, ",") || strings.HasPrefix(key, "oidc:") {
						_ = raw.Remove(key)
					}
				}
			})
			return k, raw
		},
	}
}

func TestRoundTripAndCompatibility(t *testing.T) {
	for name, open := range backends(t) {
		t.Run(name, func(t *testing.T) {
			k, raw := open(t)
			profile := fmt.Sprintf("t-%d", time.Now().UnixNano())

			// What we write is what v7 writes: same key, label and JSON.
			if err := k.SetCredentials(profile, LongTerm{AccessKeyID: "AKIAEXAMPLE", SecretAccessKey: "s3cr3t/+="}); err != nil {
				t.Fatal(err)
			}
			item, err := raw.Get(profile)
			if err != nil {
				t.Fatal(err)
			}
			var v7 struct {
				AccessKeyID, SecretAccessKey, SessionToken, Source string
				CanExpire                                          bool
				Expires                                            time.Time
			}
			if err := json.Unmarshal(item.Data, &v7); err != nil || v7.AccessKeyID != "AKIAEXAMPLE" || v7.SecretAccessKey != "s3cr3t/+=" {
				t.Fatalf("stored data %s (%v) is not v7's aws.Credentials", item.Data, err)
			}
			if name == "file" && item.Label != "aws-vault ("+profile+")" {
				t.Errorf("label = %q", item.Label)
			}
			got, err := k.GetCredentials(profile)
			if err != nil || got.AccessKeyID != "AKIAEXAMPLE" || got.SecretAccessKey != "s3cr3t/+=" {
				t.Fatalf("read back %+v, %v", got, err)
			}

			// What v7 (and v4/v5 with aws-sdk-go's credentials.Value) wrote, we read.
			old := profile + "-v5"
			if err := raw.Set(kr.Item{Key: old, Data: []byte(`{"AccessKeyID":"AKIAOLD","SecretAccessKey":"oldsecret","SessionToken":"","ProviderName":""}`)}); err != nil {
				t.Fatal(err)
			}
			if got, err := k.GetCredentials(old); err != nil || got.AccessKeyID != "AKIAOLD" || got.SecretAccessKey != "oldsecret" {
				t.Errorf("v5 item: %+v, %v", got, err)
			}

			// Sessions written by v7 are found by slot and listed.
			exp := time.Now().Add(time.Hour).Truncate(time.Second).UTC()
			v7key := fmt.Sprintf("sts.GetSessionToken,%s,%s,%d", b64.EncodeToString([]byte(profile)), b64.EncodeToString([]byte("arn:aws:iam::1:mfa/me")), exp.Unix())
			data := fmt.Sprintf(`{"AccessKeyId":"ASIAV7","Expiration":%q,"SecretAccessKey":"v7secret","SessionToken":"v7token"}`, exp.Format(time.RFC3339))
			if err := raw.Set(kr.Item{Key: v7key, Data: []byte(data), Label: "aws-vault session for " + profile}); err != nil {
				t.Fatal(err)
			}
			slot := SessionKey{Type: "sts.GetSessionToken", ProfileName: profile, MfaSerial: "arn:aws:iam::1:mfa/me"}
			sess, key, err := k.GetSession(slot)
			if err != nil || sess.AccessKeyID != "ASIAV7" || sess.SessionToken != "v7token" || !sess.Expiration.Equal(exp) || !key.Expiration.Equal(exp) {
				t.Fatalf("v7 session: %+v %+v %v", sess, key, err)
			}

			// Replacing the slot writes the v7 key format and drops the old item.
			exp2 := exp.Add(time.Hour)
			if err := k.SetSession(slot, Session{AccessKeyID: "ASIANEW", SecretAccessKey: "n", SessionToken: "t", Expiration: exp2}); err != nil {
				t.Fatal(err)
			}
			keys, _ := raw.Keys()
			newKey := fmt.Sprintf("sts.GetSessionToken,%s,%s,%d", b64.EncodeToString([]byte(profile)), b64.EncodeToString([]byte("arn:aws:iam::1:mfa/me")), exp2.Unix())
			if !contains(keys, newKey) || contains(keys, v7key) {
				t.Errorf("keys after replace: %v", keys)
			}
			item, _ = raw.Get(newKey)
			var stsCreds struct {
				AccessKeyId, SecretAccessKey, SessionToken string
				Expiration                                 time.Time
			}
			if err := json.Unmarshal(item.Data, &stsCreds); err != nil || stsCreds.AccessKeyId != "ASIANEW" || !stsCreds.Expiration.Equal(exp2) {
				t.Errorf("session data %s is not STS Credentials JSON", item.Data)
			}

			// Long-term names never include sessions or OIDC tokens.
			if err := raw.Set(kr.Item{Key: "oidc:https://x.awsapps.com/start", Data: []byte("{}")}); err != nil {
				t.Fatal(err)
			}
			names, err := k.CredentialNames()
			if err != nil {
				t.Fatal(err)
			}
			for _, n := range names {
				if strings.Contains(n, ",") || strings.HasPrefix(n, "oidc:") {
					t.Errorf("credential names include %q", n)
				}
			}
			if !contains(names, profile) || !contains(names, old) {
				t.Errorf("names %v lack %q/%q", names, profile, old)
			}

			// clear PROFILE removes only that profile's sessions.
			other := SessionKey{Type: "sts.GetSessionToken", ProfileName: profile + "-other"}
			if err := k.SetSession(other, Session{AccessKeyID: "A", SecretAccessKey: "B", Expiration: exp2}); err != nil {
				t.Fatal(err)
			}
			if n, err := k.RemoveSessions(profile); err != nil || n != 1 {
				t.Errorf("RemoveSessions = %d, %v", n, err)
			}
			if _, _, err := k.GetSession(other); err != nil {
				t.Errorf("other profile's session went too: %v", err)
			}
			if has, _ := k.HasCredentials(profile); !has {
				t.Error("clear removed long-term credentials")
			}
			_ = k.Remove(other.String())
			if err := k.Remove(profile); err != nil {
				t.Fatal(err)
			}
			if _, err := k.GetCredentials(profile); !errors.Is(err, ErrNotFound) {
				t.Errorf("after remove: %v", err)
			}
			_ = k.Remove(old)
			_ = raw.Remove("oidc:https://x.awsapps.com/start")
		})
	}
}

func TestCorruptItemNamesIt(t *testing.T) {
	for name, open := range backends(t) {
		t.Run(name, func(t *testing.T) {
			k, raw := open(t)
			key := fmt.Sprintf("t-corrupt-%d", time.Now().UnixNano())
			if err := raw.Set(kr.Item{Key: key, Data: []byte("not json")}); err != nil {
				t.Fatal(err)
			}
			_, err := k.GetCredentials(key)
			var ce *CorruptItemError
			if !errors.As(err, &ce) || !strings.Contains(err.Error(), key) || !strings.Contains(err.Error(), name) {
				t.Errorf("err = %v", err)
			}
			_ = raw.Remove(key)
		})
	}
}

func TestFileWrongPassphraseTouchesNothing(t *testing.T) {
	dir := t.TempDir()
	good := New(Options{Backend: "file", FileDir: dir, Passphrase: func(string) (string, error) { return "right", nil }})
	if err := good.SetCredentials("work", LongTerm{AccessKeyID: "AKIA1", SecretAccessKey: "wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY"}); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(filepath.Join(dir, "work"))

	bad := New(Options{Backend: "file", FileDir: dir, Passphrase: func(string) (string, error) { return "wrong", nil }})
	_, err := bad.GetCredentials("work")
	var wp *WrongPassphraseError
	if !errors.As(err, &wp) || !strings.Contains(err.Error(), `"work"`) {
		t.Fatalf("get with wrong passphrase: %v", err)
	}
	err = bad.SetCredentials("home", LongTerm{AccessKeyID: "AKIA2", SecretAccessKey: "S2"})
	if !errors.As(err, &wp) {
		t.Fatalf("set with wrong passphrase: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "home")); !os.IsNotExist(err) {
		t.Error("an item was written under the wrong passphrase")
	}
	after, _ := os.ReadFile(filepath.Join(dir, "work"))
	if string(before) != string(after) {
		t.Error("existing item changed")
	}

	none := New(Options{Backend: "file", FileDir: dir, Passphrase: func(string) (string, error) { return "", errors.New("no terminal to ask on") }})
	if _, err := none.GetCredentials("work"); err == nil || !strings.Contains(err.Error(), "no terminal") || !strings.Contains(err.Error(), `"file"`) {
		t.Errorf("missing passphrase: %v", err)
	}
	// The file backend stores nothing in plain text.
	data, _ := os.ReadFile(filepath.Join(dir, "work"))
	if strings.Contains(string(data), "wJalrXUtnFEMI") || strings.Contains(string(data), "AKIA1") {
		t.Error("file item holds the secret in the clear")
	}
}

// slowRing is a real keyring.Keyring that blocks, to show the timeout.
type slowRing struct{ kr.Keyring }

func (slowRing) Keys() ([]string, error) { time.Sleep(time.Second); return nil, nil }

func TestTimeoutNamesBackend(t *testing.T) {
	k := Wrap(slowRing{kr.NewArrayKeyring(nil)}, "secret-service")
	k.opts.Timeout = 20 * time.Millisecond
	k.opts.PersonPresent = func() bool { return false }
	_, err := k.Keys()
	if err == nil || !strings.Contains(err.Error(), `"secret-service"`) || !strings.Contains(err.Error(), "timed out") {
		t.Errorf("err = %v", err)
	}
}

// A backend that may be asking a person something is never cut off while
// a person can answer: aws-vault says it is waiting, and waits.
func TestTimeoutWaitsForAPerson(t *testing.T) {
	k := Wrap(slowRing{kr.NewArrayKeyring(nil)}, "pass")
	k.opts.Timeout = 20 * time.Millisecond
	k.opts.PersonPresent = func() bool { return true }
	var notice strings.Builder
	k.opts.Notice = &notice
	if _, err := k.Keys(); err != nil {
		t.Fatalf("err = %v", err)
	}
	if !strings.Contains(notice.String(), "still waiting for the pass backend") {
		t.Errorf("notice = %q", notice.String())
	}
	// The kernel keyring asks nobody anything: its timeout always applies.
	k = Wrap(slowRing{kr.NewArrayKeyring(nil)}, "keyctl")
	k.opts.Timeout = 20 * time.Millisecond
	k.opts.PersonPresent = func() bool { return true }
	if _, err := k.Keys(); err == nil || !strings.Contains(err.Error(), "timed out") {
		t.Errorf("keyctl: err = %v", err)
	}
}

func TestAutoOrderNeverPicksKeyctl(t *testing.T) {
	for _, b := range AutoOrder() {
		if b == "keyctl" {
			t.Fatal("keyctl in the automatic order")
		}
	}
	// With no pass store and no D-Bus, the automatic choice is the file backend.
	home := t.TempDir()
	env := map[string]string{"HOME": home}
	k := New(Options{FileDir: filepath.Join(home, "keys"), Getenv: func(s string) string { return env[s] }, Passphrase: func(string) (string, error) { return "p", nil }})
	b, err := k.Backend()
	if err != nil {
		t.Fatal(err)
	}
	if os.Getenv("DBUS_SESSION_BUS_ADDRESS") == "" && b != "file" {
		t.Errorf("picked %q", b)
	}
}

// The 1Password backends are opt-in, as in the fork: configured and
// usable, they are still not an automatic choice, and file comes last.
func TestAutoOrderLeavesOnePasswordOut(t *testing.T) {
	order := AutoOrder()
	if order[len(order)-1] != File {
		t.Errorf("file is not last: %v", order)
	}
	if runtime.GOOS == "linux" && strings.Join(order, " ") != "secret-service kwallet pass passage file" {
		t.Errorf("linux order: %v", order)
	}
	home := t.TempDir()
	env := map[string]string{"HOME": home, "AWS_VAULT_OP_SERVICE_ACCOUNT_TOKEN": "ops_x", "OP_CONNECT_TOKEN": "t", "OP_VAULT_ID": "v", "OP_CONNECT_HOST": "http://127.0.0.1:1"}
	k := New(Options{FileDir: filepath.Join(home, "keys"), Getenv: func(s string) string { return env[s] }, Passphrase: func(string) (string, error) { return "p", nil }})
	if b, _, err := k.Default(); err != nil || strings.HasPrefix(b, "op") {
		t.Errorf("default %q, %v", b, err)
	}
}

func TestUnknownBackend(t *testing.T) {
	_, err := New(Options{Backend: "nope"}).Keys()
	if err == nil || !strings.Contains(err.Error(), "file") {
		t.Errorf("err = %v", err)
	}
}

func TestSessionKeyFormat(t *testing.T) {
	k := SessionKey{Type: "sts.GetSessionToken", ProfileName: "a,b/c", MfaSerial: "arn:aws:iam::1:mfa/x", Expiration: time.Unix(1700000000, 0)}
	s := k.String()
	if s != "sts.GetSessionToken,YSxiL2M,YXJuOmF3czppYW06OjE6bWZhL3g,1700000000" {
		t.Errorf("key = %s", s)
	}
	back, ok := ParseSessionKey(s)
	if !ok || back != k {
		t.Errorf("parse = %+v %v", back, ok)
	}
	for _, old := range []string{"session,YQ,,1525456570", "session:a:b:1525456570", "work session (1525456570)"} {
		if IsCredentialsKey(old) {
			t.Errorf("%q counted as credentials", old)
		}
	}
	for _, bad := range []string{"a,b,c", "t,,x,1", ",YQ,,1", "t,YQ,,12a", "t,YQ,,", "t,YQ,,1,2", "t,!!,,1"} {
		if _, ok := ParseSessionKey(bad); ok {
			t.Errorf("%q parsed as a session key", bad)
		}
	}
	if !IsCredentialsKey("my.profile_name") {
		t.Error("plain name not credentials")
	}
}

// The original keys credential_process output by type and profile name,
// with an empty serial (vault.NewCredentialProcessProvider); its
// SessionKeyring writes this exact key, label, description and data
// (captured from the original v7 binary writing to a file backend).
const (
	origProcessKey   = "credential_process,cHJvYw,,1796169993"
	origProcessLabel = "aws-vault session for proc (expires 2026-12-02T00:06:33Z)"
	origProcessData  = `{"AccessKeyId":"AKIAPROCPROCPROC","Expiration":"2026-12-02T00:06:33Z","SecretAccessKey":"procsecret","SessionToken":"proctoken"}`
)

func TestProcessSessionKeyIsTheOriginals(t *testing.T) {
	exp := time.Unix(1796169993, 0)
	k := ProcessSessionKey("proc")
	k.Expiration = exp
	if k.String() != origProcessKey {
		t.Errorf("key = %s, want %s", k, origProcessKey)
	}
	back, ok := ParseSessionKey(origProcessKey)
	if !ok || back != k {
		t.Errorf("parse = %+v %v", back, ok)
	}
	// A profile name with the characters base64url and the format care about.
	k = ProcessSessionKey("a,b/c+d")
	k.Expiration = exp
	if k.String() != "credential_process,YSxiL2MrZA,,1796169993" {
		t.Errorf("key = %s", k)
	}
	if IsCredentialsKey(origProcessKey) {
		t.Error("a credential_process session counted as long-term credentials")
	}
}

func TestProcessSessionBothWays(t *testing.T) {
	for name, open := range backends(t) {
		t.Run(name, func(t *testing.T) {
			k, raw := open(t)
			profile := fmt.Sprintf("t-proc-%d", time.Now().UnixNano())
			slot := ProcessSessionKey(profile)
			exp := time.Now().Add(time.Hour).Truncate(time.Second).UTC()
			origKey := "credential_process," + b64.EncodeToString([]byte(profile)) + ",," + fmt.Sprint(exp.Unix())
			data := strings.NewReplacer("2026-12-02T00:06:33Z", exp.Format(time.RFC3339)).Replace(origProcessData)

			// The original's item is found in the slot and read.
			if err := raw.Set(kr.Item{Key: origKey, Label: origProcessLabel, Description: "aws-vault session", Data: []byte(data)}); err != nil {
				t.Fatal(err)
			}
			sess, key, err := k.GetSession(slot)
			if err != nil || sess.AccessKeyID != "AKIAPROCPROCPROC" || sess.SecretAccessKey != "procsecret" || sess.SessionToken != "proctoken" || !sess.Expiration.Equal(exp) || key.String() != origKey {
				t.Fatalf("original's item: %+v %s %v", sess, key, err)
			}

			// Ours replaces it in the same layout: key, label, description, data.
			exp2 := exp.Add(time.Hour)
			if err := k.SetSession(slot, Session{AccessKeyID: "AKIANEW", SecretAccessKey: "s2", SessionToken: "t2", Expiration: exp2}); err != nil {
				t.Fatal(err)
			}
			newKey := "credential_process," + b64.EncodeToString([]byte(profile)) + ",," + fmt.Sprint(exp2.Unix())
			keys, _ := raw.Keys()
			if !contains(keys, newKey) || contains(keys, origKey) {
				t.Fatalf("keys after replace: %v", keys)
			}
			item, err := raw.Get(newKey)
			if err != nil {
				t.Fatal(err)
			}
			want := fmt.Sprintf(`{"AccessKeyId":"AKIANEW","Expiration":%q,"SecretAccessKey":"s2","SessionToken":"t2"}`, exp2.Format(time.RFC3339))
			if string(item.Data) != want {
				t.Errorf("data = %s\nwant %s", item.Data, want)
			}
			if name == "file" && (item.Label != fmt.Sprintf("aws-vault session for %s (expires %s)", profile, exp2.Format(time.RFC3339)) || item.Description != "aws-vault session") {
				t.Errorf("label %q, description %q", item.Label, item.Description)
			}
			_ = raw.Remove(newKey)
		})
	}
}

// A damaged session item is reported as unreadable (the cache then
// replaces it), naming the item and never quoting its data.
func TestUnreadableSession(t *testing.T) {
	for name, open := range backends(t) {
		t.Run(name, func(t *testing.T) {
			k, raw := open(t)
			slot := SessionKey{Type: "sts.GetSessionToken", ProfileName: fmt.Sprintf("t-bad-%d", time.Now().UnixNano())}
			slot.Expiration = time.Now().Add(time.Hour)
			if err := raw.Set(kr.Item{Key: slot.String(), Data: []byte(`{"AccessKeyId":"AKIAHALF","SecretAccessKey":"halfsecret"`)}); err != nil {
				t.Fatal(err)
			}
			_, _, err := k.GetSession(slot)
			var bad *UnreadableSessionError
			if !errors.As(err, &bad) || bad.Key != slot.String() || strings.Contains(err.Error(), "halfsecret") {
				t.Errorf("err = %v", err)
			}
			_ = raw.Remove(slot.String())
		})
	}
	// On the file backend, a file the backend cannot decode at all.
	dir := t.TempDir()
	k := New(Options{Backend: "file", FileDir: dir, Passphrase: func(string) (string, error) { return "pw", nil }})
	slot := SessionKey{Type: "sts.GetSessionToken", ProfileName: "p", MfaSerial: "arn:aws:iam::1:mfa/p"}
	if err := k.SetSession(slot, Session{AccessKeyID: "A", SecretAccessKey: "S", Expiration: time.Now().Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	_, key, _ := k.GetSession(slot)
	if err := os.WriteFile(filepath.Join(dir, key.String()), []byte("eyJhbGciOi"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, _, err := k.GetSession(slot)
	var bad *UnreadableSessionError
	if !errors.As(err, &bad) || !strings.Contains(err.Error(), "file") {
		t.Errorf("truncated file: %v", err)
	}
	// A wrong passphrase is not a damaged item: it must stop the caller.
	wrong := New(Options{Backend: "file", FileDir: dir, Passphrase: func(string) (string, error) { return "wrong", nil }})
	other := SessionKey{Type: "sts.GetSessionToken", ProfileName: "q"}
	if err := k.SetSession(other, Session{AccessKeyID: "A", SecretAccessKey: "S", Expiration: time.Now().Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	_, _, err = wrong.GetSession(other)
	var wp *WrongPassphraseError
	if !errors.As(err, &wp) || errors.As(err, &bad) {
		t.Errorf("wrong passphrase: %v", err)
	}
}

// A directory with items under two passphrases (the original accepted a
// mistyped passphrase on add): each profile works with its own
// passphrase, sessions are cached under it, and the wrong one explains
// the mix rather than naming another profile.
func TestFileMixedPassphrases(t *testing.T) {
	dir := t.TempDir()
	raw := func(pass string) kr.Keyring {
		r, err := kr.Open(kr.Config{AllowedBackends: []kr.BackendType{kr.FileBackend}, ServiceName: ServiceName, FileDir: dir,
			FilePasswordFunc: func(string) (string, error) { return pass, nil }})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	creds := func(id string) []byte {
		return []byte(`{"AccessKeyID":"` + id + `","SecretAccessKey":"s"}`)
	}
	if err := raw("alice's").Set(kr.Item{Key: "alice", Data: creds("AKIAALICE")}); err != nil {
		t.Fatal(err)
	}
	if err := raw("bob's").Set(kr.Item{Key: "bob", Data: creds("AKIABOB")}); err != nil {
		t.Fatal(err)
	}
	bob := New(Options{Backend: "file", FileDir: dir, Passphrase: func(string) (string, error) { return "bob's", nil }})
	if c, err := bob.GetCredentials("bob"); err != nil || c.AccessKeyID != "AKIABOB" {
		t.Fatalf("bob with bob's passphrase: %+v %v", c, err)
	}
	slot := SessionKey{Type: "sts.GetSessionToken", ProfileName: "bob"}
	if err := bob.SetSession(slot, Session{AccessKeyID: "ASIABOB", SecretAccessKey: "x", Expiration: time.Now().Add(time.Hour)}); err != nil {
		t.Fatalf("caching bob's session under bob's passphrase: %v", err)
	}
	if err := bob.SetCredentials("bob", LongTerm{AccessKeyID: "AKIABOB2", SecretAccessKey: "s2"}); err != nil {
		t.Fatalf("replacing bob's key: %v", err)
	}
	_, err := bob.GetCredentials("alice")
	var wp *WrongPassphraseError
	if !errors.As(err, &wp) || len(wp.Decrypts) == 0 || !strings.Contains(err.Error(), "more than one passphrase") || !strings.Contains(err.Error(), `"bob"`) {
		t.Errorf("alice with bob's passphrase: %v", err)
	}
	// alice's session, cached under alice's passphrase, is not taken for
	// a damaged item (and removed) when bob's passphrase cannot open it.
	alice := New(Options{Backend: "file", FileDir: dir, Passphrase: func(string) (string, error) { return "alice's", nil }})
	aliceSlot := SessionKey{Type: "sts.GetSessionToken", ProfileName: "alice"}
	if err := alice.SetSession(aliceSlot, Session{AccessKeyID: "ASIAALICE", SecretAccessKey: "x", Expiration: time.Now().Add(time.Hour)}); err != nil {
		t.Fatalf("caching alice's session under alice's passphrase: %v", err)
	}
	if _, _, err := bob.GetSession(aliceSlot); !errors.As(err, &wp) || !strings.Contains(err.Error(), "more than one passphrase") {
		t.Errorf("alice's session with bob's passphrase: %v", err)
	}
	if s, _, err := alice.GetSession(aliceSlot); err != nil || s.AccessKeyID != "ASIAALICE" {
		t.Errorf("alice's session after bob tried it: %+v %v", s, err)
	}
	// Replacing alice's item needs alice's passphrase.
	if err := bob.SetCredentials("alice", LongTerm{AccessKeyID: "AKIAX", SecretAccessKey: "x"}); !errors.As(err, &wp) {
		t.Errorf("overwriting alice's item under bob's passphrase: %v", err)
	}
	if got, _ := raw("alice's").Get("alice"); !strings.Contains(string(got.Data), "AKIAALICE") {
		t.Error("alice's item changed")
	}
}

// GetSessionIf reads nothing when the item key is not wanted: a damaged
// item whose key says it is not wanted is not even found damaged.
func TestGetSessionIfReadsNothingUnwanted(t *testing.T) {
	dir := t.TempDir()
	k := New(Options{Backend: "file", FileDir: dir, Passphrase: func(string) (string, error) { return "pw", nil }})
	slot := SessionKey{Type: "sts.GetSessionToken", ProfileName: "p"}
	expires := time.Now().Add(time.Minute).Truncate(time.Second)
	if err := k.SetSession(slot, Session{AccessKeyID: "A", SecretAccessKey: "S", Expiration: expires}); err != nil {
		t.Fatal(err)
	}
	_, key, _ := k.GetSession(slot)
	if err := os.WriteFile(filepath.Join(dir, key.String()), []byte("eyJhbGciOi"), 0o600); err != nil {
		t.Fatal(err)
	}
	var seen SessionKey
	_, sk, err := k.GetSessionIf(slot, func(s SessionKey) bool { seen = s; return false })
	if !errors.Is(err, ErrSessionUnwanted) || !seen.Expiration.Equal(expires) || !sk.Expiration.Equal(expires) {
		t.Errorf("unwanted: err %v, asked about %v, returned %v", err, seen, sk)
	}
	var bad *UnreadableSessionError
	if _, _, err := k.GetSessionIf(slot, func(SessionKey) bool { return true }); !errors.As(err, &bad) {
		t.Errorf("wanted: err %v, want the item found damaged", err)
	}
}
