package fish

import (
	_ "embed"
	"strings"

	"github.com/aws-vault/aws-vault/shells"
)

//go:embed hook.fish
var hookScript string

//go:embed prompt.fish
var promptScript string

// SetLocal sets global, unexported variables.
func (sh Shell) SetLocal(vars map[string]string) (string, error) {
	return shells.LocalScript(vars, sh.Quote, func(n, q string) string { return "set -gu " + n + " " + q })
}

// UnsetLocal erases global variables.
func (Shell) UnsetLocal(names []string) string {
	if len(names) == 0 {
		return ""
	}
	return "set -e -g " + strings.Join(names, " ") + "\n"
}

// Prompt returns the aws_vault_prompt function.
func (sh Shell) Prompt(o shells.HookOptions) (string, error) {
	return shells.RenderTemplate("prompt.fish", promptScript, sh.Quote, o)
}

// Hook returns the code for config.fish: a function run on fish_prompt and
// on every change of PWD, and the prompt function. Defining a function
// twice replaces it, so sourcing it twice is harmless.
func (sh Shell) Hook(o shells.HookOptions) (string, error) {
	return shells.HookScript("hook.fish", hookScript, "prompt.fish", promptScript, sh.Quote, o)
}
