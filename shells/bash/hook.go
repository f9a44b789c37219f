package bash

import (
	_ "embed"

	"github.com/aws-vault/aws-vault/shells"
)

//go:embed hook.bash
var hookScript string

//go:embed prompt.bash
var promptScript string

//go:embed completion.bash
var completionScript string

// Prompt returns the prompt segment's code: a PROMPT_COMMAND entry that
// keeps aws_vault_segment up to date, and the aws_vault_prompt function.
func (sh Shell) Prompt(o shells.HookOptions) (string, error) {
	return shells.RenderTemplate("prompt.bash", promptScript, sh.Quote, o)
}

// Hook returns the code for ~/.bashrc: the hook as the first
// PROMPT_COMMAND entry (added once, keeping a string a string and an array
// an array), then the prompt segment's.
func (sh Shell) Hook(o shells.HookOptions) (string, error) {
	return shells.HookScript("hook.bash", hookScript, "prompt.bash", promptScript, sh.Quote, o)
}

// Completion returns the completion script.
func (Shell) Completion() (string, error) { return completionScript, nil }

// Usage says how to use it all from bash.
func (Shell) Usage() shells.Usage {
	return shells.Usage{
		Load:           `eval "$(aws-vault env %s)"`,
		Hook:           `add  eval "$(aws-vault hook bash)"  to ~/.bashrc`,
		Completion:     `add  eval "$(aws-vault completion bash)"  to ~/.bashrc`,
		CompletionFile: "aws-vault.bash",
		Prompt:         `PS1='${aws_vault_segment:+[$aws_vault_segment] }\w\$ '`,
	}
}
