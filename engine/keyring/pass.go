//go:build !windows

package keyring

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	kr "github.com/99designs/keyring"
	"golang.org/x/term"
)

// passRing is the pass backend, in the keyring library's layout (which
// the original aws-vault uses): item KEY is the pass entry PREFIX/KEY,
// holding the JSON of the library's Item. It runs pass itself, in process
// groups aws-vault can end (see procgroup_unix.go), rather than through
// the library, whose processes outlive a timeout.
type passRing struct {
	cmd, dir, prefix string
	// gpg, when set, is the gpg that reads entries directly, as `pass
	// show` would run it (see openPass), with gpgOpts its options.
	gpg     string
	gpgOpts []string
	procs   procGroups
}

// passDir is pass's store: --pass-dir, else PASSWORD_STORE_DIR, else
// ~/.password-store.
func (k *Keyring) passDir() string {
	if d := k.expand(k.opts.PassDir); d != "" {
		return d
	}
	if d := k.opts.Getenv("PASSWORD_STORE_DIR"); d != "" {
		return k.expand(d)
	}
	return filepath.Join(k.home(), ".password-store")
}

func (k *Keyring) passUsable() (string, error) {
	cmd := k.opts.PassCmd
	if cmd == "" {
		cmd = "pass"
	}
	dir := k.passDir()
	if _, err := os.Stat(filepath.Join(dir, ".gpg-id")); err != nil {
		return "", noStoreError{fmt.Sprintf("no password store at %s (it has no .gpg-id; `pass init GPG-ID` makes one)", dir)}
	}
	path, err := exec.LookPath(cmd)
	if err != nil {
		return "", fmt.Errorf("a password store exists at %s, but the pass command %q is not found: %v", dir, cmd, unwrapExec(err))
	}
	return fmt.Sprintf("password store at %s with .gpg-id, %s", dir, path), nil
}

func (k *Keyring) openPass() (kr.Keyring, error) {
	cmd := k.opts.PassCmd
	if cmd == "" {
		cmd = "pass"
	}
	path, err := exec.LookPath(cmd)
	if err != nil {
		return nil, fmt.Errorf("the pass command %q is not found: %v", cmd, unwrapExec(err))
	}
	p := &passRing{cmd: path, dir: k.passDir(), prefix: k.opts.PassPrefix}
	p.gpg, p.gpgOpts = k.passGPG()
	return p, nil
}

// passGPG returns the gpg command and options `pass show` decrypts an
// entry with, so that reads can skip the pass script (a bash script that
// starts tty, which, getopt and two base64 before gpg: most of a read's
// time apart from gpg's own). Only for pass itself: a --pass-cmd other
// than pass, or PASSWORD_STORE_GPG_OPTS (words pass splits as bash does),
// keep every read going through the pass command. Writes and removals
// always go through it (recipients, git).
func (k *Keyring) passGPG() (string, []string) {
	if c := k.opts.PassCmd; c != "" && c != "pass" {
		return "", nil
	}
	if k.opts.Getenv("PASSWORD_STORE_GPG_OPTS") != "" {
		return "", nil
	}
	// pass: gpg2 when there is one, else gpg; --batch --use-agent with
	// gpg2 or an agent named in GPG_AGENT_INFO.
	opts := []string{"-d", "--quiet", "--yes", "--compress-algo=none", "--no-encrypt-to"}
	if path, err := exec.LookPath("gpg2"); err == nil {
		return path, append(opts, "--batch", "--use-agent")
	}
	path, err := exec.LookPath("gpg")
	if err != nil {
		return "", nil
	}
	if k.opts.Getenv("GPG_AGENT_INFO") != "" {
		opts = append(opts, "--batch", "--use-agent")
	}
	return path, opts
}

func (p *passRing) command(stdin []byte, args ...string) ([]byte, error) {
	return p.run(p.cmd, stdin, args...)
}

