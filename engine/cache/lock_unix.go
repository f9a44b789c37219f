//go:build unix

package cache

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"

	"github.com/aws-vault/aws-vault/internal/fileowner"
)

// openLockFile opens (or creates) a lock file without following a
// symlink, and checks that it is a regular file of the user.
func openLockFile(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|unix.O_NOFOLLOW, 0o600)
	if err != nil {
		if errors.Is(err, unix.ELOOP) {
			return nil, errors.New("it is a symbolic link")
		}
		return nil, err
	}
	fi, err := f.Stat()
	if err == nil && !fi.Mode().IsRegular() {
		err = errors.New("it is not a regular file")
	}
	if err == nil {
		err = fileowner.Check(fi)
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// tryLockFile takes f's lock if no one holds it.
func tryLockFile(f *os.File) (bool, error) {
	for {
		err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB)
		switch err {
		case nil:
			return true, nil
		case unix.EWOULDBLOCK:
			return false, nil
		case unix.EINTR:
			continue
		}
		return false, err
	}
}

func lockFile(f *os.File) error {
	for {
		err := unix.Flock(int(f.Fd()), unix.LOCK_EX)
		if err != unix.EINTR {
			return err
		}
	}
}

func unlockFile(f *os.File) error { return unix.Flock(int(f.Fd()), unix.LOCK_UN) }

// namesFile reports whether path still names the file f has open.
func namesFile(path string, f *os.File) bool {
	a, err := f.Stat()
	if err != nil {
		return false
	}
	b, err := os.Lstat(path)
	return err == nil && os.SameFile(a, b)
}

// release removes the lock file, then lets go of it: a process waiting on
// it starts again on a new file.
func release(path string, f *os.File) {
	_ = os.Remove(path)
	_ = unlockFile(f)
	f.Close()
}
