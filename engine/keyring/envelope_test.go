package keyring

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"strings"
	"testing"
)

// The winhello envelope, with a software RSA key standing in for the
// Windows Hello key (only Windows has the real one).
func TestEnvelope(t *testing.T) {
	priv, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	unwrap := func(c []byte) ([]byte, error) { return rsa.DecryptOAEP(sha256.New(), nil, priv, c, nil) }
	data, err := sealEnvelope(&priv.PublicKey, "work", []byte(`{"Key":"work","Data":"c2VjcmV0"}`))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), "c2VjcmV0") {
		t.Fatal("the envelope holds the item in the clear")
	}
	plain, err := openEnvelope(data, "work", unwrap)
	if err != nil || string(plain) != `{"Key":"work","Data":"c2VjcmV0"}` {
		t.Fatalf("open: %s %v", plain, err)
	}
	// Moved to another item's name, or tampered with: refused.
	if _, err := openEnvelope(data, "home", unwrap); err == nil {
		t.Error("an envelope opened under another item's name")
	}
	bad := []byte(strings.Replace(string(data), `"data":"`, `"data":"AA`, 1))
	if _, err := openEnvelope(bad, "work", unwrap); err == nil {
		t.Error("a tampered envelope opened")
	}
	other, _ := rsa.GenerateKey(rand.Reader, 2048)
	if _, err := openEnvelope(data, "work", func(c []byte) ([]byte, error) { return rsa.DecryptOAEP(sha256.New(), nil, other, c, nil) }); err == nil {
		t.Error("another key opened the envelope")
	}
}