// run runs prog (pass, or gpg for a read) in a process group of its own.
func (p *passRing) run(prog string, stdin []byte, args ...string) ([]byte, error) {
	cmd := exec.Command(prog, args...)
	cmd.Env = append(os.Environ(), "PASSWORD_STORE_DIR="+p.dir)
	if os.Getenv("GPG_TTY") == "" {
		// pass asks tty(1) on its own stdin, which is not the terminal
		// here: name it, so that pinentry-curses asks where the person is.
		if tty := stdinTTY(); tty != "" {
			cmd.Env = append(cmd.Env, "GPG_TTY="+tty)
		}
	}
	var out, errOut bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &errOut
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	err := p.procs.run(cmd)
	if err != nil {
		msg := strings.TrimSpace(errOut.String())
		if msg == "" {
			return nil, fmt.Errorf("%s %s: %v", filepath.Base(prog), args[0], err)
		}
		return nil, fmt.Errorf("%s %s: %v: %s", filepath.Base(prog), args[0], err, msg)
	}
	return out.Bytes(), nil
}

func (p *passRing) name(key string) string { return filepath.Join(p.prefix, key) }

func (p *passRing) file(key string) string { return filepath.Join(p.dir, p.prefix, key+".gpg") }

func (p *passRing) exists(key string) bool {
	_, err := os.Stat(p.file(key))
	return err == nil
}

func (p *passRing) Get(key string) (kr.Item, error) {
	if !p.exists(key) {
		return kr.Item{}, kr.ErrKeyNotFound
	}
	var out []byte
	var err error
	if p.gpg != "" {
		out, err = p.run(p.gpg, nil, append(p.gpgOpts, p.file(key))...)
	} else {
		out, err = p.command(nil, "show", p.name(key))
	}
	if err != nil {
		return kr.Item{}, err
	}
	var item kr.Item
	if err := json.Unmarshal(out, &item); err != nil {
		return kr.Item{}, fmt.Errorf("the pass entry %s is not an aws-vault item (JSON): %v", p.name(key), err)
	}
	return item, nil
}

func (p *passRing) GetMetadata(string) (kr.Metadata, error) { return kr.Metadata{}, nil }

func (p *passRing) Set(item kr.Item) error {
	data, err := json.Marshal(item)
	if err != nil {
		return err
	}
	// pass truncates the entry's file before gpg writes the new one: a
	// gpg that fails (a full disk, a missing recipient key, a kill) would
	// leave it empty. The encrypted file as it was is kept and put back;
	// reading the old entry instead would need the secret key (and maybe
	// its passphrase) just to write.
	file := p.file(item.Key)
	old, rerr := os.ReadFile(file)
	_, err = p.command(data, "insert", "-m", "-f", p.name(item.Key))
	if err == nil || rerr != nil {
		return err
	}
	if werr := replaceFile(file, ".aws-vault-*.tmp", old); werr != nil {
		return fmt.Errorf("%w; putting back the entry that was there failed too: %v", err, werr)
	}
	return fmt.Errorf("%w; the entry that was there was put back", err)
}

func (p *passRing) Remove(key string) error {
	if !p.exists(key) {
		return kr.ErrKeyNotFound
	}
	_, err := p.command(nil, "rm", "-f", p.name(key))
	return err
}

func (p *passRing) Keys() ([]string, error) {
	return storeKeys(filepath.Join(p.dir, p.prefix), ".gpg")
}

func (p *passRing) Abort() { p.procs.Abort() }

// storeKeys lists the entries of a pass-like store under root: files named
// KEY+ext, KEY relative to root (with / between directories).
func storeKeys(root, ext string) ([]string, error) {
	keys := []string{}
	info, err := os.Stat(root)
	if errors.Is(err, fs.ErrNotExist) {
		return keys, nil
	}
	if err != nil {
		return nil, err
	}
	if !info.IsDir() {
		return nil, fmt.Errorf("%s is not a directory", root)
	}
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && p != root && strings.HasPrefix(d.Name(), ".") {
			return filepath.SkipDir // .git, .extensions
		}
		if !d.IsDir() && strings.HasSuffix(p, ext) {
			rel, _ := filepath.Rel(root, p)
			keys = append(keys, filepath.ToSlash(strings.TrimSuffix(rel, ext)))
		}
		return nil
	})
	return keys, err
}

// stdinTTY names the terminal on aws-vault's stdin, or "".
func stdinTTY() string {
	if !term.IsTerminal(int(os.Stdin.Fd())) {
		return ""
	}
	name, err := os.Readlink("/proc/self/fd/0")
	if err != nil || !strings.HasPrefix(name, "/dev/") {
		return ""
	}
	return name
}
