// Command aws-vault keeps AWS credentials in the operating system's keyring
// and hands out short-lived STS credentials.
package main

import (
	"os"

	"github.com/aws-vault/aws-vault/commands"
)

func main() {
	os.Exit(commands.Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Environ()))
}
