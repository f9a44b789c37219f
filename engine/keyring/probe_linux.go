//go:build linux

package keyring

import (
	"fmt"
	"os"

	kr "github.com/99designs/keyring"
	"github.com/godbus/dbus"

	"github.com/aws-vault/aws-vault/internal/sessionbus"
)

// dbusNames are the bus names each D-Bus backend talks to: the Secret
// Service's, and the KWallet daemon the keyring library calls (kwalletd5;
// KDE 6 still answers on that name).
var dbusNames = map[string][]string{
	SecretService: {"org.freedesktop.secrets"},
	KWallet:       {"org.kde.kwalletd5"},
}

// dbusUsable reports whether the session bus has (or can start) the
// service a D-Bus backend needs.
func dbusUsable(name string) (string, error) {
	if sessionbus.Missing() {
		return "", fmt.Errorf("there is no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is unset and /run/user/%d/bus does not exist): run aws-vault inside one (dbus-run-session -- $SHELL), or set DBUS_SESSION_BUS_ADDRESS=autolaunch: to have one started", os.Getuid())
	}
	registered := false
	for _, b := range kr.AvailableBackends() {
		registered = registered || string(b) == name
	}
	if !registered {
		return "", fmt.Errorf("the D-Bus session bus (%s) did not answer when aws-vault started", os.Getenv("DBUS_SESSION_BUS_ADDRESS"))
	}
	conn, err := dbus.SessionBus()
	if err != nil {
		return "", fmt.Errorf("connecting to the D-Bus session bus: %v", err)
	}
	bus := conn.BusObject()
	// One round trip in the usual case (the service runs); the list of
	// services the bus can start only when it does not.
	var activatable []string
	for _, want := range dbusNames[name] {
		var has bool
		if err := bus.Call("org.freedesktop.DBus.NameHasOwner", 0, want).Store(&has); err != nil {
			return "", fmt.Errorf("asking the D-Bus session bus for %s: %v", want, err)
		}
		if has {
			return fmt.Sprintf("%s is running on the session bus", want), nil
		}
		if activatable == nil {
			if err := bus.Call("org.freedesktop.DBus.ListActivatableNames", 0).Store(&activatable); err != nil {
				return "", fmt.Errorf("asking the D-Bus session bus for its services: %v", err)
			}
		}
		for _, a := range activatable {
			if a == want {
				return fmt.Sprintf("%s can be started on the session bus", want), nil
			}
		}
	}
	what := map[string]string{
		SecretService: "no Secret Service is running on the session bus (GNOME Keyring, KeePassXC, KWallet 5.97+), and none can be started by D-Bus activation",
		KWallet:       "kwalletd5 is not running on the session bus, and no service file can start it",
	}[name]
	return "", fmt.Errorf("%s (nothing owns %s)", what, dbusNames[name][0])
}
