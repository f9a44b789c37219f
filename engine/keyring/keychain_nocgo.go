//go:build !(darwin && cgo)

package keyring

// keychainWithCgo: the keyring library builds its Keychain backend only
// with cgo; this build has none (or is not for macOS).
const keychainWithCgo = false
