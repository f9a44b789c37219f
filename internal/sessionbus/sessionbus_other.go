//go:build !linux

package sessionbus

// Restore does nothing: the keyring library probes D-Bus on Linux only.
func Restore() {}

// Missing is false: there is no session bus to miss here.
func Missing() bool { return false }
