// Package opconnectfake is a 1Password Connect server for tests: the part
// of Connect's published REST API (v1: vaults and items, bearer-token
// authentication, JSON errors) that a client storing items uses. It keeps
// everything in memory and checks what a real server checks: the token,
// that the vault exists, that an item's vault and ID match the URL.
package opconnectfake

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"
)

// Field is an item field as Connect sends it.
type Field struct {
	ID      string `json:"id"`
	Type    string `json:"type,omitempty"`
	Purpose string `json:"purpose,omitempty"`
	Label   string `json:"label,omitempty"`
	Value   string `json:"value,omitempty"`
}

// Item is an item as Connect sends it (fields only in full items).
type Item struct {
	ID        string    `json:"id"`
	Title     string    `json:"title"`
	Vault     VaultRef  `json:"vault"`
	Category  string    `json:"category"`
	Tags      []string  `json:"tags,omitempty"`
	Version   int       `json:"version,omitempty"`
	Fields    []Field   `json:"fields,omitempty"`
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
}

// VaultRef names an item's vault.
type VaultRef struct {
	ID string `json:"id"`
}

// Vault is a vault as Connect lists it.
type Vault struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Items int    `json:"items"`
	Type  string `json:"type"`
}

// Server is the fake.
type Server struct {
	Token string

	mu     sync.Mutex
	vaults map[string]*Vault
	items  map[string]map[string]*Item // vault → item ID → item
	calls  []string
	srv    *httptest.Server
}

// New starts a fake that accepts token and has one vault, named name.
// It returns the server and the vault's ID.
func New(token, name string) (*Server, string) {
	s := &Server{Token: token, vaults: map[string]*Vault{}, items: map[string]map[string]*Item{}}
	id := NewID()
	s.vaults[id] = &Vault{ID: id, Name: name, Type: "USER_CREATED"}
	s.items[id] = map[string]*Item{}
	s.srv = httptest.NewServer(s)
	return s, id
}

// URL is the server's address.
func (s *Server) URL() string { return s.srv.URL }

// Close stops the server.
func (s *Server) Close() { s.srv.Close() }

// Calls lists the requests answered, as "METHOD PATH".
func (s *Server) Calls() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.calls...)
}

// Items returns the items of a vault, full, sorted by title.
func (s *Server) Items(vault string) []Item {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Item
	for _, it := range s.items[vault] {
		out = append(out, *it)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Title < out[j].Title })
	return out
}

// Put stores an item as another client (the fork, the 1Password app)
// would have, and returns its ID.
func (s *Server) Put(vault string, it Item) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.add(vault, &it).ID
}

// add stores a new item in vault as Connect does: new IDs for it and its
// fields without one, version 1, created now. The caller holds s.mu.
func (s *Server) add(vault string, it *Item) *Item {
	it.ID = NewID()
	it.Vault.ID = vault
	for i := range it.Fields {
		if it.Fields[i].ID == "" {
			it.Fields[i].ID = NewID()
		}
	}
	it.CreatedAt, it.UpdatedAt, it.Version = time.Now().UTC(), time.Now().UTC(), 1
	s.items[vault][it.ID] = it
	return it
}

// NewID returns a 1Password-style ID: 26 lowercase letters and digits.
func NewID() string {
	const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, 26)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

var (
	vaultsPath = regexp.MustCompile(`^/v1/vaults/?$`)
	vaultPath  = regexp.MustCompile(`^/v1/vaults/([^/]+)$`)
	itemsPath  = regexp.MustCompile(`^/v1/vaults/([^/]+)/items/?$`)
	itemPath   = regexp.MustCompile(`^/v1/vaults/([^/]+)/items/([^/]+)$`)
	titleEq    = regexp.MustCompile(`^(title|name) eq "(.*)"$`)
)

func fail(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"status": status, "message": msg})
}

