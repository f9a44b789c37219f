//go:build !unix

package commands

import "github.com/rogpeppe/go-internal/testscript"

// ptyShell needs a Unix pseudo-terminal (see pty_test.go). Elsewhere it
// fails with a message that says so, rather than leaving the package's
// tests uncompilable.
func ptyShell(ts *testscript.TestScript, neg bool, args []string) {
	ts.Fatalf("ptyshell needs a Unix pseudo-terminal")
}
