// Command aws-vault-op is aws-vault's 1Password helper: it holds the
// op-connect, op and op-desktop backends, which aws-vault starts it for,
// so that 1Password's clients add nothing to the start-up of aws-vault's
// other commands. It is not meant to be run by hand.
package main

import (
	"fmt"
	"os"
	"runtime/debug"

	"github.com/aws-vault/aws-vault/engine/keyring/onepassword"
)

// Version is stamped by the release build (.goreleaser.yaml), as aws-vault's
// own; without it the module version from the build information is used.
// 1Password's clients send it in their user agent.
var Version string

func main() {
	if len(os.Args) > 1 {
		fmt.Fprintln(os.Stderr, "aws-vault-op is run by aws-vault for its 1Password backends (--backend op-connect, op or op-desktop); it takes no arguments")
		os.Exit(2)
	}
	version := Version
	if version == "" {
		version = "dev"
		if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			version = bi.Main.Version
		}
	}
	if err := onepassword.Serve(os.Stdin, os.Stdout, os.Getenv, version); err != nil {
		fmt.Fprintf(os.Stderr, "aws-vault-op: %v\n", err)
		os.Exit(1)
	}
}
