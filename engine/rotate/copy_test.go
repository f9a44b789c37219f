package rotate

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws-vault/aws-vault/engine/awsfake"
	"github.com/aws-vault/aws-vault/engine/keyring"
)

// noCopy checks that no copy of the old key is left in the keyring.
func (w *world) noCopy(t *testing.T) {
	t.Helper()
	if c, err := w.ring.Rotating(profile); !errors.Is(err, keyring.ErrNotFound) {
		t.Errorf("a copy is left: %s, %v", c.AccessKeyID, err)
	}
}

// Until the new key is stored and works, the keyring keeps a copy of the
// old one; then the copy goes.
func TestRotateKeepsACopyUntilTheNewKeyWorks(t *testing.T) {
	w := newWorld(t)
	var atCreate, atVerify []string
	copyNow := func() string {
		c, err := w.ring.Rotating(profile)
		if err != nil {
			return err.Error()
		}
		return c.AccessKeyID + "/" + c.SecretAccessKey
	}
	w.srv.OnCall(func(c awsfake.Call) {
		switch c.Action {
		case "CreateAccessKey":
			atCreate = append(atCreate, copyNow())
		case "GetCallerIdentity":
			atVerify = append(atVerify, copyNow())
		}
	})
	if _, err := w.rotation().Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	want := oldID + "/" + oldKey
	if len(atCreate) != 1 || atCreate[0] != want || len(atVerify) != 1 || atVerify[0] != want {
		t.Errorf("the copy at CreateAccessKey: %v, at GetCallerIdentity: %v; want %s", atCreate, atVerify, want)
	}
	w.noCopy(t)
}

func TestRotateCopyFailsChangesNothing(t *testing.T) {
	w := newWorld(t)
	w.store.copyErr = errors.New("disk full")
	_, err := w.rotation().Run(context.Background())
	w.wantError(t, err, "keeping a copy of the old key in the keyring: disk full; nothing was changed")
	if w.srv.CountCalls("CreateAccessKey") != 0 || w.storedWorks(t) != oldID {
		t.Errorf("calls %v", w.srv.Calls())
	}
}

// A rotation killed before it finished leaves a copy; the next one looks
// at what IAM still has.
func TestRotateAfterAKilledRotation(t *testing.T) {
	t.Run("copy of the stored key", func(t *testing.T) {
		w := newWorld(t)
		if err := w.ring.KeepRotating(profile, keyring.LongTerm{AccessKeyID: oldID, SecretAccessKey: oldKey}); err != nil {
			t.Fatal(err)
		}
		if _, err := w.rotation().Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		w.noCopy(t)
	})
	t.Run("copied key gone from IAM", func(t *testing.T) {
		w := newWorld(t)
		if err := w.ring.KeepRotating(profile, keyring.LongTerm{AccessKeyID: "AKIADELETEDDELETED01", SecretAccessKey: "gone"}); err != nil {
			t.Fatal(err)
		}
		if _, err := w.rotation().Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		w.noCopy(t)
		if len(w.keys()) != 1 {
			t.Errorf("keys %v", w.keys())
		}
	})
	t.Run("copied key still active", func(t *testing.T) {
		// Killed after storing the new key (otherID), before deleting
		// the old one (oldID, of which the copy is).
		w := newWorld(t)
		w.srv.AddUser(awsfake.User{Name: userName, AccountID: account, AccessKeyID: otherID, SecretAccessKey: "otherSecret"})
		if err := w.ring.SetCredentials(profile, keyring.LongTerm{AccessKeyID: otherID, SecretAccessKey: "otherSecret"}); err != nil {
			t.Fatal(err)
		}
		if err := w.ring.KeepRotating(profile, keyring.LongTerm{AccessKeyID: oldID, SecretAccessKey: oldKey}); err != nil {
			t.Fatal(err)
		}
		w.iamCreds = static(otherID, "otherSecret", "")
		_, err := w.rotation().Run(context.Background())
		w.wantError(t, err, "an earlier rotation did not finish: IAM user alice has the keys",
			"the keyring holds "+otherID+" for profile alice, and a copy of the key it was replacing, "+oldID+`, as "alice (rotating)"`,
			"nothing was changed", "aws-vault remove 'alice (rotating)'")
		if c, err := w.ring.Rotating(profile); err != nil || c.AccessKeyID != oldID {
			t.Errorf("the copy went: %v", err)
		}
		if w.srv.CountCalls("CreateAccessKey") != 0 || len(w.keys()) != 2 {
			t.Errorf("keys %v", w.keys())
		}
	})
}

// CreateAccessKey's answer is lost after IAM made the key; the SDK retries,
// and the retry finds the quota used up. The key IAM made is named, to be
// deleted, and the stored key is unchanged.
func TestRotateLostCreateAccessKeyAnswer(t *testing.T) {
	w := newWorld(t)
	w.srv.LoseNextAnswer("CreateAccessKey")
	_, err := w.rotation().Run(context.Background())
	keys := w.keys()
	var orphan string
	for _, k := range keys {
		if k != oldID {
			orphan = k
		}
	}
	if len(keys) != 2 || orphan == "" || w.srv.CountCalls("CreateAccessKey") != 2 {
		t.Fatalf("keys %v, %d CreateAccessKey calls", keys, w.srv.CountCalls("CreateAccessKey"))
	}
	e := w.wantError(t, err, "LimitExceeded", "the stored key "+oldID+" is unchanged, but IAM user alice now has the new key "+orphan+", whose secret aws-vault never received",
		"delete the key "+orphan+" by hand (for example: aws iam delete-access-key --user-name alice --access-key-id "+orphan+")")
	if strings.Contains(err.Error(), "nothing was changed") || e.Delete != orphan || e.Live != oldID {
		t.Errorf("error %+v", e)
	}
	if w.storedWorks(t) != oldID {
		t.Error("the stored key changed")
	}
	w.noCopy(t)
}
