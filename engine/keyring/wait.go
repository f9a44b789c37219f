package keyring

import (
	"fmt"
	"time"
)

// Backends that may put a question to a person while a call is under way:
// gpg's pinentry (pass), the wallet's password dialog (kwallet), an unlock
// prompt (secret-service, keychain), Windows Hello's PIN or fingerprint,
// the 1Password app's approval. The file backend's passphrase is asked
// before its calls start, so it is not here.
var prompting = map[string]bool{
	Pass: true, KWallet: true, SecretService: true, Keychain: true,
	WinHello: true, OPDesktop: true,
}

// aborter is a backend that started processes of its own (pass, gpg):
// Abort ends them all, for when aws-vault gives up waiting.
type aborter interface{ Abort() }

// timed runs f, a call into backend. A call that has not returned after
// the timeout is given up, and whatever the backend started is ended,
// unless the backend may be asking a person something and a person can
// be there to answer (a terminal, or a desktop for a dialog): then
// aws-vault says once that it is still waiting and waits on, since a time
// limit must never cut off someone typing a passphrase. Ctrl-C stops it.
func (k *Keyring) timed(backend, op string, f func() error) error {
	done := make(chan error, 1)
	go func() { done <- f() }()
	t := time.NewTimer(k.opts.Timeout)
	defer t.Stop()
	select {
	case err := <-done:
		return err
	case <-t.C:
	}
	if prompting[backend] && k.personPresent() {
		fmt.Fprintf(k.opts.Notice, "aws-vault: still waiting for the %s backend (%s) after %s; answer its prompt, or press Ctrl-C to give up\n", backend, op, k.opts.Timeout)
		return <-done
	}
	if a, ok := k.ring.(aborter); ok {
		a.Abort()
	}
	// Give what was ended a moment to return, so that nothing it wrote to
	// the terminal lands after aws-vault's message.
	select {
	case <-done:
	case <-time.After(2 * time.Second):
	}
	return fmt.Errorf("keyring backend %q: %s timed out after %s (set AWS_VAULT_KEYRING_TIMEOUT to wait longer)", backend, op, k.opts.Timeout)
}

func (k *Keyring) personPresent() bool {
	if k.opts.PersonPresent != nil {
		return k.opts.PersonPresent()
	}
	return personPresent(k.opts.Getenv)
}
