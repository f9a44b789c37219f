//go:build unix

package cache

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws-vault/aws-vault/internal/testuser"
)

func lockPath(dir, name string) string {
	sum := sha256.Sum256([]byte(name))
	return filepath.Join(dir, hex.EncodeToString(sum[:12])+".lock")
}

// sharedTemp is a directory like /tmp: anyone may create entries in it.
func sharedTemp(t *testing.T) string {
	dir := t.TempDir()
	for _, d := range []string{filepath.Dir(dir), dir} {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Chmod(dir, 0o1777); err != nil {
		t.Fatal(err)
	}
	return dir
}

// Another local user makes /tmp/aws-vault-UID first, plants a symlink as
// one lock file and holds another. aws-vault uses a directory of its own
// instead: it creates nothing where the symlink points, and does not wait
// for the other user's lock.
func TestLockDirOfAnotherUser(t *testing.T) {
	intruder := testuser.New(t)
	tmp := sharedTemp(t)
	t.Setenv("TMPDIR", tmp)
	home := t.TempDir()
	env := map[string]string{"HOME": home}
	getenv := func(k string) string { return env[k] }

	planted := filepath.Join(tmp, fmt.Sprintf("aws-vault-%d", os.Getuid()))
	target := filepath.Join(tmp, "created-by-the-victim")
	intruder.Run(t, "mkdir", "-m", "755", planted)
	intruder.Run(t, "ln", "-s", target, lockPath(planted, "symlinked"))
	held := lockPath(planted, "held")
	intruder.Start(t, "flock", held, "sleep", "600")
	for i := 0; ; i++ {
		if _, err := os.Stat(held); err == nil {
			break
		}
		if i == 200 {
			t.Fatal("flock did not create its file")
		}
		time.Sleep(10 * time.Millisecond)
	}

	dir := LockDir(getenv)
	if want := filepath.Join(home, ".cache", "aws-vault", "locks"); dir != want {
		t.Errorf("LockDir = %s, want %s", dir, want)
	}
	// A fail-safe for the test only: the lock must not be waited for.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for _, name := range []string{"symlinked", "held"} {
		unlock, err := Lock(ctx, dir, name)
		if err != nil {
			t.Fatalf("lock %s: %v", name, err)
		}
		unlock()
	}
	if _, err := os.Lstat(target); !os.IsNotExist(err) {
		t.Errorf("a file was created through the planted symlink: %v", err)
	}
	// Told to use the planted directory anyway, Lock refuses it.
	if _, err := Lock(ctx, planted, "held"); err == nil || !strings.Contains(err.Error(), fmt.Sprintf("is owned by uid %d, not by you", intruder.UID)) {
		t.Errorf("lock in the planted directory: %v", err)
	}
}

// Directories that others can write to, or that are symlinks, are refused
// too; the directory aws-vault makes is its user's alone.
func TestPrivateDir(t *testing.T) {
	base := t.TempDir()
	made := filepath.Join(base, "made")
	if err := privateDir(made, false); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(made); fi.Mode().Perm() != 0o700 {
		t.Errorf("made with mode %v", fi.Mode())
	}
	open := filepath.Join(base, "open")
	if err := os.Mkdir(open, 0o777); err != nil {
		t.Fatal(err)
	}
	_ = os.Chmod(open, 0o777)
	if err := privateDir(open, false); err == nil || !strings.Contains(err.Error(), "others can write to it") {
		t.Errorf("world-writable: %v", err)
	}
	link := filepath.Join(base, "link")
	if err := os.Symlink(made, link); err != nil {
		t.Fatal(err)
	}
	if err := privateDir(link, false); err == nil || !strings.Contains(err.Error(), "symbolic link") {
		t.Errorf("symlink: %v", err)
	}
	// A symlink as a lock file, even in one's own directory.
	if err := os.Symlink(filepath.Join(base, "elsewhere"), lockPath(made, "x")); err != nil {
		t.Fatal(err)
	}
	if _, err := Lock(context.Background(), made, "x"); err == nil || !strings.Contains(err.Error(), "symbolic link") {
		t.Errorf("symlinked lock file: %v", err)
	}
	if _, err := os.Lstat(filepath.Join(base, "elsewhere")); !os.IsNotExist(err) {
		t.Error("created through the symlink")
	}
}

// A lock held too long ends the wait with a message naming the holder.
func TestLockWaitIsBounded(t *testing.T) {
	saved := Wait
	Wait = 200 * time.Millisecond
	defer func() { Wait = saved }()
	dir := t.TempDir()
	name := "sts.GetSessionToken\x00work\x00arn:aws:iam::1:mfa/me"
	unlock, err := Lock(context.Background(), dir, name)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Lock(context.Background(), dir, name)
	want := fmt.Sprintf("another aws-vault (pid %d) has held the lock of profile work's session (sts.GetSessionToken) for 200ms", os.Getpid())
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("err = %v\nwant %s", err, want)
	}
	unlock()
	unlock2, err := Lock(context.Background(), dir, name)
	if err != nil {
		t.Fatal(err)
	}
	unlock2()
}

// Lock files go when released, and the lock still excludes: many
// holders in turn, each removing its file, never overlap.
func TestLockFilesRemovedAndExclusive(t *testing.T) {
	dir := t.TempDir()
	var inside, overlaps, total atomic.Int32
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			for range 40 {
				unlock, err := Lock(context.Background(), dir, "same")
				if err != nil {
					t.Error(err)
					return
				}
				if inside.Add(1) > 1 {
					overlaps.Add(1)
				}
				total.Add(1)
				time.Sleep(50 * time.Microsecond)
				inside.Add(-1)
				unlock()
			}
		})
	}
	wg.Wait()
	if overlaps.Load() != 0 || total.Load() != 16*40 {
		t.Errorf("%d of %d holds overlapped", overlaps.Load(), total.Load())
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("left in the lock directory: %v", entries)
	}
}
