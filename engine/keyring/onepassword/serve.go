package onepassword

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"time"

	kr "github.com/99designs/keyring"

	"github.com/aws-vault/aws-vault/engine/keyring"
)

// Serve answers aws-vault's requests (engine/keyring/onepassword.go) on in
// and out until in closes: first a keyring.OPConfig, then one
// keyring.OPRequest a line, each answered with one keyring.OPResponse. The
// store is opened on the first request. getenv supplies the tokens.
func Serve(in io.Reader, out io.Writer, getenv func(string) string, version string) error {
	r := bufio.NewReader(in)
	enc := json.NewEncoder(out)
	var cfg keyring.OPConfig
	line, err := r.ReadBytes('\n')
	if err != nil {
		return fmt.Errorf("reading the configuration: %w", err)
	}
	if err := json.Unmarshal(line, &cfg); err != nil {
		return fmt.Errorf("reading the configuration: %w", err)
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 15 * time.Second
	}
	var ring *Ring
	var openErr error
	for {
		line, err := r.ReadBytes('\n')
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		var req keyring.OPRequest
		if err := json.Unmarshal(line, &req); err != nil {
			return fmt.Errorf("reading a request: %w", err)
		}
		if ring == nil && openErr == nil {
			ring, openErr = open(cfg, getenv, version)
		}
		var resp keyring.OPResponse
		if openErr != nil {
			resp.Error = openErr.Error()
		} else {
			resp = handle(ring, cfg.Timeout, req)
		}
		if err := enc.Encode(resp); err != nil {
			return err
		}
	}
}

func token(cfg keyring.OPConfig, getenv func(string) string, vars ...string) string {
	if cfg.Token != "" {
		return cfg.Token
	}
	for _, v := range vars {
		if t := getenv(v); t != "" {
			return t
		}
	}
	return ""
}

func open(cfg keyring.OPConfig, getenv func(string) string, version string) (*Ring, error) {
	ring := &Ring{Prefix: cfg.ItemTitlePrefix, Vault: cfg.VaultID}
	ctx, cancel := context.WithTimeout(context.Background(), cfg.Timeout)
	defer cancel()
	switch cfg.Backend {
	case keyring.OPConnect:
		t := token(cfg, getenv, "AWS_VAULT_OP_CONNECT_TOKEN", "OP_CONNECT_TOKEN")
		if t == "" {
			return nil, errors.New("no Connect token: set AWS_VAULT_OP_CONNECT_TOKEN or OP_CONNECT_TOKEN")
		}
		ring.Store = NewConnect(cfg.ConnectHost, t, cfg.VaultID, cfg.ItemTag, "aws-vault/"+version, cfg.Timeout)
	case keyring.OP:
		t := token(cfg, getenv, "AWS_VAULT_OP_SERVICE_ACCOUNT_TOKEN", "OP_SERVICE_ACCOUNT_TOKEN")
		if t == "" {
			return nil, errors.New("no service account token: set AWS_VAULT_OP_SERVICE_ACCOUNT_TOKEN or OP_SERVICE_ACCOUNT_TOKEN")
		}
		s, err := NewSDK(ctx, t, "", cfg.VaultID, cfg.ItemTag, version)
		if err != nil {
			return nil, err
		}
		ring.Store = s
	case keyring.OPDesktop:
		s, err := NewSDK(ctx, "", cfg.DesktopAccount, cfg.VaultID, cfg.ItemTag, version)
		if err != nil {
			return nil, err
		}
		ring.Store = s
	default:
		return nil, fmt.Errorf("%q is not a 1Password backend", cfg.Backend)
	}
	return ring, nil
}

func handle(ring *Ring, timeout time.Duration, req keyring.OPRequest) keyring.OPResponse {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	var resp keyring.OPResponse
	var err error
	switch req.Op {
	case "get":
		var item kr.Item
		item, err = ring.Get(ctx, req.Key)
		if err == nil {
			resp.Item = &item
		}
	case "set":
		if req.Item == nil {
			err = errors.New("set without an item")
		} else {
			err = ring.Set(ctx, *req.Item)
		}
	case "remove":
		err = ring.Remove(ctx, req.Key)
	case "keys":
		resp.Keys, err = ring.Keys(ctx)
		if resp.Keys == nil {
			resp.Keys = []string{}
		}
	default:
		err = fmt.Errorf("unknown request %q", req.Op)
	}
	if errors.Is(err, kr.ErrKeyNotFound) {
		resp.NotFound = true
	} else if err != nil {
		resp.Error = err.Error()
		if timedOut(err) {
			resp.Error = fmt.Sprintf("1Password did not answer within %s (--op-timeout): %v", timeout, err)
		}
	}
	return resp
}

// timedOut reports whether err is a call given up at the timeout (the
// Connect client's HTTP timeout, or the context's deadline).
func timedOut(err error) bool {
	var ne net.Error
	return errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout())
}
