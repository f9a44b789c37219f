package engine_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	kr "github.com/99designs/keyring"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/aws-vault/aws-vault/engine"
	"github.com/aws-vault/aws-vault/engine/keyring"
	"github.com/aws-vault/aws-vault/engine/rotate"
)

// flakyRing is an in-memory keyring whose writes of long-term keys can be
// made to fail.
type flakyRing struct {
	kr.Keyring
	failSets int
}

func (f *flakyRing) Set(item kr.Item) error {
	if keyring.IsCredentialsKey(item.Key) && !strings.HasSuffix(item.Key, " (rotating)") && f.failSets > 0 {
		f.failSets--
		return errors.New("disk full")
	}
	return f.Keyring.Set(item)
}

// storedKeyWorks checks the invariant of every rotation: the keyring holds
// a key that works (an STS call signed by it succeeds as jonsmith), and
// returns its ID.
func storedKeyWorks(t *testing.T, w *world) string {
	t.Helper()
	k, err := w.ring.GetCredentials("jonsmith")
	if err != nil {
		t.Fatal(err)
	}
	c := sts.New(sts.Options{Region: "us-east-1", BaseEndpoint: aws.String(w.fake.URL()),
		Credentials: credentials.NewStaticCredentialsProvider(k.AccessKeyID, k.SecretAccessKey, "")})
	out, err := c.GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	if err != nil || aws.ToString(out.Arn) != "arn:aws:iam::111111111111:user/jonsmith" {
		t.Fatalf("the stored key %s does not work: %v", k.AccessKeyID, err)
	}
	return k.AccessKeyID
}

// oldKeyKept checks the outcome of a rotation that was undone: the keyring
// holds the old key, which works, and the user has that one key only. It
// first uses up the GetCallerIdentity failures left in the fake's queue.
func oldKeyKept(t *testing.T, w *world) {
	t.Helper()
	c := sts.New(sts.Options{Region: "us-east-1", BaseEndpoint: aws.String(w.fake.URL()),
		Credentials: credentials.NewStaticCredentialsProvider(userKey, userSecret, "")})
	for range 100 {
		if _, err := c.GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{}); err == nil {
			break
		}
	}
	if got := storedKeyWorks(t, w); got != userKey {
		t.Errorf("stored %s", got)
	}
	if ids := w.fake.AccessKeys("111111111111", "jonsmith"); len(ids) != 1 {
		t.Errorf("keys %v", ids)
	}
}

func rotateWorld(t *testing.T, cfg string) *world {
	w := newWorld(t, cfg)
	w.env["AWS_ENDPOINT_URL_IAM"] = w.fake.URL()
	return w
}