func reply(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// ServeHTTP answers Connect's API.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = append(s.calls, r.Method+" "+r.URL.Path)
	if r.URL.Path == "/heartbeat" {
		_, _ = w.Write([]byte("."))
		return
	}
	if r.Header.Get("Authorization") != "Bearer "+s.Token {
		fail(w, http.StatusUnauthorized, "Invalid token signature")
		return
	}
	var filterTitle *string
	if f := r.URL.Query().Get("filter"); f != "" {
		m := titleEq.FindStringSubmatch(f)
		if m == nil {
			fail(w, http.StatusBadRequest, fmt.Sprintf("Invalid filter %q", f))
			return
		}
		filterTitle = &m[2]
	}
	switch {
	case vaultsPath.MatchString(r.URL.Path) && r.Method == http.MethodGet:
		var out []Vault
		for _, v := range s.vaults {
			if filterTitle == nil || v.Name == *filterTitle {
				v.Items = len(s.items[v.ID])
				out = append(out, *v)
			}
		}
		reply(w, http.StatusOK, out)
	case vaultPath.MatchString(r.URL.Path) && r.Method == http.MethodGet:
		v, ok := s.vaults[vaultPath.FindStringSubmatch(r.URL.Path)[1]]
		if !ok {
			fail(w, http.StatusNotFound, "Vault not found")
			return
		}
		reply(w, http.StatusOK, v)
	case itemsPath.MatchString(r.URL.Path):
		vault := itemsPath.FindStringSubmatch(r.URL.Path)[1]
		items, ok := s.items[vault]
		if !ok {
			fail(w, http.StatusNotFound, "Vault not found")
			return
		}
		switch r.Method {
		case http.MethodGet:
			out := []Item{}
			for _, it := range items {
				if filterTitle == nil || it.Title == *filterTitle {
					o := *it
					o.Fields = nil // overviews carry no fields
					out = append(out, o)
				}
			}
			sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
			reply(w, http.StatusOK, out)
		case http.MethodPost:
			var it Item
			if err := json.NewDecoder(r.Body).Decode(&it); err != nil {
				fail(w, http.StatusBadRequest, "Invalid item: "+err.Error())
				return
			}
			if it.Vault.ID != "" && it.Vault.ID != vault {
				fail(w, http.StatusBadRequest, "Item vault does not match the URL")
				return
			}
			if it.Category == "" || it.Title == "" {
				fail(w, http.StatusBadRequest, "Item needs a category and a title")
				return
			}
			reply(w, http.StatusOK, *s.add(vault, &it))
		default:
			fail(w, http.StatusMethodNotAllowed, "Method not allowed")
		}
	case itemPath.MatchString(r.URL.Path):
		m := itemPath.FindStringSubmatch(r.URL.Path)
		items, ok := s.items[m[1]]
		if !ok {
			fail(w, http.StatusNotFound, "Vault not found")
			return
		}
		it, ok := items[m[2]]
		if !ok {
			fail(w, http.StatusNotFound, "Item not found")
			return
		}
		switch r.Method {
		case http.MethodGet:
			reply(w, http.StatusOK, it)
		case http.MethodPut:
			var nu Item
			if err := json.NewDecoder(r.Body).Decode(&nu); err != nil {
				fail(w, http.StatusBadRequest, "Invalid item: "+err.Error())
				return
			}
			if nu.ID != it.ID || (nu.Vault.ID != "" && nu.Vault.ID != m[1]) {
				fail(w, http.StatusBadRequest, "Item ID or vault does not match the URL")
				return
			}
			for i := range nu.Fields {
				if nu.Fields[i].ID == "" {
					nu.Fields[i].ID = NewID()
				}
			}
			nu.Vault.ID, nu.CreatedAt, nu.UpdatedAt, nu.Version = m[1], it.CreatedAt, time.Now().UTC(), it.Version+1
			items[it.ID] = &nu
			reply(w, http.StatusOK, nu)
		case http.MethodDelete:
			delete(items, it.ID)
			w.WriteHeader(http.StatusNoContent)
		default:
			fail(w, http.StatusMethodNotAllowed, "Method not allowed")
		}
	default:
		fail(w, http.StatusNotFound, "Not found: "+strings.TrimPrefix(r.URL.Path, "/"))
	}
}
