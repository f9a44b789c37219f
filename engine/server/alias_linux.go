package server

import (
	"os"
	"os/exec"
	"strconv"
	"strings"
)

// DefaultStateFile is where the running proxy records itself: a root-owned
// file on the /run tmpfs, so it goes away at reboot with the address.
func DefaultStateFile() string { return "/run/aws-vault-proxy.json" }

// ipCommand finds ip(8); sudo's secure_path usually has it, a bare
// environment may not.
func ipCommand() string {
	if p, err := exec.LookPath("ip"); err == nil {
		return p
	}
	for _, p := range []string{"/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return "ip"
}

func aliasArgs(add bool) []string {
	verb := "del"
	if add {
		verb = "add"
	}
	return []string{"addr", verb, MetadataIP + "/32", "dev", "lo"}
}

// aliasCommandText is the command that adds (or removes) the address, as
// the documentation shows it.
func aliasCommandText(add bool) string { return commandText("ip", aliasArgs(add)) }

func addAlias() error    { return runAliasCommand(ipCommand(), aliasArgs(true)...) }
func removeAlias() error { return runAliasCommand(ipCommand(), aliasArgs(false)...) }

// isProxyProcess checks that pid runs the binary the state file names, so
// that a pid reused after a crash is never signalled.
func isProxyProcess(pid int, exe string) bool {
	if exe == "" {
		return true
	}
	got, err := os.Readlink("/proc/" + strconv.Itoa(pid) + "/exe")
	if err != nil {
		return false
	}
	return strings.TrimSuffix(got, " (deleted)") == exe
}
