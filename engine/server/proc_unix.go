//go:build unix

package server

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"syscall"
)

var errAddrInUse error = syscall.EADDRINUSE

// requirePrivileges refuses to go on without root; why says what needs it.
func requirePrivileges(what, why string) error {
	if os.Geteuid() != 0 {
		return fmt.Errorf("%s needs root: %s; run: sudo %s", what, why, what)
	}
	return nil
}

func isRoot() bool { return os.Geteuid() == 0 }

func processAlive(pid int) bool {
	if pid <= 0 {
		return false
	}
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

// stopProcess asks the proxy to stop; it cleans up on SIGTERM.
func stopProcess(pid int) error { return syscall.Kill(pid, syscall.SIGTERM) }

// trustedStateFile accepts only a regular file owned by root (or by this
// user, for tests) that nobody else can write, so that nobody can make
// `sudo aws-vault proxy --stop` signal another process.
func trustedStateFile(fi fs.FileInfo) error {
	if !fi.Mode().IsRegular() {
		return errors.New("not a regular file")
	}
	if fi.Mode().Perm()&0o022 != 0 {
		return fmt.Errorf("writable by others (mode %v)", fi.Mode().Perm())
	}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok && st.Uid != 0 && int(st.Uid) != os.Geteuid() {
		return fmt.Errorf("owned by uid %d, not root", st.Uid)
	}
	return nil
}
