package engine_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	kr "github.com/99designs/keyring"

	"github.com/aws-vault/aws-vault/engine"
)

// processWorld is a world whose profile proc gets its credentials from a
// script that counts its runs and prints the document in doc.json.
type processWorld struct {
	*world
	dir string
}

func newProcessWorld(t *testing.T, extraConfig string) *processWorld {
	t.Helper()
	dir := t.TempDir()
	script := filepath.Join(dir, "creds.sh")
	body := fmt.Sprintf("#!/bin/sh\necho run >> %s/runs\ncat %s/doc.json\n", dir, dir)
	if err := os.WriteFile(script, []byte(body), 0o700); err != nil {
		t.Fatal(err)
	}
	w := newWorld(t, fmt.Sprintf("[profile proc]\ncredential_process = %s\n%s", script, extraConfig))
	return &processWorld{world: w, dir: dir}
}

// prints sets the document the script prints: the user's long-term key
// (so the fake accepts what it signs), expiring at exp unless exp is zero.
func (w *processWorld) prints(t *testing.T, exp time.Time) {
	t.Helper()
	doc := fmt.Sprintf(`{"Version":1,"AccessKeyId":%q,"SecretAccessKey":%q`, userKey, userSecret)
	if !exp.IsZero() {
		doc += fmt.Sprintf(`,"Expiration":%q`, exp.UTC().Format(time.RFC3339))
	}
	if err := os.WriteFile(filepath.Join(w.dir, "doc.json"), []byte(doc+"}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
}

func (w *processWorld) runs(t *testing.T) int {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(w.dir, "runs"))
	if os.IsNotExist(err) {
		return 0
	}
	if err != nil {
		t.Fatal(err)
	}
	return strings.Count(string(b), "run\n")
}

// sessionKeys are the keyring's session item keys (everything but jonsmith's key).
func (w *processWorld) sessionKeys(t *testing.T) []string {
	t.Helper()
	keys, err := w.ring.Keys()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, k := range keys {
		if k != "jonsmith" {
			out = append(out, k)
		}
	}
	return out
}

func (w *processWorld) get(t *testing.T, profile string) *engine.Result {
	t.Helper()
	r, err := w.engine(t, nil).Credentials(context.Background(), profile)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// debugLog captures the standard logger (aws-vault's --debug output).
func debugLog(t *testing.T) *bytes.Buffer {
	t.Helper()
	var buf bytes.Buffer
	log.SetOutput(&buf)
	t.Cleanup(func() { log.SetOutput(os.Stderr) })
	return &buf
}

func TestCredentialProcessCached(t *testing.T) {
	w := newProcessWorld(t, "")
	debug := debugLog(t)
	exp := w.now.Add(time.Hour).Truncate(time.Second)
	w.prints(t, exp)

	r := w.get(t, "proc")
	if w.runs(t) != 1 || r.Credentials.AccessKeyID != userKey || !r.Credentials.CanExpire || !r.Credentials.Expires.Equal(exp) {
		t.Fatalf("first run: %d runs, %s, expires %v", w.runs(t), r.Credentials.AccessKeyID, r.Credentials.Expires)
	}
	// The original's key: credential_process,b64url(profile),,UNIX-EXPIRY.
	want := fmt.Sprintf("credential_process,%s,,%d", base64.RawURLEncoding.EncodeToString([]byte("proc")), exp.Unix())
	if got := w.sessionKeys(t); fmt.Sprint(got) != fmt.Sprint([]string{want}) || want != fmt.Sprintf("credential_process,cHJvYw,,%d", exp.Unix()) {
		t.Errorf("session items %v, want [%s]", got, want)
	}

	// Cached: the process does not run again.
	for range 3 {
		if r := w.get(t, "proc"); r.Credentials.SecretAccessKey != userSecret {
			t.Fatalf("cached credentials differ: %s", r.Credentials.AccessKeyID)
		}
	}
	if n := w.runs(t); n != 1 {
		t.Errorf("runs after cached calls = %d, want 1", n)
	}

	// Less than AWS_MIN_TTL (5m) left: it runs again, and the new output
	// replaces the item.
	w.now = exp.Add(-4 * time.Minute)
	exp2 := exp.Add(time.Hour)
	w.prints(t, exp2)
	w.get(t, "proc")
	if n := w.runs(t); n != 2 {
		t.Errorf("runs within AWS_MIN_TTL = %d, want 2", n)
	}
	if got := w.sessionKeys(t); len(got) != 1 || !strings.HasSuffix(got[0], fmt.Sprint(exp2.Unix())) {
		t.Errorf("session items after renewal: %v", got)
	}
	// A larger AWS_MIN_TTL renews sooner.
	w.now = exp2.Add(-20 * time.Minute)
	e := w.engine(t, func(o *engine.Options) { o.TTLs.MinTTL = 30 * time.Minute })
	if _, err := e.Credentials(context.Background(), "proc"); err != nil {
		t.Fatal(err)
	}
	if n := w.runs(t); n != 3 {
		t.Errorf("runs with AWS_MIN_TTL=30m and 20m left = %d, want 3", n)
	}
	// After expiry it runs again.
	w.now = exp2.Add(time.Minute)
	w.prints(t, w.now.Add(time.Hour))
	w.get(t, "proc")
	if n := w.runs(t); n != 4 {
		t.Errorf("runs after expiry = %d, want 4", n)
	}
	if strings.Contains(debug.String(), userSecret) {
		t.Error("debug output holds a secret")
	}
}

// Output without an Expiration is handed out as credentials that do not
// expire, and never cached: the process runs every time.
func TestCredentialProcessWithoutExpiration(t *testing.T) {
	w := newProcessWorld(t, "")
	debug := debugLog(t)
	w.prints(t, time.Time{})
	for range 2 {
		if r := w.get(t, "proc"); r.Credentials.CanExpire || r.Credentials.AccessKeyID != userKey {
			t.Fatalf("credentials %s, can expire %v", r.Credentials.AccessKeyID, r.Credentials.CanExpire)
		}
	}
	if n := w.runs(t); n != 2 {
		t.Errorf("runs = %d, want 2", n)
	}
	if got := w.sessionKeys(t); len(got) != 0 {
		t.Errorf("cached %v", got)
	}
	if !strings.Contains(debug.String(), "no expiry: not cached") {
		t.Errorf("debug output does not say why:\n%s", debug)
	}
}

// A damaged cached item is ignored (and said so under --debug), the
// process runs, and its output replaces the item.
func TestCredentialProcessDamagedCache(t *testing.T) {
	w := newProcessWorld(t, "")
	exp := w.now.Add(time.Hour).Truncate(time.Second)
	w.prints(t, exp)
	w.get(t, "proc")
	key := w.sessionKeys(t)[0]
	for _, data := range []string{`{"AccessKeyId":"AKIAOLD","SecretAccessKey":"damagedsecret"`, `[]`, ``} {
		if err := w.ring.Set(kr.Item{Key: key, Data: []byte(data)}); err != nil {
			t.Fatal(err)
		}
		debug := debugLog(t)
		before := w.runs(t)
		if r := w.get(t, "proc"); r.Credentials.AccessKeyID != userKey {
			t.Fatalf("credentials %s", r.Credentials.AccessKeyID)
		}
		if w.runs(t) != before+1 {
			t.Errorf("%q: the process did not run", data)
		}
		if !strings.Contains(debug.String(), "ignoring the cached session") || !strings.Contains(debug.String(), key) || strings.Contains(debug.String(), "damagedsecret") {
			t.Errorf("%q: debug output:\n%s", data, debug)
		}
		// Replaced: the next call uses the cache again.
		w.get(t, "proc")
		if w.runs(t) != before+1 {
			t.Errorf("%q: not replaced, the process ran again", data)
		}
	}
}

// A credential_process profile as the source of a role: the process runs
// once, its output signs AssumeRole, and both are cached; clearing the
// role session calls STS again but does not run the process.
func TestCredentialProcessSourceCached(t *testing.T) {
	w := newProcessWorld(t, "[profile procrole]\nsource_profile = proc\nrole_arn = arn:aws:iam::222222222222:role/ReadOnly\n")
	w.prints(t, w.now.Add(time.Hour))
	r := w.get(t, "procrole")
	if got := steps(w.fake.Calls()); fmt.Sprint(got) != fmt.Sprint([]step{{"AssumeRole", "user-key", false, "3600"}}) {
		t.Errorf("calls %v", got)
	}
	if r.Credentials.SessionToken == "" || w.runs(t) != 1 {
		t.Fatalf("role session %v, %d runs", r.Credentials.SessionToken != "", w.runs(t))
	}
	w.get(t, "procrole")
	if len(w.fake.Calls()) != 1 || w.runs(t) != 1 {
		t.Errorf("second call: %d STS calls, %d runs", len(w.fake.Calls()), w.runs(t))
	}
	if n, err := w.ring.RemoveSessions("procrole"); err != nil || n != 1 {
		t.Fatalf("clear procrole: %d, %v", n, err)
	}
	w.get(t, "procrole")
	if got := steps(w.fake.Calls()); len(got) != 2 || got[1] != (step{"AssumeRole", "user-key", false, "3600"}) || w.runs(t) != 1 {
		t.Errorf("after clearing the role: calls %v, %d runs", got, w.runs(t))
	}
}
