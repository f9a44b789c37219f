package powershell

import (
	_ "embed"

	"github.com/aws-vault/aws-vault/shells"
)

//go:embed hook.ps1
var hookScript string

//go:embed prompt.ps1
var promptScript string

//go:embed completion.ps1
var completionScript string

// promptWrap runs the segment's update before the prompt function when the
// hook, which runs it itself, is not installed.
const promptWrap = `if (-not (Test-Path -LiteralPath Variable:global:_AwsVaultPromptOnlyBefore)) {
    $global:_AwsVaultPromptOnlyBefore = $function:prompt
    function global:prompt {
        $code = $global:LASTEXITCODE
        if (-not (Test-Path -LiteralPath Function:global:_AwsVaultHook)) { _AwsVaultPromptUpdate }
        $global:LASTEXITCODE = $code
        & $global:_AwsVaultPromptOnlyBefore
    }
}
`

// Prompt returns the prompt segment's code: _AwsVaultPromptUpdate, which
// keeps $aws_vault_segment up to date before each prompt, and the
// aws_vault_prompt function.
func (sh Shell) Prompt(o shells.HookOptions) (string, error) {
	p, err := shells.RenderTemplate("prompt.ps1", promptScript, sh.Quote, o)
	return p + promptWrap, err
}

// Hook returns the code for $PROFILE: it wraps the existing prompt function
// once, keeping $LASTEXITCODE, and defines the prompt segment's functions.
func (sh Shell) Hook(o shells.HookOptions) (string, error) {
	return shells.HookScript("hook.ps1", hookScript, "prompt.ps1", promptScript, sh.Quote, o)
}

// Completion returns the completion script.
func (Shell) Completion() (string, error) { return completionScript, nil }

// Usage says how to use it all from PowerShell.
func (Shell) Usage() shells.Usage {
	return shells.Usage{
		Load:           `aws-vault env %s | Out-String | Invoke-Expression`,
		Hook:           `add  aws-vault hook powershell | Out-String | Invoke-Expression  to $PROFILE`,
		Completion:     `add  aws-vault completion powershell | Out-String | Invoke-Expression  to $PROFILE`,
		CompletionFile: "aws-vault.ps1",
		Prompt:         `function prompt { "$(if ($aws_vault_segment) { "[$aws_vault_segment] " })PS $($PWD.ProviderPath)> " }`,
	}
}
