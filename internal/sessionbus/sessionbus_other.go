//go:build !linux

package sessionbus

// Restore does nothing: the keyring library probes D-Bus on Linux only.
func Restore() {}
