//go:build !unix

package login

import "os/exec"

// detach does nothing where a process has no controlling terminal to lose.
func detach(*exec.Cmd) {}
