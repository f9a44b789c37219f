# aws-vault prompt segment for PowerShell. Before each prompt,
# $aws_vault_segment is set to "PROFILE 42m" (the time left, 1h05m from an
# hour on; yellow under AWS_MIN_TTL, "expired" in red), or to '' when no
# profile is active:
#   function prompt { "$(if ($aws_vault_segment) { "[$aws_vault_segment] " })PS $($PWD.ProviderPath)> " }
function global:_AwsVaultPromptUpdate {
    $p = $env:AWS_VAULT
    if (-not $p) { $global:aws_vault_segment = ''; return }
    if (-not $global:_aws_vault_exp) { $global:aws_vault_segment = $p; return }
    $left = [int64]$global:_aws_vault_exp - [DateTimeOffset]::UtcNow.ToUnixTimeSeconds()
    $esc = [char]27
    if ($left -le 0) { $global:aws_vault_segment = "$esc[31m$p expired$esc[0m"; return }
    if ($left -ge 3600) {
        $t = '{0}h{1:d2}m' -f [int64][math]::Truncate($left / 3600), [int64][math]::Truncate(($left % 3600) / 60)
    } else {
        $t = '{0}m' -f [int64][math]::Truncate($left / 60)
    }
    if ($left -lt {{.MinTTL}}) { $global:aws_vault_segment = "$esc[33m$p $t$esc[0m" } else { $global:aws_vault_segment = "$p $t" }
}
# aws_vault_prompt returns the segment, for prompt functions.
function global:aws_vault_prompt { "$global:aws_vault_segment" }
