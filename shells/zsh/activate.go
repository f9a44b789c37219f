package zsh

import (
	"strings"

	"github.com/aws-vault/aws-vault/shells"
)

// Activate saves each variable with typeset -p (typeset made global with
// -g, export is global already) or an unset, then applies c.
func (sh Shell) Activate(c shells.Change, local map[string]string) (string, error) {
	export, err := sh.Export(c)
	if err != nil {
		return "", err
	}
	vars, err := sh.SetLocal(local)
	if err != nil {
		return "", err
	}
	msg, _ := sh.Quote(shells.NestedMessage)
	var b strings.Builder
	b.WriteString("if [[ -n ${AWS_VAULT-} && -z ${_aws_vault_restore+x} ]]; then\n")
	b.WriteString("print -ru2 -- " + msg + "\nfalse\nelse\n")
	b.WriteString("if [[ -z ${_aws_vault_restore+x} ]]; then\ntypeset -g _aws_vault_restore=\n")
	b.WriteString("for _aws_vault_v in " + strings.Join(shells.Names(c), " ") + "; do\n")
	b.WriteString("if _aws_vault_d=$(typeset -p $_aws_vault_v 2>/dev/null); then _aws_vault_restore+=\"unset $_aws_vault_v; ${_aws_vault_d/#typeset /typeset -g }\"$'\\n'; else _aws_vault_restore+=\"unset $_aws_vault_v\"$'\\n'; fi\n")
	b.WriteString("done\nunset _aws_vault_v _aws_vault_d\nfi\n")
	b.WriteString(export)
	b.WriteString(vars)
	b.WriteString("fi\n")
	return b.String(), nil
}

// Deactivate evaluates the saved declarations.
func (Shell) Deactivate() string {
	return "if [[ -n ${_aws_vault_restore+x} ]]; then eval \"$_aws_vault_restore\"; unset _aws_vault_restore; fi\n"
}
