# aws_vault_segment returns "PROFILE 42m" (the time left, 1h05m from an hour
# on; yellow under AWS_MIN_TTL, "expired" in red), or '' when no profile is
# active, for a prompt:
#   $env.PROMPT_COMMAND_RIGHT = {|| aws_vault_segment }
def aws_vault_segment [] {
  let p = ($env.AWS_VAULT? | default '')
  if $p == '' { return '' }
  let exp = ($env._aws_vault?._aws_vault_exp? | default '')
  if $exp == '' { return $p }
  let left = ($exp | into int) - ((date now | into int) // 1_000_000_000)
  if $left <= 0 { return $"(ansi red)($p) expired(ansi reset)" }
  let t = if $left >= 3600 {
    $"($left // 3600)h($left mod 3600 // 60 | into string | fill -a r -w 2 -c '0')m"
  } else {
    $"($left // 60)m"
  }
  if $left < {{.MinTTL}} { $"(ansi yellow)($p) ($t)(ansi reset)" } else { $"($p) ($t)" }
}
