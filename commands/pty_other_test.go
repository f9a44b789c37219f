//go:build !unix

package commands

import "github.com/rogpeppe/go-internal/testscript"

// ptyShell needs a pseudo-terminal (pty_test.go); elsewhere the scripts
// that use it fail, saying why.
func ptyShell(ts *testscript.TestScript, neg bool, args []string) {
	ts.Fatalf("ptyshell needs a Unix pseudo-terminal")
}
