package keyring

import (
	"fmt"
	"strings"
)

// backendHint adds what to do to errors whose words the backends leave
// obscure.
func backendHint(backend string, err error) error {
	if err == nil {
		return nil
	}
	s := err.Error()
	switch {
	case backend == SecretService && strings.Contains(s, "Object does not exist at path"):
		return fmt.Errorf("%w (the Secret Service could not create or unlock the collection: that takes a prompt on a desktop, which this session has not; create it in the keyring app, or choose an existing unlocked one with --secret-service-collection, e.g. login)", err)
	case backend == SecretService && strings.Contains(s, "locked object"):
		return fmt.Errorf("%w (the collection is locked, and unlocking it takes a prompt on a desktop, which this session has not: unlock it in the keyring app, or have it unlocked at login, as pam_gnome_keyring does)", err)
	case backend == SecretService && strings.Contains(s, "org.freedesktop.DBus.Error.ServiceUnknown"):
		return fmt.Errorf("%w (no Secret Service runs on this session bus: start gnome-keyring-daemon, KeePassXC or KWallet's)", err)
	case backend == KWallet && strings.Contains(s, "org.freedesktop.DBus.Error.ServiceUnknown"):
		return fmt.Errorf("%w (kwalletd5 does not run on this session bus)", err)
	}
	return err
}
