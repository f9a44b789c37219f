// Package sessionbus keeps the keyring library's start-up probe of the D-Bus
// session bus from launching a bus.
//
// When 99designs/keyring initialises on Linux it asks godbus for the
// session bus, to learn whether the kwallet and secret-service backends
// exist. With no bus address in the environment and no socket under
// /run/user/UID, godbus then runs dbus-launch, which starts a new bus
// daemon that outlives aws-vault: one more daemon for every prompt hook and
// every credential_process call, and on some systems (WSL) a start-up that
// hangs. Users of the original aws-vault know both (its issues #857 and
// #1220).
//
// So, in exactly that case, this package points DBUS_SESSION_BUS_ADDRESS at
// a socket that does not exist while the keyring library initialises (the
// probe then fails at once, as it would with no dbus-launch installed), and
// Restore, called from engine/keyring's init, which Go runs after the
// library's, puts the variable back as it was. With a bus address set or a
// bus socket present nothing is changed. secret-service and kwallet are then
// not available; engine/keyring says why when one is asked for. Who wants a
// bus launched (a launched bus can start gnome-keyring or kwalletd by D-Bus
// activation) sets DBUS_SESSION_BUS_ADDRESS=autolaunch:, which D-Bus
// defines for that, or runs under dbus-run-session.
package sessionbus
