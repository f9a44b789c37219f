// Package nodump keeps the user's other processes out of aws-vault's
// memory and environment while it runs.
//
// A process the user starts can read the memory of any other process of
// the same user: with ptrace, and through /proc/PID/mem and
// /proc/PID/environ. aws-vault holds long-term keys, sessions and the file
// backend's passphrase (AWS_VAULT_FILE_PASSPHRASE stays in the environment
// block the kernel shows in /proc/PID/environ even after os.Unsetenv, which
// changes only Go's copy). So it marks itself non-dumpable, as ssh-agent
// does: then only root (CAP_SYS_PTRACE) can attach to it or read those
// files, and it leaves no core dump. The processes it starts are dumpable
// again (execve resets the flag), but cannot read their parent.
package nodump

import "fmt"

// Set marks the process non-dumpable where the system has the notion
// (Linux); elsewhere it does nothing.
func Set() error {
	if err := set(); err != nil {
		return fmt.Errorf("cannot keep other processes out of this one's memory (PR_SET_DUMPABLE): %w", err)
	}
	return nil
}
