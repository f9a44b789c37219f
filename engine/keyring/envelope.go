package keyring

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
)

// An envelope is how the winhello backend stores an item: the item's JSON
// sealed with AES-256-GCM under a key made for that item alone, and that
// key encrypted (RSA-OAEP, SHA-256) to the public half of a Windows Hello
// key. Sealing needs only the public key; opening needs the private key,
// which never leaves Windows Hello and is used only after the person shows
// their PIN, face or finger. The format is portable (and tested
// everywhere); only the RSA decryption is Windows'.
type envelope struct {
	Version    int    `json:"v"`
	Alg        string `json:"alg"`
	WrappedKey []byte `json:"key"`
	Nonce      []byte `json:"nonce"`
	Sealed     []byte `json:"data"`
}

const envelopeAlg = "RSA-OAEP-256+A256GCM"

// sealEnvelope encrypts plain for pub; label binds it to the item's key.
func sealEnvelope(pub *rsa.PublicKey, label string, plain []byte) ([]byte, error) {
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	wrapped, err := rsa.EncryptOAEP(sha256.New(), rand.Reader, pub, key, nil)
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	nonce := make([]byte, gcm.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	return json.Marshal(envelope{Version: 1, Alg: envelopeAlg, WrappedKey: wrapped, Nonce: nonce,
		Sealed: gcm.Seal(nil, nonce, plain, []byte(label))})
}

// openEnvelope decrypts data; unwrap is the private key's RSA-OAEP
// (SHA-256) decryption of the wrapped item key.
func openEnvelope(data []byte, label string, unwrap func([]byte) ([]byte, error)) ([]byte, error) {
	var e envelope
	if err := json.Unmarshal(data, &e); err != nil || e.Version != 1 || e.Alg != envelopeAlg {
		return nil, errors.New("not a winhello envelope of this version")
	}
	key, err := unwrap(e.WrappedKey)
	if err != nil {
		return nil, err
	}
	if len(key) != 32 {
		return nil, fmt.Errorf("the unwrapped key has %d bytes, not 32", len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	plain, err := gcm.Open(nil, e.Nonce, e.Sealed, []byte(label))
	if err != nil {
		return nil, errors.New("the envelope does not open: damaged, or sealed for another item")
	}
	return plain, nil
}
