# PowerShell module for aws-vault: Import-Module AwsVault in $PROFILE.
# It loads directory profiles (.awsprofile), refresh before expiry and the
# prompt segment $aws_vault_segment (wrapping your prompt function once),
# plus completion when the binary offers it.
if (Get-Command aws-vault -ErrorAction Ignore) {
    aws-vault hook powershell | Out-String | Invoke-Expression
    $completion = aws-vault completion powershell 2>$null | Out-String
    if ($LASTEXITCODE -eq 0 -and $completion) { Invoke-Expression $completion }
}

function Use-AwsVault {
    <# Loads a profile into this session: Use-AwsVault work #>
    param([Parameter(Mandatory)][string]$Profile)
    aws-vault env --shell powershell $Profile | Out-String | Invoke-Expression
}

function Clear-AwsVault {
    <# Removes the credentials and restores what they replaced. #>
    aws-vault env --shell powershell --unset | Out-String | Invoke-Expression
}

Export-ModuleMember -Function @('Use-AwsVault', 'Clear-AwsVault')
