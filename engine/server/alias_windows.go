package server

import (
	"os"
	"path/filepath"
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

// isProxyProcess trusts the state file in ProgramData.
func isProxyProcess(pid int, exe string) bool { return true }
