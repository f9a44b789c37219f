//go:build unix

package commands

import (
	"os"
	"os/exec"
	"syscall"
)

// forwardedSignals are passed on to the child of exec.
var forwardedSignals = []os.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT, syscall.SIGUSR1, syscall.SIGUSR2}

// killedBy reports the signal that ended the child, if one did.
func killedBy(e *exec.ExitError) (int, bool) {
	if ws, ok := e.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return int(ws.Signal()), true
	}
	return 0, false
}
