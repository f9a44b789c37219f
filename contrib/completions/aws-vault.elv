# elvish completion for aws-vault
#
# Install: add this line to ~/.config/elvish/rc.elv
#   eval (aws-vault completion elvish | slurp)
#
# aws-vault completes itself: this completer runs it with COMP_LINE set to the
# line up to the cursor. Its first line of output says how to complete:
# "values" (the candidates follow, one a line, with a description after a
# tab), "dirs" or "files" (elvish's own file name completion), or
# "command K OFFSET" (the words from K on are a command line of their own, as
# after `aws-vault exec PROFILE --`).

use path
use re
use str

# -quote writes a word so that aws-vault's POSIX-like word splitting reads it
# back unchanged.
fn -quote {|w|
  if (re:match '^[A-Za-z0-9_@%+=:,./-]+$' $w) {
    put $w
  } else {
    put "'"(str:replace "'" "'\\''" $w)"'"
  }
}

fn -complete {|@words|
  var seed = $words[-1]
  var line = (str:join ' ' [(each $-quote~ $words[..-1])])
  if (not-eq $seed '') {
    set line = $line' '(-quote $seed)
  } else {
    set line = $line' '
  }

  var out = []
  try {
    tmp E:AWS_VAULT_COMPLETE = elvish
    tmp E:COMP_LINE = $line
    tmp E:COMP_POINT = ''
    set out = [((external $words[0]) 2>$path:dev-null)]
  } catch {
    return
  }
  if (== (count $out) 0) {
    return
  }
  var directive = $out[0]

  if (eq $directive values) {
    for l $out[1..] {
      var parts = [(str:split &max=2 "\t" $l)]
      var value = $parts[0]
      if (eq $value '') {
        continue
      } elif (== (count $parts) 1) {
        edit:complex-candidate $value &code-suffix=' '
      } else {
        edit:complex-candidate $value &code-suffix=' ' &display=$value'  '(styled $parts[1] dim)
      }
    }
  } elif (or (eq $directive dirs) (eq $directive files)) {
    try {
      edit:complete-filename $seed | each {|c|
        if (or (eq $directive files) (str:has-suffix $c[stem] $path:separator)) {
          put $c
        }
      }
    } catch {
      nop
    }
  } elif (re:match '^command [0-9]+ ' $directive) {
    # Complete the wrapped command as if it followed sudo: its name, then
    # its arguments by its own arg-completer.
    var k = (num [(str:split ' ' $directive)][1])
    if (< $k (count $words)) {
      edit:complete-sudo sudo (all $words[$k..])
    }
  }
}

# edit: exists only in an interactive shell; eval keeps this file compilable
# without it (elvish -compileonly).
eval &ns=(ns [&complete~=$-complete~]) 'set edit:completion:arg-completer[aws-vault] = $complete~'
