package fish

import (
	_ "embed"

	"github.com/aws-vault/aws-vault/shells"
)

//go:embed activate.fish
var activateScript string

// Activate saves, as fish commands in the global list _aws_vault_restore,
// each variable's elements and whether it was exported, or that it was
// unset; then it applies c and sets local.
func (sh Shell) Activate(c shells.Change, local map[string]string) (string, error) {
	return shells.ActivateScript("activate.fish", activateScript, sh, c, local)
}

// Deactivate runs the saved commands.
func (Shell) Deactivate() string {
	return "if set -q _aws_vault_restore\nfor _aws_vault_l in $_aws_vault_restore\neval $_aws_vault_l\nend\nset -e _aws_vault_l\nset -e -g _aws_vault_restore\nend\n"
}
