# aws_vault_prompt returns "PROFILE 42m" for a prompt function.
function global:aws_vault_prompt {
    if (-not $env:AWS_VAULT) { return "" }
    if (-not $global:_aws_vault_exp) { return $env:AWS_VAULT }
    $left = [int64]$global:_aws_vault_exp - [DateTimeOffset]::UtcNow.ToUnixTimeSeconds()
    if ($left -le 0) { return "$($env:AWS_VAULT) expired" }
    $text = "$($env:AWS_VAULT) $([math]::Floor($left / 60))m"
    if ($left -lt {{.MinTTL}}) { return "$([char]27)[33m$text$([char]27)[0m" }
    return $text
}
