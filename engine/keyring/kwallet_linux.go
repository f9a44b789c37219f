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
// through the bus to a Qt daemon); opening once makes it three. A handle
// of -1 (the user refused, or closed the password dialog) is an error
// here, where the library went on with it.
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
	k := &kwalletRing{
		obj:    conn.Object(kwalletdName, kwalletdPath),
		wallet: cfg.ServiceName,
		folder: cfg.KWalletFolder,
		appID:  cfg.KWalletAppID,
	}
	// wId 0: no window to attach kwalletd's dialog to.
	if err := k.obj.Call(kwalletIface+"open", 0, k.wallet, int64(0), k.appID).Store(&k.handle); err != nil {
		return nil, err
	}
	if k.handle < 0 {
		return nil, fmt.Errorf("kwalletd did not open the wallet %q (its password was refused or not given)", k.wallet)
	}
	return k, nil
}

func (k *kwalletRing) Get(key string) (kr.Item, error) {
	var data []byte
	if err := k.obj.Call(kwalletIface+"readEntry", 0, k.handle, k.folder, key, k.appID).Store(&data); err != nil {
		return kr.Item{}, err
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

func (k *kwalletRing) Set(item kr.Item) error {
	data, err := json.Marshal(item)
	if err != nil {
		return err
	}
	var rc int32
	if err := k.obj.Call(kwalletIface+"writeEntry", 0, k.handle, k.folder, item.Key, data, k.appID).Store(&rc); err != nil {
		return err
	}
	if rc != 0 {
		return fmt.Errorf("kwalletd refused to write the entry (status %d)", rc)
	}
	return nil
}

// Remove, as the library: kwalletd's status is not an error, since it
// does not tell a missing entry from a failure.
func (k *kwalletRing) Remove(key string) error {
	return k.obj.Call(kwalletIface+"removeEntry", 0, k.handle, k.folder, key, k.appID).Err
}

func (k *kwalletRing) Keys() ([]string, error) {
	var keys []string
	if err := k.obj.Call(kwalletIface+"entryList", 0, k.handle, k.folder, k.appID).Store(&keys); err != nil {
		return nil, err
	}
	return keys, nil
}
