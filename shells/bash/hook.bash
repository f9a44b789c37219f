# aws-vault shell integration for bash: eval "$(aws-vault hook bash)"
_aws_vault_hook() {
  local _aws_vault_ret=$? _aws_vault_now _aws_vault_script
  if [[ -n ${EPOCHSECONDS-} ]]; then _aws_vault_now=$EPOCHSECONDS; else printf -v _aws_vault_now '%(%s)T' -1; fi
  if [[ $PWD != "${_aws_vault_hook_pwd-}" ]] || { [[ -n ${_aws_vault_hook_refresh-} ]] && (( _aws_vault_now >= _aws_vault_hook_refresh )); }; then
    if _aws_vault_script=$(_AWS_VAULT_HOOK_STATE="${_aws_vault_hook_state-}" {{quote .Bin}} hook-exec --shell bash); then
      eval "$_aws_vault_script"
    fi
  fi
  return $_aws_vault_ret
}
if [[ "$(declare -p PROMPT_COMMAND 2>/dev/null)" == "declare -a"* ]]; then
  [[ " ${PROMPT_COMMAND[*]} " == *" _aws_vault_hook "* ]] || PROMPT_COMMAND=(_aws_vault_hook "${PROMPT_COMMAND[@]}")
elif [[ ";${PROMPT_COMMAND-};" != *";_aws_vault_hook;"* ]]; then
  PROMPT_COMMAND="_aws_vault_hook${PROMPT_COMMAND:+;$PROMPT_COMMAND}"
fi
{{.Prompt}}
