package keyring

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	kr "github.com/99designs/keyring"
)

// The 1Password backends (op-connect, op, op-desktop) live in a helper
// program, aws-vault-op, which aws-vault starts only when one of them is
// used. 1Password's Go clients bring a WebAssembly runtime, protocol
// buffers and a tracing client whose package initialisation every start
// of a Go binary pays; in a helper, commands that use another backend
// pay nothing for them (see bench/startup.sh). The helper speaks one JSON
// object a line on its stdin and stdout (package onepassword/wire).

// OnePasswordOptions configure the 1Password backends, with the fork's
// flags and variables.
type OnePasswordOptions struct {
	VaultID         string
	ConnectHost     string
	ItemTitlePrefix string
	ItemTag         string
	DesktopAccount  string
	Timeout         time.Duration
	// Helper is the aws-vault-op program; "" finds it next to aws-vault,
	// then on PATH.
	Helper string
	// Token asks for a token that no variable holds; nil means none.
	Token func(prompt string) (string, error)
}

// HelperName is the 1Password helper's program name.
const HelperName = "aws-vault-op"

// opTokenVars are the variables that hold each backend's token, first
// found wins (the fork's names).
var opTokenVars = map[string][]string{
	OPConnect: {"AWS_VAULT_OP_CONNECT_TOKEN", "OP_CONNECT_TOKEN"},
	OP:        {"AWS_VAULT_OP_SERVICE_ACCOUNT_TOKEN", "OP_SERVICE_ACCOUNT_TOKEN"},
}

