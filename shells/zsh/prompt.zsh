{{define "segment" -}}
  if [[ -z ${AWS_VAULT-} ]]; then
    aws_vault_segment=
  elif [[ -z ${_aws_vault_exp-} ]]; then
    aws_vault_segment=${AWS_VAULT//\%/%%}
  else
    _aws_vault_left=$(( _aws_vault_exp - EPOCHSECONDS ))
    if (( _aws_vault_left <= 0 )); then
      aws_vault_segment="%F{red}${AWS_VAULT//\%/%%} expired%f"
    elif (( _aws_vault_left < 3600 )); then
      aws_vault_segment="${AWS_VAULT//\%/%%} $(( _aws_vault_left / 60 ))m"
    else
      aws_vault_segment="${AWS_VAULT//\%/%%} $(( _aws_vault_left / 3600 ))h${(l:2::0:)$(( _aws_vault_left % 3600 / 60 ))}m"
    fi
    (( _aws_vault_left > 0 && _aws_vault_left < {{.MinTTL}} )) && aws_vault_segment="%F{yellow}$aws_vault_segment%f"
  fi
{{- end -}}
# aws-vault prompt segment for zsh. Before each prompt, aws_vault_segment
# is set to "PROFILE 42m" (the time left, 1h05m from an hour on; yellow under
# AWS_MIN_TTL, "expired" in red), or to nothing when no profile is active.
# With prompt_subst, PROMPT expands it without a subshell:
#   setopt prompt_subst
#   PROMPT='${aws_vault_segment:+[$aws_vault_segment] }%~ %# '
zmodload -F zsh/datetime p:EPOCHSECONDS 2>/dev/null
typeset -g aws_vault_segment= _aws_vault_left=
_aws_vault_prompt_update() {
  emulate -L zsh
  local _aws_vault_ret=$?
  {{template "segment" .}}
  return $_aws_vault_ret
}
# aws_vault_prompt prints the segment, for prompts built by commands.
aws_vault_prompt() { print -rn -- "${aws_vault_segment-}" }
() {
  emulate -L zsh
  precmd_functions=(_aws_vault_prompt_update ${precmd_functions:#_aws_vault_prompt_update})
}
