package powershell

import (
	_ "embed"

	"github.com/aws-vault/aws-vault/shells"
)

//go:embed activate.ps1
var activateScript string

// Activate saves each variable's value ($null when unset) in the global
// hashtable $AwsVaultRestore, then applies c and sets local. PowerShell has
// no unexported variables to worry about: only the environment is touched.
func (sh Shell) Activate(c shells.Change, local map[string]string) (string, error) {
	return shells.ActivateScript("activate.ps1", activateScript, sh, c, local)
}

// Deactivate puts the saved values back.
func (Shell) Deactivate() string {
	return "if (Test-Path -LiteralPath Variable:global:AwsVaultRestore) {\n" +
		"foreach ($e in $global:AwsVaultRestore.GetEnumerator()) {\n" +
		"if ($null -eq $e.Value) { Remove-Item -LiteralPath \"Env:$($e.Key)\" -ErrorAction Ignore } else { Set-Item -LiteralPath \"Env:$($e.Key)\" -Value $e.Value }\n" +
		"}\nRemove-Variable -Name AwsVaultRestore -Scope Global\n}\n"
}
