// Package keyring opens the secret store that holds long-term keys and cached
// sessions, through github.com/99designs/keyring, with the item layout of the
// original aws-vault so that either tool reads what the other wrote.
package keyring

import (
	"errors"
	"fmt"
	"io"
	"os"
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
	// Timeout bounds a backend call that nobody can be answering a prompt
	// for (see wait.go).
	Timeout time.Duration
	// PersonPresent says whether someone may be answering a prompt; nil
	// means: a controlling terminal, or a desktop session, exists.
	PersonPresent func() bool
	// Notice receives notes for people (still waiting, ...); nil discards.
	Notice io.Writer
	// PassageIdentities is the passage identities file ("" means
	// PASSAGE_IDENTITIES_FILE, else ~/.passage/identities).
	PassageIdentities string
	// OnePassword configures the 1Password backends.
	OnePassword OnePasswordOptions
	// Getenv is used to expand ~ and find the pass store; nil means os.Getenv.
	Getenv func(string) string
}

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
	if opts.Notice == nil {
		opts.Notice = io.Discard
	}
	return &Keyring{opts: opts}
}

// Wrap uses an already opened keyring (for tests and tools); name is its backend.
func Wrap(ring kr.Keyring, name string) *Keyring {
	k := &Keyring{opts: Options{Timeout: DefaultTimeout, Getenv: os.Getenv, Notice: io.Discard}, ring: ring, backend: name}
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

func (k *Keyring) open() error {
	k.once.Do(func() {
		b, err := k.choose()
		if err != nil {
			k.err = err
			return
		}
		var ring kr.Keyring
		err = k.timed(b, "open", func() error {
			var err error
			ring, err = k.openBackend(b)
			return err
		})
		if err != nil {
			k.err = fmt.Errorf("opening keyring backend %q: %w", b, err)
			return
		}
		k.ring, k.backend = ring, b
	})
	return k.err
}

// openBackend opens backend b: the project's own implementations, or the
// keyring library's for the rest.
func (k *Keyring) openBackend(b string) (kr.Keyring, error) {
	switch b {
	case KeyCtl:
		return openKeyctl(k.opts.KeyctlScope)
	case Pass:
		return k.openPass()
	case Passage:
		return k.openPassage()
	case OPConnect, OP, OPDesktop:
		return k.openOnePassword(b)
	case WinHello:
		return openWinHello()
	case KWallet:
		return openKWallet(k.config())
	}
	if b == string(kr.FileBackend) {
		usePBES2()
	}
	cfg := k.config()
	cfg.AllowedBackends = []kr.BackendType{kr.BackendType(b)}
	return kr.Open(cfg)
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
// (see verifyFilePassphrase), so a mistyped passphrase never encrypts new
// items under a second key. A failed write leaves the item that was there
// (see write.go).
func (k *Keyring) Set(item kr.Item) error {
	if err := k.open(); err != nil {
		return err
	}
	if err := k.unlockFile(); err != nil {
		return err
	}
	if err := k.verifyFilePassphrase(item.Key); err != nil {
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

func (k *Keyring) itemError(err error, op, key string) error {
	err = backendHint(k.backend, err)
	if k.backend == string(kr.FileBackend) && isDecryptError(err) {
		return k.wrongPassphrase(key)
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
	err = backendHint(k.backend, err)
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
