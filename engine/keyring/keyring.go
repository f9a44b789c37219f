// Package keyring opens the secret store that holds long-term keys and cached
// sessions, through github.com/99designs/keyring, with the item layout of the
// original aws-vault so that either tool reads what the other wrote.
package keyring

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	kr "github.com/99designs/keyring"

	"github.com/aws-vault/aws-vault/internal/sessionbus"
)

// The keyring library has initialised by now (Go runs an imported package's
// init first): its D-Bus probe is over, and the session-bus variable that
// sessionbus may have pointed nowhere for it goes back to what it was.
func init() { sessionbus.Restore() }

// ServiceName is the keyring service name the original aws-vault uses.
const ServiceName = "aws-vault"

// DefaultTimeout bounds every call into a backend.
const DefaultTimeout = 30 * time.Second

// ErrNotFound is returned when an item does not exist.
var ErrNotFound = kr.ErrKeyNotFound

// Options configure the backend; they mirror the global flags.
type Options struct {
	Backend                 string // "" picks the first available (see AutoOrder)
	FileDir                 string
	PassDir                 string
	PassCmd                 string
	PassPrefix              string
	KeychainName            string
	SecretServiceCollection string
	KeyctlScope             string
	// Passphrase returns the file backend's passphrase; prompt names the directory.
	Passphrase func(prompt string) (string, error)
	Timeout    time.Duration
	// Getenv is used to expand ~ and find the pass store; nil means os.Getenv.
	Getenv func(string) string
}

// Available lists the backends compiled in for this platform, in the
// library's order of preference.
func Available() []string {
	var out []string
	for _, b := range kr.AvailableBackends() {
		out = append(out, string(b))
	}
	return out
}

// Unavailable says why backend cannot be used here, or returns nil when it
// can. The D-Bus backends are missing most often for want of a session bus,
// which the message then names, with the ways to get one.
func Unavailable(backend string) error {
	avail := Available()
	if contains(avail, backend) {
		return nil
	}
	if (backend == string(kr.SecretServiceBackend) || backend == string(kr.KWalletBackend)) && sessionbus.Missing() {
		return fmt.Errorf("%q needs a D-Bus session bus, and there is none (DBUS_SESSION_BUS_ADDRESS is unset and /run/user/%d/bus does not exist): run aws-vault inside one (dbus-run-session -- $SHELL), or set DBUS_SESSION_BUS_ADDRESS=autolaunch: to have one started; or choose one of %s",
			backend, os.Getuid(), strings.Join(avail, ", "))
	}
	return fmt.Errorf("%q is not available here; choose one of %s", backend, strings.Join(avail, ", "))
}

// AutoOrder is the order tried when no backend is chosen. The kernel
// keyring is left out on purpose: it forgets everything at reboot, so it is
// only used when asked for by name.
func AutoOrder() []string {
	var out []string
	for _, b := range Available() {
		if b != string(kr.KeyCtlBackend) {
			out = append(out, b)
		}
	}
	return out
}

// Volatile reports whether a backend loses its items at reboot.
func Volatile(backend string) bool { return backend == string(kr.KeyCtlBackend) }

// Keyring is a lazily opened backend whose every call has a timeout.
type Keyring struct {
	opts Options

	once    sync.Once
	ring    kr.Keyring
	backend string
	err     error

	passOnce sync.Once
	pass     string
	passErr  error
}

// New returns a Keyring that opens its backend on first use.
func New(opts Options) *Keyring {
	if opts.Timeout == 0 {
		opts.Timeout = DefaultTimeout
	}
	if opts.Getenv == nil {
		opts.Getenv = os.Getenv
	}
	if opts.KeyctlScope == "" {
		opts.KeyctlScope = "user"
	}
	return &Keyring{opts: opts}
}

// Wrap uses an already opened keyring (for tests and tools); name is its backend.
func Wrap(ring kr.Keyring, name string) *Keyring {
	k := &Keyring{opts: Options{Timeout: DefaultTimeout, Getenv: os.Getenv}, ring: ring, backend: name}
	k.once.Do(func() {})
	return k
}

func (k *Keyring) home() string {
	if h := k.opts.Getenv("HOME"); h != "" {
		return h
	}
	h, _ := os.UserHomeDir()
	return h
}

func (k *Keyring) expand(p string) string {
	if p == "~" || strings.HasPrefix(p, "~/") {
		return filepath.Join(k.home(), p[1:])
	}
	return p
}

