//go:build linux

package keyring

import (
	"bytes"
	"os/exec"
	"slices"
	"testing"

	kr "github.com/99designs/keyring"
	"github.com/godbus/dbus"

	"github.com/aws-vault/aws-vault/internal/testbus"
)

// privateKWallet starts kwalletd5 on a bus of its own (never the user's),
// with the wallet "aws-vault" unlocked as at login, and returns the bus and
// a connection to it.
func privateKWallet(t *testing.T) (*testbus.Bus, *dbus.Conn) {
	t.Helper()
	for _, tool := range []string{"kwalletd5", "dbus-run-session"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed (.ci/deps installs it)", tool)
		}
	}
	home := t.TempDir()
	bus, err := testbus.KWallet(home, home)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(bus.Stop)
	if err := bus.UnlockWallet(); err != nil {
		t.Fatal(err)
	}
	conn, err := bus.Conn()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return bus, conn
}

// The wallet closing under an open handle (an idle timeout, a screen lock)
// must not make its items look gone: kwalletd answers a stale handle with
// empty data, which the ring checks and answers by opening the wallet again.
func TestKWalletHandleGoesStale(t *testing.T) {
	bus, conn := privateKWallet(t)
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
		if err := bus.UnlockWallet(); err != nil { // the user unlocks it again: a new handle
			t.Fatal(err)
		}
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
