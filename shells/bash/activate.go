package bash

import (
	_ "embed"

	"github.com/aws-vault/aws-vault/shells"
)

//go:embed activate.bash
var activateScript string

// Activate saves each variable as an unset followed by its declaration
// (declare -p, made global with -g so that restoring works inside a hook
// function) or an unset, then applies c and sets local. The only variable
// left behind is _aws_vault_restore.
func (sh Shell) Activate(c shells.Change, local map[string]string) (string, error) {
	return shells.ActivateScript("activate.bash", activateScript, sh, c, local)
}

// Deactivate evaluates the saved declarations.
func (Shell) Deactivate() string {
	return "if [ -n \"${_aws_vault_restore+x}\" ]; then eval \"$_aws_vault_restore\"; unset -v _aws_vault_restore; fi\n"
}
