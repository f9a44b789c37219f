package onepassword

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	kr "github.com/99designs/keyring"

	"github.com/aws-vault/aws-vault/engine/keyring"
	"github.com/aws-vault/aws-vault/internal/opconnectfake"
)

// 1Password's Connect client against the fake Connect server: items
// written, read, listed, replaced and removed in the fork's layout.
func TestConnectRoundTrip(t *testing.T) {
	fake, vault := opconnectfake.New("connect-token", "aws")
	defer fake.Close()
	ring := &Ring{Store: NewConnect(fake.URL(), "connect-token", vault, "aws-vault", "aws-vault/test", 5*time.Second), Prefix: "aws-vault", Vault: vault}
	ctx := context.Background()

	// An item the fork wrote (or a person made in the 1Password app in its
	// layout) is read; other items in the vault are not ours.
	forks, _ := json.Marshal(kr.Item{Key: "fork", Data: []byte(`{"AccessKeyID":"AKIAFORK","SecretAccessKey":"forksecret"}`), Label: "aws-vault (fork)"})
	fake.Put(vault, opconnectfake.Item{Title: "aws-vault: fork", Category: "API_CREDENTIAL", Tags: []string{"aws-vault"},
		Fields: []opconnectfake.Field{{Type: "CONCEALED", Label: "keyring", Value: string(forks)}, {Type: "STRING", Label: "notes", Value: "x"}}})
	fake.Put(vault, opconnectfake.Item{Title: "aws-vault: untagged", Category: "API_CREDENTIAL",
		Fields: []opconnectfake.Field{{Type: "CONCEALED", Label: "keyring", Value: "{}"}}})
	fake.Put(vault, opconnectfake.Item{Title: "my bank", Category: "LOGIN", Tags: []string{"aws-vault"}})

	keys, err := ring.Keys(ctx)
	if err != nil || len(keys) != 1 || keys[0] != "fork" {
		t.Fatalf("keys = %v, %v", keys, err)
	}
	got, err := ring.Get(ctx, "fork")
	if err != nil || !strings.Contains(string(got.Data), "AKIAFORK") {
		t.Fatalf("get fork: %+v %v", got, err)
	}

	item := kr.Item{Key: "work", Data: []byte(`{"AccessKeyID":"AKIAWORK","SecretAccessKey":"s"}`), Label: "aws-vault (work)"}
	if err := ring.Set(ctx, item); err != nil {
		t.Fatal(err)
	}
	item.Data = []byte(`{"AccessKeyID":"AKIAWORK2","SecretAccessKey":"s2"}`)
	if err := ring.Set(ctx, item); err != nil {
		t.Fatal(err)
	}
	got, err = ring.Get(ctx, "work")
	if err != nil || !bytes.Equal(got.Data, item.Data) {
		t.Fatalf("get work: %s %v", got.Data, err)
	}
	// What is stored is the fork's layout: one API Credential, tagged,
	// titled "aws-vault: work", one concealed field "keyring" with the JSON.
	var n int
	for _, it := range fake.Items(vault) {
		if it.Title != "aws-vault: work" {
			continue
		}
		n++
		if it.Category != "API_CREDENTIAL" || len(it.Tags) != 1 || it.Tags[0] != "aws-vault" || len(it.Fields) != 1 ||
			it.Fields[0].Type != "CONCEALED" || it.Fields[0].Label != "keyring" || !strings.Contains(it.Fields[0].Value, `"Key":"work"`) {
			t.Errorf("stored item %+v", it)
		}
	}
	if n != 1 {
		t.Errorf("%d items titled aws-vault: work (an update must replace, not add)", n)
	}
	if err := ring.Remove(ctx, "work"); err != nil {
		t.Fatal(err)
	}
	if _, err := ring.Get(ctx, "work"); !errors.Is(err, kr.ErrKeyNotFound) {
		t.Errorf("after remove: %v", err)
	}

	// A wrong token is the server's 401, said plainly.
	bad := &Ring{Store: NewConnect(fake.URL(), "wrong", vault, "aws-vault", "t", 5*time.Second), Prefix: "aws-vault", Vault: vault}
	if _, err := bad.Keys(ctx); err == nil || !strings.Contains(err.Error(), "401") && !strings.Contains(err.Error(), "Invalid token") {
		t.Errorf("wrong token: %v", err)
	}
}

// The helper's protocol end to end (in process): configuration, then
// requests, answered one a line.
func TestServe(t *testing.T) {
	fake, vault := opconnectfake.New("tok", "aws")
	defer fake.Close()
	var in bytes.Buffer
	enc := json.NewEncoder(&in)
	_ = enc.Encode(keyring.OPConfig{Backend: keyring.OPConnect, VaultID: vault, ConnectHost: fake.URL(), ItemTitlePrefix: "aws-vault", ItemTag: "aws-vault", Timeout: 5 * time.Second})
	_ = enc.Encode(keyring.OPRequest{Op: "set", Item: &kr.Item{Key: "p", Data: []byte("d")}})
	_ = enc.Encode(keyring.OPRequest{Op: "get", Key: "p"})
	_ = enc.Encode(keyring.OPRequest{Op: "get", Key: "missing"})
	_ = enc.Encode(keyring.OPRequest{Op: "keys"})
	var out bytes.Buffer
	getenv := func(k string) string { return map[string]string{"OP_CONNECT_TOKEN": "tok"}[k] }
	if err := Serve(&in, &out, getenv, "test"); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 4 || lines[0] != "{}" || !strings.Contains(lines[1], `"Data":"ZA=="`) || lines[2] != `{"not_found":true}` || lines[3] != `{"keys":["p"]}` {
		t.Errorf("answers:\n%s", out.String())
	}
}

// The SDK backends cannot reach 1Password here; what can be checked is
// that the SDK starts and refuses a malformed token by itself, and that
// the desktop integration says what it needs.
func TestSDKWithoutServers(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the SDK's WebAssembly core")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	_, err := NewSDK(ctx, "not-a-service-account-token", "", "v", "aws-vault", "test")
	if err == nil {
		t.Fatal("a malformed token was accepted")
	}
	t.Logf("op with a malformed token: %v", err)
	_, err = NewSDK(ctx, "", "my-account", "v", "aws-vault", "test")
	if err == nil {
		t.Fatal("the desktop integration started without a desktop app")
	}
	t.Logf("op-desktop without the app: %v", err)
}
