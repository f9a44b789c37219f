package main

import (
	"os/exec"
	"strings"
	"testing"
)

// 1Password's clients (the SDK brings a WebAssembly runtime) live in this
// helper only: aws-vault itself must not link them, so that they cost
// nothing at the start of commands that do not use them.
func TestAwsVaultDoesNotLinkOnePassword(t *testing.T) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	for _, goos := range []string{"linux", "darwin", "windows"} {
		cmd := exec.Command(goBin, "list", "-deps", "github.com/aws-vault/aws-vault")
		cmd.Env = append(cmd.Environ(), "GOOS="+goos)
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("go list (%s): %v", goos, err)
		}
		for _, p := range strings.Fields(string(out)) {
			if strings.HasPrefix(p, "github.com/1password/") || strings.HasPrefix(p, "github.com/1Password/") || strings.HasPrefix(p, "github.com/tetratelabs/wazero") || strings.HasPrefix(p, "github.com/extism/") {
				t.Errorf("aws-vault (%s) links %s", goos, p)
			}
		}
		if !strings.Contains(string(out), "github.com/aws-vault/aws-vault/engine/keyring\n") {
			t.Fatalf("go list (%s) does not list the keyring package: %s", goos, out)
		}
	}
}
