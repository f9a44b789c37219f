# aws-vault shell integration for nushell. Install it once with
#   mkdir ($nu.data-dir | path join vendor autoload)
#   aws-vault hook nu | save -f ($nu.data-dir | path join vendor autoload aws-vault.nu)
# (or save it anywhere and source it from config.nu).
#
# It defines
#   aws-vault env PROFILE   credentials into this shell (aws-vault env --unset: out again;
#                           ^aws-vault env prints what would be done, as JSON)
#   aws_vault_segment       "PROFILE 42m" for a prompt: $env.PROMPT_COMMAND_RIGHT = {|| aws_vault_segment }
# and, before each prompt and after each change of directory, runs aws-vault
# only when the directory changed, the trust record of the nearest
# .awsprofile appeared (allow) or disappeared (deny), or the credentials are
# due for a refresh. Those tests are builtins: a prompt where nothing
# changed starts no process. aws-vault decides what to do and prints it as
# JSON, which _aws_vault_apply carries out. The integration's own variables
# live in $env._aws_vault, a record, which nushell never passes to programs.

def --env _aws_vault_set_env [m: record] {
  load-env ($m | items {|k, v| if $v != null { {k: $k, v: $v} } } | compact | reduce -f {} {|it, acc| $acc | insert $it.k $it.v })
  let gone = ($m | items {|k, v| if $v == null { $k } } | compact)
  if ($gone | is-not-empty) { hide-env --ignore-errors ...$gone }
}

# _aws_vault_apply carries out a plan printed by aws-vault as JSON (aws-vault
# env --format json describes it).
def --env _aws_vault_apply [plan: record] {
  mut v = ($env._aws_vault? | default {})
  if 'restore' in $plan {
    if '_aws_vault_restore' in $v {
      _aws_vault_set_env $v._aws_vault_restore
      $v = ($v | reject _aws_vault_restore)
    } else {
      _aws_vault_set_env $plan.restore
    }
  }
  _aws_vault_set_env $plan.env
  if ('save' in $plan) and not ('_aws_vault_restore' in $v) { $v = ($v | insert _aws_vault_restore $plan.save) }
  if 'local' in $plan {
    for kv in ($plan.local | transpose k v) {
      if $kv.v == null {
        $v = ($v | reject -o $kv.k)
      } else {
        $v = ($v | upsert $kv.k $kv.v)
      }
    }
  }
  $env._aws_vault = $v
}

# aws-vault env puts a profile's credentials into this shell, or takes them
# out (--unset); ^aws-vault env prints the plan instead.
def --env --wrapped "aws-vault env" [...args] {
  if ('--help' in $args) or ('-h' in $args) {
    ^{{quote .Bin}} env ...$args
    return
  }
  _aws_vault_apply (^{{quote .Bin}} env --shell nushell ...$args | from json)
}

def --env _aws_vault_hook [] {
  let v = ($env._aws_vault? | default {})
  mut run = ($env.PWD != ($v._aws_vault_pwd? | default ''))
  if (not $run) and ('_aws_vault_allow' in $v) { $run = ($v._aws_vault_allow | path exists) }
  if (not $run) and ('_aws_vault_deny' in $v) { $run = not ($v._aws_vault_deny | path exists) }
  if (not $run) and ('_aws_vault_refresh' in $v) {
    $run = ((date now | into int) // 1_000_000_000) >= ($v._aws_vault_refresh | into int)
  }
  if $run {
    # Recorded first: a run that is interrupted, or that fails to start,
    # is not repeated at the next prompt.
    mut rec = ($v | upsert _aws_vault_pwd $env.PWD)
    if '_aws_vault_refresh' in $rec {
      $rec = ($rec | upsert _aws_vault_refresh ((((date now | into int) // 1_000_000_000) + 60) | into string))
    }
    $env._aws_vault = $rec
    let plan = try {
      with-env {_AWS_VAULT_HOOK_STATE: ($v._aws_vault_state? | default '')} {
        ^{{quote .Bin}} hook-exec --shell nushell | from json
      }
    } catch {
      null
    }
    if $plan != null { _aws_vault_apply $plan }
  }
}
{{.Prompt}}
$env.config = ($env.config | upsert hooks.pre_prompt (($env.config.hooks?.pre_prompt? | default []) | append {|| _aws_vault_hook }))
$env.config = ($env.config | upsert hooks.env_change.PWD (($env.config.hooks?.env_change?.PWD? | default []) | append {|before, after| _aws_vault_hook }))
