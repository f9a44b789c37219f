//go:build linux

package keyring

import (
	"encoding/json"
	"fmt"

	kr "github.com/99designs/keyring"
	"github.com/godbus/dbus"
)

// kwalletRing talks to kwalletd over the session bus with the keyring
// library's layout: the wallet named ServiceName, in it the folder
// ServiceName, items stored as the library's JSON under their keys, all
// asked for as the application ServiceName. Items are shared both ways
// with the library and so with the original aws-vault.
//
// The library asks the daemon isOpen before every call, and when it finds
// no open handle, opens the wallet without checking the handle it gets. A
// cached `exec --json` then made six calls to kwalletd (each a round trip
// through the bus to a Qt daemon); opening once makes it three. isOpen is
// asked only when an answer is empty or a status says the handle is bad,
// which is how kwalletd answers a handle of a wallet that closed since
// (see reopened). A handle of -1 from open (the user refused, or closed
// the password dialog) is an error here, where the library went on with it.
type kwalletRing struct {
	obj                   dbus.BusObject
	wallet, folder, appID string
	handle                int32
}

const (
	kwalletdName = "org.kde.kwalletd5"
	kwalletdPath = "/modules/kwalletd5"
	kwalletIface = "org.kde.KWallet."
)

// openKWallet opens the wallet: kwalletd asks the user for its password
// if it is closed, so the caller runs this where a person may be answering
// (see wait.go).
func openKWallet(cfg kr.Config) (kr.Keyring, error) {
	conn, err := dbus.SessionBus()
	if err != nil {
		return nil, err
	}
	return newKWalletRing(conn, cfg)
}

func newKWalletRing(conn *dbus.Conn, cfg kr.Config) (*kwalletRing, error) {
	k := &kwalletRing{
		obj:    conn.Object(kwalletdName, kwalletdPath),
		wallet: cfg.ServiceName,
		folder: cfg.KWalletFolder,
		appID:  cfg.KWalletAppID,
	}
	return k, k.open()
}

func (k *kwalletRing) open() error {
	// wId 0: no window to attach kwalletd's dialog to.
	if err := k.obj.Call(kwalletIface+"open", 0, k.wallet, int64(0), k.appID).Store(&k.handle); err != nil {
		return err
	}
	if k.handle < 0 {
		return fmt.Errorf("kwalletd did not open the wallet %q (its password was refused or not given)", k.wallet)
	}
	return nil
}

// reopened reports whether the wallet closed under k.handle (an idle
// timeout, a screen lock, the user) and, if so, opens it again: then the
// call that found it closed is made once more. kwalletd answers a handle
// it no longer knows with an empty entry or list, as it answers a missing
// entry, so an empty answer is checked before it is believed; a long-lived
// aws-vault (a credential server) would otherwise find no credentials.
func (k *kwalletRing) reopened() (bool, error) {
	var open bool
	if err := k.obj.Call(kwalletIface+"isOpen", 0, k.handle).Store(&open); err != nil {
		return false, err
	}
	if open {
		return false, nil
	}
	return true, k.open()
}

func (k *kwalletRing) Get(key string) (kr.Item, error) {
	var data []byte
	read := func() error {
		return k.obj.Call(kwalletIface+"readEntry", 0, k.handle, k.folder, key, k.appID).Store(&data)
	}
	if err := read(); err != nil {
		return kr.Item{}, err
	}
	if len(data) == 0 {
		if again, err := k.reopened(); err != nil {
			return kr.Item{}, err
		} else if again {
			if err := read(); err != nil {
				return kr.Item{}, err
			}
		}
	}
	if len(data) == 0 {
		return kr.Item{}, kr.ErrKeyNotFound // kwalletd's answer for no such entry
	}
	var item kr.Item
	if err := json.Unmarshal(data, &item); err != nil {
		return kr.Item{}, fmt.Errorf("the wallet entry is not an aws-vault item (JSON): %v", err)
	}
	return item, nil
}

// GetMetadata: KWallet has no metadata readable without opening the wallet.
func (k *kwalletRing) GetMetadata(string) (kr.Metadata, error) {
	return kr.Metadata{}, kr.ErrMetadataNeedsCredentials
}

// kwalletStatus runs a call that answers with kwalletd's status (0: done),
// opening the wallet again and repeating the call once if its handle went
// stale (-1).
func (k *kwalletRing) kwalletStatus(method string, args func() []any) (int32, error) {
	var rc int32
	for try := 0; ; try++ {
		if err := k.obj.Call(kwalletIface+method, 0, args()...).Store(&rc); err != nil {
			return 0, err
		}
		if rc != -1 || try > 0 {
			return rc, nil
		}
		if again, err := k.reopened(); err != nil || !again {
			return rc, err
		}
	}
}

func (k *kwalletRing) Set(item kr.Item) error {
	data, err := json.Marshal(item)
	if err != nil {
		return err
	}
	rc, err := k.kwalletStatus("writeEntry", func() []any { return []any{k.handle, k.folder, item.Key, data, k.appID} })
	if err != nil {
		return err
	}
	if rc != 0 {
		return fmt.Errorf("kwalletd refused to write the entry (status %d)", rc)
	}
	return nil
}

// Remove, as the library: no such entry (-3) is not an error.
func (k *kwalletRing) Remove(key string) error {
	rc, err := k.kwalletStatus("removeEntry", func() []any { return []any{k.handle, k.folder, key, k.appID} })
	if err != nil {
		return err
	}
	if rc != 0 && rc != -3 {
		return fmt.Errorf("kwalletd refused to remove the entry (status %d)", rc)
	}
	return nil
}

func (k *kwalletRing) Keys() ([]string, error) {
	var keys []string
	list := func() error {
		return k.obj.Call(kwalletIface+"entryList", 0, k.handle, k.folder, k.appID).Store(&keys)
	}
	if err := list(); err != nil {
		return nil, err
	}
	if len(keys) == 0 {
		if again, err := k.reopened(); err != nil {
			return nil, err
		} else if again {
			if err := list(); err != nil {
				return nil, err
			}
		}
	}
	return keys, nil
}
