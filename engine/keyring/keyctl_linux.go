//go:build linux

package keyring

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"strings"

	kr "github.com/99designs/keyring"
	"golang.org/x/sys/unix"
)

// The kernel keyring backend, written here rather than taken from the
// keyring library so that each scope means what it says. The layout is
// the library's, which the original aws-vault uses: a keyring named
// "aws-vault" linked into the scope's keyring, holding one "user" key per
// item, named by the item's key, with the item's data as its payload.
//
//   - user: the user's keyring (@u), shared by all of the user's sessions
//     until reboot.
//   - session: the session keyring (@s) itself. The library searched it
//     recursively, so when the session keyring links the user keyring (as
//     pam_keyinit sets up) it read and wrote the user scope's items; here
//     the "aws-vault" keyring must be linked directly into @s.
//   - process, thread: refused. Those keyrings end with the aws-vault
//     process (or thread), so whatever one command stored would be gone
//     before the next.

const keyctlKeyringName = ServiceName

func scopeSpec(scope string) (int, error) {
	switch scope {
	case "", "user":
		return unix.KEY_SPEC_USER_KEYRING, nil
	case "session":
		return unix.KEY_SPEC_SESSION_KEYRING, nil
	case "process", "thread":
		return 0, fmt.Errorf("keyctl scope %q cannot keep anything: the kernel drops a %s keyring when the aws-vault %s that owns it ends, so what one command stores is gone before the next; use --keyctl-scope user (shared by your sessions until reboot) or session (this login session only)", scope, scope, scope)
	}
	return 0, fmt.Errorf("keyctl scope %q does not exist; use user or session", scope)
}

func keyctlUsable(scope string) (string, error) {
	spec, err := scopeSpec(scope)
	if err != nil {
		return "", err
	}
	id, err := unix.KeyctlGetKeyringID(spec, false)
	if err != nil && !errors.Is(err, unix.ENOKEY) {
		return "", keyctlError(err, "finding the "+scopeName(scope)+" keyring")
	}
	if scope == "" {
		scope = "user"
	}
	if id == 0 {
		return fmt.Sprintf("kernel keyring, scope %s (not created yet)", scope), nil
	}
	return fmt.Sprintf("kernel keyring, scope %s (keyring %d)", scope, id), nil
}

func scopeName(scope string) string {
	if scope == "" {
		return "user"
	}
	return scope
}

type keyctlRing struct {
	scope string
	ring  int // the "aws-vault" keyring
}

func openKeyctl(scope string) (kr.Keyring, error) {
	spec, err := scopeSpec(scope)
	if err != nil {
		return nil, err
	}
	parent, err := unix.KeyctlGetKeyringID(spec, true)
	if err != nil {
		return nil, keyctlError(err, "opening the "+scopeName(scope)+" keyring")
	}
	ring, err := findLinked(parent, "keyring", keyctlKeyringName)
	if err != nil {
		return nil, keyctlError(err, "reading the "+scopeName(scope)+" keyring")
	}
	if ring == 0 {
		ring, err = unix.AddKey("keyring", keyctlKeyringName, nil, parent)
		if err != nil {
			return nil, keyctlError(err, fmt.Sprintf("creating the %q keyring in the %s keyring", keyctlKeyringName, scopeName(scope)))
		}
	}
	return &keyctlRing{scope: scopeName(scope), ring: ring}, nil
}

// findLinked returns the key of type and name linked directly into ring
// (0 when there is none): no search through keyrings that ring links.
func findLinked(ring int, typ, name string) (int, error) {
	ids, err := keyctlList(ring)
	if err != nil {
		return 0, err
	}
	for _, id := range ids {
		t, desc, err := keyctlDescribe(id)
		if err != nil {
			continue // revoked or not ours to view
		}
		if t == typ && desc == name {
			return id, nil
		}
	}
	return 0, nil
}

func keyctlList(ring int) ([]int, error) {
	buf := make([]byte, 512)
	for {
		n, err := unix.KeyctlBuffer(unix.KEYCTL_READ, ring, buf, 0)
		if err != nil {
			return nil, err
		}
		if n <= len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, n)
	}
	ids := make([]int, 0, len(buf)/4)
	for i := 0; i+4 <= len(buf); i += 4 {
		ids = append(ids, int(int32(binary.NativeEndian.Uint32(buf[i:]))))
	}
	return ids, nil
}

