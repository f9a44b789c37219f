package rotate

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/aws-vault/aws-vault/engine/awsfake"
	"github.com/aws-vault/aws-vault/engine/keyring"
)

// Every AWS call of these tests goes through the SDK's IAM and STS clients
// to the project's fake endpoint (engine/awsfake), which checks their
// signatures; failures are injected there with FailNext. The keyring is a
// real file keyring in a temporary directory, wrapped where a test needs a
// keyring failure.

const (
	account   = "111111111111"
	userName  = "alice"
	userARN   = "arn:aws:iam::111111111111:user/alice"
	bobARN    = "arn:aws:iam::111111111111:user/bob"
	mfaSerial = "arn:aws:iam::111111111111:mfa/alice"
	mfaCode   = "123456"
	oldID     = "AKIAOLDOLDOLDOLD0001"
	oldKey    = "oldSecret"
	otherID   = "AKIAOTHEROTHEROTHER1"
	profile   = "alice"
)

// store is the profile's item in a real keyring, whose Set and Get can be
// made to fail.
type store struct {
	ring     *keyring.Keyring
	setErrs  []error
	getErrs  []error
	writeErr bool               // Set writes, then fails
	sets     []keyring.LongTerm // every key Set was asked to store
	copies   []keyring.LongTerm // every copy SetCopy stored
	copyErr  error              // SetCopy fails with it
}

func (s *store) Get() (keyring.LongTerm, error) {
	if len(s.getErrs) > 0 {
		err := s.getErrs[0]
		s.getErrs = s.getErrs[1:]
		if err != nil {
			return keyring.LongTerm{}, err
		}
	}
	return s.ring.GetCredentials(profile)
}

func (s *store) Set(k keyring.LongTerm) error {
	s.sets = append(s.sets, k)
	if len(s.setErrs) > 0 {
		err := s.setErrs[0]
		s.setErrs = s.setErrs[1:]
		if err != nil {
			if s.writeErr {
				if werr := s.ring.SetCredentials(profile, k); werr != nil {
					return werr
				}
			}
			return err
		}
	}
	return s.ring.SetCredentials(profile, k)
}

func (s *store) GetCopy() (keyring.LongTerm, error) { return s.ring.Rotating(profile) }
func (s *store) SetCopy(k keyring.LongTerm) error {
	if s.copyErr != nil {
		return s.copyErr
	}
	s.copies = append(s.copies, k)
	return s.ring.KeepRotating(profile, k)
}
func (s *store) RemoveCopy() error { return s.ring.RemoveRotating(profile) }
func (s *store) CopyName() string  { return keyring.RotatingName(profile) }

type world struct {
	srv      *awsfake.Server
	ring     *keyring.Keyring
	store    *store
	iamCreds aws.CredentialsProvider // signs the IAM calls
	notYet   int                     // Verify fails this many more times
	wrongARN bool                    // STS answers for the new key as bob
	sleeps   []time.Duration
	now      time.Time
	cleared  int
	clearErr error
	out      bytes.Buffer
}

// newWorld is IAM user alice with the one key oldID, stored in a file
// keyring; the IAM calls are signed by that key.
func newWorld(t *testing.T) *world {
	t.Helper()
	srv := awsfake.Start(t)
	srv.AddUser(awsfake.User{Name: userName, AccountID: account, AccessKeyID: oldID, SecretAccessKey: oldKey, MFASerial: mfaSerial, MFACode: mfaCode})
	ring := keyring.New(keyring.Options{Backend: "file", FileDir: t.TempDir(), Passphrase: func(string) (string, error) { return "test passphrase", nil }})
	if err := ring.SetCredentials(profile, keyring.LongTerm{AccessKeyID: oldID, SecretAccessKey: oldKey}); err != nil {
		t.Fatal(err)
	}
	return &world{
		srv:      srv,
		ring:     ring,
		store:    &store{ring: ring},
		iamCreds: static(oldID, oldKey, ""),
		now:      time.Unix(1e9, 0),
	}
}

func static(id, secret, token string) aws.CredentialsProvider {
	return credentials.NewStaticCredentialsProvider(id, secret, token)
}

// noPause is the SDK's standard retryer (as production clients have)
// without its pauses: throttling is retried, but at once.
func noPause() aws.Retryer {
	return retry.NewStandard(func(o *retry.StandardOptions) {
		o.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 0, nil })
	})
}

func (w *world) iamClient() *iam.Client {
	return iam.New(iam.Options{Region: "us-east-1", BaseEndpoint: aws.String(w.srv.URL()), Credentials: w.iamCreds, Retryer: noPause()})
}

