if ($env:AWS_VAULT -and -not (Test-Path -LiteralPath Variable:global:AwsVaultRestore)) {
Write-Error {{quote .Message}}
} else {
if (-not (Test-Path -LiteralPath Variable:global:AwsVaultRestore)) {
$global:AwsVaultRestore = @{}
foreach ($n in @({{range $i, $n := .Names}}{{if $i}}, {{end}}'{{$n}}'{{end}})) { $global:AwsVaultRestore[$n] = [Environment]::GetEnvironmentVariable($n) }
}
{{.Body}}}
