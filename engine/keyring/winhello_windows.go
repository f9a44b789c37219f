//go:build windows

package keyring

import (
	"crypto/rsa"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"os/user"
	"strings"
	"unsafe"

	kr "github.com/99designs/keyring"
	"github.com/danieljoos/wincred"
	"golang.org/x/sys/windows"
)

// The winhello backend: items in Windows Credential Manager as envelopes
// (envelope.go) whose keys are wrapped by an RSA key of the Microsoft
// Passport key storage provider, that is Windows Hello: reading an item
// asks for the PIN, face or finger; writing one needs only the public key.
//
// Not run here: this file is cross-compiled (GOOS=windows go build) but
// this project's machines run Linux, so no test has exercised Windows
// Hello itself. The envelope format it relies on is tested on every
// platform.

const (
	winHelloTargetPrefix = "aws-vault-winhello:"
	winHelloKeyName      = "aws-vault"
)

var (
	ncrypt                        = windows.NewLazySystemDLL("ncrypt.dll")
	procNCryptOpenStorageProvider = ncrypt.NewProc("NCryptOpenStorageProvider")
	procNCryptOpenKey             = ncrypt.NewProc("NCryptOpenKey")
	procNCryptCreatePersistedKey  = ncrypt.NewProc("NCryptCreatePersistedKey")
	procNCryptSetProperty         = ncrypt.NewProc("NCryptSetProperty")
	procNCryptFinalizeKey         = ncrypt.NewProc("NCryptFinalizeKey")
	procNCryptExportKey           = ncrypt.NewProc("NCryptExportKey")
	procNCryptDecrypt             = ncrypt.NewProc("NCryptDecrypt")
	procNCryptFreeObject          = ncrypt.NewProc("NCryptFreeObject")
)

const (
	nteBadKeyset          = 0x80090016
	ncryptPadOAEPFlag     = 0x4
	ncryptAllowDecrypt    = 0x1
	ncryptAllowSigning    = 0x2
	bcryptRSAPublicMagic  = 0x31415352 // "RSA1"
	ngcCacheAuthMandatory = 1
)

func winHelloUsable() (string, error) {
	if err := ncrypt.Load(); err != nil {
		return "", fmt.Errorf("ncrypt.dll cannot be loaded: %v", err)
	}
	prov, err := openPassport()
	if err != nil {
		return "", err
	}
	freeObject(prov)
	return "Windows Hello (Microsoft Passport key storage provider) with Credential Manager", nil
}

func openWinHello() (kr.Keyring, error) {
	if _, err := winHelloUsable(); err != nil {
		return nil, err
	}
	return &winHelloRing{}, nil
}

type winHelloRing struct{ pub *rsa.PublicKey }

func utf16(s string) *uint16 {
	p, _ := windows.UTF16PtrFromString(s)
	return p
}

func status(r uintptr) error {
	if r == 0 {
		return nil
	}
	return windows.Errno(r)
}

func openPassport() (uintptr, error) {
	var prov uintptr
	r, _, _ := procNCryptOpenStorageProvider.Call(uintptr(unsafe.Pointer(&prov)), uintptr(unsafe.Pointer(utf16("Microsoft Passport Key Storage Provider"))), 0)
	if err := status(r); err != nil {
		return 0, fmt.Errorf("Windows Hello is not set up for this user (opening the Passport key storage provider: %v)", err)
	}
	return prov, nil
}

func freeObject(h uintptr) { _, _, _ = procNCryptFreeObject.Call(h) }

// passportKeyName is the NGC-style name the Passport provider expects:
// SID//domain/namespace/name.
func passportKeyName() (string, error) {
	u, err := user.Current()
	if err != nil {
		return "", err
	}
	return u.Uid + "//aws-vault/backend/" + winHelloKeyName, nil
}

func setProperty(h uintptr, name string, value []byte) error {
	r, _, _ := procNCryptSetProperty.Call(h, uintptr(unsafe.Pointer(utf16(name))), uintptr(unsafe.Pointer(&value[0])), uintptr(len(value)), 0)
	return status(r)
}

func u32(v uint32) []byte { b := make([]byte, 4); binary.LittleEndian.PutUint32(b, v); return b }

// key opens the Windows Hello key, creating it (which asks the person)
// the first time.
func (w *winHelloRing) key() (prov, key uintptr, err error) {
	name, err := passportKeyName()
	if err != nil {
		return 0, 0, err
	}
	prov, err = openPassport()
	if err != nil {
		return 0, 0, err
	}
	r, _, _ := procNCryptOpenKey.Call(prov, uintptr(unsafe.Pointer(&key)), uintptr(unsafe.Pointer(utf16(name))), 0, 0)
	if r == 0 {
		return prov, key, nil
	}
	if uint32(r) != nteBadKeyset {
		freeObject(prov)
		return 0, 0, fmt.Errorf("opening the Windows Hello key: %v", windows.Errno(r))
	}
	r, _, _ = procNCryptCreatePersistedKey.Call(prov, uintptr(unsafe.Pointer(&key)), uintptr(unsafe.Pointer(utf16("RSA"))), uintptr(unsafe.Pointer(utf16(name))), 0, 0)
	if err := status(r); err != nil {
		freeObject(prov)
		return 0, 0, fmt.Errorf("creating the Windows Hello key: %v", err)
	}
	ctx, _ := windows.UTF16FromString("aws-vault: unlock your AWS credentials")
	ctxBytes := unsafe.Slice((*byte)(unsafe.Pointer(&ctx[0])), len(ctx)*2)
	for _, p := range []struct {
		name  string
		value []byte
	}{
		{"Length", u32(2048)},
		{"Key Usage", u32(ncryptAllowDecrypt | ncryptAllowSigning)},
		{"NgcCacheType", u32(ngcCacheAuthMandatory)},
		{"Use Context", ctxBytes},
	} {
		if err := setProperty(key, p.name, p.value); err != nil && p.name != "NgcCacheType" {
			freeObject(key)
			freeObject(prov)
			return 0, 0, fmt.Errorf("setting %s on the Windows Hello key: %v", p.name, err)
		}
	}
	r, _, _ = procNCryptFinalizeKey.Call(key, 0)
	if err := status(r); err != nil {
		freeObject(key)
		freeObject(prov)
		return 0, 0, fmt.Errorf("creating the Windows Hello key (finalize): %v", err)
	}
	return prov, key, nil
}

