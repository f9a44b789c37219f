// Package onepassword implements the 1Password backends (op-connect, op,
// op-desktop) for the aws-vault-op helper program. aws-vault itself never
// imports it: 1Password's clients would add their package initialisation
// to every start (see engine/keyring/onepassword.go).
//
// The item layout is the maintained fork's, so that either tool reads what
// the other wrote: one 1Password item per keyring item, of category API
// Credential, titled "PREFIX: KEY", tagged with the item tag, with exactly
// one concealed field, titled "keyring", whose value is the JSON of the
// keyring library's Item.
package onepassword

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	kr "github.com/99designs/keyring"
)

// FieldTitle is the concealed field's title (the fork's default).
const FieldTitle = "keyring"

// Entry is one 1Password item of the layout: its ID, title and the
// concealed field's ID and value.
type Entry struct {
	ID, Title, FieldID, Value string
}

// Store is what each 1Password client provides the layout with: the
// items of the configured vault that carry the tag, are API Credentials
// and have exactly one concealed field titled FieldTitle.
type Store interface {
	List(ctx context.Context) ([]Entry, error)
	Create(ctx context.Context, title, value string) error
	Update(ctx context.Context, e Entry, value string) error
	Delete(ctx context.Context, e Entry) error
}

// Ring maps keyring items onto a Store.
type Ring struct {
	Store  Store
	Prefix string
	Vault  string
}

func (r *Ring) title(key string) string { return r.Prefix + ": " + key }

func (r *Ring) find(ctx context.Context, key string) (*Entry, error) {
	entries, err := r.Store.List(ctx)
	if err != nil {
		return nil, err
	}
	var found []Entry
	for _, e := range entries {
		if e.Title == r.title(key) {
			found = append(found, e)
		}
	}
	switch len(found) {
	case 0:
		return nil, kr.ErrKeyNotFound
	case 1:
		return &found[0], nil
	}
	return nil, fmt.Errorf("%d items in vault %s are titled %q; remove all but one", len(found), r.Vault, r.title(key))
}

// Get reads the item of key.
func (r *Ring) Get(ctx context.Context, key string) (kr.Item, error) {
	e, err := r.find(ctx, key)
	if err != nil {
		return kr.Item{}, err
	}
	var item kr.Item
	if err := json.Unmarshal([]byte(e.Value), &item); err != nil {
		return kr.Item{}, fmt.Errorf("1Password item %q (%s) does not hold an aws-vault item: %v", e.Title, e.ID, err)
	}
	return item, nil
}

// Set creates or updates the item of item.Key.
func (r *Ring) Set(ctx context.Context, item kr.Item) error {
	data, err := json.Marshal(item)
	if err != nil {
		return err
	}
	e, err := r.find(ctx, item.Key)
	if errors.Is(err, kr.ErrKeyNotFound) {
		return r.Store.Create(ctx, r.title(item.Key), string(data))
	}
	if err != nil {
		return err
	}
	return r.Store.Update(ctx, *e, string(data))
}

// Remove deletes the item of key.
func (r *Ring) Remove(ctx context.Context, key string) error {
	e, err := r.find(ctx, key)
	if err != nil {
		return err
	}
	return r.Store.Delete(ctx, *e)
}

// Keys lists the keys of the vault's items; two items with one title are
// an error, as the fork makes them.
func (r *Ring) Keys(ctx context.Context) ([]string, error) {
	entries, err := r.Store.List(ctx)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var keys []string
	for _, e := range entries {
		key, ok := strings.CutPrefix(e.Title, r.Prefix+": ")
		if !ok {
			continue
		}
		if seen[key] {
			return nil, fmt.Errorf("more than one item in vault %s is titled %q; remove all but one", r.Vault, e.Title)
		}
		seen[key] = true
		keys = append(keys, key)
	}
	return keys, nil
}
