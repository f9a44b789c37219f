//go:build windows

package prompt

import "os"

// endBySignal ends the program after a console interrupt.
func endBySignal(os.Signal) { os.Exit(1) }
