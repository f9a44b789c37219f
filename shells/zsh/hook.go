package zsh

import (
	_ "embed"
	"strings"

	"github.com/aws-vault/aws-vault/shells"
)

//go:embed hook.zsh
var hookScript string

//go:embed prompt.zsh
var promptScript string

// SetLocal sets unexported variables with typeset -g, so the hook's eval
// inside a function sets them globally.
func (sh Shell) SetLocal(vars map[string]string) (string, error) {
	return shells.LocalScript(vars, sh.Quote, func(n, q string) string { return "typeset -g " + n + "=" + q })
}

// UnsetLocal unsets variables.
func (Shell) UnsetLocal(names []string) string {
	if len(names) == 0 {
		return ""
	}
	return "unset " + strings.Join(names, " ") + "\n"
}

// Prompt returns the aws_vault_prompt function.
func (sh Shell) Prompt(o shells.HookOptions) (string, error) {
	return shells.RenderTemplate("prompt.zsh", promptScript, sh.Quote, o)
}

// Hook returns the code for ~/.zshrc: precmd and chpwd hooks (add-zsh-hook adds
// each once) and the prompt function.
func (sh Shell) Hook(o shells.HookOptions) (string, error) {
	return shells.HookScript("hook.zsh", hookScript, "prompt.zsh", promptScript, sh.Quote, o)
}
