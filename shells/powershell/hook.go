package powershell

import (
	_ "embed"
	"strings"

	"github.com/aws-vault/aws-vault/shells"
)

//go:embed hook.ps1
var hookScript string

//go:embed prompt.ps1
var promptScript string

// SetLocal sets global PowerShell variables.
func (sh Shell) SetLocal(vars map[string]string) (string, error) {
	return shells.LocalScript(vars, sh.Quote, func(n, q string) string { return "$global:" + n + " = " + q })
}

// UnsetLocal removes global variables.
func (Shell) UnsetLocal(names []string) string {
	var b strings.Builder
	for _, n := range names {
		b.WriteString("Remove-Variable -Name " + n + " -Scope Global -ErrorAction Ignore\n")
	}
	return b.String()
}

// Prompt returns the aws_vault_prompt function.
func (sh Shell) Prompt(o shells.HookOptions) (string, error) {
	return shells.RenderTemplate("prompt.ps1", promptScript, sh.Quote, o)
}

// Hook returns the code for $PROFILE: it wraps the existing prompt function
// once, keeping $LASTEXITCODE, and defines the prompt function.
func (sh Shell) Hook(o shells.HookOptions) (string, error) {
	return shells.HookScript("hook.ps1", hookScript, "prompt.ps1", promptScript, sh.Quote, o)
}
