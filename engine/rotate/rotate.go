// Package rotate replaces an IAM user's stored access key with a new one,
// in an order that never leaves the keyring without a key that works:
//
//  1. GetUser: whose key it is (as seen by the credentials that call IAM);
//  2. ListAccessKeys (advisory): explain up front when the user already has
//     the two keys AWS allows;
//  3. keep a copy of the old key in the keyring (Store.SetCopy), then
//     CreateAccessKey (if that fails, the user's keys are listed again: a
//     key created by a call whose answer was lost is named, to be deleted);
//  4. store the new key in the keyring and read it back (if that fails,
//     the new key is deleted again and the old one stays);
//  5. wait until the new key works: GetCallerIdentity signed by it, with
//     backoff, for a bounded time (if it never works, the old key goes back
//     into the keyring and the new one is deleted); once it works, the copy
//     of the old key goes;
//  6. DeleteAccessKey of the old key (if that fails, the new key stays and
//     the error says which key to delete by hand);
//  7. clear the cached sessions made from the old key.
//
// Every failure after step 3 says which key is in the keyring (and works)
// and what, if anything, is left to delete by hand. Key IDs are named in
// full there, since deleting needs them; secrets never are. Until the new
// key is stored and works, the keyring holds the old key, or a copy of it:
// a rotation killed at any point leaves a key that works.
package rotate

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/smithy-go"

	"github.com/aws-vault/aws-vault/engine/keyring"
	"github.com/aws-vault/aws-vault/engine/providers"
)

// Store holds the key being rotated (a keyring item), and the copy of the
// old key kept while it is replaced (another item).
type Store interface {
	Get() (keyring.LongTerm, error)
	Set(keyring.LongTerm) error
	// GetCopy returns keyring.ErrNotFound when there is no copy.
	GetCopy() (keyring.LongTerm, error)
	SetCopy(keyring.LongTerm) error
	// RemoveCopy succeeds when there is no copy.
	RemoveCopy() error
	// CopyName names the copy's item for people.
	CopyName() string
}

// Backoff bounds the wait for a new key to work.
type Backoff struct {
	First time.Duration // first pause
	Max   time.Duration // longest pause
	Total time.Duration // give up after this long
}

// DefaultBackoff: new IAM keys usually work within seconds; a minute is
// plenty.
var DefaultBackoff = Backoff{First: time.Second, Max: 8 * time.Second, Total: time.Minute}

// MaxKeys is how many access keys AWS allows an IAM user.
const MaxKeys = 2

// The steps, as errors name them.
const (
	stepGetUser = "getting the IAM user (GetUser)"
	stepList    = "listing the user's access keys (ListAccessKeys)"
	stepCreate  = "creating a new access key (CreateAccessKey)"
	stepCopy    = "keeping a copy of the old key in the keyring"
	stepStore   = "storing the new key in the keyring"
	stepWait    = "waiting for the new key to work"
	stepDelete  = "deleting the old key (DeleteAccessKey)"
)

// Rotation is one key rotation.
type Rotation struct {
	// Profile is the profile whose stored key is rotated (for messages).
	Profile string
	Store   Store
	// IAM is signed by the credentials allowed to manage the user's keys
	// (an MFA session of the user, or its long-term key). It is the SDK's
	// client itself, not an interface over it: once *iam.Client is
	// converted to an interface, the linker must keep all of its several
	// hundred exported methods (kong and godbus look methods up by name),
	// 3.5 MB of code; with their tables, 6.5 MB of a 25 MB binary.
	IAM *iam.Client
	// Verify signs a request (GetCallerIdentity) with key and returns
	// the caller's ARN.
	Verify func(ctx context.Context, key keyring.LongTerm) (string, error)
	// ClearSessions deletes the sessions cached from the old key and
	// returns how many it deleted.
	ClearSessions func() (int, error)

	Out     io.Writer // progress for people; never secrets
	Backoff Backoff   // zero: DefaultBackoff
	// Sleep waits (for tests); nil waits for real.
	Sleep func(context.Context, time.Duration) error
	Now   func() time.Time
}

// Result is a finished rotation.
type Result struct {
	User           string // IAM user name
	OldKey, NewKey string // access key IDs
	Sessions       int    // cached sessions deleted
}

