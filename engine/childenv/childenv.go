// Package childenv is the environment aws-vault gives the processes it
// starts: its own, less the variables that must stay in aws-vault.
package childenv

import (
	"os"
	"slices"
	"strings"
)

// Private are variables aws-vault reads that must never reach a process it
// starts for someone else (the command exec runs, a browser, an MFA prompt
// program): with the file backend's passphrase, such a child could decrypt
// every stored long-term key. A config file's credential_process is the one
// exception: it is often aws-vault itself, which needs the passphrase to
// open the same keyring.
var Private = []string{"AWS_VAULT_FILE_PASSPHRASE"}

// Filter is environ without the Private variables.
func Filter(environ []string) []string {
	out := make([]string, 0, len(environ))
	for _, kv := range environ {
		k, _, _ := strings.Cut(kv, "=")
		if !slices.Contains(Private, k) {
			out = append(out, kv)
		}
	}
	return out
}

// Environ is this process's environment without the Private variables.
func Environ() []string { return Filter(os.Environ()) }
