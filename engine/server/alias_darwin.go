package server

// DefaultStateFile is where the running proxy records itself: a root-owned
// file in /var/run, which macOS empties at boot.
func DefaultStateFile() string { return "/var/run/aws-vault-proxy.json" }

func aliasArgs(add bool) []string {
	if add {
		return []string{"lo0", "alias", MetadataIP}
	}
	return []string{"lo0", "-alias", MetadataIP}
}

// aliasCommandText is the command that adds (or removes) the address, as
// the documentation shows it.
func aliasCommandText(add bool) string { return commandText("ifconfig", aliasArgs(add)) }

func addAlias() error    { return runAliasCommand("/sbin/ifconfig", aliasArgs(true)...) }
func removeAlias() error { return runAliasCommand("/sbin/ifconfig", aliasArgs(false)...) }

// isProxyProcess trusts the root-owned state file: macOS has no /proc to
// check the binary with.
func isProxyProcess(pid int, exe string) bool { return true }
