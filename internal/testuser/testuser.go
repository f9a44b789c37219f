//go:build unix

// Package testuser gives tests a second Unix user, to check what another
// local user can and cannot do to aws-vault's files. It needs root and
// useradd; a test that cannot have one is skipped, saying why.
package testuser

import (
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// User is a Unix user created for one test and deleted after it.
type User struct {
	Name     string
	UID, GID int
}

// New creates a system user without a home directory, deleted when the
// test ends.
func New(t testing.TB) User {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("another Unix user is needed, and only root can create one here")
	}
	for _, tool := range []string{"useradd", "userdel", "runuser"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("another Unix user is needed, and %s is missing", tool)
		}
	}
	name := fmt.Sprintf("awsv%d%d", os.Getpid()%100000, time.Now().UnixNano()%100000)
	var out []byte
	var err error
	// useradd waits for /etc/passwd's lock itself, but gives up quickly
	// when other tests (or helpers) add users at the same time.
	for range 20 {
		out, err = exec.Command("useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", name).CombinedOutput()
		if err == nil || !strings.Contains(string(out), "lock") {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		t.Skipf("cannot create another Unix user: useradd: %v: %s", err, out)
	}
	t.Cleanup(func() {
		for range 20 {
			out, err := exec.Command("userdel", name).CombinedOutput()
			if err == nil || !strings.Contains(string(out), "lock") {
				if err != nil {
					t.Errorf("userdel %s: %v: %s", name, err, out)
				}
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
	})
	u, err := user.Lookup(name)
	if err != nil {
		t.Fatal(err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return User{Name: name, UID: uid, GID: gid}
}

// Command is argv run as the user.
func (u User) Command(argv ...string) *exec.Cmd {
	return exec.Command("runuser", append([]string{"-u", u.Name, "--"}, argv...)...)
}

// Run runs argv as the user and fails the test if it fails.
func (u User) Run(t testing.TB, argv ...string) {
	t.Helper()
	if out, err := u.Command(argv...).CombinedOutput(); err != nil {
		t.Fatalf("as %s: %s: %v: %s", u.Name, strings.Join(argv, " "), err, out)
	}
}

// Start starts argv as the user in the background, in a process group of
// its own that is killed when the test ends (before the user is deleted).
func (u User) Start(t testing.TB, argv ...string) {
	t.Helper()
	cmd := u.Command(argv...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		_ = cmd.Wait()
	})
}
