//go:build linux

package keyring

import (
	"errors"
	"strings"
	"syscall"
	"testing"
)

// The kernel's errors get hints that say what to do.
func TestKeyctlHints(t *testing.T) {
	for _, c := range []struct {
		errno error
		want  string
	}{
		{syscall.EACCES, "keyctl link @u @s"},
		{syscall.EDQUOT, "kernel.keys."},
		{syscall.ENOSYS, "seccomp"},
	} {
		err := keyctlError(c.errno, "writing \"x\"")
		if !errors.Is(err, c.errno) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: %v", c.errno, err)
		}
	}
}
