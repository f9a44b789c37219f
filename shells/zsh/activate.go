package zsh

import (
	_ "embed"

	"github.com/aws-vault/aws-vault/shells"
)

//go:embed activate.zsh
var activateScript string

// Activate saves each variable with typeset -p (typeset made global with
// -g, export is global already) or an unset, then applies c and sets local.
func (sh Shell) Activate(c shells.Change, local map[string]string) (string, error) {
	return shells.ActivateScript("activate.zsh", activateScript, sh, c, local)
}

// Deactivate evaluates the saved declarations.
func (Shell) Deactivate() string {
	return "if [[ -n ${_aws_vault_restore+x} ]]; then eval \"$_aws_vault_restore\"; unset _aws_vault_restore; fi\n"
}
