package keyring

import (
	"errors"
	"fmt"
	"log"

	kr "github.com/99designs/keyring"
)

// Cached items (sessions, credential_process output, IAM Identity Center
// tokens) can be replaced at any time, so one that cannot be read is not
// an error: it is reported under --debug, ignored and replaced, as the
// original does. A long-term key that cannot be read stays an error, and
// so does a wrong file passphrase.
//
// On the file backend a damaged file and a wrong passphrase can fail the
// same way (the key unwrap or the AES-GCM tag does not check out): the
// item is taken for damaged when the passphrase decrypts another item, or
// when there is no other item (an empty keyring accepts any passphrase
// too).

// cacheItemDamage says why the item key could not be read, when err (from
// Get) means the item is damaged rather than the keyring unusable; ok is
// false for other errors.
func (k *Keyring) cacheItemDamage(key string, err error) (why string, ok bool) {
	var itemErr *ItemError
	var wrong *WrongPassphraseError
	switch {
	case errors.As(err, &itemErr):
		return fmt.Sprintf("cannot be read by the %s backend: %v", itemErr.Backend, itemErr.Err), true
	case errors.As(err, &wrong) && k.passphraseFitsOthers(key):
		return "cannot be decrypted, although the passphrase decrypts the keyring's other items: the file is damaged", true
	}
	return "", false
}

// maxPassphraseChecks bounds the items decrypted to tell a damaged item
// from a wrong passphrase (each costs a key derivation).
const maxPassphraseChecks = 3

// passphraseFitsOthers reports whether the file passphrase decrypts an
// item other than except (long-term keys tried first), or there is no
// other item. Other items that are damaged too tell nothing: then it is
// taken for a wrong passphrase.
func (k *Keyring) passphraseFitsOthers(except string) bool {
	keys, err := k.Keys()
	if err != nil {
		return false
	}
	var first, rest []string
	for _, key := range keys {
		switch {
		case key == except:
		case IsCredentialsKey(key):
			first = append(first, key)
		default:
			rest = append(rest, key)
		}
	}
	others := append(first, rest...)
	for i, key := range others {
		if i == maxPassphraseChecks {
			break
		}
		if _, err := k.Get(key); err == nil {
			return true
		}
	}
	return len(others) == 0
}

// dropDamaged reports a damaged cache item once (under --debug) and removes
// it, so that its replacement is written into a keyring without it.
func (k *Keyring) dropDamaged(what, key, why string) {
	log.Printf("ignoring the cached %s %q: it %s; it will be replaced", what, key, why)
	if err := k.Remove(key); err != nil && !errors.Is(err, ErrNotFound) {
		log.Printf("removing the damaged item %q: %v", key, err)
	}
}

// getCacheItem reads a cache item: ErrNotFound when it is missing or
// damaged (then it is reported and removed), any other error as it is.
func (k *Keyring) getCacheItem(what, key string, valid func(kr.Item) bool) (kr.Item, error) {
	item, err := k.Get(key)
	if errors.Is(err, ErrNotFound) {
		return kr.Item{}, ErrNotFound
	}
	if why, ok := k.cacheItemDamage(key, err); ok {
		k.dropDamaged(what, key, why)
		return kr.Item{}, ErrNotFound
	}
	if err != nil {
		return kr.Item{}, err
	}
	if !valid(item) {
		k.dropDamaged(what, key, "does not hold what aws-vault writes there")
		return kr.Item{}, ErrNotFound
	}
	return item, nil
}
