use math
use path
use str

# The integration's own variables (never exported), by name.
var vars = [&]

fn -uptime { put [(str:split ' ' (slurp < /proc/uptime))][0] }

# segment puts "PROFILE 42m" (the time left, 1h05m from an hour on; yellow
# under AWS_MIN_TTL, "expired" in red), or nothing when no profile is
# active, for a prompt:
#   set edit:rprompt = { aws-vault:segment }
#   set edit:prompt = { aws-vault:segment &suffix=' '; tilde-abbr $pwd; put '> ' }
# elvish has no clock; the time left is read from /proc/uptime (Linux).
fn segment {|&suffix=''|
  if (not (has-env AWS_VAULT)) { return }
  var p = $E:AWS_VAULT
  if (or (not (has-key $vars _aws_vault_exp_up)) (not (path:is-regular /proc/uptime))) {
    put $p$suffix
    return
  }
  var left = (exact-num (math:floor (- $vars[_aws_vault_exp_up] (-uptime))))
  if (<= $left 0) {
    put (styled $p' expired' red)$suffix
    return
  }
  var t = (exact-num (math:floor (/ $left 60)))m
  if (>= $left 3600) {
    set t = (printf '%dh%02dm' (exact-num (math:floor (/ $left 3600))) (exact-num (math:floor (/ (% $left 3600) 60))))
  }
  if (< $left {{.MinTTL}}) {
    put (styled $p' '$t yellow)$suffix
  } else {
    put $p' '$t$suffix
  }
}
