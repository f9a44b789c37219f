# PowerShell completion for aws-vault
#
# Install: add this line to $PROFILE
#   aws-vault completion powershell | Out-String | Invoke-Expression
#
# aws-vault completes itself: this completer runs it with COMP_LINE set to the
# command line up to the cursor. Its first line of output says how to
# complete: "values" (the candidates follow, one a line, with a description
# after a tab), "dirs" or "files" (PowerShell's own path completion), or
# "command K OFFSET" (the words from K on are a command line of their own, as
# after `aws-vault exec PROFILE --`).

Register-ArgumentCompleter -Native -CommandName 'aws-vault', 'aws-vault.exe' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $elements = $commandAst.CommandElements
    $start = $commandAst.Extent.StartOffset
    $text = $commandAst.Extent.Text
    $point = $cursorPosition - $start
    if ($point -gt $text.Length) {
        # The cursor is after blanks that the command's extent leaves out.
        $text = $text.PadRight($point)
    }
    $line = $text.Substring(0, $point)
    $bin = 'aws-vault'
    if ($elements[0] -is [System.Management.Automation.Language.StringConstantExpressionAst]) {
        $bin = $elements[0].Value
    }

    $saved = @{}
    foreach ($name in 'AWS_VAULT_COMPLETE', 'COMP_LINE', 'COMP_POINT') {
        $saved[$name] = [Environment]::GetEnvironmentVariable($name)
    }
    try {
        [Environment]::SetEnvironmentVariable('AWS_VAULT_COMPLETE', 'powershell')
        [Environment]::SetEnvironmentVariable('COMP_LINE', $line)
        [Environment]::SetEnvironmentVariable('COMP_POINT', $null)
        $out = @(& $bin 2>$null)
    } finally {
        foreach ($name in $saved.Keys) {
            [Environment]::SetEnvironmentVariable($name, $saved[$name])
        }
    }
    if ($out.Count -eq 0) {
        return
    }

    $directive = [string]$out[0]
    if ($directive -eq 'values') {
        foreach ($entry in ($out | Select-Object -Skip 1)) {
            $value, $description = ([string]$entry) -split "`t", 2
            if (-not $value) {
                continue
            }
            $completion = $value
            if ($value -match '[\s''"`$@(){}\[\];,|&<>#\u2018-\u201B\u201C-\u201E]') {
                $completion = "'" + [System.Management.Automation.Language.CodeGeneration]::EscapeSingleQuotedStringContent($value) + "'"
            }
            if (-not $description) {
                $description = $value
            }
            [System.Management.Automation.CompletionResult]::new($completion, $value, 'ParameterValue', $description)
        }
    } elseif ($directive -match '^command (\d+)') {
        # Complete the wrapped command line as PowerShell would on its own.
        $k = [int]$Matches[1]
        $sub = ''
        if ($k -lt $elements.Count -and $elements[$k].Extent.StartOffset - $start -lt $point) {
            $from = $elements[$k].Extent.StartOffset - $start
            $sub = $text.Substring($from, $point - $from)
        }
        [System.Management.Automation.CommandCompletion]::CompleteInput($sub, $sub.Length, $null).CompletionMatches
    }
    # "dirs" and "files": returning nothing lets PowerShell complete paths.
}
