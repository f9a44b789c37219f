{{define "segment" -}}
  if [[ -z ${AWS_VAULT-} ]]; then
    aws_vault_segment=
  elif [[ -z ${_aws_vault_exp-} ]]; then
    aws_vault_segment=$AWS_VAULT
  else
    if [[ -n ${EPOCHSECONDS-} ]]; then _aws_vault_left=$EPOCHSECONDS; else printf -v _aws_vault_left '%(%s)T' -1; fi
    _aws_vault_left=$(( _aws_vault_exp - _aws_vault_left ))
    if (( _aws_vault_left <= 0 )); then
      aws_vault_segment=$'\001\e[31m\002'"$AWS_VAULT expired"$'\001\e[0m\002'
    elif (( _aws_vault_left < 3600 )); then
      aws_vault_segment="$AWS_VAULT $(( _aws_vault_left / 60 ))m"
    else
      printf -v aws_vault_segment '%s %dh%02dm' "$AWS_VAULT" $(( _aws_vault_left / 3600 )) $(( _aws_vault_left % 3600 / 60 ))
    fi
    if (( _aws_vault_left > 0 && _aws_vault_left < {{.MinTTL}} )); then
      aws_vault_segment=$'\001\e[33m\002'"$aws_vault_segment"$'\001\e[0m\002'
    fi
  fi
{{- end -}}
# aws-vault prompt segment for bash. Before each prompt, aws_vault_segment
# is set to "PROFILE 42m" (the time left, 1h05m from an hour on; yellow under
# AWS_MIN_TTL, "expired" in red), or to nothing when no profile is active.
# PS1 expands it without a subshell:
#   PS1='${aws_vault_segment:+[$aws_vault_segment] }\w\$ '
_aws_vault_prompt_update() {
  local _aws_vault_ret=$? _aws_vault_left
  {{template "segment" .}}
  return $_aws_vault_ret
}
# aws_vault_prompt prints the segment, for prompts built by commands.
aws_vault_prompt() { printf '%s' "${aws_vault_segment-}"; }
if [[ "$(declare -p PROMPT_COMMAND 2>/dev/null)" == "declare -a"* ]]; then
  [[ " ${PROMPT_COMMAND[*]} " == *" _aws_vault_prompt_update "* ]] || PROMPT_COMMAND=(_aws_vault_prompt_update "${PROMPT_COMMAND[@]}")
elif [[ ";${PROMPT_COMMAND-};" != *";_aws_vault_prompt_update;"* ]]; then
  PROMPT_COMMAND="_aws_vault_prompt_update${PROMPT_COMMAND:+;$PROMPT_COMMAND}"
fi
