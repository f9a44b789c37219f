//go:build darwin && cgo

package keyring

// keychainWithCgo: the keyring library builds its Keychain backend only
// with cgo, which this build has.
const keychainWithCgo = true
