# aws-vault shell integration for bash. In ~/.bashrc:
#   eval "$(aws-vault hook bash)"
#
# Before each prompt, _aws_vault_hook runs aws-vault only when the directory
# changed, the trust record of the nearest .awsprofile appeared (allow) or
# disappeared (deny), or the credentials are due for a refresh. Those tests
# are shell builtins: a prompt where nothing changed starts no process.
# aws-vault decides what to do and prints it as code for eval; $PWD is
# recorded first, so that a run the user interrupts is not repeated at once.
# Then it sets the prompt segment:
#   PS1='${aws_vault_segment:+[$aws_vault_segment] }\w\$ '
_aws_vault_hook() {
  local _aws_vault_ret=$? _aws_vault_left _aws_vault_out
  if [[ $PWD != "${_aws_vault_pwd-}" || ( -n ${_aws_vault_allow-} && -e $_aws_vault_allow ) || ( -n ${_aws_vault_deny-} && ! -e $_aws_vault_deny ) ]] ||
    { [[ -n ${_aws_vault_refresh-} ]] && if [[ -n ${EPOCHSECONDS-} ]]; then (( EPOCHSECONDS >= _aws_vault_refresh )); else printf -v _aws_vault_left '%(%s)T' -1; (( _aws_vault_left >= _aws_vault_refresh )); fi; }; then
    _aws_vault_pwd=$PWD
    if _aws_vault_out=$(_AWS_VAULT_HOOK_STATE=${_aws_vault_state-} {{quote .Bin}} hook-exec --shell bash); then
      eval "$_aws_vault_out"
    fi
  fi
  {{template "segment" .}}
  return $_aws_vault_ret
}
# aws_vault_prompt prints the segment, for prompts built by commands.
aws_vault_prompt() { printf '%s' "${aws_vault_segment-}"; }
if [[ "$(declare -p PROMPT_COMMAND 2>/dev/null)" == "declare -a"* ]]; then
  [[ " ${PROMPT_COMMAND[*]} " == *" _aws_vault_hook "* ]] || PROMPT_COMMAND=(_aws_vault_hook "${PROMPT_COMMAND[@]}")
elif [[ ";${PROMPT_COMMAND-};" != *";_aws_vault_hook;"* ]]; then
  PROMPT_COMMAND="_aws_vault_hook${PROMPT_COMMAND:+;$PROMPT_COMMAND}"
fi
