package keyring

import (
	"errors"
	"fmt"
	"log"
	"os/exec"
	"strings"

	kr "github.com/99designs/keyring"
)

// Probe says whether a backend can be used here and why (or why not). It
// is answered from cheap checks (a file, a command on PATH, a name on the
// session bus), never by opening the backend, so it asks nobody anything.
type Probe struct {
	Name    string
	BuiltIn bool
	Usable  bool
	Reason  string
}

// Probe checks one backend.
func (k *Keyring) Probe(name string) Probe {
	p := Probe{Name: name}
	if !known(name) {
		p.Reason = "no such backend"
		return p
	}
	var why string
	p.BuiltIn, why = BuiltIn(name)
	if !p.BuiltIn {
		p.Reason = "not built into this binary: " + why
		return p
	}
	reason, err := k.usable(name)
	p.Usable = err == nil
	if err != nil {
		p.Reason = err.Error()
	} else {
		p.Reason = reason
	}
	return p
}

// Probes checks every backend this project knows, in the fork's order.
func (k *Keyring) Probes() []Probe {
	var out []Probe
	for _, b := range allBackends {
		out = append(out, k.Probe(b))
	}
	return out
}

// Default returns the backend the automatic choice takes here and why, or
// the reasons every candidate was skipped.
func (k *Keyring) Default() (string, string, error) {
	var skipped []string
	for _, b := range AutoOrder() {
		reason, err := k.usable(b)
		if err == nil {
			return b, reason, nil
		}
		if cerr := k.configuredButFailing(b, err); cerr != nil {
			return "", "", cerr
		}
		skipped = append(skipped, fmt.Sprintf("%s: %v", b, err))
	}
	return "", "", fmt.Errorf("no keyring backend can be used here (%s)", strings.Join(skipped, "; "))
}

// choose picks the backend to open: the one asked for by name, or the
// first usable one of AutoOrder. --debug shows the choice and every
// backend skipped, with the reason. A backend asked for by name that
// cannot be used is an error, never a quiet fall back to another.
func (k *Keyring) choose() (string, error) {
	if b := k.opts.Backend; b != "" {
		if err := Unavailable(b); err != nil {
			return "", fmt.Errorf("keyring backend %w", err)
		}
		reason, err := k.usable(b)
		if err != nil {
			return "", fmt.Errorf("keyring backend %q (chosen with --backend or AWS_VAULT_BACKEND) cannot be used: %w", b, err)
		}
		log.Printf("keyring: using %s, as asked (%s)", b, reason)
		return b, nil
	}
	for _, b := range AutoOrder() {
		reason, err := k.usable(b)
		if err == nil {
			log.Printf("keyring: using %s, the first usable backend of %s (%s)", b, joinNames(AutoOrder()), reason)
			return b, nil
		}
		if cerr := k.configuredButFailing(b, err); cerr != nil {
			return "", cerr
		}
		log.Printf("keyring: skipping %s: %v", b, err)
	}
	_, _, err := k.Default()
	return "", err
}

// configuredButFailing turns a skip into an error when the user configured
// that backend (a --pass-cmd, --pass-dir or their variables): a store the
// user pointed at must not be passed over for the file backend.
func (k *Keyring) configuredButFailing(b string, err error) error {
	if b == Pass && k.opts.PassCmd != "" && !errors.Is(err, errNoStore) {
		return fmt.Errorf("keyring backend \"pass\" (configured with --pass-cmd %q) cannot be used: %w", k.opts.PassCmd, err)
	}
	if b == Passage && k.opts.PassDir != "" && errors.Is(err, errNoStore) {
		return fmt.Errorf("--pass-dir %s holds neither a pass store (.gpg-id) nor a passage store (.age-recipients or a PASSAGE_IDENTITIES_FILE): nothing was read or written", k.opts.PassDir)
	}
	return nil
}

// errNoStore marks a store-based backend skipped because no store exists.
var errNoStore = errors.New("no store")

type noStoreError struct{ msg string }

func (e noStoreError) Error() string        { return e.msg }
func (e noStoreError) Is(target error) bool { return target == errNoStore }

// Unavailable says why backend cannot be named here (unknown, or not built
// into this binary), or returns nil. Whether it can then be opened is
// Probe's question.
func Unavailable(backend string) error {
	if !known(backend) {
		return fmt.Errorf("%q does not exist; choose one of %s", backend, joinNames(Available()))
	}
	if ok, why := BuiltIn(backend); !ok {
		return fmt.Errorf("%q is not built into this binary: %s; choose one of %s", backend, why, joinNames(Available()))
	}
	return nil
}

// usable is the check behind Probe and choose: nil and a reason when the
// backend can be opened here, else why not.
func (k *Keyring) usable(name string) (string, error) {
	switch name {
	case File:
		return "stores encrypted files in " + k.fileDir(), nil
	case Pass:
		return k.passUsable()
	case Passage:
		return k.passageUsable()
	case KeyCtl:
		return keyctlUsable(k.opts.KeyctlScope)
	case SecretService, KWallet:
		return dbusUsable(name)
	case OPConnect, OP, OPDesktop:
		return k.onePasswordUsable(name)
	case WinHello:
		return winHelloUsable()
	case Keychain, WinCred:
		for _, b := range kr.AvailableBackends() {
			if string(b) == name {
				return "built in", nil
			}
		}
		return "", fmt.Errorf("not built into this binary")
	}
	return "", fmt.Errorf("unknown backend")
}

func (k *Keyring) fileDir() string {
	d := k.opts.FileDir
	if d == "" {
		d = "~/.awsvault/keys/"
	}
	return k.expand(d)
}

func unwrapExec(err error) error {
	var e *exec.Error
	if errors.As(err, &e) {
		return e.Err
	}
	return err
}
