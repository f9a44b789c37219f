//go:build unix

// Package testbus starts, for tests, a private D-Bus session bus (never
// the user's) with one daemon in it: gnome-keyring's Secret Service or a
// headless kwalletd5.
package testbus

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/godbus/dbus"
)

// Bus is a running private session bus.
type Bus struct {
	Addr string // its DBUS_SESSION_BUS_ADDRESS
	cmd  *exec.Cmd
}

// Start runs script (sh) inside dbus-run-session, in a process group of
// its own, with env added to this process's environment, and waits at most
// 20 seconds for name to be owned on the new bus. Stop ends the bus and
// all it runs.
func Start(script string, env []string, name string) (*Bus, error) {
	dir, err := os.MkdirTemp("", "testbus-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	addrFile := filepath.Join(dir, "address")
	cmd := exec.Command("dbus-run-session", "--", "sh", "-c", `echo "$DBUS_SESSION_BUS_ADDRESS" > "$1"; `+script, "sh", addrFile)
	cmd.Env = append(os.Environ(), env...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	b := &Bus{cmd: cmd}
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) {
			b.Stop()
			return nil, fmt.Errorf("%s did not appear on a private bus: %s", name, out.String())
		}
		if b.Addr == "" {
			if a, err := os.ReadFile(addrFile); err == nil {
				b.Addr = strings.TrimSpace(string(a))
			}
			if b.Addr == "" {
				continue
			}
		}
		var owned bool
		err := b.Call("org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus.NameHasOwner", []any{name}, &owned)
		if err == nil && owned {
			return b, nil
		}
	}
}

// Stop ends the bus and everything it runs.
func (b *Bus) Stop() {
	_ = syscall.Kill(-b.cmd.Process.Pid, syscall.SIGTERM)
	_ = b.cmd.Wait()
}

// Conn is a new connection to the bus, authenticated and named.
func (b *Bus) Conn() (*dbus.Conn, error) {
	conn, err := dbus.Dial(b.Addr)
	if err != nil {
		return nil, err
	}
	if err = conn.Auth(nil); err == nil {
		err = conn.Hello()
	}
	if err != nil {
		conn.Close()
		return nil, err
	}
	return conn, nil
}

// Call makes one method call on the bus over a connection of its own,
// storing the reply in out (if any).
func (b *Bus) Call(dest, path, method string, args []any, out ...any) error {
	conn, err := b.Conn()
	if err != nil {
		return err
	}
	defer conn.Close()
	call := conn.Object(dest, dbus.ObjectPath(path)).Call(method, 0, args...)
	if call.Err != nil || len(out) == 0 {
		return call.Err
	}
	return call.Store(out...)
}

// KWallet starts kwalletd5 headless (Qt's offscreen platform) on a private
// bus, with HOME (where its kwalletrc goes) and XDG_RUNTIME_DIR as given,
// allowing the application "aws-vault" its wallet without asking.
func KWallet(home, runtimeDir string) (*Bus, error) {
	rc := "[Wallet]\nEnabled=true\nFirst Use=false\nPrompt on Open=false\nClose When Idle=false\n\n[Auto Allow]\naws-vault=aws-vault\n"
	if err := os.MkdirAll(filepath.Join(home, ".config"), 0o700); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(home, ".config", "kwalletrc"), []byte(rc), 0o600); err != nil {
		return nil, err
	}
	return Start("exec kwalletd5", []string{"HOME=" + home, "QT_QPA_PLATFORM=offscreen", "DISPLAY=", "WAYLAND_DISPLAY=", "XDG_RUNTIME_DIR=" + runtimeDir}, "org.kde.kwalletd5")
}

// UnlockWallet creates (if need be) and opens the wallet "aws-vault" the
// way pam_kwallet does at login, with a password hash: no dialog.
func (b *Bus) UnlockWallet() error {
	hash := bytes.Repeat([]byte{7}, 56)
	return b.Call("org.kde.kwalletd5", "/modules/kwalletd5", "org.kde.KWallet.pamOpen", []any{"aws-vault", hash, int32(0)})
}