func (k *Keyring) config() kr.Config {
	fileDir := k.opts.FileDir
	if fileDir == "" {
		fileDir = "~/.awsvault/keys/"
	}
	collection := k.opts.SecretServiceCollection
	if collection == "" {
		collection = "awsvault"
	}
	keychain := k.opts.KeychainName
	if keychain == "" {
		keychain = "aws-vault"
	}
	return kr.Config{
		ServiceName:              ServiceName,
		KeychainName:             keychain,
		KeychainTrustApplication: true,
		FileDir:                  k.expand(fileDir),
		FilePasswordFunc:         k.filePassphrase,
		KeyCtlScope:              k.opts.KeyctlScope,
		KWalletAppID:             ServiceName,
		KWalletFolder:            ServiceName,
		LibSecretCollectionName:  collection,
		PassDir:                  k.expand(k.opts.PassDir),
		PassCmd:                  k.opts.PassCmd,
		PassPrefix:               k.opts.PassPrefix,
		WinCredPrefix:            ServiceName,
	}
}

// filePassphrase asks once per process and remembers the answer.
func (k *Keyring) filePassphrase(prompt string) (string, error) {
	k.passOnce.Do(func() {
		if k.opts.Passphrase == nil {
			k.passErr = errors.New("the file backend needs a passphrase: set AWS_VAULT_FILE_PASSPHRASE")
			return
		}
		k.pass, k.passErr = k.opts.Passphrase(prompt)
		if k.passErr == nil && k.pass == "" {
			k.passErr = errors.New("the file backend needs a passphrase, and an empty one was given")
		}
	})
	return k.pass, k.passErr
}

// passStoreReady reports whether pass has a store to write into, so that an
// installed but unused pass is not picked over the file backend.
func (k *Keyring) passStoreReady() bool {
	cmd := k.opts.PassCmd
	if cmd == "" {
		cmd = "pass"
	}
	if _, err := exec.LookPath(cmd); err != nil {
		return false
	}
	dir := k.expand(k.opts.PassDir)
	if dir == "" {
		dir = k.opts.Getenv("PASSWORD_STORE_DIR")
	}
	if dir == "" {
		dir = filepath.Join(k.home(), ".password-store")
	}
	_, err := os.Stat(filepath.Join(dir, ".gpg-id"))
	return err == nil
}

func (k *Keyring) open() error {
	k.once.Do(func() {
		cfg := k.config()
		var order []string
		if k.opts.Backend != "" {
			if err := Unavailable(k.opts.Backend); err != nil {
				k.err = fmt.Errorf("keyring backend %w", err)
				return
			}
			order = []string{k.opts.Backend}
		} else {
			for _, b := range AutoOrder() {
				if b == string(kr.PassBackend) && !k.passStoreReady() {
					continue
				}
				order = append(order, b)
			}
		}
		var errs []string
		for _, b := range order {
			cfg.AllowedBackends = []kr.BackendType{kr.BackendType(b)}
			var ring kr.Keyring
			err := k.timed(b, "open", func() error {
				var err error
				ring, err = kr.Open(cfg)
				return err
			})
			if err == nil {
				k.ring, k.backend = ring, b
				return
			}
			errs = append(errs, fmt.Sprintf("%s: %v", b, err))
		}
		if k.opts.Backend != "" {
			k.err = fmt.Errorf("opening keyring backend %q: %s", k.opts.Backend, strings.TrimPrefix(strings.Join(errs, "; "), k.opts.Backend+": "))
		} else {
			k.err = fmt.Errorf("no keyring backend could be opened (%s)", strings.Join(errs, "; "))
		}
	})
	return k.err
}

// timed runs f with the keyring timeout, naming the backend on failure.
func (k *Keyring) timed(backend, op string, f func() error) error {
	done := make(chan error, 1)
	go func() { done <- f() }()
	t := time.NewTimer(k.opts.Timeout)
	defer t.Stop()
	select {
	case err := <-done:
		return err
	case <-t.C:
		return fmt.Errorf("keyring backend %q: %s timed out after %s", backend, op, k.opts.Timeout)
	}
}

// Backend opens the keyring if needed and returns the backend's name.
func (k *Keyring) Backend() (string, error) {
	if err := k.open(); err != nil {
		return "", err
	}
	return k.backend, nil
}

// Keys lists every item key.
func (k *Keyring) Keys() ([]string, error) {
	if err := k.open(); err != nil {
		return nil, err
	}
	var keys []string
	err := k.timed(k.backend, "listing items", func() error {
		var err error
		keys, err = k.ring.Keys()
		return err
	})
	if err != nil {
		return nil, k.wrap(err, "listing items")
	}
	keys = withoutTemp(keys)
	sort.Strings(keys)
	return keys, nil
}

