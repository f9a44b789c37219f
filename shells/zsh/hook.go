package zsh

import (
	_ "embed"

	"github.com/aws-vault/aws-vault/shells"
)

//go:embed hook.zsh
var hookScript string

//go:embed prompt.zsh
var promptScript string

//go:embed completion.zsh
var completionScript string

// Prompt returns the prompt segment's code: a precmd function that keeps
// aws_vault_segment up to date, and the aws_vault_prompt function.
func (sh Shell) Prompt(o shells.HookOptions) (string, error) {
	return shells.RenderTemplate("prompt.zsh", promptScript, sh.Quote, o)
}

// Hook returns the code for ~/.zshrc: the hook as the first precmd
// function and a chpwd function (each added once), then the prompt
// segment's.
func (sh Shell) Hook(o shells.HookOptions) (string, error) {
	return shells.HookScript("hook.zsh", hookScript, "prompt.zsh", promptScript, sh.Quote, o)
}

// Completion returns the completion script.
func (Shell) Completion() (string, error) { return completionScript, nil }

// Usage says how to use it all from zsh.
func (Shell) Usage() shells.Usage {
	return shells.Usage{
		Load:           `eval "$(aws-vault env %s)"`,
		Hook:           `add  eval "$(aws-vault hook zsh)"  to ~/.zshrc`,
		Completion:     `add  eval "$(aws-vault completion zsh)"  to ~/.zshrc, after compinit`,
		CompletionFile: "_aws-vault",
		Prompt:         `setopt prompt_subst; PROMPT='${aws_vault_segment:+[$aws_vault_segment] }%~ %# '`,
	}
}
