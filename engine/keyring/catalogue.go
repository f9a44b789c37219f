package keyring

import (
	"runtime"
	"strings"

	kr "github.com/99designs/keyring"
)

// The backends this project knows, in the maintained fork's order (its
// README's table). Which of them a binary has depends on the platform it
// was built for and, for the macOS Keychain, on cgo.
const (
	Keychain      = "keychain"
	WinCred       = "wincred"
	WinHello      = "winhello"
	SecretService = "secret-service"
	KWallet       = "kwallet"
	KeyCtl        = "keyctl"
	Pass          = "pass"
	Passage       = "passage"
	File          = "file"
	OPConnect     = "op-connect"
	OP            = "op"
	OPDesktop     = "op-desktop"
)

var allBackends = []string{Keychain, WinCred, WinHello, SecretService, KWallet, KeyCtl, Pass, Passage, File, OPConnect, OP, OPDesktop}

// titles name each backend for people.
var titles = map[string]string{
	Keychain:      "macOS Keychain",
	WinCred:       "Windows Credential Manager",
	WinHello:      "Windows Hello (Credential Manager, key wrapped by Windows Hello)",
	SecretService: "Secret Service over D-Bus (GNOME Keyring, KeePassXC, ...)",
	KWallet:       "KWallet over D-Bus",
	KeyCtl:        "Linux kernel keyring (forgotten at reboot)",
	Pass:          "pass (GPG)",
	Passage:       "passage (age)",
	File:          "encrypted files (passphrase)",
	OPConnect:     "1Password Connect server",
	OP:            "1Password service account",
	OPDesktop:     "1Password desktop app",
}

// Title names a backend for people.
func Title(name string) string { return titles[name] }

// AllBackends lists every backend this project knows, built in or not.
func AllBackends() []string { return append([]string(nil), allBackends...) }

// BuiltIn reports whether this binary has backend name, and if not, why.
func BuiltIn(name string) (bool, string) {
	return builtInFor(runtime.GOOS, keychainWithCgo, name)
}

// builtInFor answers BuiltIn for a binary built for goos, with or without
// cgo.
func builtInFor(goos string, cgo bool, name string) (bool, string) {
	lib := func() bool {
		for _, b := range kr.AvailableBackends() {
			if string(b) == name {
				return true
			}
		}
		return false
	}
	switch name {
	case Keychain:
		if goos != "darwin" {
			return false, "the Keychain exists only on macOS"
		}
		if !cgo {
			return false, "this macOS binary was built without cgo (cross-compiled from another system), and the Keychain backend needs cgo: install a release built on macOS, or build with CGO_ENABLED=1 on a Mac"
		}
		return lib(), ""
	case WinCred, WinHello:
		if goos != "windows" {
			return false, "Windows only"
		}
		return true, ""
	case SecretService, KWallet, KeyCtl:
		if goos != "linux" {
			return false, "Linux only"
		}
		return true, ""
	case Pass, Passage:
		if goos == "windows" {
			return false, "not on Windows"
		}
		return true, ""
	case File, OPConnect, OP, OPDesktop:
		return true, ""
	}
	return false, "unknown backend"
}

// Available lists the backends built into this binary, in the fork's order.
func Available() []string {
	var out []string
	for _, b := range allBackends {
		if ok, _ := BuiltIn(b); ok {
			out = append(out, b)
		}
	}
	return out
}

// AutoOrder is the order tried when no backend is chosen: the fork's
// platform order, except that the kernel keyring is left out on purpose
// (it forgets everything at reboot, so it is used only when asked for by
// name), and the 1Password backends, which are opt-in as in the fork.
func AutoOrder() []string {
	var out []string
	for _, b := range []string{Keychain, WinCred, SecretService, KWallet, Pass, Passage, File} {
		if ok, _ := BuiltIn(b); ok {
			out = append(out, b)
		}
	}
	return out
}

// NotBuiltInNote says, for --help, which backends a user of this platform
// would expect but this binary lacks ("" when none).
func NotBuiltInNote() string { return notBuiltInNoteFor(runtime.GOOS, keychainWithCgo) }

func notBuiltInNoteFor(goos string, cgo bool) string {
	if goos == "darwin" && !cgo {
		return "keychain is not built into this binary (built without cgo)"
	}
	return ""
}

// Volatile reports whether a backend loses its items at reboot.
func Volatile(backend string) bool { return backend == KeyCtl }

func known(name string) bool {
	for _, b := range allBackends {
		if b == name {
			return true
		}
	}
	return false
}

func joinNames(list []string) string { return strings.Join(list, ", ") }
