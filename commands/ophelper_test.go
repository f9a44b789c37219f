package commands

import (
	"fmt"
	"os"

	"github.com/aws-vault/aws-vault/engine/keyring/onepassword"
)

// opHelperMain is aws-vault-op inside the scripts (cmd/aws-vault-op).
func opHelperMain() {
	if err := onepassword.Serve(os.Stdin, os.Stdout, os.Getenv, "test"); err != nil {
		fmt.Fprintf(os.Stderr, "aws-vault-op: %v\n", err)
		os.Exit(1)
	}
	os.Exit(0)
}
