package keyring

import (
	"encoding/json"
	"os"
	"strings"
	"sync"
	"testing"

	"crypto/sha256"
	kr "github.com/99designs/keyring"
	jose "github.com/dvsekhvalnov/jose2go"
	"github.com/dvsekhvalnov/jose2go/aes"
	"github.com/dvsekhvalnov/jose2go/base64url"
	"github.com/dvsekhvalnov/jose2go/kdf"
)

// jose2goPBES2 is PBES2-HS256+A128KW built from jose2go's own parts (its
// PBKDF2 and its salt input), the implementation pbes2HS256 replaces: the
// reference it must agree with in both directions.
type jose2goPBES2 struct{}

func (jose2goPBES2) Name() string { return jose.PBES2_HS256_A128KW }

func (jose2goPBES2) WrapNewKey(cekSizeBits int, key any, header map[string]any) ([]byte, []byte, error) {
	salt := []byte("0123456789ab")
	cek := []byte(strings.Repeat("k", cekSizeBits/8))
	kek := kdf.DerivePBKDF2([]byte(key.(string)), append([]byte(jose.PBES2_HS256_A128KW+"\x00"), salt...), 8192, 128, sha256.New)
	enc, err := aes.KeyWrap(cek, kek)
	header["p2c"] = 8192
	header["p2s"] = base64url.Encode(salt)
	return cek, enc, err
}

func (jose2goPBES2) Unwrap(encryptedCek []byte, key any, _ int, header map[string]any) ([]byte, error) {
	salt, err := base64url.Decode(header["p2s"].(string))
	if err != nil {
		return nil, err
	}
	kek := kdf.DerivePBKDF2([]byte(key.(string)), append([]byte(jose.PBES2_HS256_A128KW+"\x00"), salt...), int(header["p2c"].(float64)), 128, sha256.New)
	return aes.KeyUnwrap(encryptedCek, kek)
}

// withJwa runs f with alg in jose2go's table, and puts pbes2HS256 back.
func withJwa(t *testing.T, alg jose.JwaAlgorithm, f func()) {
	t.Helper()
	jose.RegisterJwa(alg)
	defer jose.RegisterJwa(pbes2HS256{})
	f()
}

func TestPBES2AgreesWithJose2go(t *testing.T) {
	usePBES2()
	const pass = "correct horse"
	var byRef, byOurs string
	withJwa(t, jose2goPBES2{}, func() {
		var err error
		if byRef, err = jose.Encrypt(`{"Key":"ref"}`, jose.PBES2_HS256_A128KW, jose.A256GCM, pass); err != nil {
			t.Fatal(err)
		}
	})
	got, _, err := jose.Decode(byRef, pass)
	if err != nil || got != `{"Key":"ref"}` {
		t.Fatalf("ours decoding jose2go's: %q, %v", got, err)
	}
	if byOurs, err = jose.Encrypt(`{"Key":"ours"}`, jose.PBES2_HS256_A128KW, jose.A256GCM, pass); err != nil {
		t.Fatal(err)
	}
	withJwa(t, jose2goPBES2{}, func() {
		got, _, err := jose.Decode(byOurs, pass)
		if err != nil || got != `{"Key":"ours"}` {
			t.Fatalf("jose2go decoding ours: %q, %v", got, err)
		}
	})
	// A wrong passphrase fails the key wrap's integrity check, which the
	// keyring reads as a decryption failure (not a damaged header).
	_, _, err = jose.Decode(byOurs, "wrong")
	if err == nil || !isDecryptError(err) {
		t.Fatalf("wrong passphrase: %v", err)
	}
}

