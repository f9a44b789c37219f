package server

import (
	"errors"
	"io/fs"
	"os"
	"syscall"

	"golang.org/x/sys/windows"
)

// WSAEADDRINUSE: the Winsock error for an address in use.
var errAddrInUse error = syscall.Errno(10048)

// requirePrivileges lets netsh say whether this is an Administrator.
func requirePrivileges(what, why string) error { return nil }

func isRoot() bool { return windows.GetCurrentProcessToken().IsElevated() }

func processAlive(pid int) bool {
	if pid <= 0 {
		return false
	}
	h, err := windows.OpenProcess(windows.PROCESS_QUERY_LIMITED_INFORMATION, false, uint32(pid))
	if err != nil {
		return false
	}
	defer windows.CloseHandle(h)
	var code uint32
	if err := windows.GetExitCodeProcess(h, &code); err != nil {
		return false
	}
	const stillActive = 259
	return code == stillActive
}

// stopProcess ends the proxy; Windows has no SIGTERM to catch, so
// StopProxy removes the address afterwards.
func stopProcess(pid int) error {
	p, err := os.FindProcess(pid)
	if err != nil {
		return err
	}
	return p.Kill()
}

func trustedStateFile(fi fs.FileInfo) error {
	if !fi.Mode().IsRegular() {
		return errors.New("not a regular file")
	}
	return nil
}
