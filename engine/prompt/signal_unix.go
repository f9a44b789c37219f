//go:build !windows

package prompt

import (
	"os"
	"os/signal"
	"syscall"
	"time"
)

// endBySignal ends the program as sig would have: the shell then reports
// the signal, not an exit status.
func endBySignal(sig os.Signal) {
	s, ok := sig.(syscall.Signal)
	if ok {
		signal.Reset(sig)
		_ = syscall.Kill(os.Getpid(), s)
		time.Sleep(time.Second) // the signal is on its way
	}
	n := 1
	if ok {
		n = int(s)
	}
	os.Exit(128 + n)
}
