package keyring

import (
	"errors"
	"fmt"
	"strings"
)

// The file backend encrypts each item with the passphrase given when it
// was written. The original aws-vault accepted a mistyped passphrase on
// add, so directories exist whose items are under two (or more)
// passphrases. The checks here are per item: a passphrase is judged by
// the item being read or replaced, never by another profile's.

// verifyFilePassphrase checks the passphrase before key is written: key
// itself when it exists (it is being replaced), else any item of the
// directory (a new item must not start a second passphrase). An empty
// directory accepts any passphrase.
func (k *Keyring) verifyFilePassphrase(key string) error {
	if k.backend != File {
		return nil
	}
	keys, err := k.Keys()
	if err != nil || len(keys) == 0 {
		return err
	}
	if contains(keys, key) {
		_, err := k.Get(key)
		var wrong *WrongPassphraseError
		if errors.As(err, &wrong) {
			return err
		}
		return nil
	}
	for _, other := range keys {
		_, err := k.ring.Get(other)
		if err == nil || !isDecryptError(err) {
			return nil // decrypts, or fails for another reason than the passphrase
		}
	}
	return &WrongPassphraseError{Dir: k.fileDir(), Key: keys[0], Writing: key}
}

// wrongPassphrase explains why key does not decrypt: a wrong passphrase,
// or a directory with items under more than one.
func (k *Keyring) wrongPassphrase(key string) *WrongPassphraseError {
	e := &WrongPassphraseError{Dir: k.fileDir(), Key: key}
	keys, err := k.ring.Keys()
	if err != nil {
		return e
	}
	for _, other := range keys {
		if other == key || !IsCredentialsKey(other) {
			continue
		}
		if _, err := k.ring.Get(other); err == nil {
			e.Decrypts = append(e.Decrypts, other)
			if len(e.Decrypts) == 3 {
				break
			}
		}
	}
	return e
}

// WrongPassphraseError says the file backend's passphrase does not decrypt
// an item. Decrypts lists items it does decrypt: then the directory holds
// items under more than one passphrase.
type WrongPassphraseError struct {
	Dir, Key string
	// Writing is the item that was about to be written, when the check
	// was made for a new item.
	Writing  string
	Decrypts []string
}

func (e *WrongPassphraseError) Error() string {
	if e.Writing != "" {
		return fmt.Sprintf("keyring backend \"file\": the passphrase decrypts none of the items in %s (wrong passphrase, or AWS_VAULT_FILE_PASSPHRASE is stale), so %q was not written under it; nothing was changed", e.Dir, e.Writing)
	}
	if len(e.Decrypts) > 0 {
		return fmt.Sprintf("keyring backend \"file\": %q in %s is encrypted with another passphrase than the one given, which does decrypt %s: this directory holds items under more than one passphrase (aws-vault before this version accepted a mistyped passphrase on add). Run again with %q's passphrase; to bring the items under one passphrase, remove and add again those of the other; nothing was changed",
			e.Key, e.Dir, quoteList(e.Decrypts), e.Key)
	}
	return fmt.Sprintf("keyring backend \"file\": the passphrase does not decrypt %q in %s (wrong passphrase, or AWS_VAULT_FILE_PASSPHRASE is stale); nothing was changed", e.Key, e.Dir)
}

func quoteList(list []string) string {
	q := make([]string, len(list))
	for i, s := range list {
		q[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(q, ", ")
}
