//go:build !windows

package keyring

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"filippo.io/age"
	kr "github.com/99designs/keyring"
)

// passageRing is the passage backend: the store layout of passage (the
// age-encrypted pass) that the maintained fork uses, read and written with
// filippo.io/age in-process, so no passage script is needed (Debian does
// not package it) and no process is started.
//
//   - store: --pass-dir, else PASSAGE_DIR, else ~/.passage/store;
//   - item KEY is the file PREFIX/KEY.age, age's binary format, holding the
//     JSON of the keyring library's Item (as the pass backend);
//   - decrypted with the identities in PASSAGE_IDENTITIES_FILE, else
//     ~/.passage/identities;
//   - encrypted, as passage does, to PASSAGE_RECIPIENTS (space-separated),
//     else PASSAGE_RECIPIENTS_FILE, else the nearest .age-recipients from
//     the item's directory up to the store, else the identities' own
//     recipients.
type passageRing struct {
	dir, prefix, identities string
	getenv                  func(string) string
}

func (k *Keyring) passageDir() string {
	if d := k.expand(k.opts.PassDir); d != "" {
		return d
	}
	if d := k.opts.Getenv("PASSAGE_DIR"); d != "" {
		return k.expand(d)
	}
	return filepath.Join(k.home(), ".passage", "store")
}

func (k *Keyring) passageIdentities() string {
	if f := k.expand(k.opts.PassageIdentities); f != "" {
		return f
	}
	if f := k.opts.Getenv("PASSAGE_IDENTITIES_FILE"); f != "" {
		return k.expand(f)
	}
	return filepath.Join(k.home(), ".passage", "identities")
}

func (k *Keyring) passageUsable() (string, error) {
	dir, ids := k.passageDir(), k.passageIdentities()
	if info, err := os.Stat(dir); err != nil || !info.IsDir() {
		return "", noStoreError{fmt.Sprintf("no passage store at %s", dir)}
	}
	if _, err := os.Stat(ids); err != nil {
		return "", noStoreError{fmt.Sprintf("a passage store exists at %s, but there is no identities file at %s (PASSAGE_IDENTITIES_FILE)", dir, ids)}
	}
	return fmt.Sprintf("passage store at %s, identities %s", dir, ids), nil
}

func (k *Keyring) openPassage() (kr.Keyring, error) {
	return &passageRing{dir: k.passageDir(), prefix: k.opts.PassPrefix, identities: k.passageIdentities(), getenv: k.opts.Getenv}, nil
}

func (p *passageRing) path(key string) string {
	return filepath.Join(p.dir, p.prefix, filepath.FromSlash(key)+".age")
}

func (p *passageRing) readIdentities() ([]age.Identity, error) {
	f, err := os.Open(p.identities)
	if err != nil {
		return nil, fmt.Errorf("reading the passage identities: %w", err)
	}
	defer f.Close()
	ids, err := age.ParseIdentities(f)
	if err != nil {
		return nil, fmt.Errorf("reading the passage identities %s: %v (aws-vault reads native age identities, AGE-SECRET-KEY-1…; a passphrase-protected or plugin identity file is not supported)", p.identities, err)
	}
	return ids, nil
}

func (p *passageRing) Get(key string) (kr.Item, error) {
	data, err := os.ReadFile(p.path(key))
	if errors.Is(err, fs.ErrNotExist) {
		return kr.Item{}, kr.ErrKeyNotFound
	}
	if err != nil {
		return kr.Item{}, err
	}
	ids, err := p.readIdentities()
	if err != nil {
		return kr.Item{}, err
	}
	r, err := age.Decrypt(bytes.NewReader(data), ids...)
	if err != nil {
		return kr.Item{}, fmt.Errorf("decrypting %s with the identities in %s: %v", p.path(key), p.identities, err)
	}
	plain, err := io.ReadAll(r)
	if err != nil {
		return kr.Item{}, fmt.Errorf("decrypting %s: %v", p.path(key), err)
	}
	var item kr.Item
	if err := json.Unmarshal(plain, &item); err != nil {
		return kr.Item{}, fmt.Errorf("the passage entry %s is not an aws-vault item (JSON): %v", p.path(key), err)
	}
	return item, nil
}

func (p *passageRing) GetMetadata(string) (kr.Metadata, error) { return kr.Metadata{}, nil }

// recipients finds whom to encrypt the item at path for, as passage does.
func (p *passageRing) recipients(path string) ([]age.Recipient, string, error) {
	if env := p.getenv("PASSAGE_RECIPIENTS"); env != "" {
		rs, err := age.ParseRecipients(strings.NewReader(strings.Join(strings.Fields(env), "\n")))
		return rs, "PASSAGE_RECIPIENTS", err
	}
	file := p.getenv("PASSAGE_RECIPIENTS_FILE")
	if file == "" {
		root := filepath.Clean(p.dir)
		for d := filepath.Dir(path); ; d = filepath.Dir(d) {
			if _, err := os.Stat(filepath.Join(d, ".age-recipients")); err == nil {
				file = filepath.Join(d, ".age-recipients")
				break
			}
			if d == root || !strings.HasPrefix(d, root) || d == filepath.Dir(d) {
				break
			}
		}
	}
	if file != "" {
		f, err := os.Open(file)
		if err != nil {
			return nil, file, err
		}
		defer f.Close()
		rs, err := age.ParseRecipients(f)
		return rs, file, err
	}
	ids, err := p.readIdentities()
	if err != nil {
		return nil, p.identities, err
	}
	var rs []age.Recipient
	for _, id := range ids {
		switch id := id.(type) {
		case *age.X25519Identity:
			rs = append(rs, id.Recipient())
		case *age.HybridIdentity:
			rs = append(rs, id.Recipient())
		}
	}
	if len(rs) == 0 {
		return nil, p.identities, errors.New("no recipient can be derived from these identities")
	}
	return rs, p.identities, nil
}

// Set encrypts to a temporary file next to the item, syncs it and renames
// it over the item, so the old item stays whole until the new one is.
func (p *passageRing) Set(item kr.Item) error {
	path := p.path(item.Key)
	rs, from, err := p.recipients(path)
	if err != nil {
		return fmt.Errorf("finding the recipients for %s (%s): %v", path, from, err)
	}
	plain, err := json.Marshal(item)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".aws-vault-*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	w, err := age.Encrypt(tmp, rs...)
	if err == nil {
		_, err = w.Write(plain)
	}
	if err == nil {
		err = w.Close()
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("writing %s: %v", path, err)
	}
	return os.Rename(tmp.Name(), path)
}

func (p *passageRing) Remove(key string) error {
	path := p.path(key)
	if err := os.Remove(path); errors.Is(err, fs.ErrNotExist) {
		return kr.ErrKeyNotFound
	} else if err != nil {
		return err
	}
	// As passage rm: drop directories the removal left empty.
	root := filepath.Clean(filepath.Join(p.dir, p.prefix))
	for d := filepath.Dir(path); d != root && strings.HasPrefix(d, root); d = filepath.Dir(d) {
		if os.Remove(d) != nil {
			break
		}
	}
	return nil
}

func (p *passageRing) Keys() ([]string, error) {
	return storeKeys(filepath.Join(p.dir, p.prefix), ".age")
}
