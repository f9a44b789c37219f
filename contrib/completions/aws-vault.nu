# nushell completion for aws-vault
#
# Install (one of):
#   mkdir ($nu.data-dir | path join vendor autoload)
#   aws-vault completion nu | save -f ($nu.data-dir | path join vendor autoload aws-vault-completion.nu)
# or save it anywhere and source it from config.nu.
#
# aws-vault completes itself: "nu-complete aws-vault" runs it with COMP_LINE
# set to the line up to the cursor, each word quoted for aws-vault's POSIX-like
# word splitting. Its first line of output says how to complete: "values" (the
# candidates follow, one a line, with a description after a tab), "dirs" or
# "files" (nushell's own file completion), or "command K OFFSET" (the words
# from K on are a command line of their own, as after `aws-vault exec PROFILE
# --`: its name completes from PATH, its arguments as files).
#
# The extern below gives aws-vault this completer and nothing else: every
# argument, flags included, goes to the program as it would without it. Its
# type is glob first, so globs and ~ expand as for any external command; only
# a bare null must be quoted ('null').

# _aws_vault_complete_unquote returns the text of a word as nushell reads it;
# an open quote (in the word being completed) is dropped.
def _aws_vault_complete_unquote [w: string] {
  let q = ($w | str substring 0..<1)
  if $q not-in ["'", '"', '`'] {
    return $w
  }
  if ($w | str length) < 2 or not ($w | str ends-with $q) {
    return ($w | str substring 1..)
  }
  if $q == '"' {
    # from nuon reads data, never code.
    let s = (try { $w | from nuon } catch { null })
    if ($s | describe) == 'string' { return $s }
  }
  $w | str substring 1..<(($w | str length) - 1)
}

# _aws_vault_complete_posix quotes a word for aws-vault's word splitting.
def _aws_vault_complete_posix [w: string] {
  if ($w =~ '^[A-Za-z0-9_@%+=:,./-]+$') {
    $w
  } else {
    "'" + ($w | str replace --all "'" "'\\''") + "'"
  }
}

# _aws_vault_complete_quote writes a candidate as nushell code, in the quote
# q the word was begun with, if any and if it can hold the value.
def _aws_vault_complete_quote [v: string, q: string] {
  if $q == '' and ($v =~ '^[A-Za-z0-9_@%+=:,./-]+$') {
    $v
  } else if $q == '`' and not ('`' in $v) {
    $"`($v)`"
  } else if $q != '"' and not ("'" in $v) {
    $"'($v)'"
  } else {
    '"' + ($v | str replace --all '\' '\\' | str replace --all '"' '\"') + '"'
  }
}

# _aws_vault_complete_commands lists the programs on PATH whose names start
# with prefix.
def _aws_vault_complete_commands [prefix: string] {
  let dirs = ($env.PATH? | default [])
  let dirs = if ($dirs | describe) == 'string' { $dirs | split row (char esep) } else { $dirs }
  $dirs
  | where {|d| ($d | path type) == 'dir' }
  | each {|d| try { ls -s $d | where type != dir | get name } catch { [] } }
  | flatten
  | where {|n| $n | str starts-with $prefix }
  | uniq
  | sort
  | each {|n| {value: (_aws_vault_complete_quote $n '')} }
}

# nu-complete aws-vault completes an aws-vault command line: spans are its
# words as typed, the last one the word at the cursor. null asks nushell for
# its file completion.
def "nu-complete aws-vault" [spans: list<string>] {
  # A command defined as "aws-vault env" (the shell integration's) comes as
  # one span.
  let head = ($spans | first)
  let head = if ($head | str substring 0..<1) in ["'", '"', '`'] { [$head] } else { $head | split row ' ' }
  let words = ($head | append ($spans | skip 1) | each {|w| _aws_vault_complete_unquote $w })
  let cur = ($spans | last)
  let q = ($cur | str substring 0..<1)
  let q = if $q in ["'", '"', '`'] { $q } else { '' }
  let line = (($words | drop 1 | each {|w| _aws_vault_complete_posix $w }) | append (
    if ($words | last) == '' { '' } else { _aws_vault_complete_posix ($words | last) }
  ) | str join ' ')
  let res = (try {
    with-env {AWS_VAULT_COMPLETE: nushell, COMP_LINE: $line, COMP_POINT: ''} {
      run-external ($words | first) | complete
    }
  } catch { null })
  if $res == null or $res.exit_code != 0 {
    return null
  }
  let out = ($res.stdout | lines)
  let directive = ($out.0? | default '')

  if $directive == 'values' {
    $out | skip 1 | where {|l| $l != '' } | each {|l|
      let parts = ($l | split row -n 2 "\t")
      let value = (_aws_vault_complete_quote ($parts | first) $q)
      if ($parts | length) > 1 {
        {value: $value, description: ($parts | get 1)}
      } else {
        {value: $value}
      }
    }
  } else if ($directive =~ '^command [0-9]+ ') {
    let k = ($directive | split row ' ' | get 1 | into int)
    let sub = ($words | skip $k)
    if ($sub | length) == 1 and not (($sub | first) | str contains '/') {
      _aws_vault_complete_commands ($sub | first)
    } else {
      null
    }
  } else {
    null
  }
}

@complete "nu-complete aws-vault"
extern "aws-vault" [...args: oneof<glob, any>]
