package fish

import (
	_ "embed"

	"github.com/aws-vault/aws-vault/shells"
)

//go:embed hook.fish
var hookScript string

//go:embed prompt.fish
var promptScript string

//go:embed completion.fish
var completionScript string

// promptEvent runs the segment's update before each prompt when the hook,
// which runs it itself after its own work, is not installed.
const promptEvent = `function _aws_vault_prompt_event --on-event fish_prompt
    functions -q _aws_vault_hook; or _aws_vault_prompt_update
end
`

// Prompt returns the prompt segment's code: _aws_vault_prompt_update,
// which keeps aws_vault_segment up to date before each prompt, and the
// aws_vault_prompt function.
func (sh Shell) Prompt(o shells.HookOptions) (string, error) {
	p, err := shells.RenderTemplate("prompt.fish", promptScript, sh.Quote, o)
	return p + promptEvent, err
}

// Hook returns the code for config.fish: a handler of the fish_prompt
// event and of changes of PWD, and the prompt segment's functions.
func (sh Shell) Hook(o shells.HookOptions) (string, error) {
	return shells.HookScript("hook.fish", hookScript, "prompt.fish", promptScript, sh.Quote, o)
}

// Completion returns the completion script.
func (Shell) Completion() (string, error) { return completionScript, nil }

// Usage says how to use it all from fish.
func (Shell) Usage() shells.Usage {
	return shells.Usage{
		Load:           `aws-vault env %s | source`,
		Hook:           `add  aws-vault hook fish | source  to ~/.config/fish/config.fish`,
		Completion:     `aws-vault completion fish > ~/.config/fish/completions/aws-vault.fish`,
		CompletionFile: "aws-vault.fish",
		Prompt:         `function fish_prompt; string join ' ' -- $aws_vault_segment (prompt_pwd)'> '; end`,
	}
}
