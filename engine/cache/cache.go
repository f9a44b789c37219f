// Package cache decides when a cached session may be used and serialises
// refreshes across processes, so that concurrent aws-vault runs cause one
// STS call and one MFA prompt instead of one each.
package cache

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/aws-vault/aws-vault/engine/keyring"
)

// Provider is an aws.CredentialsProvider that keeps its results in the
// keyring under Key and asks Fetch only when the cached session is missing,
// unreadable, or has less than MinTTL left. A session that Fetch returns
// without an expiry is handed out but not cached (a key needs the expiry).
type Provider struct {
	Ring    *keyring.Keyring
	Key     keyring.SessionKey
	MinTTL  time.Duration
	LockDir string
	Now     func() time.Time
	Fetch   func(ctx context.Context) (keyring.Session, error)
	// Describe names the session in debug output.
	Describe string
	// Warn receives a warning when a fetched session cannot be cached.
	Warn io.Writer
}

// Usable reports whether a session can still be handed out at now.
func Usable(s keyring.Session, now time.Time, minTTL time.Duration) bool {
	return s.Expiration.Sub(now) > minTTL
}

// Retrieve implements aws.CredentialsProvider.
func (p *Provider) Retrieve(ctx context.Context) (aws.Credentials, error) {
	now := p.Now()
	// Most runs find a usable session, and take it without the lock, so
	// that concurrent runs (a credential_process for every AWS CLI call)
	// read side by side instead of one after the other. Only a whole,
	// usable session is taken from this read: a backend either replaces an
	// item whole or, while pass rewrites it, leaves it undecryptable, which
	// this read reports as unreadable. Everything but a failing backend is
	// looked at again under the lock. A session whose item key already says
	// it expires too soon is not decrypted here, so that a refresh reads it
	// once (under the lock), as before.
	usableKey := func(k keyring.SessionKey) bool { return k.Expiration.Sub(now) > p.MinTTL }
	sess, _, err := p.Ring.GetSessionIf(p.Key, usableKey)
	var bad *keyring.UnreadableSessionError
	switch {
	case err == nil && Usable(sess, now, p.MinTTL):
		log.Printf("%s: using cached session (expires %s)", p.Describe, sess.Expiration.UTC().Format(time.RFC3339))
		return toCreds(sess, "cache"), nil
	case err != nil && !errors.Is(err, keyring.ErrNotFound) && !errors.Is(err, keyring.ErrSessionUnwanted) && !errors.As(err, &bad):
		return aws.Credentials{}, err
	}

	// The refresh is serialised: the lock covers the read, so waiters find
	// the session the holder fetched when they get it, and an item is
	// removed or replaced by one process at a time.
	unlock, err := Lock(ctx, p.LockDir, p.Key.Type+"\x00"+p.Key.ProfileName+"\x00"+p.Key.MfaSerial)
	if err != nil {
		return aws.Credentials{}, err
	}
	defer unlock()

	sess, _, err = p.Ring.GetSession(p.Key)
	bad = nil
	switch {
	case err == nil && Usable(sess, now, p.MinTTL):
		log.Printf("%s: using cached session (expires %s)", p.Describe, sess.Expiration.UTC().Format(time.RFC3339))
		return toCreds(sess, "cache"), nil
	case err == nil:
		log.Printf("%s: cached session expires %s, within %s: renewing", p.Describe, sess.Expiration.UTC().Format(time.RFC3339), p.MinTTL)
	case errors.Is(err, keyring.ErrNotFound):
		log.Printf("%s: no cached session", p.Describe)
	case errors.As(err, &bad):
		// The original treats any failure to read the cache as a miss; a
		// damaged item must not make the profile unusable. It goes now,
		// so that the new session is written into a keyring without it.
		log.Printf("%s: ignoring the cached session: %v; it will be replaced", p.Describe, bad)
		if err := p.Ring.Remove(bad.Key); err != nil && !errors.Is(err, keyring.ErrNotFound) {
			log.Printf("%s: removing the unreadable cached session: %v", p.Describe, err)
		}
	default:
		return aws.Credentials{}, err
	}
	sess, err = p.Fetch(ctx)
	if err != nil {
		return aws.Credentials{}, err
	}
	if sess.Expiration.IsZero() {
		log.Printf("%s: the credentials have no expiry: not cached", p.Describe)
		return toCreds(sess, "fetched"), nil
	}
	if err := p.Ring.SetSession(p.Key, sess); err != nil {
		// STS has answered: the credentials are good whether or not they
		// can be kept, so the command goes on, and the user is told.
		if p.Warn != nil {
			fmt.Fprintf(p.Warn, "aws-vault: warning: the new credentials (%s) could not be cached, so the next command will fetch them again: %v\n", p.Describe, err)
		}
		return toCreds(sess, "fetched"), nil
	}
	_ = p.Ring.RemoveExpiredSessions(now)
	return toCreds(sess, "fetched"), nil
}

func toCreds(s keyring.Session, source string) aws.Credentials {
	return aws.Credentials{
		AccessKeyID:     s.AccessKeyID,
		SecretAccessKey: s.SecretAccessKey,
		SessionToken:    s.SessionToken,
		Source:          source,
		CanExpire:       !s.Expiration.IsZero(),
		Expires:         s.Expiration,
	}
}
