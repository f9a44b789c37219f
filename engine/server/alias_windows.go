package server

import (
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/windows"
)

// DefaultStateFile is where the running proxy records itself.
func DefaultStateFile() string {
	dir := os.Getenv("ProgramData")
	if dir == "" {
		dir = `C:\ProgramData`
	}
	return filepath.Join(dir, "aws-vault", "proxy.json")
}

const loopbackInterface = "Loopback Pseudo-Interface 1"

func aliasArgs(add bool) []string {
	if add {
		return []string{"interface", "ipv4", "add", "address", loopbackInterface, MetadataIP, "255.255.255.255"}
	}
	return []string{"interface", "ipv4", "delete", "address", loopbackInterface, MetadataIP}
}

// aliasCommandText is the command that adds (or removes) the address, as
// the documentation shows it.
func aliasCommandText(add bool) string { return commandText("netsh", aliasArgs(add)) }

func addAlias() error    { return runAliasCommand("netsh", aliasArgs(true)...) }
func removeAlias() error { return runAliasCommand("netsh", aliasArgs(false)...) }

// isProxyProcess checks that pid runs the executable the state file names
// and that this is aws-vault itself, so a state file planted in ProgramData
// cannot make an Administrator's proxy --stop end another process.
func isProxyProcess(pid int, exe string) bool {
	h, err := windows.OpenProcess(windows.PROCESS_QUERY_LIMITED_INFORMATION, false, uint32(pid))
	if err != nil {
		return false
	}
	defer windows.CloseHandle(h)
	buf := make([]uint16, windows.MAX_LONG_PATH)
	n := uint32(len(buf))
	if err := windows.QueryFullProcessImageName(h, 0, &buf[0], &n); err != nil {
		return false
	}
	image := windows.UTF16ToString(buf[:n])
	self, err := os.Executable()
	if err != nil || exe == "" {
		return false
	}
	return strings.EqualFold(filepath.Clean(image), filepath.Clean(exe)) && strings.EqualFold(filepath.Clean(image), filepath.Clean(self))
}
