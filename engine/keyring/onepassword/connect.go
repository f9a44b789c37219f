package onepassword

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/1Password/connect-sdk-go/connect"
	op "github.com/1Password/connect-sdk-go/onepassword"
	"github.com/opentracing/opentracing-go"
)

// connectStore reaches a 1Password Connect server through 1Password's
// Connect client.
type connectStore struct {
	client     connect.Client
	vault, tag string
}

// NewConnect returns the op-connect store. The client's default tracer
// would be Jaeger's, sending spans to a local agent; a no-op tracer is
// registered first. The client uses http.DefaultClient, which gets the
// timeout (this process serves only aws-vault).
func NewConnect(host, token, vault, tag, userAgent string, timeout time.Duration) Store {
	if !opentracing.IsGlobalTracerRegistered() {
		opentracing.SetGlobalTracer(opentracing.NoopTracer{})
	}
	http.DefaultClient.Timeout = timeout
	return &connectStore{client: connect.NewClientWithUserAgent(host, token, userAgent), vault: vault, tag: tag}
}

func (s *connectStore) List(context.Context) ([]Entry, error) {
	items, err := s.client.GetItems(s.vault)
	if err != nil {
		return nil, fmt.Errorf("listing the items of vault %s: %w", s.vault, err)
	}
	var out []Entry
	for _, it := range items {
		if it.Category != op.ApiCredential || !slices.Contains(it.Tags, s.tag) {
			continue
		}
		full, err := s.client.GetItemByUUID(it.ID, s.vault)
		if err != nil {
			return nil, fmt.Errorf("reading item %s of vault %s: %w", it.ID, s.vault, err)
		}
		var fields []*op.ItemField
		for _, f := range full.Fields {
			if f.Type == op.FieldTypeConcealed {
				fields = append(fields, f)
			}
		}
		if len(fields) != 1 || fields[0].Label != FieldTitle {
			continue
		}
		out = append(out, Entry{ID: full.ID, Title: full.Title, FieldID: fields[0].ID, Value: fields[0].Value})
	}
	return out, nil
}

func (s *connectStore) item(title, fieldID, value string) *op.Item {
	return &op.Item{
		Title:    title,
		Tags:     []string{s.tag},
		Vault:    op.ItemVault{ID: s.vault},
		Category: op.ApiCredential,
		Fields:   []*op.ItemField{{ID: fieldID, Type: op.FieldTypeConcealed, Label: FieldTitle, Value: value}},
	}
}

func (s *connectStore) Create(_ context.Context, title, value string) error {
	if _, err := s.client.CreateItem(s.item(title, "", value), s.vault); err != nil {
		return fmt.Errorf("creating item %q in vault %s: %w", title, s.vault, err)
	}
	return nil
}

func (s *connectStore) Update(_ context.Context, e Entry, value string) error {
	it := s.item(e.Title, e.FieldID, value)
	it.ID = e.ID
	if _, err := s.client.UpdateItem(it, s.vault); err != nil {
		return fmt.Errorf("updating item %q in vault %s: %w", e.Title, s.vault, err)
	}
	return nil
}

func (s *connectStore) Delete(_ context.Context, e Entry) error {
	if err := s.client.DeleteItemByID(e.ID, s.vault); err != nil {
		return fmt.Errorf("deleting item %q from vault %s: %w", e.Title, s.vault, err)
	}
	return nil
}
