# aws-vault shell integration for elvish, as a module. Install it with
#   aws-vault hook elvish > ~/.config/elvish/lib/aws-vault.elv
# and add to ~/.config/elvish/rc.elv:
#   use aws-vault
#
# It gives
#   aws-vault:env PROFILE   credentials into this shell (aws-vault:env --unset: out again)
#   aws-vault:segment       "PROFILE 42m" for a prompt: set edit:rprompt = { aws-vault:segment }
# and, after each cd and before each prompt, runs aws-vault only when the
# directory changed, the trust record of the nearest .awsprofile appeared
# (allow) or disappeared (deny), or the credentials are due for a refresh.
# Those tests are builtins (elvish has no clock, so the refresh time is
# compared with /proc/uptime): a prompt where nothing changed starts no
# process. aws-vault decides what to do and prints it as JSON, which apply
# carries out.
{{.Prompt}}
var -bin = (external {{quote .Bin}})

fn -get {|k| if (has-key $vars $k) { put $vars[$k] } else { put '' } }

fn -set-env {|m|
  keys $m | each {|k| if (eq $m[$k] $nil) { unset-env $k } else { set-env $k $m[$k] } }
}

# apply carries out a plan printed by aws-vault as JSON (aws-vault env
# --format json describes it).
fn apply {|plan|
  if (has-key $plan restore) {
    if (has-key $vars _aws_vault_restore) {
      -set-env $vars[_aws_vault_restore]
      del vars[_aws_vault_restore]
    } else {
      -set-env $plan[restore]
    }
  }
  -set-env $plan[env]
  if (and (has-key $plan save) (not (has-key $vars _aws_vault_restore))) { set vars[_aws_vault_restore] = $plan[save] }
  if (has-key $plan local) {
    keys $plan[local] | each {|k|
      var v = $plan[local][$k]
      if (eq $v $nil) {
        if (has-key $vars $k) { del vars[$k] }
      } else {
        set vars[$k] = $v
      }
    }
  }
}

# env puts a profile's credentials into this shell: aws-vault:env PROFILE,
# or takes them out: aws-vault:env --unset.
fn env {|@args|
  apply ($-bin env --shell elvish $@args | from-json)
}

fn hook {
  var run = (not-eq $pwd (-get _aws_vault_pwd))
  if (and (not $run) (has-key $vars _aws_vault_allow)) { set run = (path:is-regular $vars[_aws_vault_allow]) }
  if (and (not $run) (has-key $vars _aws_vault_deny)) { set run = (not (path:is-regular $vars[_aws_vault_deny])) }
  if (and (not $run) (has-key $vars _aws_vault_refresh_up) (path:is-regular /proc/uptime)) {
    set run = (>= (-uptime) $vars[_aws_vault_refresh_up])
  }
  if $run {
    # Recorded first: a run that is interrupted, or that fails to start,
    # is not repeated at the next prompt.
    set vars[_aws_vault_pwd] = $pwd
    if (and (has-key $vars _aws_vault_refresh_up) (path:is-regular /proc/uptime)) {
      set vars[_aws_vault_refresh_up] = (+ (exact-num (math:floor (-uptime))) 60)
    }
    tmp E:_AWS_VAULT_HOOK_STATE = (-get _aws_vault_state)
    tmp E:PWD = $pwd
    try {
      apply ($-bin hook-exec --shell elvish | from-json)
    } catch e {
      nop
    }
  }
}

set after-chdir = [$@after-chdir {|_| hook }]
# edit: exists only in an interactive shell.
try {
  eval &ns=(ns [&hook~=$hook~]) 'set edit:before-readline = [$@edit:before-readline $hook~]'
} catch e {
  nop
}