// An item the original aws-vault v7 (jose2go's implementation) wrote with
// `add --env fixture` under the passphrase "fixture passphrase".
func TestPBES2ReadsTheOriginalsItem(t *testing.T) {
	usePBES2()
	token, err := os.ReadFile("testdata/v7-file-item")
	if err != nil {
		t.Fatal(err)
	}
	payload, _, err := jose.DecodeBytes(string(token), "fixture passphrase")
	if err != nil {
		t.Fatal(err)
	}
	var item kr.Item
	if err := json.Unmarshal(payload, &item); err != nil {
		t.Fatal(err)
	}
	var creds struct{ AccessKeyID, SecretAccessKey string }
	if err := json.Unmarshal(item.Data, &creds); err != nil {
		t.Fatal(err)
	}
	if item.Key != "fixture" || creds.AccessKeyID != "AKIAFIXTUREFIXTURE01" || creds.SecretAccessKey != "fixtureSecretfixtureSecretfixtureSecret0" {
		t.Fatalf("item %q: %+v", item.Key, creds)
	}
	if _, _, err := jose.DecodeBytes(string(token), "not the passphrase"); err == nil || !isDecryptError(err) {
		t.Fatalf("wrong passphrase: %v", err)
	}
}

// A header that asks for absurd work, or has none, is refused before any.
func TestPBES2RefusesBadHeaders(t *testing.T) {
	for _, h := range []map[string]any{
		{"p2s": "MDEyMzQ1Njc4OWFi"},
		{"p2c": float64(1e12), "p2s": "MDEyMzQ1Njc4OWFi"},
		{"p2c": float64(0), "p2s": "MDEyMzQ1Njc4OWFi"},
		{"p2c": float64(8192)},
		{"p2c": float64(8192), "p2s": "not base64!"},
	} {
		if _, err := (pbes2HS256{}).Unwrap(make([]byte, 40), "p", 256, h); err == nil || !strings.Contains(err.Error(), "header") {
			t.Errorf("header %v: %v", h, err)
		}
	}
}

// A wrapped key of the wrong length (a truncated item) is an error, not a
// panic in the key unwrap, and not a wrong passphrase.
func TestPBES2RefusesTruncatedKeys(t *testing.T) {
	usePBES2()
	token, err := jose.Encrypt(`{"Key":"k"}`, jose.PBES2_HS256_A128KW, jose.A256GCM, "p")
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(token, ".")
	for _, wrapped := range []string{"", "AAAA", parts[1][:len(parts[1])-4]} {
		parts := append([]string(nil), parts...)
		parts[1] = wrapped
		_, _, err := jose.Decode(strings.Join(parts, "."), "p")
		if err == nil || isDecryptError(err) {
			t.Errorf("wrapped key %q: %v", wrapped, err)
		}
	}
}

// The point of pbes2HS256: no allocation per iteration.
func TestPBES2DoesNotAllocatePerIteration(t *testing.T) {
	allocs := testing.AllocsPerRun(5, func() {
		if _, err := (pbes2HS256{}).kek("p", []byte("0123456789ab"), pbes2Iterations); err != nil {
			t.Fatal(err)
		}
	})
	if allocs > 100 {
		t.Fatalf("%v allocations for %d iterations", allocs, pbes2Iterations)
	}
}

// The file backend reads and writes through pbes2HS256: a read of an item
// does not cost jose2go's two allocations for each of its 8,192 rounds.
func TestFileBackendUsesPBES2(t *testing.T) {
	// As at a fresh start: jose2go's own algorithm in the table (here the
	// reference built from its KDF), pbes2HS256 not registered yet.
	jose.RegisterJwa(jose2goPBES2{})
	registerPBES2 = sync.Once{}
	defer usePBES2()
	dir := t.TempDir()
	k := New(Options{Backend: "file", FileDir: dir, Passphrase: func(string) (string, error) { return "correct horse", nil }})
	if err := k.Set(kr.Item{Key: "probe", Data: []byte(`{"x":1}`)}); err != nil {
		t.Fatal(err)
	}
	allocs := testing.AllocsPerRun(3, func() {
		if _, err := k.Get("probe"); err != nil {
			t.Fatal(err)
		}
	})
	if allocs > 2000 {
		t.Fatalf("a file item's read made %v allocations: not through pbes2HS256", allocs)
	}
}
