package bash

import (
	_ "embed"
	"strings"

	"github.com/aws-vault/aws-vault/shells"
)

//go:embed hook.bash
var hookScript string

//go:embed prompt.bash
var promptScript string

// SetLocal sets unexported variables with declare -g, so the hook's eval
// inside a function sets them globally.
func (sh Shell) SetLocal(vars map[string]string) (string, error) {
	return shells.LocalScript(vars, sh.Quote, func(n, q string) string { return "declare -g " + n + "=" + q })
}

// UnsetLocal unsets variables.
func (Shell) UnsetLocal(names []string) string {
	if len(names) == 0 {
		return ""
	}
	return "unset -v " + strings.Join(names, " ") + "\n"
}

// Prompt returns the aws_vault_prompt function.
func (sh Shell) Prompt(o shells.HookOptions) (string, error) {
	return shells.RenderTemplate("prompt.bash", promptScript, sh.Quote, o)
}

// Hook returns the code for ~/.bashrc: a PROMPT_COMMAND entry (added once,
// before what is there, keeping a string a string and an array an array)
// and the prompt function.
func (sh Shell) Hook(o shells.HookOptions) (string, error) {
	return shells.HookScript("hook.bash", hookScript, "prompt.bash", promptScript, sh.Quote, o)
}
