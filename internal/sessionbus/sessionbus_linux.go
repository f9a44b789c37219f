//go:build linux

package sessionbus

import "syscall"

// This package imports nothing but syscall, so that it is initialised
// before the keyring library: Go initialises, at each step, the package
// with the smallest import path whose imports are done, and this one is
// ready long before the library's dependencies (os, reflect, ...) are.

const (
	variable = "DBUS_SESSION_BUS_ADDRESS"
	// nowhere is an address whose dial fails at once.
	nowhere = "unix:path=/nonexistent/aws-vault-no-session-bus"
)

var (
	guarding    bool   // the variable is set to nowhere
	noBus       bool   // init found no session bus
	previous    string // its value before, if it had one
	hadPrevious bool
)

func init() {
	addr, _ := syscall.Getenv(variable)
	if addr != "" {
		// godbus dials this address. "autolaunch:" asks D-Bus to start a
		// bus when there is none, and is respected: that is the way to
		// have the old behaviour back.
		return
	}
	dir := "/run/user/" + itoa(syscall.Getuid())
	if exists(dir+"/bus") || exists(dir+"/dbus-session") {
		return // godbus finds the bus there
	}
	noBus = true
	previous, hadPrevious = syscall.Getenv(variable)
	if syscall.Setenv(variable, nowhere) == nil {
		guarding = true
	}
}

// Missing reports whether start-up found no session bus, and so kept the
// keyring library from launching one: why secret-service and kwallet are
// not available.
func Missing() bool { return noBus }

// Restore puts DBUS_SESSION_BUS_ADDRESS back as it was before init, once
// the keyring library has initialised. Later calls do nothing.
func Restore() {
	if !guarding {
		return
	}
	guarding = false
	if hadPrevious {
		syscall.Setenv(variable, previous)
	} else {
		syscall.Unsetenv(variable)
	}
}

// exists answers as godbus does: anything but "no such file" counts.
func exists(path string) bool {
	var st syscall.Stat_t
	return syscall.Stat(path, &st) != syscall.ENOENT
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	for ; n > 0; n /= 10 {
		i--
		b[i] = byte('0' + n%10)
	}
	return string(b[i:])
}