// Error is a rotation that failed. Live is the key in the keyring when it
// ended; Delete is a key that still exists in AWS and should be deleted by
// hand ("" if none).
type Error struct {
	Step   string
	Err    error
	User   string
	Live   string
	Delete string
	// Note says what happened to the keys, when something did.
	Note string
}

func (e *Error) Error() string {
	msg := e.Step + ": " + e.Err.Error()
	if e.Note != "" {
		msg += "; " + e.Note
	}
	if e.Delete != "" {
		msg += fmt.Sprintf("; delete the key %s by hand (for example: aws iam delete-access-key --user-name %s --access-key-id %s)", e.Delete, e.User, e.Delete)
	}
	return msg
}

func (e *Error) Unwrap() error { return e.Err }

// Run rotates the key.
func (r *Rotation) Run(ctx context.Context) (*Result, error) {
	out := r.Out
	if out == nil {
		out = io.Discard
	}
	old, err := r.Store.Get()
	if err != nil {
		return nil, err
	}
	log.Printf("profile %s: rotating access key %s", r.Profile, providers.Redact(old.AccessKeyID))
	leftover, err := r.leftoverCopy(old)
	if err != nil {
		return nil, err
	}

	// 1. Who is it?
	gu, err := r.IAM.GetUser(ctx, &iam.GetUserInput{})
	if err != nil {
		return nil, &Error{Step: stepGetUser, Err: providers.Explain(err), Live: old.AccessKeyID, Note: "nothing was changed"}
	}
	if gu.User == nil || gu.User.UserName == nil {
		return nil, &Error{Step: stepGetUser, Err: errors.New("IAM answered without a user"), Live: old.AccessKeyID, Note: "nothing was changed"}
	}
	user, userARN := *gu.User.UserName, aws.ToString(gu.User.Arn)
	res := &Result{User: user, OldKey: old.AccessKeyID}

	// 2. Room for a second key?
	keys, err := r.listKeys(ctx, user)
	switch {
	case err != nil && leftover != nil:
		return nil, &Error{Step: stepList, Err: providers.Explain(err), User: user, Live: old.AccessKeyID,
			Note: fmt.Sprintf("nothing was changed; an earlier rotation did not finish, and whether IAM user %s still has the key it replaced (%s, of which the keyring keeps a copy as %q) cannot be told without this list", user, leftover.AccessKeyID, r.Store.CopyName())}
	case err != nil:
		log.Printf("ListAccessKeys (going on without it): %v", providers.Explain(err))
	case leftover != nil && contains(keys, leftover.AccessKeyID):
		return nil, &Error{Step: stepList, User: user, Live: old.AccessKeyID,
			Err: fmt.Errorf("an earlier rotation did not finish: IAM user %s has the keys %s; the keyring holds %s for profile %s, and a copy of the key it was replacing, %s, as %q",
				user, strings.Join(keys, ", "), old.AccessKeyID, r.Profile, leftover.AccessKeyID, r.Store.CopyName()),
			Note: fmt.Sprintf("nothing was changed; keep the key that works (try aws-vault exec %s, and aws-vault exec %s), delete the other (aws iam delete-access-key --user-name %s --access-key-id KEY), remove the copy (aws-vault remove %s) if it is the one deleted, and rotate again",
				shellWord(r.Profile), shellWord(r.Store.CopyName()), user, shellWord(r.Store.CopyName()))}
	case !contains(keys, old.AccessKeyID):
		return nil, &Error{Step: stepList, User: user, Live: old.AccessKeyID,
			Err:  fmt.Errorf("the stored key %s is not one of the access keys of IAM user %s (%s)", old.AccessKeyID, user, strings.Join(keys, ", ")),
			Note: "nothing was changed"}
	case len(keys) >= MaxKeys:
		others := without(keys, old.AccessKeyID)
		return nil, &Error{Step: stepCreate, User: user, Live: old.AccessKeyID,
			Err: fmt.Errorf("IAM user %s already has %d access keys, the most AWS allows", user, len(keys)),
			Note: fmt.Sprintf("nothing was changed (the stored key is %s); once you are sure nothing uses the other key %s, delete it (aws iam delete-access-key --user-name %s --access-key-id %s) and rotate again",
				old.AccessKeyID, strings.Join(others, ", "), user, others[0])}
	}

	if leftover != nil {
		// The copied key no longer exists: the copy is of no use.
		log.Printf("dropping the copy of %s an earlier rotation left (%s): IAM user %s no longer has that key", leftover.AccessKeyID, r.Store.CopyName(), user)
		if err := r.Store.RemoveCopy(); err != nil {
			return nil, &Error{Step: stepCopy, Err: err, User: user, Live: old.AccessKeyID, Note: "nothing was changed"}
		}
	}

	// 3. A copy of the old key, then a new key.
	if err := r.Store.SetCopy(old); err != nil {
		return nil, &Error{Step: stepCopy, Err: err, User: user, Live: old.AccessKeyID, Note: "nothing was changed"}
	}
	fmt.Fprintf(out, "Creating a new access key for IAM user %s\n", user)
	ck, err := r.IAM.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String(user)})
	if err != nil {
		r.removeCopy(out)
		undo, cancel := undoContext(ctx)
		defer cancel()
		return nil, r.failedCreate(undo, user, old, keys, providers.Explain(err), isCode(err, "LimitExceeded"))
	}
	if ck.AccessKey == nil || ck.AccessKey.AccessKeyId == nil || ck.AccessKey.SecretAccessKey == nil {
		r.removeCopy(out)
		undo, cancel := undoContext(ctx)
		defer cancel()
		return nil, r.failedCreate(undo, user, old, keys, errors.New("IAM answered without a key"), false)
	}
	nk := keyring.LongTerm{AccessKeyID: *ck.AccessKey.AccessKeyId, SecretAccessKey: *ck.AccessKey.SecretAccessKey}
	res.NewKey = nk.AccessKeyID
	fmt.Fprintf(out, "Created new access key %s\n", providers.Redact(nk.AccessKeyID))

	// 4. Into the keyring, and read back: a backend may fail after
	// writing, or report success for a write that did not happen.
	setErr := r.Store.Set(nk)
	got, getErr := r.Store.Get()
	switch {
	case getErr == nil && got == nk && setErr != nil:
		log.Printf("storing the new key reported %v, but the keyring holds it; going on", setErr)
	case getErr == nil && got == nk:
	default:
		if setErr == nil {
			setErr = errors.New("the keyring does not return the new key after storing it")
		}
		undo, cancel := undoContext(ctx)
		defer cancel()
		return nil, r.undoStore(undo, user, old, nk, got, setErr, getErr)
	}

	// 5. Wait until it works.
	fmt.Fprintf(out, "Waiting for the new access key to work\n")
	if err := r.waitFor(ctx, nk, userARN); err != nil {
		undo, cancel := undoContext(ctx)
		defer cancel()
		return nil, r.undoNew(undo, user, old, nk, err)
	}
	// Stored and working: the old key is not needed any more.
	r.removeCopy(out)

	// 6. Delete the old key.
	fmt.Fprintf(out, "Deleting old access key %s\n", providers.Redact(old.AccessKeyID))
	delErr := r.deleteKey(ctx, user, old.AccessKeyID)

	// 7. Sessions made from the old key go either way: the keyring
	// holds the new key now.
	n, clearErr := r.clear()
	res.Sessions = n
	if delErr != nil {
		return res, &Error{Step: stepDelete, Err: providers.Explain(delErr), User: user, Live: nk.AccessKeyID, Delete: old.AccessKeyID,
			Note: fmt.Sprintf("the keyring holds the new key %s, which works; the old key %s is still active", nk.AccessKeyID, old.AccessKeyID)}
	}
	if clearErr != nil {
		fmt.Fprintf(out, "Could not delete the cached sessions (%v); run: aws-vault clear\n", clearErr)
	} else if n > 0 {
		fmt.Fprintf(out, "Deleted %d cached sessions\n", n)
	}
	return res, nil
}

