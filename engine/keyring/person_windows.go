//go:build windows

package keyring

// personPresent: on Windows the prompts (Windows Hello, Credential
// Manager, the 1Password app) are dialogs of the interactive desktop,
// which a process run by a person always has.
func personPresent(func(string) string) bool { return true }
