package keyring

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	kr "github.com/99designs/keyring"
	jose "github.com/dvsekhvalnov/jose2go"
	"github.com/mtibben/percent"
)

// Writing an item never destroys the item that was there: a write that
// fails half-way (a full disk, a file size limit, a kill) leaves the old
// item as it was, and a write is only done once the item reads back as
// written.
//
//   - file backend: the item is encrypted into a temporary file in the
//     keys directory, synced, and renamed over the item's file, so the
//     file is either the old item or the new one, never a truncated mix;
//   - pass keeps the entry's encrypted file as it was and puts it back
//     if pass fails (pass truncates the file before gpg writes the new
//     one; see pass.go); passage writes a temporary file and renames it;
//   - other backends replace items themselves; for a long-term key, what
//     was there is read first and put back if the write fails or does not
//     read back;
//   - every backend but these reads the item back and compares it: the
//     macOS keychain and winhello (their writes are all-or-nothing, and
//     reading back would ask for the keychain's password, or for Windows
//     Hello, again), pass and passage (items are encrypted to the store's
//     recipients: reading back needs the user's secret key, which may ask
//     for its passphrase at every write, and which a shared store's
//     recipients need not include).

// tempPrefix starts the names of the file backend's temporary files. It
// holds a '%' not followed by two hex digits, which the backend's own
// file names (percent-encoded keys) never do, so no item's file can have
// such a name.
const tempPrefix = ".%aws-vault-write-"

// staleTemp is how old a temporary file must be for a write to remove it:
// it was left by a process killed mid-write (a live one renames its file
// within milliseconds).
const staleTemp = 10 * time.Minute

// isTempKey reports a key listed for a temporary file of the file backend.
func isTempKey(key string) bool { return strings.HasPrefix(key, tempPrefix) }

// withoutTemp drops the temporary files from a list of keys.
func withoutTemp(keys []string) []string {
	out := keys[:0]
	for _, key := range keys {
		if !isTempKey(key) {
			out = append(out, key)
		}
	}
	return out
}

// write stores item (within the caller's timeout) as described above.
func (k *Keyring) write(item kr.Item) error {
	if k.backend == string(kr.FileBackend) {
		if err := k.writeFile(item); err != nil {
			return fmt.Errorf("%w; the item that was there is unchanged", err)
		}
		return k.readBack(item)
	}
	if writesAsIs[k.backend] {
		return k.ring.Set(item)
	}
	var old kr.Item
	had := false
	if IsCredentialsKey(item.Key) {
		var err error
		old, err = k.ring.Get(item.Key)
		had = err == nil
	}
	err := k.ring.Set(item)
	if err == nil {
		err = k.readBack(item)
	}
	if err == nil || !had {
		return err
	}
	if rerr := k.ring.Set(old); rerr != nil {
		return fmt.Errorf("%w; putting back the item that was there failed too: %v", err, rerr)
	}
	if rerr := k.readBack(old); rerr != nil {
		return fmt.Errorf("%w; the item that was there was written back, but %v", err, rerr)
	}
	return fmt.Errorf("%w; the item that was there was put back", err)
}

// writesAsIs are the backends written without reading back (see above).
var writesAsIs = map[string]bool{Keychain: true, WinHello: true, Pass: true, Passage: true}

// readBack checks that the backend returns item's data for its key.
func (k *Keyring) readBack(item kr.Item) error {
	got, err := k.ring.Get(item.Key)
	if err != nil {
		return fmt.Errorf("reading the item back after writing it: %w", err)
	}
	if !bytes.Equal(got.Data, item.Data) {
		return errors.New("the item read back after writing it differs from what was written")
	}
	return nil
}

// fileName is where the file backend keeps key: the keys directory and
// the key percent-encoded as the keyring library does (its '/' and '%').
func (k *Keyring) fileName(key string) string {
	return filepath.Join(k.config().FileDir, percent.Encode(key, "/"))
}

// writeFile writes item as the keyring library's file backend does (a JWE
// of the item's JSON, under the passphrase), through a synced temporary
// file renamed over the item's file.
func (k *Keyring) writeFile(item kr.Item) error {
	pass, err := k.filePassphrase("")
	if err != nil {
		return err
	}
	payload, err := json.Marshal(item)
	if err != nil {
		return err
	}
	usePBES2()
	token, err := jose.Encrypt(string(payload), jose.PBES2_HS256_A128KW, jose.A256GCM, pass,
		jose.Headers(map[string]any{"created": time.Now().String()}))
	if err != nil {
		return err
	}
	dest := k.fileName(item.Key)
	dir := filepath.Dir(dest)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	if err := replaceFile(dest, tempPrefix+"*", []byte(token)); err != nil {
		return err
	}
	syncDir(dir)
	removeStaleTemp(dir)
	return nil
}

// syncDir makes a rename in dir durable, where the system allows it.
// replaceFile writes data to path through a temporary file in the same
// directory (named by pattern, as os.CreateTemp takes it, mode 0600),
// synced and renamed over path: a reader finds the old content or the
// new, whole. The temporary file is removed if anything fails.
func replaceFile(path, pattern string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), pattern)
	if err != nil {
		return err
	}
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		_ = os.Remove(tmp.Name())
	}
	return err
}

func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
}

// removeStaleTemp removes the temporary files of writes that were killed.
func removeStaleTemp(dir string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), tempPrefix) {
			continue
		}
		if info, err := e.Info(); err == nil && time.Since(info.ModTime()) > staleTemp {
			_ = os.Remove(filepath.Join(dir, e.Name()))
		}
	}
}