func (r *Rotation) clear() (int, error) {
	if r.ClearSessions == nil {
		return 0, nil
	}
	return r.ClearSessions()
}

func (r *Rotation) listKeys(ctx context.Context, user string) ([]string, error) {
	out, err := r.IAM.ListAccessKeys(ctx, &iam.ListAccessKeysInput{UserName: aws.String(user)})
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, m := range out.AccessKeyMetadata {
		ids = append(ids, aws.ToString(m.AccessKeyId))
	}
	return ids, nil
}

// undoContext lets the clean-up after a failure finish even when the
// failure was the caller giving up (Ctrl-C): leaving an unused key behind
// is the worse outcome. It is bounded all the same.
func undoContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
}

// undoStore handles a failure to store the new key; got and getErr are
// what reading the keyring back gave.
func (r *Rotation) undoStore(ctx context.Context, user string, old, nk, got keyring.LongTerm, setErr, getErr error) error {
	e := &Error{Step: stepStore, Err: setErr, User: user}
	if getErr != nil || got != old {
		// Which key is stored is unknown, or it is not the old one:
		// delete nothing, and keep the copy of the old key.
		why := fmt.Sprintf("the keyring could not be read back either (%v)", getErr)
		if getErr == nil {
			why = fmt.Sprintf("the keyring returns neither key (it holds %s)", got.AccessKeyID)
		}
		e.Note = fmt.Sprintf("%s, so both keys were kept: the old key %s and the new key %s are both active, and the keyring keeps a copy of the old key as %q; "+
			"keep the one aws-vault exec works with and delete the other (aws iam delete-access-key --user-name %s --access-key-id KEY)", why, old.AccessKeyID, nk.AccessKeyID, r.Store.CopyName(), user)
		return e
	}
	r.removeCopy(nil)
	e.Live = got.AccessKeyID
	if err := r.deleteKey(ctx, user, nk.AccessKeyID); err != nil {
		e.Delete = nk.AccessKeyID
		e.Note = fmt.Sprintf("the keyring still holds the old key %s, which works; the unused new key could not be deleted (%v)", got.AccessKeyID, providers.Explain(err))
		return e
	}
	e.Note = fmt.Sprintf("the new key was deleted again; the keyring still holds the old key %s, which works", got.AccessKeyID)
	return e
}

