//go:build unix

package fileowner

import (
	"fmt"
	"io/fs"
	"os"
	"syscall"
)

func check(fi fs.FileInfo) error {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return nil
	}
	if uid := os.Getuid(); int(st.Uid) != uid {
		return fmt.Errorf("is owned by uid %d, not by you (uid %d)", st.Uid, uid)
	}
	return nil
}

func othersCanWrite(fi fs.FileInfo) bool { return fi.Mode().Perm()&0o022 != 0 }
