package onepassword

import (
	"context"
	"fmt"
	"slices"

	sdk "github.com/1password/onepassword-sdk-go"
)

// sdkStore reaches 1Password through its official Go SDK: with a service
// account token (op) or through the desktop app (op-desktop).
type sdkStore struct {
	items      sdk.ItemsAPI
	vault, tag string
}

// NewSDK returns the op store (token != "") or the op-desktop store
// (account != "").
func NewSDK(ctx context.Context, token, account, vault, tag, version string) (Store, error) {
	opts := []sdk.ClientOption{sdk.WithIntegrationInfo("aws-vault", version)}
	if account != "" {
		opts = append(opts, sdk.WithDesktopAppIntegration(account))
	} else {
		opts = append(opts, sdk.WithServiceAccountToken(token))
	}
	client, err := sdk.NewClient(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("starting the 1Password SDK: %w", err)
	}
	return &sdkStore{items: client.Items(), vault: vault, tag: tag}, nil
}

func (s *sdkStore) List(ctx context.Context) ([]Entry, error) {
	overviews, err := s.items.List(ctx, s.vault, sdk.NewItemListFilterTypeVariantByState(&sdk.ItemListFilterByStateInner{Active: true}))
	if err != nil {
		return nil, fmt.Errorf("listing the items of vault %s: %w", s.vault, err)
	}
	var out []Entry
	for _, o := range overviews {
		if o.Category != sdk.ItemCategoryAPICredentials || !slices.Contains(o.Tags, s.tag) {
			continue
		}
		it, err := s.items.Get(ctx, s.vault, o.ID)
		if err != nil {
			return nil, fmt.Errorf("reading item %s of vault %s: %w", o.ID, s.vault, err)
		}
		var fields []sdk.ItemField
		for _, f := range it.Fields {
			if f.FieldType == sdk.ItemFieldTypeConcealed {
				fields = append(fields, f)
			}
		}
		if len(fields) != 1 || fields[0].Title != FieldTitle {
			continue
		}
		out = append(out, Entry{ID: it.ID, Title: it.Title, FieldID: fields[0].ID, Value: fields[0].Value})
	}
	return out, nil
}

func (s *sdkStore) Create(ctx context.Context, title, value string) error {
	_, err := s.items.Create(ctx, sdk.ItemCreateParams{
		Category: sdk.ItemCategoryAPICredentials,
		VaultID:  s.vault,
		Title:    title,
		Fields:   []sdk.ItemField{{ID: FieldTitle, Title: FieldTitle, FieldType: sdk.ItemFieldTypeConcealed, Value: value}},
		Tags:     []string{s.tag},
	})
	if err != nil {
		return fmt.Errorf("creating item %q in vault %s: %w", title, s.vault, err)
	}
	return nil
}

func (s *sdkStore) Update(ctx context.Context, e Entry, value string) error {
	it, err := s.items.Get(ctx, s.vault, e.ID)
	if err != nil {
		return fmt.Errorf("reading item %q of vault %s: %w", e.Title, s.vault, err)
	}
	for i := range it.Fields {
		if it.Fields[i].ID == e.FieldID {
			it.Fields[i].Value = value
		}
	}
	if _, err := s.items.Put(ctx, it); err != nil {
		return fmt.Errorf("updating item %q in vault %s: %w", e.Title, s.vault, err)
	}
	return nil
}

func (s *sdkStore) Delete(ctx context.Context, e Entry) error {
	if err := s.items.Delete(ctx, s.vault, e.ID); err != nil {
		return fmt.Errorf("deleting item %q from vault %s: %w", e.Title, s.vault, err)
	}
	return nil
}