func TestRotateKeyEngine(t *testing.T) {
	w := rotateWorld(t, readmeConfig)
	ctx := context.Background()
	// Sessions of the old key, in the profile rotated and a sibling.
	for _, p := range []string{"jonsmith", "foo-readonly", "foo-admin"} {
		if _, err := w.engine(t, nil).Credentials(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	if w.prompts.Load() != 1 {
		t.Fatalf("prompts %d", w.prompts.Load())
	}
	w.fake.ResetCalls()

	var out bytes.Buffer
	e := w.engine(t, nil)
	res, err := e.RotateKey(ctx, "foo-readonly", &out)
	if err != nil {
		t.Fatal(err)
	}
	if got := storedKeyWorks(t, w); got != res.NewKey || got == userKey || res.OldKey != userKey || res.User != "jonsmith" {
		t.Errorf("stored %s, result %+v", got, res)
	}
	if ids := w.fake.AccessKeys("111111111111", "jonsmith"); len(ids) != 1 {
		t.Errorf("keys %v", ids)
	}
	if sessions, _ := w.ring.Sessions(); len(sessions) != 0 || res.Sessions != 3 {
		t.Errorf("sessions left %v, deleted %d", sessions, res.Sessions)
	}
	// The cached MFA session did the IAM calls: no new code.
	if w.prompts.Load() != 1 {
		t.Errorf("prompts %d", w.prompts.Load())
	}
	if !strings.Contains(out.String(), "Rotating the access key stored for profile jonsmith, using an MFA session of "+mfaSerial) {
		t.Errorf("output:\n%s", out.String())
	}

	// The new key is in use.
	if _, err := w.engine(t, nil).Credentials(ctx, "foo-readonly"); err != nil {
		t.Fatal(err)
	}
}

func TestRotateKeyMFAOfTheRole(t *testing.T) {
	// Only the role names the MFA device: the user's session uses it.
	w := rotateWorld(t, `
[profile jonsmith]
[profile admin]
source_profile = jonsmith
role_arn = arn:aws:iam::222222222222:role/Administrator
mfa_serial = `+mfaSerial+`
`)
	if _, err := w.engine(t, nil).RotateKey(context.Background(), "admin", nil); err != nil {
		t.Fatal(err)
	}
	calls := w.fake.Calls()
	if calls[0].Action != "GetSessionToken" || calls[0].Params.Get("SerialNumber") != mfaSerial || w.prompts.Load() != 1 {
		t.Errorf("first call %+v, prompts %d", calls[0], w.prompts.Load())
	}
	for _, c := range calls[1:] {
		if c.Service == "iam" && c.AccessKeyID == userKey {
			t.Errorf("IAM call signed by the long-term key: %+v", c)
		}
	}
}

func TestRotateKeyNoSession(t *testing.T) {
	w := rotateWorld(t, readmeConfig)
	if _, err := w.engine(t, func(o *engine.Options) { o.NoSession = true }).RotateKey(context.Background(), "jonsmith", nil); err != nil {
		t.Fatal(err)
	}
	for _, c := range w.fake.Calls() {
		if c.Action == "GetSessionToken" {
			t.Errorf("session made: %+v", c)
		}
		if c.Action == "GetUser" && c.AccessKeyID != userKey {
			t.Errorf("GetUser signed by %s", c.AccessKeyID)
		}
	}
	if w.prompts.Load() != 0 {
		t.Errorf("prompts %d", w.prompts.Load())
	}
}

func TestRotateKeyStoreFails(t *testing.T) {
	w := rotateWorld(t, readmeConfig)
	ring := &flakyRing{Keyring: kr.NewArrayKeyring(nil)}
	w.ring = keyring.Wrap(ring, "array")
	if err := w.ring.SetCredentials("jonsmith", keyring.LongTerm{AccessKeyID: userKey, SecretAccessKey: userSecret}); err != nil {
		t.Fatal(err)
	}
	ring.failSets = 1
	e := w.engine(t, nil)
	_, err := e.RotateKey(context.Background(), "jonsmith", nil)
	if err == nil || !strings.Contains(err.Error(), "rotating the access key of profile jonsmith: storing the new key in the keyring: ") ||
		!strings.Contains(err.Error(), "the new key was deleted again; the keyring still holds the old key "+userKey+", which works") {
		t.Fatalf("error: %v", err)
	}
	oldKeyKept(t, w)
}

func TestRotateKeyNewKeyNeverWorks(t *testing.T) {
	saved := rotate.DefaultBackoff
	rotate.DefaultBackoff = rotate.Backoff{First: time.Millisecond, Max: 2 * time.Millisecond, Total: 20 * time.Millisecond}
	defer func() { rotate.DefaultBackoff = saved }()

	w := rotateWorld(t, readmeConfig)
	for range 100 {
		w.fake.FailNext("GetCallerIdentity", "InvalidClientTokenId", 403)
	}
	e := w.engine(t, func(o *engine.Options) { o.Now = time.Now })
	_, err := e.RotateKey(context.Background(), "jonsmith", nil)
	if err == nil || !strings.Contains(err.Error(), "waiting for the new key to work: it did not work after") ||
		!strings.Contains(err.Error(), "the new key was deleted; the keyring holds the old key "+userKey+" again, which works") {
		t.Fatalf("error: %v", err)
	}
	oldKeyKept(t, w)
}

func TestRotateKeyNeedsAStoredKey(t *testing.T) {
	w := rotateWorld(t, readmeConfig+`
[profile web]
role_arn = arn:aws:iam::222222222222:role/ReadOnly
web_identity_token_file = /dev/null
`)
	for p, want := range map[string]string{
		"web":          `profile "web" gets its credentials from a web identity token`,
		"no-such-name": `no-such-name`,
	} {
		if _, err := w.engine(t, nil).RotateKey(context.Background(), p, nil); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v", p, err)
		}
	}
	if err := w.ring.Remove("jonsmith"); err != nil {
		t.Fatal(err)
	}
	_, err := w.engine(t, nil).RotateKey(context.Background(), "foo-admin", nil)
	if err == nil || err.Error() != `profile "foo-admin" takes its credentials from profile "jonsmith", which has none in the file keyring; add them with: aws-vault add jonsmith` {
		t.Errorf("missing key: %v", err)
	}
}