// Get reads one item.
func (k *Keyring) Get(key string) (kr.Item, error) {
	if err := k.open(); err != nil {
		return kr.Item{}, err
	}
	if err := k.unlockFile(); err != nil {
		return kr.Item{}, err
	}
	var item kr.Item
	err := k.timed(k.backend, fmt.Sprintf("reading %q", key), func() error {
		var err error
		item, err = k.ring.Get(key)
		return err
	})
	if errors.Is(err, kr.ErrKeyNotFound) {
		return kr.Item{}, ErrNotFound
	}
	if err != nil {
		return kr.Item{}, k.itemError(err, "reading", key)
	}
	return item, nil
}

// Set writes one item. On the file backend the passphrase is first checked
// against an existing item, so a mistyped passphrase never encrypts new items
// under a second key. A failed write leaves the item that was there (see
// write.go).
func (k *Keyring) Set(item kr.Item) error {
	if err := k.open(); err != nil {
		return err
	}
	if err := k.unlockFile(); err != nil {
		return err
	}
	if err := k.verifyFilePassphrase(); err != nil {
		return err
	}
	err := k.timed(k.backend, fmt.Sprintf("writing %q", item.Key), func() error { return k.write(item) })
	if err != nil {
		return k.itemError(err, "writing", item.Key)
	}
	return nil
}

// Remove deletes one item; a missing item is ErrNotFound.
func (k *Keyring) Remove(key string) error {
	if err := k.open(); err != nil {
		return err
	}
	err := k.timed(k.backend, fmt.Sprintf("removing %q", key), func() error { return k.ring.Remove(key) })
	if errors.Is(err, kr.ErrKeyNotFound) || (err != nil && os.IsNotExist(errors.Unwrap(err))) {
		return ErrNotFound
	}
	if err != nil {
		return k.itemError(err, "removing", key)
	}
	return nil
}

// unlockFile asks for the file backend's passphrase outside the timed call,
// so that a person typing is never cut off by the timeout.
func (k *Keyring) unlockFile() error {
	if k.backend != string(kr.FileBackend) {
		return nil
	}
	_, err := k.filePassphrase(fmt.Sprintf("Enter passphrase to unlock %q", k.config().FileDir))
	if err != nil {
		return fmt.Errorf("keyring backend \"file\": %w", err)
	}
	return nil
}

func (k *Keyring) verifyFilePassphrase() error {
	if k.backend != string(kr.FileBackend) {
		return nil
	}
	keys, err := k.Keys()
	if err != nil || len(keys) == 0 {
		return err
	}
	_, err = k.Get(keys[0])
	var wrong *WrongPassphraseError
	if errors.As(err, &wrong) {
		return err
	}
	return nil
}

// WrongPassphraseError says the file backend could not decrypt an item.
type WrongPassphraseError struct {
	Dir, Key string
}

func (e *WrongPassphraseError) Error() string {
	return fmt.Sprintf("keyring backend \"file\": the passphrase does not decrypt %q in %s (wrong passphrase, or AWS_VAULT_FILE_PASSPHRASE is stale); nothing was changed", e.Key, e.Dir)
}

func (k *Keyring) itemError(err error, op, key string) error {
	if k.backend == string(kr.FileBackend) && isDecryptError(err) {
		return &WrongPassphraseError{Dir: k.config().FileDir, Key: key}
	}
	if strings.Contains(err.Error(), "timed out after") {
		return err
	}
	return &ItemError{Backend: k.backend, Op: op, Key: key, Err: err}
}

// ItemError is the backend's failure on one item (it could not decode a
// damaged file, say), as opposed to the keyring as a whole failing (not
// opening, no passphrase, a timeout, a wrong passphrase).
type ItemError struct {
	Backend, Op, Key string
	Err              error
}

func (e *ItemError) Error() string {
	return fmt.Sprintf("keyring backend %q: %s item %q: %v", e.Backend, e.Op, e.Key, e.Err)
}

func (e *ItemError) Unwrap() error { return e.Err }

func (k *Keyring) wrap(err error, op string) error {
	if strings.Contains(err.Error(), "timed out after") {
		return err
	}
	return fmt.Errorf("keyring backend %q: %s: %w", k.backend, op, err)
}

// isDecryptError recognises jose2go's failures to unwrap or decrypt.
func isDecryptError(err error) bool {
	s := strings.ToLower(err.Error())
	return strings.Contains(s, "integrity check failed") || strings.Contains(s, "keyunwrap") ||
		strings.Contains(s, "authentication tag") || strings.Contains(s, "pbes2")
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
