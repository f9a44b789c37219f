# aws-vault shell integration for PowerShell. In $PROFILE:
#   aws-vault hook powershell | Out-String | Invoke-Expression
#
# Before each prompt, _AwsVaultHook runs aws-vault only when the directory
# changed, the trust record of the nearest .awsprofile appeared (allow) or
# disappeared (deny), or the credentials are due for a refresh; a prompt
# where nothing changed starts no process. aws-vault decides what to do and
# prints it as code.
function global:_AwsVaultHook {
    $here = $PWD.ProviderPath
    $run = $here -ne $global:_aws_vault_pwd
    if (-not $run -and $global:_aws_vault_allow) { $run = Test-Path -LiteralPath $global:_aws_vault_allow }
    if (-not $run -and $global:_aws_vault_deny) { $run = -not (Test-Path -LiteralPath $global:_aws_vault_deny) }
    if (-not $run -and $global:_aws_vault_refresh) { $run = [DateTimeOffset]::UtcNow.ToUnixTimeSeconds() -ge [int64]$global:_aws_vault_refresh }
    if ($run) {
        # Recorded first: a run that is interrupted, or that fails to
        # start, is not repeated at the next prompt.
        $global:_aws_vault_pwd = $here
        if ($global:_aws_vault_refresh) { $global:_aws_vault_refresh = [string]([DateTimeOffset]::UtcNow.ToUnixTimeSeconds() + 60) }
        # pwsh does not keep $env:PWD up to date; hook-exec reads it.
        $pwdBefore = $env:PWD
        $env:PWD = $here
        $env:_AWS_VAULT_HOOK_STATE = $global:_aws_vault_state
        $out = & {{quote .Bin}} hook-exec --shell powershell | Out-String
        $ok = $LASTEXITCODE -eq 0
        Remove-Item -LiteralPath Env:_AWS_VAULT_HOOK_STATE -ErrorAction Ignore
        if ($null -eq $pwdBefore) { Remove-Item -LiteralPath Env:PWD -ErrorAction Ignore } else { $env:PWD = $pwdBefore }
        if ($ok) { Invoke-Expression $out }
    }
    _AwsVaultPromptUpdate
}
{{.Prompt}}
if (-not (Test-Path -LiteralPath Variable:global:_AwsVaultPromptBefore)) {
    $global:_AwsVaultPromptBefore = $function:prompt
    function global:prompt {
        $code = $global:LASTEXITCODE
        _AwsVaultHook
        $global:LASTEXITCODE = $code
        & $global:_AwsVaultPromptBefore
    }
}
