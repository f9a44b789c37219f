package powershell

import (
	"strings"

	"github.com/aws-vault/aws-vault/shells"
)

// Activate saves each variable's value ($null when unset) in the global
// hashtable $AwsVaultRestore, then applies c. PowerShell has no
// unexported variables to worry about: only the environment is touched.
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
	quoted := make([]string, 0, len(c.Set)+len(c.Unset))
	for _, n := range shells.Names(c) {
		quoted = append(quoted, "'"+n+"'") // names are [A-Za-z_][A-Za-z0-9_]*
	}
	var b strings.Builder
	b.WriteString("if ($env:AWS_VAULT -and -not (Test-Path -LiteralPath Variable:global:AwsVaultRestore)) {\n")
	b.WriteString("Write-Error " + msg + "\n} else {\n")
	b.WriteString("if (-not (Test-Path -LiteralPath Variable:global:AwsVaultRestore)) {\n$global:AwsVaultRestore = @{}\n")
	b.WriteString("foreach ($n in @(" + strings.Join(quoted, ", ") + ")) { $global:AwsVaultRestore[$n] = [Environment]::GetEnvironmentVariable($n) }\n}\n")
	b.WriteString(export)
	b.WriteString(vars)
	b.WriteString("}\n")
	return b.String(), nil
}

// Deactivate puts the saved values back.
func (Shell) Deactivate() string {
	return "if (Test-Path -LiteralPath Variable:global:AwsVaultRestore) {\n" +
		"foreach ($e in $global:AwsVaultRestore.GetEnumerator()) {\n" +
		"if ($null -eq $e.Value) { Remove-Item -LiteralPath \"Env:$($e.Key)\" -ErrorAction Ignore } else { Set-Item -LiteralPath \"Env:$($e.Key)\" -Value $e.Value }\n" +
		"}\nRemove-Variable -Name AwsVaultRestore -Scope Global\n}\n"
}
