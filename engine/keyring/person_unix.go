//go:build unix

package keyring

import "os"

// personPresent: a controlling terminal (pinentry-curses, a passphrase
// prompt) or a desktop session (pinentry-gnome3, a wallet dialog) exists.
func personPresent(getenv func(string) string) bool {
	if getenv("DISPLAY") != "" || getenv("WAYLAND_DISPLAY") != "" {
		return true
	}
	f, err := os.OpenFile("/dev/tty", os.O_RDWR, 0)
	if err != nil {
		return false
	}
	f.Close()
	return true
}
