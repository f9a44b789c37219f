# aws-vault shell integration for PowerShell:
#   aws-vault hook powershell | Out-String | Invoke-Expression
function global:_AwsVaultHook {
    $now = [DateTimeOffset]::UtcNow.ToUnixTimeSeconds()
    if ($PWD.ProviderPath -ne $global:_aws_vault_hook_pwd -or ($global:_aws_vault_hook_refresh -and $now -ge [int64]$global:_aws_vault_hook_refresh)) {
        # pwsh does not keep $env:PWD up to date; hook-exec reads it.
        $pwdBefore = $env:PWD
        $env:PWD = $PWD.ProviderPath
        $env:_AWS_VAULT_HOOK_STATE = $global:_aws_vault_hook_state
        $script = & {{quote .Bin}} hook-exec --shell powershell | Out-String
        $ok = $LASTEXITCODE -eq 0
        Remove-Item -LiteralPath Env:_AWS_VAULT_HOOK_STATE -ErrorAction Ignore
        $env:PWD = $pwdBefore
        if ($ok) { Invoke-Expression $script }
    }
}
if (-not (Test-Path -LiteralPath Variable:global:_AwsVaultPromptBefore)) {
    $global:_AwsVaultPromptBefore = $function:prompt
    function global:prompt {
        $code = $global:LASTEXITCODE
        _AwsVaultHook
        $global:LASTEXITCODE = $code
        & $global:_AwsVaultPromptBefore
    }
}
{{.Prompt}}
