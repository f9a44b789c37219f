package powershell

import (
	_ "embed"
	"sort"
	"strings"

	"github.com/aws-vault/aws-vault/shells"
)

//go:embed hook.ps1
var hookScript string

//go:embed prompt.ps1
var promptScript string

// SetLocal sets global PowerShell variables.
func (sh Shell) SetLocal(vars map[string]string) (string, error) {
	names := make([]string, 0, len(vars))
	for n := range vars {
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, n := range names {
		if !shells.ValidName(n) {
			return "", &shells.QuoteError{Reason: "invalid name " + n}
		}
		q, err := sh.Quote(vars[n])
		if err != nil {
			return "", err
		}
		b.WriteString("$global:" + n + " = " + q + "\n")
	}
	return b.String(), nil
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
	p, err := sh.Prompt(o)
	if err != nil {
		return "", err
	}
	return shells.RenderTemplate("hook.ps1", hookScript, sh.Quote, struct {
		shells.HookOptions
		Prompt string
	}{o, p})
}
