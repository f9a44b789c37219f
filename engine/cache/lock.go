package cache

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"log"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/aws-vault/aws-vault/internal/fileowner"
)

// The lock between processes is a file per session slot, locked with
// flock (LockFileEx on Windows), in a directory only the user can use:
//
//   - the directory is $XDG_RUNTIME_DIR/aws-vault, else aws-vault-UID in
//     the temp directory. aws-vault creates it (mode 700) and uses it only
//     if it is a real directory owned by the user that no one else can
//     enter (as gpg-agent and ssh-agent check their socket directories):
//     in a shared /tmp another user may have made it first, to make
//     aws-vault fail, hang on a lock they hold, or follow their symlink.
//     Such a directory is not used; aws-vault falls back to
//     ~/.cache/aws-vault/locks, checked the same way;
//   - lock files are opened without following symlinks, and must be
//     regular files of the user;
//   - the holder writes its pid into the file; a process waits for it at
//     most Wait, then fails naming that pid;
//   - the holder removes the file before it releases the lock, so files do
//     not pile up. A waiter that then gets the lock of the removed file
//     sees that the path no longer names it, and starts again on the path.

// Wait bounds how long Lock waits for another process to release a lock:
// long enough for a person to type an MFA code in the other terminal.
var Wait = 2 * time.Minute

// LockDir is where the lock files live (see above): the first of
// $XDG_RUNTIME_DIR/aws-vault (when XDG_RUNTIME_DIR is set) or
// TMPDIR/aws-vault-UID, then ~/.cache/aws-vault/locks, that is a private
// directory of the user or can be made one. When neither can, it is the
// first, and Lock says why it cannot be used.
func LockDir(getenv func(string) string) string {
	var first string
	if d := getenv("XDG_RUNTIME_DIR"); d != "" {
		first = filepath.Join(d, "aws-vault")
	} else {
		first = filepath.Join(os.TempDir(), fmt.Sprintf("aws-vault-%d", os.Getuid()))
	}
	err := privateDir(first, false)
	if err == nil {
		return first
	}
	base := getenv("XDG_CACHE_HOME")
	if base == "" {
		if home := getenv("HOME"); home != "" {
			base = filepath.Join(home, ".cache")
		}
	}
	if base == "" {
		return first
	}
	second := filepath.Join(base, "aws-vault", "locks")
	if privateDir(second, true) != nil {
		return first
	}
	log.Printf("session locks: not using %v; using %s", err, second)
	return second
}

// privateDir makes dir (mode 700; with parents when parents is set) if it
// does not exist, and checks that it is a directory, not a symlink, owned
// by the user, that no one else can write to.
func privateDir(dir string, parents bool) error {
	fi, err := os.Lstat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		mkdir := os.Mkdir
		if parents {
			mkdir = os.MkdirAll
		}
		if err := mkdir(dir, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
			return err
		}
		fi, err = os.Lstat(dir)
	}
	if err != nil {
		return err
	}
	switch {
	case fi.Mode()&fs.ModeSymlink != 0:
		return fmt.Errorf("%s is a symbolic link", dir)
	case !fi.IsDir():
		return fmt.Errorf("%s is not a directory", dir)
	}
	if err := fileowner.Check(fi); err != nil {
		return fmt.Errorf("%s %w", dir, err)
	}
	if fileowner.OthersCanWrite(fi) {
		return fmt.Errorf("%s has mode %04o: others can write to it", dir, fi.Mode().Perm())
	}
	return nil
}

// Lock takes an exclusive, cross-process lock named name in dir and
// returns its release. The lock is released by the kernel if the process
// dies. It waits at most Wait for another process that holds it.
func Lock(ctx context.Context, dir, name string) (func(), error) {
	if err := privateDir(dir, false); err != nil {
		return nil, fmt.Errorf("session lock directory: %w; remove it, or set XDG_RUNTIME_DIR to a directory of your own", err)
	}
	sum := sha256.Sum256([]byte(name))
	path := filepath.Join(dir, hex.EncodeToString(sum[:12])+".lock")
	for {
		f, err := openLockFile(path)
		if err != nil {
			return nil, fmt.Errorf("session lock %s: %w", path, err)
		}
		got, err := tryLockFile(f)
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("session lock %s: %w", path, err)
		}
		if !got {
			if err := wait(ctx, f, describeLock(name)); err != nil {
				return nil, err
			}
		}
		if !namesFile(path, f) {
			// Removed (or replaced) by the holder before it let go.
			_ = unlockFile(f)
			f.Close()
			continue
		}
		_ = f.Truncate(0)
		_, _ = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
		return func() { release(path, f) }, nil
	}
}

// wait blocks until f is locked, ctx ends, or Wait passes. On failure f
// is closed, once the lock call that may still be waiting returns.
func wait(ctx context.Context, f *os.File, what string) error {
	holder := holderOf(f)
	log.Printf("waiting for %s, which holds the lock of %s", holder, what)
	done := make(chan error, 1)
	go func() { done <- lockFile(f) }()
	t := time.NewTimer(Wait)
	defer t.Stop()
	var err error
	select {
	case err = <-done:
		if err != nil {
			f.Close()
			return fmt.Errorf("session lock: %w", err)
		}
		return nil
	case <-ctx.Done():
		err = fmt.Errorf("waiting for %s to refresh %s: %w", holder, what, ctx.Err())
	case <-t.C:
		err = fmt.Errorf("%s has held the lock of %s for %s (it may be waiting for an MFA code or a passphrase): finish or stop it, and try again", holder, what, Wait)
	}
	// Closing f releases a lock the waiting call gets after all.
	go func() { <-done; f.Close() }()
	return err
}

// holderOf names the process that holds f's lock, from the pid it wrote.
func holderOf(f *os.File) string {
	b := make([]byte, 16)
	n, _ := f.ReadAt(b, 0)
	if pid, err := strconv.Atoi(strings.TrimSpace(string(b[:n]))); err == nil && pid > 0 {
		return fmt.Sprintf("another aws-vault (pid %d)", pid)
	}
	return "another aws-vault"
}

// describeLock turns a lock's name back into words for messages.
func describeLock(name string) string {
	parts := strings.Split(name, "\x00")
	switch {
	case len(parts) == 2 && parts[0] == "oidc":
		return "the IAM Identity Center token of " + parts[1]
	case len(parts) >= 2:
		return fmt.Sprintf("profile %s's session (%s)", parts[1], parts[0])
	}
	return strings.Join(parts, " ")
}
