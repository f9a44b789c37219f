package rotate

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/smithy-go"

	"github.com/aws-vault/aws-vault/engine/keyring"
)

const (
	userName = "alice"
	userARN  = "arn:aws:iam::111111111111:user/alice"
	oldID    = "AKIAOLDOLDOLDOLD0001"
	oldKey   = "oldSecret"
)

// fakeIAM is one IAM user's keys, with errors to return per action.
type fakeIAM struct {
	keys    map[string]string // id -> secret
	fail    map[string][]error
	calls   []string
	counter int
}

func newFakeIAM() *fakeIAM {
	return &fakeIAM{keys: map[string]string{oldID: oldKey}, fail: map[string][]error{}}
}

func (f *fakeIAM) failNext(action string, err error) { f.fail[action] = append(f.fail[action], err) }

func (f *fakeIAM) injected(action string) error {
	f.calls = append(f.calls, action)
	if q := f.fail[action]; len(q) > 0 {
		f.fail[action] = q[1:]
		return q[0]
	}
	return nil
}

func (f *fakeIAM) ids() []string {
	var out []string
	for id := range f.keys {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}

func (f *fakeIAM) GetUser(_ context.Context, in *iam.GetUserInput, _ ...func(*iam.Options)) (*iam.GetUserOutput, error) {
	if err := f.injected("GetUser"); err != nil {
		return nil, err
	}
	return &iam.GetUserOutput{User: &types.User{UserName: aws.String(userName), Arn: aws.String(userARN)}}, nil
}

func (f *fakeIAM) ListAccessKeys(_ context.Context, in *iam.ListAccessKeysInput, _ ...func(*iam.Options)) (*iam.ListAccessKeysOutput, error) {
	if err := f.injected("ListAccessKeys"); err != nil {
		return nil, err
	}
	out := &iam.ListAccessKeysOutput{}
	for _, id := range f.ids() {
		out.AccessKeyMetadata = append(out.AccessKeyMetadata, types.AccessKeyMetadata{AccessKeyId: aws.String(id), UserName: aws.String(userName)})
	}
	return out, nil
}

func (f *fakeIAM) CreateAccessKey(_ context.Context, in *iam.CreateAccessKeyInput, _ ...func(*iam.Options)) (*iam.CreateAccessKeyOutput, error) {
	if err := f.injected("CreateAccessKey"); err != nil {
		return nil, err
	}
	if aws.ToString(in.UserName) != userName {
		return nil, fmt.Errorf("user %q", aws.ToString(in.UserName))
	}
	if len(f.keys) >= 2 {
		return nil, &smithy.GenericAPIError{Code: "LimitExceeded", Message: "Cannot exceed quota for AccessKeysPerUser: 2"}
	}
	f.counter++
	id, secret := fmt.Sprintf("AKIANEWNEWNEWNEW%04d", f.counter), fmt.Sprintf("newSecret%d", f.counter)
	f.keys[id] = secret
	return &iam.CreateAccessKeyOutput{AccessKey: &types.AccessKey{AccessKeyId: aws.String(id), SecretAccessKey: aws.String(secret), UserName: aws.String(userName)}}, nil
}

func (f *fakeIAM) DeleteAccessKey(_ context.Context, in *iam.DeleteAccessKeyInput, _ ...func(*iam.Options)) (*iam.DeleteAccessKeyOutput, error) {
	if err := f.injected("DeleteAccessKey:" + aws.ToString(in.AccessKeyId)); err != nil {
		return nil, err
	}
	if err := f.injected("DeleteAccessKey"); err != nil {
		return nil, err
	}
	if _, ok := f.keys[aws.ToString(in.AccessKeyId)]; !ok {
		return nil, &smithy.GenericAPIError{Code: "NoSuchEntity"}
	}
	delete(f.keys, aws.ToString(in.AccessKeyId))
	return &iam.DeleteAccessKeyOutput{}, nil
}

// store is a keyring item whose Set and Get can fail.
type store struct {
	key      keyring.LongTerm
	setErrs  []error
	getErrs  []error
	writeErr bool // Set writes, then fails
}

func (s *store) Get() (keyring.LongTerm, error) {
	if len(s.getErrs) > 0 {
		err := s.getErrs[0]
		s.getErrs = s.getErrs[1:]
		if err != nil {
			return keyring.LongTerm{}, err
		}
	}
	return s.key, nil
}

func (s *store) Set(k keyring.LongTerm) error {
	if len(s.setErrs) > 0 {
		err := s.setErrs[0]
		s.setErrs = s.setErrs[1:]
		if err != nil {
			if s.writeErr {
				s.key = k
			}
			return err
		}
	}
	s.key = k
	return nil
}

type world struct {
	iam      *fakeIAM
	store    *store
	notYet   int // Verify fails this many more times
	wrongARN bool
	sleeps   []time.Duration
	now      time.Time
	cleared  int
	clearErr error
	out      bytes.Buffer
}

func newWorld() *world {
	return &world{iam: newFakeIAM(), store: &store{key: keyring.LongTerm{AccessKeyID: oldID, SecretAccessKey: oldKey}}, now: time.Unix(1e9, 0)}
}

func (w *world) rotation() *Rotation {
	return &Rotation{
		Profile: "alice",
		Store:   w.store,
		IAM:     w.iam,
		Verify: func(_ context.Context, k keyring.LongTerm) (string, error) {
			if w.notYet > 0 {
				w.notYet--
				return "", &smithy.GenericAPIError{Code: "InvalidClientTokenId", Message: "The security token included in the request is invalid."}
			}
			if secret, ok := w.iam.keys[k.AccessKeyID]; !ok || secret != k.SecretAccessKey {
				return "", &smithy.GenericAPIError{Code: "InvalidClientTokenId"}
			}
			if w.wrongARN {
				return "arn:aws:iam::111111111111:user/bob", nil
			}
			return userARN, nil
		},
		ClearSessions: func() (int, error) { w.cleared++; return 3, w.clearErr },
		Out:           &w.out,
		Sleep: func(_ context.Context, d time.Duration) error {
			w.sleeps = append(w.sleeps, d)
			w.now = w.now.Add(d)
			return nil
		},
		Now: func() time.Time { return w.now },
	}
}

// storedWorks is the invariant: the keyring holds a key that IAM knows.
func (w *world) storedWorks(t *testing.T) string {
	t.Helper()
	k := w.store.key
	if secret, ok := w.iam.keys[k.AccessKeyID]; !ok || secret != k.SecretAccessKey {
		t.Fatalf("the stored key %s does not work; IAM has %v", k.AccessKeyID, w.iam.ids())
	}
	return k.AccessKeyID
}

func wantError(t *testing.T, err error, parts ...string) *Error {
	t.Helper()
	var re *Error
	if !errors.As(err, &re) {
		t.Fatalf("got %v, want a rotation error", err)
	}
	for _, p := range parts {
		if !strings.Contains(err.Error(), p) {
			t.Errorf("error %q\ndoes not contain %q", err, p)
		}
	}
	if strings.Contains(err.Error(), "Secret") {
		t.Errorf("secret in %q", err)
	}
	return re
}

func TestRotateSuccess(t *testing.T) {
	w := newWorld()
	res, err := w.rotation().Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if got := w.storedWorks(t); got == oldID || got != res.NewKey || res.OldKey != oldID || res.User != userName || res.Sessions != 3 {
		t.Errorf("stored %s, result %+v", got, res)
	}
	if ids := w.iam.ids(); len(ids) != 1 {
		t.Errorf("keys left: %v", ids)
	}
	want := "GetUser ListAccessKeys CreateAccessKey DeleteAccessKey:" + oldID + " DeleteAccessKey"
	if got := strings.Join(w.iam.calls, " "); got != want {
		t.Errorf("calls %s", got)
	}
	if w.cleared != 1 || len(w.sleeps) != 0 {
		t.Errorf("cleared %d, sleeps %v", w.cleared, w.sleeps)
	}
	if out := w.out.String(); strings.Contains(out, "newSecret") || strings.Contains(out, oldID) || !strings.Contains(out, "Deleted 3 cached sessions") {
		t.Errorf("output:\n%s", out)
	}
}

func TestRotateFailuresBeforeTheNewKey(t *testing.T) {
	denied := &smithy.GenericAPIError{Code: "AccessDenied", Message: "no"}
	for _, tc := range []struct {
		name  string
		setup func(w *world)
		parts []string
	}{
		{"GetUser", func(w *world) { w.iam.failNext("GetUser", denied) }, []string{"GetUser", "AccessDenied: no", "nothing was changed"}},
		{"CreateAccessKey", func(w *world) { w.iam.failNext("CreateAccessKey", denied) },
			[]string{"CreateAccessKey", "nothing was changed: the stored key " + oldID + " is still in use"}},
		{"CreateAccessKey over the quota", func(w *world) {
			w.iam.failNext("ListAccessKeys", denied)
			w.iam.keys["AKIAOTHEROTHEROTHER1"] = "x"
		}, []string{"LimitExceeded", "AWS allows 2 access keys per user"}},
		{"two keys already", func(w *world) { w.iam.keys["AKIAOTHEROTHEROTHER1"] = "x" },
			[]string{"already has 2 access keys", "the other key AKIAOTHEROTHEROTHER1", "--access-key-id AKIAOTHEROTHEROTHER1"}},
		{"stored key not the user's", func(w *world) {
			delete(w.iam.keys, oldID)
			w.iam.keys["AKIAOTHEROTHEROTHER1"] = "x"
		}, []string{"the stored key " + oldID + " is not one of the access keys of IAM user alice (AKIAOTHEROTHEROTHER1)", "nothing was changed"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld()
			tc.setup(w)
			before := w.iam.ids()
			_, err := w.rotation().Run(context.Background())
			wantError(t, err, tc.parts...)
			if w.store.key.AccessKeyID != oldID {
				t.Errorf("stored %s", w.store.key.AccessKeyID)
			}
			if got := w.iam.ids(); strings.Join(got, ",") != strings.Join(before, ",") {
				t.Errorf("keys %v, were %v", got, before)
			}
			if w.cleared != 0 {
				t.Error("sessions cleared")
			}
		})
	}
}

func TestRotateListAccessKeysIsOptional(t *testing.T) {
	w := newWorld()
	w.iam.failNext("ListAccessKeys", &smithy.GenericAPIError{Code: "AccessDenied"})
	if _, err := w.rotation().Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if w.storedWorks(t) == oldID || len(w.iam.keys) != 1 {
		t.Errorf("keys %v", w.iam.ids())
	}
}

func TestRotateStoreFailures(t *testing.T) {
	boom := errors.New("keyring backend \"file\": disk full")
	t.Run("new key deleted again", func(t *testing.T) {
		w := newWorld()
		w.store.setErrs = []error{boom}
		_, err := w.rotation().Run(context.Background())
		e := wantError(t, err, "storing the new key in the keyring: keyring backend", "the new key was deleted again; the keyring still holds the old key "+oldID+", which works")
		if w.storedWorks(t) != oldID || len(w.iam.keys) != 1 || e.Live != oldID || e.Delete != "" {
			t.Errorf("keys %v, error %+v", w.iam.ids(), e)
		}
	})
	t.Run("and deleting it fails", func(t *testing.T) {
		w := newWorld()
		w.store.setErrs = []error{boom}
		w.iam.failNext("DeleteAccessKey", &smithy.GenericAPIError{Code: "Throttling", Message: "slow down"})
		_, err := w.rotation().Run(context.Background())
		e := wantError(t, err, "the keyring still holds the old key "+oldID+", which works; the unused new key could not be deleted (Throttling: slow down)",
			"--access-key-id AKIANEWNEWNEWNEW0001")
		if w.storedWorks(t) != oldID || len(w.iam.keys) != 2 || e.Delete != "AKIANEWNEWNEWNEW0001" {
			t.Errorf("keys %v, error %+v", w.iam.ids(), e)
		}
	})
	t.Run("written despite the error", func(t *testing.T) {
		w := newWorld()
		w.store.setErrs, w.store.writeErr = []error{boom}, true
		if _, err := w.rotation().Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		if w.storedWorks(t) == oldID || len(w.iam.keys) != 1 {
			t.Errorf("keys %v", w.iam.ids())
		}
	})
	t.Run("cannot be read back", func(t *testing.T) {
		w := newWorld()
		w.store.setErrs = []error{boom}
		w.store.getErrs = []error{nil, errors.New("locked")}
		_, err := w.rotation().Run(context.Background())
		wantError(t, err, "could not be read back either (locked), so both keys were kept", oldID, "AKIANEWNEWNEWNEW0001")
		w.storedWorks(t)
		if len(w.iam.keys) != 2 {
			t.Errorf("keys %v", w.iam.ids())
		}
	})
}

func TestRotateWaitsForTheNewKey(t *testing.T) {
	w := newWorld()
	w.notYet = 3
	if _, err := w.rotation().Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(w.sleeps); got != "[1s 2s 4s]" {
		t.Errorf("sleeps %s", got)
	}
	if w.storedWorks(t) == oldID || len(w.iam.keys) != 1 {
		t.Errorf("keys %v", w.iam.ids())
	}
}

func TestRotateNewKeyNeverWorks(t *testing.T) {
	t.Run("undone", func(t *testing.T) {
		w := newWorld()
		w.notYet = 1000
		_, err := w.rotation().Run(context.Background())
		e := wantError(t, err, "waiting for the new key to work: it did not work after", "InvalidClientTokenId",
			"the new key was deleted; the keyring holds the old key "+oldID+" again, which works")
		var total time.Duration
		for _, d := range w.sleeps {
			total += d
			if d > DefaultBackoff.Max {
				t.Errorf("slept %s", d)
			}
		}
		if total > DefaultBackoff.Total || total < DefaultBackoff.Total/2 {
			t.Errorf("waited %s in all (%v)", total, w.sleeps)
		}
		if w.storedWorks(t) != oldID || len(w.iam.keys) != 1 || e.Live != oldID {
			t.Errorf("keys %v, error %+v", w.iam.ids(), e)
		}
	})
	t.Run("and the old key cannot be put back", func(t *testing.T) {
		w := newWorld()
		w.notYet = 1000
		w.store.setErrs = []error{nil, errors.New("locked")}
		_, err := w.rotation().Run(context.Background())
		e := wantError(t, err, "putting the old key back into the keyring failed too (locked): the keyring holds the new key AKIANEWNEWNEWNEW0001 and both keys are active",
			"delete the key "+oldID+" by hand")
		// Both keys still exist: the stored one will work once AWS
		// accepts it, and the old one works now.
		if len(w.iam.keys) != 2 || e.Live != "AKIANEWNEWNEWNEW0001" {
			t.Errorf("keys %v, error %+v", w.iam.ids(), e)
		}
		w.storedWorks(t)
	})
	t.Run("and the new key cannot be deleted", func(t *testing.T) {
		w := newWorld()
		w.notYet = 1000
		w.iam.failNext("DeleteAccessKey", &smithy.GenericAPIError{Code: "AccessDenied", Message: "no"})
		_, err := w.rotation().Run(context.Background())
		wantError(t, err, "the keyring holds the old key "+oldID+" again, which works; the new key could not be deleted (AccessDenied: no)",
			"delete the key AKIANEWNEWNEWNEW0001 by hand")
		if w.storedWorks(t) != oldID || len(w.iam.keys) != 2 {
			t.Errorf("keys %v", w.iam.ids())
		}
	})
	t.Run("works as someone else", func(t *testing.T) {
		w := newWorld()
		w.wrongARN = true
		_, err := w.rotation().Run(context.Background())
		wantError(t, err, "the new key belongs to arn:aws:iam::111111111111:user/bob, not "+userARN)
		if w.storedWorks(t) != oldID || len(w.iam.keys) != 1 || len(w.sleeps) != 0 {
			t.Errorf("keys %v, sleeps %v", w.iam.ids(), w.sleeps)
		}
	})
	t.Run("cancelled", func(t *testing.T) {
		w := newWorld()
		w.notYet = 1000
		ctx, cancel := context.WithCancel(context.Background())
		r := w.rotation()
		r.Sleep = func(context.Context, time.Duration) error { cancel(); return context.Canceled }
		_, err := r.Run(ctx)
		wantError(t, err, "context canceled")
		w.storedWorks(t)
	})
}

func TestRotateDeleteOldFails(t *testing.T) {
	w := newWorld()
	w.iam.failNext("DeleteAccessKey:"+oldID, &smithy.GenericAPIError{Code: "AccessDenied", Message: "no"})
	res, err := w.rotation().Run(context.Background())
	e := wantError(t, err, "deleting the old key (DeleteAccessKey): AccessDenied: no; the keyring holds the new key AKIANEWNEWNEWNEW0001, which works",
		"delete the key "+oldID+" by hand (for example: aws iam delete-access-key --user-name alice --access-key-id "+oldID+")")
	if got := w.storedWorks(t); got != "AKIANEWNEWNEWNEW0001" || len(w.iam.keys) != 2 || e.Delete != oldID || res == nil || res.NewKey != got {
		t.Errorf("stored %s, keys %v, error %+v, result %+v", got, w.iam.ids(), e, res)
	}
	if w.cleared != 1 {
		t.Error("sessions of the old key were kept")
	}
}

func TestRotateClearFailsIsANote(t *testing.T) {
	w := newWorld()
	w.clearErr = errors.New("locked")
	if _, err := w.rotation().Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(w.out.String(), "Could not delete the cached sessions (locked); run: aws-vault clear") {
		t.Errorf("output:\n%s", w.out.String())
	}
}
