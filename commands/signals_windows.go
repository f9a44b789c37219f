//go:build windows

package commands

import (
	"os"
	"os/exec"
)

// forwardedSignals are passed on to the child of exec; Windows has only
// the interrupt.
var forwardedSignals = []os.Signal{os.Interrupt}

func killedBy(*exec.ExitError) (int, bool) { return 0, false }
