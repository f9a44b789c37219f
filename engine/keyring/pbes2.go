package keyring

import (
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync"

	jose "github.com/dvsekhvalnov/jose2go"
	"github.com/dvsekhvalnov/jose2go/aes"
)

// The file backend's items are JWEs whose key is wrapped under a key
// derived from the passphrase (PBES2-HS256+A128KW, RFC 7518 4.8: PBKDF2
// with HMAC-SHA-256, 8,192 iterations, then AES key wrap). jose2go, which
// the keyring library decrypts them with, derives that key allocating two
// fresh 32-byte slices per iteration: half a megabyte of garbage on every
// read, each new page of it a page fault, about 2 ms of a cached exec
// --json. The standard library's PBKDF2 reuses its buffers. pbes2HS256 is
// the same algorithm (same header, same salt input, same key wrap from
// jose2go's own aes package), registered in jose2go's table under the same
// name when the file backend is first opened; items stay compatible both
// ways (pbes2_test.go: against the algorithm built from jose2go's own KDF,
// and an item the original aws-vault v7 wrote).
type pbes2HS256 struct{}

const (
	pbes2Iterations = 8192 // what jose2go and the original write
	// pbes2MaxIterations bounds the work a planted item can ask for.
	pbes2MaxIterations = 10_000_000
	pbes2KEKBytes      = 16 // A128KW
)

var registerPBES2 sync.Once

// usePBES2 puts pbes2HS256 in jose2go's algorithm table: before the file
// backend is opened, never at package initialisation.
func usePBES2() { registerPBES2.Do(func() { jose.RegisterJwa(pbes2HS256{}) }) }

func (pbes2HS256) Name() string { return jose.PBES2_HS256_A128KW }

func (pbes2HS256) kek(passphrase string, p2s []byte, iterations int) ([]byte, error) {
	salt := make([]byte, 0, len(jose.PBES2_HS256_A128KW)+1+len(p2s))
	salt = append(append(append(salt, jose.PBES2_HS256_A128KW...), 0), p2s...)
	return pbkdf2.Key(sha256.New, passphrase, salt, iterations, pbes2KEKBytes)
}

func (a pbes2HS256) WrapNewKey(cekSizeBits int, key any, header map[string]any) (cek, encryptedCek []byte, err error) {
	passphrase, ok := key.(string)
	if !ok {
		return nil, nil, errors.New("the file backend's key wrapping needs a passphrase (a string)")
	}
	p2s := make([]byte, 12)
	cek = make([]byte, cekSizeBits/8)
	if _, err := rand.Read(p2s); err != nil {
		return nil, nil, err
	}
	if _, err := rand.Read(cek); err != nil {
		return nil, nil, err
	}
	kek, err := a.kek(passphrase, p2s, pbes2Iterations)
	if err != nil {
		return nil, nil, err
	}
	if encryptedCek, err = aes.KeyWrap(cek, kek); err != nil {
		return nil, nil, err
	}
	header["p2c"] = pbes2Iterations
	header["p2s"] = base64.RawURLEncoding.EncodeToString(p2s)
	return cek, encryptedCek, nil
}

func (a pbes2HS256) Unwrap(encryptedCek []byte, key any, cekSizeBits int, header map[string]any) ([]byte, error) {
	passphrase, ok := key.(string)
	if !ok {
		return nil, errors.New("the file backend's key wrapping needs a passphrase (a string)")
	}
	p2c, ok := header["p2c"].(float64) // a JSON number
	if !ok || p2c < 1 || p2c > pbes2MaxIterations || p2c != float64(int(p2c)) {
		return nil, fmt.Errorf("the item's header has no usable p2c (iteration count): %v", header["p2c"])
	}
	p2sText, ok := header["p2s"].(string)
	if !ok {
		return nil, errors.New("the item's header has no p2s (salt)")
	}
	p2s, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(p2sText, "="))
	if err != nil {
		return nil, fmt.Errorf("the item's header has a p2s (salt) that is not base64url: %w", err)
	}
	// AES key wrap adds 8 bytes to the key. jose2go's KeyUnwrap indexes
	// past the end of a shorter one (a truncated item), so it is refused
	// here, as damage rather than a wrong passphrase.
	if want := cekSizeBits/8 + 8; len(encryptedCek) != want {
		return nil, fmt.Errorf("the item's wrapped key is %d bytes, not %d", len(encryptedCek), want)
	}
	kek, err := a.kek(passphrase, p2s, int(p2c))
	if err != nil {
		return nil, err
	}
	return aes.KeyUnwrap(encryptedCek, kek)
}