func (w *world) stsClient(creds aws.CredentialsProvider) *sts.Client {
	return sts.New(sts.Options{Region: "us-east-1", BaseEndpoint: aws.String(w.srv.URL()), Credentials: creds, Retryer: noPause()})
}

// callerARN is GetCallerIdentity signed by k.
func (w *world) callerARN(ctx context.Context, k keyring.LongTerm) (string, error) {
	out, err := w.stsClient(static(k.AccessKeyID, k.SecretAccessKey, "")).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return "", err
	}
	return aws.ToString(out.Arn), nil
}

func (w *world) rotation() *Rotation {
	return &Rotation{
		Profile: profile,
		Store:   w.store,
		IAM:     w.iamClient(),
		Verify: func(ctx context.Context, k keyring.LongTerm) (string, error) {
			if w.notYet > 0 {
				// AWS does not know the new key yet.
				w.notYet--
				w.srv.FailNextMessage("GetCallerIdentity", "InvalidClientTokenId", "The security token included in the request is invalid.", 403)
			}
			if w.wrongARN {
				// For this call, the key is bob's.
				w.srv.AddUser(awsfake.User{Name: "bob", AccountID: account, AccessKeyID: k.AccessKeyID, SecretAccessKey: k.SecretAccessKey})
				defer w.srv.AddUser(awsfake.User{Name: userName, AccountID: account, AccessKeyID: k.AccessKeyID, SecretAccessKey: k.SecretAccessKey, MFASerial: mfaSerial, MFACode: mfaCode})
			}
			return w.callerARN(ctx, k)
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

// keys are alice's access keys in IAM, sorted.
func (w *world) keys() []string { return w.srv.AccessKeys(account, userName) }

// newKey is the key IAM created (the first one the rotation stored).
func (w *world) newKey(t *testing.T) keyring.LongTerm {
	t.Helper()
	if len(w.store.sets) == 0 || w.store.sets[0].AccessKeyID == oldID {
		t.Fatalf("no new key was stored (%v)", w.store.sets)
	}
	return w.store.sets[0]
}

// stored is the key in the keyring.
func (w *world) stored(t *testing.T) string {
	t.Helper()
	k, err := w.ring.GetCredentials(profile)
	if err != nil {
		t.Fatal(err)
	}
	return k.AccessKeyID
}

// storedWorks is the invariant: the keyring holds a key that AWS accepts
// as alice.
func (w *world) storedWorks(t *testing.T) string {
	t.Helper()
	k, err := w.ring.GetCredentials(profile)
	if err != nil {
		t.Fatal(err)
	}
	if arn, err := w.callerARN(context.Background(), k); err != nil || arn != userARN {
		t.Fatalf("the stored key %s does not work (%q, %v); IAM has %v", k.AccessKeyID, arn, err, w.keys())
	}
	return k.AccessKeyID
}

// deleteCalls are the DeleteAccessKey calls IAM received, as
// "KEY" or "KEY:ERRORCODE".
func (w *world) deleteCalls() []string {
	var out []string
	for _, c := range w.srv.Calls() {
		if c.Action == "DeleteAccessKey" {
			s := c.Params.Get("AccessKeyId")
			if c.Err != "" {
				s += ":" + c.Err
			}
			out = append(out, s)
		}
	}
	return out
}

func (w *world) wantError(t *testing.T, err error, parts ...string) *Error {
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
	if strings.Contains(err.Error(), oldKey) {
		t.Errorf("secret in %q", err)
	}
	for _, k := range w.store.sets {
		if strings.Contains(err.Error(), k.SecretAccessKey) {
			t.Errorf("secret in %q", err)
		}
	}
	return re
}

func TestRotateSuccess(t *testing.T) {
	w := newWorld(t)
	res, err := w.rotation().Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	nk := w.newKey(t)
	var calls []string
	for _, c := range w.srv.Calls() {
		s := c.Service + ":" + c.Action
		if c.Action == "DeleteAccessKey" {
			s += ":" + c.Params.Get("AccessKeyId")
		}
		if c.Err != "" {
			s += ":" + c.Err
		}
		calls = append(calls, s)
		if want := map[string]string{"iam": oldID, "sts": nk.AccessKeyID}[c.Service]; c.AccessKeyID != want {
			t.Errorf("%s signed by %s, want %s", s, c.AccessKeyID, want)
		}
	}
	want := "iam:GetUser iam:ListAccessKeys iam:CreateAccessKey sts:GetCallerIdentity iam:DeleteAccessKey:" + oldID
	if got := strings.Join(calls, " "); got != want {
		t.Errorf("calls %s", got)
	}
	if got := w.storedWorks(t); got == oldID || got != res.NewKey || got != nk.AccessKeyID || res.OldKey != oldID || res.User != userName || res.Sessions != 3 {
		t.Errorf("stored %s, result %+v", got, res)
	}
	if ids := w.keys(); len(ids) != 1 || ids[0] != res.NewKey {
		t.Errorf("keys left: %v", ids)
	}
	if w.cleared != 1 || len(w.sleeps) != 0 {
		t.Errorf("cleared %d, sleeps %v", w.cleared, w.sleeps)
	}
	if out := w.out.String(); strings.Contains(out, nk.SecretAccessKey) || strings.Contains(out, oldID) || !strings.Contains(out, "Deleted 3 cached sessions") {
		t.Errorf("output:\n%s", out)
	}
}

func TestRotateFailuresBeforeTheNewKey(t *testing.T) {
	denied := func(action string) func(w *world) {
		return func(w *world) { w.srv.FailNextMessage(action, "AccessDenied", "no", 403) }
	}
	addOther := func(w *world) {
		w.srv.AddUser(awsfake.User{Name: userName, AccountID: account, AccessKeyID: otherID, SecretAccessKey: "otherSecret"})
	}
	for _, tc := range []struct {
		name  string
		setup func(t *testing.T, w *world)
		parts []string
	}{
		{"GetUser", func(_ *testing.T, w *world) { denied("GetUser")(w) }, []string{"GetUser", "AccessDenied: no", "nothing was changed"}},
		{"CreateAccessKey", func(_ *testing.T, w *world) { denied("CreateAccessKey")(w) },
			[]string{"CreateAccessKey", "nothing was changed: the stored key " + oldID + " is still in use"}},
		{"CreateAccessKey over the quota", func(_ *testing.T, w *world) {
			// Without ListAccessKeys, IAM's own LimitExceeded tells.
			denied("ListAccessKeys")(w)
			addOther(w)
		}, []string{"LimitExceeded", "AWS allows 2 access keys per user"}},
		{"two keys already", func(_ *testing.T, w *world) { addOther(w) },
			[]string{"already has 2 access keys", "the other key " + otherID, "--access-key-id " + otherID}},
		{"stored key not the user's", func(t *testing.T, w *world) {
			// The stored key was deleted elsewhere; IAM is called with
			// an MFA session made from it before, which outlives it.
			addOther(w)
			st, err := w.stsClient(static(oldID, oldKey, "")).GetSessionToken(context.Background(),
				&sts.GetSessionTokenInput{SerialNumber: aws.String(mfaSerial), TokenCode: aws.String(mfaCode)})
			if err != nil {
				t.Fatal(err)
			}
			c := st.Credentials
			w.iamCreds = static(aws.ToString(c.AccessKeyId), aws.ToString(c.SecretAccessKey), aws.ToString(c.SessionToken))
			if _, err := w.iamClient().DeleteAccessKey(context.Background(), &iam.DeleteAccessKeyInput{AccessKeyId: aws.String(oldID)}); err != nil {
				t.Fatal(err)
			}
		}, []string{"the stored key " + oldID + " is not one of the access keys of IAM user alice (" + otherID + ")", "nothing was changed"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t)
			tc.setup(t, w)
			before := w.keys()
			_, err := w.rotation().Run(context.Background())
			w.wantError(t, err, tc.parts...)
			if got := w.stored(t); got != oldID {
				t.Errorf("stored %s", got)
			}
			if got := w.keys(); strings.Join(got, ",") != strings.Join(before, ",") {
				t.Errorf("keys %v, were %v", got, before)
			}
			if w.cleared != 0 || len(w.store.sets) != 0 {
				t.Errorf("sessions cleared %d times, keys stored %v", w.cleared, w.store.sets)
			}
		})
	}
}

func TestRotateListAccessKeysIsOptional(t *testing.T) {
	w := newWorld(t)
	w.srv.FailNext("ListAccessKeys", "AccessDenied", 403)
	if _, err := w.rotation().Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if w.storedWorks(t) == oldID || len(w.keys()) != 1 || w.srv.CountCalls("ListAccessKeys") != 1 {
		t.Errorf("keys %v", w.keys())
	}
}

func TestRotateStoreFailures(t *testing.T) {
	boom := errors.New("keyring backend \"file\": disk full")
	t.Run("new key deleted again", func(t *testing.T) {
		w := newWorld(t)
		w.store.setErrs = []error{boom}
		_, err := w.rotation().Run(context.Background())
		e := w.wantError(t, err, "storing the new key in the keyring: keyring backend", "the new key was deleted again; the keyring still holds the old key "+oldID+", which works")
		nk := w.newKey(t).AccessKeyID
		if w.storedWorks(t) != oldID || len(w.keys()) != 1 || e.Live != oldID || e.Delete != "" {
			t.Errorf("keys %v, error %+v", w.keys(), e)
		}
		if got := fmt.Sprint(w.deleteCalls()); got != "["+nk+"]" {
			t.Errorf("deleted %s, want the new key %s", got, nk)
		}
	})
	t.Run("and deleting it fails", func(t *testing.T) {
		w := newWorld(t)
		w.store.setErrs = []error{boom}
		// Throttling, as often as the SDK tries (it retries throttling).
		for range 3 {
			w.srv.FailNextMessage("DeleteAccessKey", "Throttling", "slow down", 400)
		}
		_, err := w.rotation().Run(context.Background())
		nk := w.newKey(t).AccessKeyID
		e := w.wantError(t, err, "the keyring still holds the old key "+oldID+", which works; the unused new key could not be deleted (Throttling: slow down)",
			"--access-key-id "+nk)
		if w.storedWorks(t) != oldID || len(w.keys()) != 2 || e.Delete != nk {
			t.Errorf("keys %v, error %+v", w.keys(), e)
		}
		if got, want := fmt.Sprint(w.deleteCalls()), fmt.Sprintf("[%[1]s:Throttling %[1]s:Throttling %[1]s:Throttling]", nk); got != want {
			t.Errorf("deletes %s, want %s", got, want)
		}
	})
	t.Run("written despite the error", func(t *testing.T) {
		w := newWorld(t)
		w.store.setErrs, w.store.writeErr = []error{boom}, true
		if _, err := w.rotation().Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		if w.storedWorks(t) == oldID || len(w.keys()) != 1 {
			t.Errorf("keys %v", w.keys())
		}
	})
	t.Run("cannot be read back", func(t *testing.T) {
		w := newWorld(t)
		w.store.setErrs = []error{boom}
		w.store.getErrs = []error{nil, errors.New("locked")}
		_, err := w.rotation().Run(context.Background())
		w.wantError(t, err, "could not be read back either (locked), so both keys were kept", oldID, w.newKey(t).AccessKeyID)
		w.storedWorks(t)
		if len(w.keys()) != 2 || len(w.deleteCalls()) != 0 {
			t.Errorf("keys %v, deletes %v", w.keys(), w.deleteCalls())
		}
	})
}

func TestRotateWaitsForTheNewKey(t *testing.T) {
	w := newWorld(t)
	w.notYet = 3
	if _, err := w.rotation().Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(w.sleeps); got != "[1s 2s 4s]" {
		t.Errorf("sleeps %s", got)
	}
	if n := w.srv.CountCalls("GetCallerIdentity"); n != 4 {
		t.Errorf("%d GetCallerIdentity calls", n)
	}
	if w.storedWorks(t) == oldID || len(w.keys()) != 1 {
		t.Errorf("keys %v", w.keys())
	}
}

func TestRotateNewKeyNeverWorks(t *testing.T) {
	t.Run("undone", func(t *testing.T) {
		w := newWorld(t)
		w.notYet = 1000
		_, err := w.rotation().Run(context.Background())
		e := w.wantError(t, err, "waiting for the new key to work: it did not work after", "InvalidClientTokenId",
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
		if n := w.srv.CountCalls("GetCallerIdentity"); n != len(w.sleeps)+1 {
			t.Errorf("%d GetCallerIdentity calls, %d sleeps", n, len(w.sleeps))
		}
		if w.storedWorks(t) != oldID || len(w.keys()) != 1 || e.Live != oldID {
			t.Errorf("keys %v, error %+v", w.keys(), e)
		}
	})
	t.Run("and the old key cannot be put back", func(t *testing.T) {
		w := newWorld(t)
		w.notYet = 1000
		w.store.setErrs = []error{nil, errors.New("locked")}
		_, err := w.rotation().Run(context.Background())
		nk := w.newKey(t).AccessKeyID
		e := w.wantError(t, err, "putting the old key back into the keyring failed too (locked): the keyring holds the new key "+nk+", and a copy of the old key "+oldID+` as "alice (rotating)"; both keys are active`,
			"when aws-vault exec works with the new key, the old one can go")
		if c, err := w.ring.Rotating(profile); err != nil || c.AccessKeyID != oldID || c.SecretAccessKey != oldKey {
			t.Errorf("the copy of the old key: %+v, %v", c, err)
		}
		// The new key has never worked: nothing is to be deleted by
		// hand yet, least of all the old key, which works now.
		if e.Delete != "" || strings.Contains(err.Error(), "by hand") {
			t.Errorf("error says to delete %q: %v", e.Delete, err)
		}
		// Both keys still exist: the stored one will work once AWS
		// accepts it, and the old one works now.
		if len(w.keys()) != 2 || e.Live != nk || len(w.deleteCalls()) != 0 {
			t.Errorf("keys %v, deletes %v, error %+v", w.keys(), w.deleteCalls(), e)
		}
		if got := w.storedWorks(t); got != nk {
			t.Errorf("stored %s", got)
		}
		if _, err := w.callerARN(context.Background(), keyring.LongTerm{AccessKeyID: oldID, SecretAccessKey: oldKey}); err != nil {
			t.Errorf("the old key: %v", err)
		}
	})
	t.Run("and the new key cannot be deleted", func(t *testing.T) {
		w := newWorld(t)
		w.notYet = 1000
		w.srv.FailNextMessage("DeleteAccessKey", "AccessDenied", "no", 403)
		_, err := w.rotation().Run(context.Background())
		nk := w.newKey(t).AccessKeyID
		w.wantError(t, err, "the keyring holds the old key "+oldID+" again, which works; the new key could not be deleted (AccessDenied: no)",
			"delete the key "+nk+" by hand")
		if w.storedWorks(t) != oldID || len(w.keys()) != 2 {
			t.Errorf("keys %v", w.keys())
		}
		if got := fmt.Sprint(w.deleteCalls()); got != "["+nk+":AccessDenied]" {
			t.Errorf("deletes %s", got)
		}
	})
	t.Run("works as someone else", func(t *testing.T) {
		w := newWorld(t)
		w.wrongARN = true
		_, err := w.rotation().Run(context.Background())
		w.wantError(t, err, "the new key belongs to "+bobARN+", not "+userARN)
		if w.storedWorks(t) != oldID || len(w.keys()) != 1 || len(w.sleeps) != 0 {
			t.Errorf("keys %v, sleeps %v", w.keys(), w.sleeps)
		}
	})
	t.Run("cancelled", func(t *testing.T) {
		w := newWorld(t)
		w.notYet = 1000
		ctx, cancel := context.WithCancel(context.Background())
		r := w.rotation()
		r.Sleep = func(context.Context, time.Duration) error { cancel(); return context.Canceled }
		_, err := r.Run(ctx)
		e := w.wantError(t, err, "context canceled")
		w.storedWorks(t)
		// The clean-up still runs after the caller gave up: the new key,
		// which never worked, is deleted and the old one is live.
		if e.Live != oldID || e.Delete != "" || len(w.keys()) != 1 || len(w.deleteCalls()) != 1 {
			t.Errorf("keys %v, deletes %v, error %+v", w.keys(), w.deleteCalls(), e)
		}
	})
}

func TestRotateDeleteOldFails(t *testing.T) {
	w := newWorld(t)
	w.srv.FailNextMessage("DeleteAccessKey", "AccessDenied", "no", 403)
	res, err := w.rotation().Run(context.Background())
	nk := w.newKey(t).AccessKeyID
	e := w.wantError(t, err, "deleting the old key (DeleteAccessKey): AccessDenied: no; the keyring holds the new key "+nk+", which works",
		"delete the key "+oldID+" by hand (for example: aws iam delete-access-key --user-name alice --access-key-id "+oldID+")")
	if got := w.storedWorks(t); got != nk || len(w.keys()) != 2 || e.Delete != oldID || res == nil || res.NewKey != got {
		t.Errorf("stored %s, keys %v, error %+v, result %+v", got, w.keys(), e, res)
	}
	if got := fmt.Sprint(w.deleteCalls()); got != "["+oldID+":AccessDenied]" {
		t.Errorf("deletes %s", got)
	}
	if w.cleared != 1 {
		t.Error("sessions of the old key were kept")
	}
}

func TestRotateClearFailsIsANote(t *testing.T) {
	w := newWorld(t)
	w.clearErr = errors.New("locked")
	if _, err := w.rotation().Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(w.out.String(), "Could not delete the cached sessions (locked); run: aws-vault clear") {
		t.Errorf("output:\n%s", w.out.String())
	}
}