// keyctlDescribe returns a key's type and description
// ("type;uid;gid;perm;description").
func keyctlDescribe(id int) (string, string, error) {
	d, err := unix.KeyctlString(unix.KEYCTL_DESCRIBE, id)
	if err != nil {
		return "", "", err
	}
	f := strings.SplitN(d, ";", 5)
	if len(f) < 5 {
		return "", "", fmt.Errorf("unexpected key description %q", d)
	}
	return f[0], f[4], nil
}

func (k *keyctlRing) Get(key string) (kr.Item, error) {
	id, err := findLinked(k.ring, "user", key)
	if err != nil {
		return kr.Item{}, keyctlError(err, "reading the aws-vault keyring")
	}
	if id == 0 {
		return kr.Item{}, kr.ErrKeyNotFound
	}
	buf := make([]byte, 4096)
	for {
		n, err := unix.KeyctlBuffer(unix.KEYCTL_READ, id, buf, 0)
		if err != nil {
			return kr.Item{}, keyctlError(err, fmt.Sprintf("reading %q", key))
		}
		if n <= len(buf) {
			return kr.Item{Key: key, Data: buf[:n]}, nil
		}
		buf = make([]byte, n)
	}
}

func (k *keyctlRing) GetMetadata(string) (kr.Metadata, error) {
	return kr.Metadata{}, kr.ErrMetadataNotSupported
}

// Set adds or updates the key: add_key on an existing description in the
// same keyring replaces its payload in one step.
func (k *keyctlRing) Set(item kr.Item) error {
	if _, err := unix.AddKey("user", item.Key, item.Data, k.ring); err != nil {
		return keyctlError(err, fmt.Sprintf("writing %q", item.Key))
	}
	return nil
}

func (k *keyctlRing) Remove(key string) error {
	id, err := findLinked(k.ring, "user", key)
	if err != nil {
		return keyctlError(err, "reading the aws-vault keyring")
	}
	if id == 0 {
		return kr.ErrKeyNotFound
	}
	if _, err := unix.KeyctlInt(unix.KEYCTL_UNLINK, id, k.ring, 0, 0); err != nil {
		return keyctlError(err, fmt.Sprintf("removing %q", key))
	}
	return nil
}

func (k *keyctlRing) Keys() ([]string, error) {
	ids, err := keyctlList(k.ring)
	if err != nil {
		return nil, keyctlError(err, "listing the aws-vault keyring")
	}
	var out []string
	for _, id := range ids {
		if t, desc, err := keyctlDescribe(id); err == nil && t == "user" {
			out = append(out, desc)
		}
	}
	return out, nil
}

// keyctlError adds what to do about the kernel's terse errors.
func keyctlError(err error, doing string) error {
	var hint string
	switch {
	case errors.Is(err, unix.EACCES):
		hint = "the kernel lets a process use the keys it possesses, that is those reachable from its session keyring; this session's keyring does not link your user keyring (sudo, su, ssh, cron, containers and `keyctl new_session` often start one that does not). Run `keyctl link @u @s` in this session, or use --keyctl-scope session"
	case errors.Is(err, unix.EDQUOT):
		hint = "your user's kernel key quota is full (" + keyQuota() + "; usage in /proc/key-users). Remove cached sessions with `aws-vault clear`, or raise the quota: sysctl -w kernel.keys.maxbytes=200000"
	case errors.Is(err, unix.EKEYREVOKED), errors.Is(err, unix.EKEYEXPIRED):
		hint = "the key or keyring was revoked or expired; `keyctl unlink` it or start a new session"
	case errors.Is(err, unix.ENOSYS):
		hint = "this kernel has no key management (CONFIG_KEYS), or a seccomp filter (a container runtime's default) forbids it"
	case errors.Is(err, unix.EPERM):
		hint = "a security policy (seccomp, SELinux, AppArmor) forbids the keyctl system calls here"
	}
	if hint == "" {
		return fmt.Errorf("%s: %w", doing, err)
	}
	return &KernelError{Doing: doing, Err: err, Hint: hint}
}

// KernelError is a kernel keyring failure with what to do about it.
type KernelError struct {
	Doing string
	Err   error
	Hint  string
}

func (e *KernelError) Error() string { return fmt.Sprintf("%s: %v: %s", e.Doing, e.Err, e.Hint) }
func (e *KernelError) Unwrap() error { return e.Err }

func keyQuota() string {
	name := "maxbytes"
	if os.Getuid() == 0 {
		name = "root_maxbytes"
	}
	b, err := os.ReadFile("/proc/sys/kernel/keys/" + name)
	if err != nil {
		return "kernel.keys." + name
	}
	return fmt.Sprintf("kernel.keys.%s = %s bytes", name, strings.TrimSpace(string(b)))
}