// publicKey exports the public half (no prompt).
func (w *winHelloRing) publicKey() (*rsa.PublicKey, error) {
	if w.pub != nil {
		return w.pub, nil
	}
	prov, key, err := w.key()
	if err != nil {
		return nil, err
	}
	defer freeObject(prov)
	defer freeObject(key)
	blobType := utf16("RSAPUBLICBLOB")
	var size uint32
	r, _, _ := procNCryptExportKey.Call(key, 0, uintptr(unsafe.Pointer(blobType)), 0, 0, 0, uintptr(unsafe.Pointer(&size)), 0)
	if err := status(r); err != nil {
		return nil, fmt.Errorf("exporting the Windows Hello public key: %v", err)
	}
	blob := make([]byte, size)
	r, _, _ = procNCryptExportKey.Call(key, 0, uintptr(unsafe.Pointer(blobType)), 0, uintptr(unsafe.Pointer(&blob[0])), uintptr(size), uintptr(unsafe.Pointer(&size)), 0)
	if err := status(r); err != nil {
		return nil, fmt.Errorf("exporting the Windows Hello public key: %v", err)
	}
	// BCRYPT_RSAKEY_BLOB: magic, bits, exponent size, modulus size, two
	// prime sizes (0 here), then exponent and modulus, big-endian.
	if len(blob) < 24 || binary.LittleEndian.Uint32(blob) != bcryptRSAPublicMagic {
		return nil, errors.New("the Windows Hello public key is not an RSA public blob")
	}
	e, n := binary.LittleEndian.Uint32(blob[8:]), binary.LittleEndian.Uint32(blob[12:])
	if uint32(len(blob)) < 24+e+n {
		return nil, errors.New("the Windows Hello public key blob is short")
	}
	exp := new(big.Int).SetBytes(blob[24 : 24+e])
	w.pub = &rsa.PublicKey{N: new(big.Int).SetBytes(blob[24+e : 24+e+n]), E: int(exp.Int64())}
	return w.pub, nil
}

// unwrap decrypts with the Windows Hello key: the person is asked.
func (w *winHelloRing) unwrap(c []byte) ([]byte, error) {
	prov, key, err := w.key()
	if err != nil {
		return nil, err
	}
	defer freeObject(prov)
	defer freeObject(key)
	type oaepInfo struct {
		alg   *uint16
		label *byte
		size  uint32
	}
	info := oaepInfo{alg: utf16("SHA256")}
	out := make([]byte, 512)
	var n uint32
	r, _, _ := procNCryptDecrypt.Call(key, uintptr(unsafe.Pointer(&c[0])), uintptr(len(c)), uintptr(unsafe.Pointer(&info)),
		uintptr(unsafe.Pointer(&out[0])), uintptr(len(out)), uintptr(unsafe.Pointer(&n)), ncryptPadOAEPFlag)
	if err := status(r); err != nil {
		return nil, fmt.Errorf("Windows Hello did not unlock the item: %v", err)
	}
	return out[:n], nil
}

func (w *winHelloRing) Get(key string) (kr.Item, error) {
	cred, err := wincred.GetGenericCredential(winHelloTargetPrefix + key)
	if err != nil {
		if errors.Is(err, wincred.ErrElementNotFound) {
			return kr.Item{}, kr.ErrKeyNotFound
		}
		return kr.Item{}, err
	}
	plain, err := openEnvelope(cred.CredentialBlob, key, w.unwrap)
	if err != nil {
		return kr.Item{}, err
	}
	var item kr.Item
	if err := json.Unmarshal(plain, &item); err != nil {
		return kr.Item{}, err
	}
	return item, nil
}

func (w *winHelloRing) GetMetadata(string) (kr.Metadata, error) { return kr.Metadata{}, nil }

func (w *winHelloRing) Set(item kr.Item) error {
	pub, err := w.publicKey()
	if err != nil {
		return err
	}
	plain, err := json.Marshal(item)
	if err != nil {
		return err
	}
	data, err := sealEnvelope(pub, item.Key, plain)
	if err != nil {
		return err
	}
	cred := wincred.NewGenericCredential(winHelloTargetPrefix + item.Key)
	cred.CredentialBlob = data
	cred.UserName = item.Label
	cred.Persist = wincred.PersistLocalMachine
	return cred.Write()
}

func (w *winHelloRing) Remove(key string) error {
	cred, err := wincred.GetGenericCredential(winHelloTargetPrefix + key)
	if err != nil {
		if errors.Is(err, wincred.ErrElementNotFound) {
			return kr.ErrKeyNotFound
		}
		return err
	}
	return cred.Delete()
}

func (w *winHelloRing) Keys() ([]string, error) {
	creds, err := wincred.List()
	if err != nil {
		return nil, err
	}
	var keys []string
	for _, c := range creds {
		if k, ok := strings.CutPrefix(c.TargetName, winHelloTargetPrefix); ok {
			keys = append(keys, k)
		}
	}
	return keys, nil
}