// undoNew handles a new key that never worked: the old key goes back into
// the keyring, then the new key is deleted.
func (r *Rotation) undoNew(ctx context.Context, user string, old, nk keyring.LongTerm, waitErr error) error {
	e := &Error{Step: stepWait, Err: waitErr, User: user}
	if err := r.Store.Set(old); err != nil {
		// Both keys stay: the keyring holds the new one, which AWS may
		// yet accept, and the old one still works. Nothing is to be
		// deleted by hand yet: the new key has never worked, so the
		// old one may still be the only key that does.
		e.Live = nk.AccessKeyID
		e.Note = fmt.Sprintf("putting the old key back into the keyring failed too (%v): the keyring holds the new key %s, and a copy of the old key %s as %q; both keys are active; when aws-vault exec works with the new key, the old one can go",
			err, nk.AccessKeyID, old.AccessKeyID, r.Store.CopyName())
		return e
	}
	r.removeCopy(nil)
	e.Live = old.AccessKeyID
	if err := r.deleteKey(ctx, user, nk.AccessKeyID); err != nil {
		e.Delete = nk.AccessKeyID
		e.Note = fmt.Sprintf("the keyring holds the old key %s again, which works; the new key could not be deleted (%v)", old.AccessKeyID, providers.Explain(err))
		return e
	}
	e.Note = fmt.Sprintf("the new key was deleted; the keyring holds the old key %s again, which works", old.AccessKeyID)
	return e
}

// leftoverCopy returns the copy of a key that an earlier rotation kept and
// did not remove (it was killed, or removing failed), or nil. A copy of the
// stored key itself is removed at once.
func (r *Rotation) leftoverCopy(stored keyring.LongTerm) (*keyring.LongTerm, error) {
	c, err := r.Store.GetCopy()
	switch {
	case errors.Is(err, keyring.ErrNotFound):
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("reading the copy of the old key an earlier rotation kept (%s): %w", r.Store.CopyName(), err)
	case c.AccessKeyID == stored.AccessKeyID:
		log.Printf("dropping %s, a copy of the stored key an earlier rotation left", r.Store.CopyName())
		return nil, r.Store.RemoveCopy()
	}
	return &c, nil
}

// removeCopy removes the copy of the old key once it is not needed; a
// failure is only reported (to out, if not nil): the next rotation finds
// the copy and removes it.
func (r *Rotation) removeCopy(out io.Writer) {
	if err := r.Store.RemoveCopy(); err != nil {
		log.Printf("removing %s: %v", r.Store.CopyName(), err)
		if out != nil {
			fmt.Fprintf(out, "Could not remove the copy of the old key (%v); remove it with: aws-vault remove %s\n", err, shellWord(r.Store.CopyName()))
		}
	}
}

