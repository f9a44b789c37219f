package fish

import (
	"strings"

	"github.com/aws-vault/aws-vault/shells"
)

// Activate saves, as fish commands in the global list _aws_vault_restore,
// each variable's elements and whether it was exported, or that it was
// unset; then it applies c.
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
	b.WriteString("if set -q AWS_VAULT; and not set -q _aws_vault_restore\n")
	b.WriteString("echo " + msg + " >&2\nfalse\nelse\n")
	b.WriteString("if not set -q _aws_vault_restore\nset -g _aws_vault_restore\n")
	b.WriteString("for _aws_vault_v in " + strings.Join(shells.Names(c), " ") + "\n")
	b.WriteString("if set -q $_aws_vault_v\nset -l _aws_vault_f -gu\nset -qx $_aws_vault_v; and set _aws_vault_f -gx\n")
	b.WriteString("set -a _aws_vault_restore \"set $_aws_vault_f $_aws_vault_v \"(string escape -- $$_aws_vault_v | string join ' ')\n")
	b.WriteString("else\nset -a _aws_vault_restore \"set -e -g $_aws_vault_v\"\nend\nend\nset -e _aws_vault_v\nend\n")
	b.WriteString(export)
	b.WriteString(vars)
	b.WriteString("end\n")
	return b.String(), nil
}

// Deactivate runs the saved commands.
func (Shell) Deactivate() string {
	return "if set -q _aws_vault_restore\nfor _aws_vault_l in $_aws_vault_restore\neval $_aws_vault_l\nend\nset -e _aws_vault_l\nset -e -g _aws_vault_restore\nend\n"
}
