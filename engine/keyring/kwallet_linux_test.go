//go:build linux

package keyring

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	kr "github.com/99designs/keyring"
	"github.com/godbus/dbus"
)

// privateKWallet starts kwalletd5 on a bus of its own (never the user's),
// headless, and returns a connection to that bus. The wallet "aws-vault" is
// opened as pam_kwallet opens one at login (unlockWallet).
func privateKWallet(t *testing.T) *dbus.Conn {
	t.Helper()
	for _, tool := range []string{"kwalletd5", "dbus-run-session"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed (.ci/deps installs it)", tool)
		}
	}
	home := t.TempDir()
	if err := os.MkdirAll(filepath.Join(home, ".config"), 0o700); err != nil {
		t.Fatal(err)
	}
	rc := "[Wallet]\nEnabled=true\nFirst Use=false\nPrompt on Open=false\nClose When Idle=false\n\n[Auto Allow]\naws-vault=aws-vault\n"
	if err := os.WriteFile(filepath.Join(home, ".config", "kwalletrc"), []byte(rc), 0o600); err != nil {
		t.Fatal(err)
	}
	addrFile := filepath.Join(home, "bus")
	cmd := exec.Command("dbus-run-session", "--", "sh", "-c", `echo "$DBUS_SESSION_BUS_ADDRESS" > "$1"; exec kwalletd5`, "sh", addrFile)
	cmd.Env = append(os.Environ(), "HOME="+home, "QT_QPA_PLATFORM=offscreen", "DISPLAY=", "WAYLAND_DISPLAY=", "XDG_RUNTIME_DIR="+home)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		_ = cmd.Wait()
	})
	var conn *dbus.Conn
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("kwalletd5 did not start: %s", out.String())
		}
		addr, err := os.ReadFile(addrFile)
		if err != nil || len(bytes.TrimSpace(addr)) == 0 {
			continue
		}
		if conn == nil {
			if conn, err = dbus.Dial(strings.TrimSpace(string(addr))); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { conn.Close() })
			if err := conn.Auth(nil); err != nil {
				t.Fatal(err)
			}
			if err := conn.Hello(); err != nil {
				t.Fatal(err)
			}
		}
		var has bool
		if err := conn.BusObject().Call("org.freedesktop.DBus.NameHasOwner", 0, kwalletdName).Store(&has); err == nil && has {
			break
		}
	}
	unlockWallet(t, conn)
	return conn
}

// unlockWallet opens the wallet "aws-vault" with a password hash, as
// pam_kwallet does at login; no dialog is involved.
func unlockWallet(t *testing.T, conn *dbus.Conn) {
	t.Helper()
	hash := bytes.Repeat([]byte{7}, 56)
	if err := conn.Object(kwalletdName, kwalletdPath).Call(kwalletIface+"pamOpen", 0, "aws-vault", hash, int32(0)).Err; err != nil {
		t.Fatal(err)
	}
}

// The wallet closing under an open handle (an idle timeout, a screen lock)
// must not make its items look gone: kwalletd answers a stale handle with
// empty data, which the ring checks and answers by opening the wallet again.
func TestKWalletHandleGoesStale(t *testing.T) {
	conn := privateKWallet(t)
	ring, err := newKWalletRing(conn, kr.Config{ServiceName: ServiceName, KWalletFolder: ServiceName, KWalletAppID: ServiceName})
	if err != nil {
		t.Fatal(err)
	}
	item := kr.Item{Key: "work", Data: []byte(`{"AccessKeyID":"AKIAKWALLETKWALLET"}`), Label: "aws-vault (work)"}
	if err := ring.Set(item); err != nil {
		t.Fatal(err)
	}
	closeAndReopen := func() {
		t.Helper()
		if err := conn.Object(kwalletdName, kwalletdPath).Call(kwalletIface+"close", 0, ServiceName, true).Err; err != nil {
			t.Fatal(err)
		}
		unlockWallet(t, conn) // the user unlocks it again: a new handle
	}

	closeAndReopen()
	got, err := ring.Get("work")
	if err != nil || !bytes.Equal(got.Data, item.Data) {
		t.Fatalf("after the wallet closed and opened again: Get = %q, %v; want the item", got.Data, err)
	}
	closeAndReopen()
	keys, err := ring.Keys()
	if err != nil || !slices.Contains(keys, "work") {
		t.Fatalf("after the wallet closed and opened again: Keys = %q, %v; want work", keys, err)
	}
	closeAndReopen()
	if err := ring.Remove("work"); err != nil {
		t.Fatal(err)
	}
	if keys, err := ring.Keys(); err != nil || len(keys) != 0 {
		t.Fatalf("Remove after the wallet closed left %q, %v", keys, err)
	}
	closeAndReopen()
	if err := ring.Set(item); err != nil {
		t.Fatalf("Set after the wallet closed: %v", err)
	}
	if _, err := ring.Get("gone"); err != kr.ErrKeyNotFound {
		t.Errorf("a missing entry: %v, want ErrKeyNotFound", err)
	}
}