// failedCreate is a CreateAccessKey that failed. Its answer may have been
// lost after IAM created the key (the SDK then retries, and the retry may
// fail with LimitExceeded): the user's keys are listed again, and any key
// that was not there before (before: the keys listed in step 2, nil if
// that failed) is named, since nobody knows its secret.
func (r *Rotation) failedCreate(ctx context.Context, user string, old keyring.LongTerm, before []string, err error, limit bool) error {
	e := &Error{Step: stepCreate, Err: err, User: user, Live: old.AccessKeyID}
	after, lerr := r.listKeys(ctx, user)
	if lerr != nil {
		e.Note = fmt.Sprintf("the stored key %s is unchanged; whether IAM created a key anyway could not be checked (ListAccessKeys: %v): see aws iam list-access-keys --user-name %s", old.AccessKeyID, providers.Explain(lerr), user)
		return e
	}
	var extra []string
	for _, id := range after {
		if id != old.AccessKeyID && (before == nil || !contains(before, id)) {
			extra = append(extra, id)
		}
	}
	switch {
	case len(extra) > 0 && before != nil:
		e.Note = fmt.Sprintf("the stored key %s is unchanged, but IAM user %s now has the new key %s, whose secret aws-vault never received (IAM's answer was lost): it cannot be used", old.AccessKeyID, user, strings.Join(extra, ", "))
		if len(extra) == 1 {
			e.Delete = extra[0]
		} else {
			e.Note += fmt.Sprintf("; delete them by hand (aws iam delete-access-key --user-name %s --access-key-id KEY)", user)
		}
	case len(extra) > 0:
		e.Note = fmt.Sprintf("the stored key %s is unchanged; IAM user %s also has the key %s, made before, or by this call with IAM's answer lost (then aws-vault never received its secret): if nothing of yours uses it, delete it (aws iam delete-access-key --user-name %s --access-key-id KEY)", old.AccessKeyID, user, strings.Join(extra, ", "), user)
	default:
		e.Note = fmt.Sprintf("nothing was changed: the stored key %s is still in use", old.AccessKeyID)
	}
	if limit && e.Delete == "" {
		e.Note += fmt.Sprintf("; AWS allows %d access keys per user: delete the one aws-vault does not store (see aws iam list-access-keys --user-name %s) and rotate again", MaxKeys, user)
	}
	return e
}

// shellWord quotes s for a command line shown to a person.
func shellWord(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.,:/@+=") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// deleteKey deletes the user's access key id.
func (r *Rotation) deleteKey(ctx context.Context, user, id string) error {
	_, err := r.IAM.DeleteAccessKey(ctx, &iam.DeleteAccessKeyInput{UserName: aws.String(user), AccessKeyId: aws.String(id)})
	return err
}

// waitFor calls Verify with the new key until it succeeds as the expected
// user, or the backoff's total time has passed.
func (r *Rotation) waitFor(ctx context.Context, nk keyring.LongTerm, userARN string) error {
	b := r.Backoff
	if b == (Backoff{}) {
		b = DefaultBackoff
	}
	now, sleep := r.Now, r.Sleep
	if now == nil {
		now = time.Now
	}
	if sleep == nil {
		sleep = sleepCtx
	}
	start, pause := now(), b.First
	for attempt := 1; ; attempt++ {
		arn, err := r.Verify(ctx, nk)
		if err == nil && userARN != "" && arn != userARN {
			// Not retried: the key works, but as someone else.
			return fmt.Errorf("the new key belongs to %s, not %s", arn, userARN)
		}
		if err == nil {
			log.Printf("new access key works (attempt %d)", attempt)
			return nil
		}
		err = providers.Explain(err)
		if ctx.Err() != nil {
			return err
		}
		elapsed := now().Sub(start)
		if elapsed+pause > b.Total {
			return fmt.Errorf("it did not work after %d attempts in %s: %w", attempt, elapsed.Round(time.Second), err)
		}
		log.Printf("new access key does not work yet (%v); trying again in %s", err, pause)
		if err := sleep(ctx, pause); err != nil {
			return err
		}
		pause = min(pause*2, b.Max)
	}
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func isCode(err error, code string) bool {
	var api smithy.APIError
	return errors.As(err, &api) && api.ErrorCode() == code
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func without(list []string, s string) []string {
	var out []string
	for _, v := range list {
		if v != s {
			out = append(out, v)
		}
	}
	return out
}