func (k *Keyring) opHelper() (string, error) {
	if h := k.opts.OnePassword.Helper; h != "" {
		return exec.LookPath(h)
	}
	name := HelperName
	if runtime.GOOS == "windows" {
		name += ".exe"
	}
	if self, err := os.Executable(); err == nil {
		p := filepath.Join(filepath.Dir(self), name)
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return exec.LookPath(HelperName)
}

func (k *Keyring) opVault() string {
	if v := k.opts.OnePassword.VaultID; v != "" {
		return v
	}
	return k.opts.Getenv("OP_VAULT_ID")
}

// opConnectHost is --op-connect-host, else OP_CONNECT_HOST (the Connect
// client's own variable, which the fork also reads).
func (k *Keyring) opConnectHost() string {
	if h := k.opts.OnePassword.ConnectHost; h != "" {
		return h
	}
	return k.opts.Getenv("OP_CONNECT_HOST")
}

func (k *Keyring) opToken(backend string) string {
	for _, v := range opTokenVars[backend] {
		if t := k.opts.Getenv(v); t != "" {
			return t
		}
	}
	return ""
}

func (k *Keyring) onePasswordUsable(backend string) (string, error) {
	helper, err := k.opHelper()
	if err != nil {
		return "", fmt.Errorf("the 1Password helper %s is not installed next to aws-vault or on PATH", HelperName)
	}
	if k.opVault() == "" {
		return "", errors.New("no vault: set --op-vault-id or AWS_VAULT_OP_VAULT_ID")
	}
	switch backend {
	case OPConnect:
		if k.opConnectHost() == "" {
			return "", errors.New("no Connect server: set --op-connect-host, AWS_VAULT_OP_CONNECT_HOST or OP_CONNECT_HOST")
		}
		if k.opToken(backend) == "" && k.opts.OnePassword.Token == nil {
			return "", errors.New("no Connect token: set AWS_VAULT_OP_CONNECT_TOKEN or OP_CONNECT_TOKEN")
		}
		return fmt.Sprintf("Connect server %s, vault %s (%s)", k.opConnectHost(), k.opVault(), helper), nil
	case OP:
		if k.opToken(backend) == "" && k.opts.OnePassword.Token == nil {
			return "", errors.New("no service account token: set AWS_VAULT_OP_SERVICE_ACCOUNT_TOKEN or OP_SERVICE_ACCOUNT_TOKEN")
		}
		return fmt.Sprintf("service account, vault %s (%s)", k.opVault(), helper), nil
	case OPDesktop:
		if k.opts.OnePassword.DesktopAccount == "" {
			return "", errors.New("no account: set --op-desktop-account-id or AWS_VAULT_OP_DESKTOP_ACCOUNT_ID")
		}
		return fmt.Sprintf("desktop app account %s, vault %s (%s)", k.opts.OnePassword.DesktopAccount, k.opVault(), helper), nil
	}
	return "", fmt.Errorf("unknown backend %q", backend)
}

// OPConfig is the helper's first message: which backend, and how to reach it.
type OPConfig struct {
	Backend         string        `json:"backend"`
	VaultID         string        `json:"vault_id"`
	ConnectHost     string        `json:"connect_host,omitempty"`
	ItemTitlePrefix string        `json:"item_title_prefix"`
	ItemTag         string        `json:"item_tag"`
	DesktopAccount  string        `json:"desktop_account,omitempty"`
	Timeout         time.Duration `json:"timeout"`
	// Token is set only when no variable held one and it was asked for;
	// it travels over the pipe, never in arguments or the environment.
	Token string `json:"token,omitempty"`
}

// OPRequest is one call.
type OPRequest struct {
	Op   string   `json:"op"` // get, set, remove, keys
	Key  string   `json:"key,omitempty"`
	Item *kr.Item `json:"item,omitempty"`
}

// OPResponse answers one call.
type OPResponse struct {
	Item     *kr.Item `json:"item,omitempty"`
	Keys     []string `json:"keys,omitempty"`
	NotFound bool     `json:"not_found,omitempty"`
	Error    string   `json:"error,omitempty"`
}

type opRing struct {
	helper string
	config OPConfig

	mu  sync.Mutex // one call at a time
	cmd *exec.Cmd
	// running is the helper's process, for Abort, which runs while a
	// call holds mu.
	running atomic.Pointer[os.Process]
	in      io.WriteCloser
	out     *bufio.Reader
	errs    *tailBuffer
}

func (k *Keyring) openOnePassword(backend string) (kr.Keyring, error) {
	if _, err := k.onePasswordUsable(backend); err != nil {
		return nil, err
	}
	helper, _ := k.opHelper()
	o := k.opts.OnePassword
	cfg := OPConfig{Backend: backend, VaultID: k.opVault(), ConnectHost: k.opConnectHost(), ItemTitlePrefix: o.ItemTitlePrefix,
		ItemTag: o.ItemTag, DesktopAccount: o.DesktopAccount, Timeout: o.Timeout}
	if cfg.ItemTitlePrefix == "" {
		cfg.ItemTitlePrefix = ServiceName
	}
	if cfg.ItemTag == "" {
		cfg.ItemTag = ServiceName
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 15 * time.Second
	}
	if tokenVars := opTokenVars[backend]; tokenVars != nil && k.opToken(backend) == "" {
		what := map[string]string{OPConnect: "1Password Connect token", OP: "1Password service account token"}[backend]
		t, err := o.Token("Enter " + what)
		if err != nil {
			return nil, fmt.Errorf("no %s in %s, and it could not be asked for: %w", what, strings.Join(tokenVars, " or "), err)
		}
		cfg.Token = t
	}
	return &opRing{helper: helper, config: cfg}, nil
}

// start runs the helper (once per aws-vault process, or again if it has
// exited) and sends it the configuration.
func (r *opRing) start() error {
	if r.cmd != nil {
		return nil
	}
	cmd := exec.Command(r.helper)
	in, err := cmd.StdinPipe()
	if err != nil {
		return err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	r.errs = &tailBuffer{}
	cmd.Stderr = r.errs
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("starting %s: %v", r.helper, err)
	}
	r.cmd, r.in, r.out = cmd, in, bufio.NewReader(out)
	r.running.Store(cmd.Process)
	if err := json.NewEncoder(in).Encode(r.config); err != nil {
		r.stop()
		return fmt.Errorf("configuring %s: %v", r.helper, err)
	}
	return nil
}

func (r *opRing) stop() {
	if r.cmd == nil {
		return
	}
	r.in.Close()
	_ = r.cmd.Process.Kill()
	_ = r.cmd.Wait()
	r.cmd = nil
}

func (r *opRing) call(req OPRequest) (OPResponse, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.start(); err != nil {
		return OPResponse{}, err
	}
	var resp OPResponse
	err := json.NewEncoder(r.in).Encode(req)
	if err == nil {
		var line []byte
		line, err = r.out.ReadBytes('\n')
		if err == nil {
			err = json.Unmarshal(line, &resp)
		}
	}
	if err != nil {
		r.stop()
		if msg := r.errs.String(); msg != "" {
			return OPResponse{}, fmt.Errorf("%s: %s", HelperName, msg)
		}
		return OPResponse{}, fmt.Errorf("%s: %v", HelperName, err)
	}
	if resp.NotFound {
		return resp, kr.ErrKeyNotFound
	}
	if resp.Error != "" {
		return resp, errors.New(resp.Error)
	}
	return resp, nil
}

func (r *opRing) Get(key string) (kr.Item, error) {
	resp, err := r.call(OPRequest{Op: "get", Key: key})
	if err != nil {
		return kr.Item{}, err
	}
	if resp.Item == nil {
		return kr.Item{}, fmt.Errorf("%s answered no item for %q", HelperName, key)
	}
	return *resp.Item, nil
}

func (r *opRing) GetMetadata(string) (kr.Metadata, error) { return kr.Metadata{}, nil }

func (r *opRing) Set(item kr.Item) error {
	_, err := r.call(OPRequest{Op: "set", Item: &item})
	return err
}

func (r *opRing) Remove(key string) error {
	_, err := r.call(OPRequest{Op: "remove", Key: key})
	return err
}

func (r *opRing) Keys() ([]string, error) {
	resp, err := r.call(OPRequest{Op: "keys"})
	return resp.Keys, err
}

// Abort ends the helper (aws-vault gave up waiting for it).
func (r *opRing) Abort() {
	if p := r.running.Load(); p != nil {
		_ = p.Kill()
	}
}

// tailBuffer keeps the last few KiB a helper wrote on stderr.
type tailBuffer struct {
	mu  sync.Mutex
	buf []byte
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if len(t.buf) > 4096 {
		t.buf = t.buf[len(t.buf)-4096:]
	}
	return len(p), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(trimSpace(t.buf))
}

func trimSpace(b []byte) []byte {
	for len(b) > 0 && (b[len(b)-1] == '\n' || b[len(b)-1] == ' ' || b[len(b)-1] == '\r') {
		b = b[:len(b)-1]
	}
	return b
}
