# aws-vault shell integration for bash. In ~/.bashrc:
#   eval "$(aws-vault hook bash)"
#
# Before each prompt, _aws_vault_hook runs aws-vault only when the directory
# changed, the trust record of the nearest .awsprofile appeared (allow) or
# disappeared (deny), or the credentials are due for a refresh. Those tests
# are shell builtins: a prompt where nothing changed starts no process.
# aws-vault decides what to do and prints it as code for eval. While it
# runs, the shell ignores SIGINT (and resets it to the default afterwards:
# a trap of your own on INT is not kept). Then the hook sets the prompt
# segment:
#   PS1='${aws_vault_segment:+[$aws_vault_segment] }\w\$ '
_aws_vault_hook() {
  local _aws_vault_ret=$? _aws_vault_now _aws_vault_left _aws_vault_out
  if [[ -n ${EPOCHSECONDS-} ]]; then _aws_vault_now=$EPOCHSECONDS; else printf -v _aws_vault_now '%(%s)T' -1; fi
  if [[ $PWD != "${_aws_vault_pwd-}" || ( -n ${_aws_vault_allow-} && -e $_aws_vault_allow ) || ( -n ${_aws_vault_deny-} && ! -e $_aws_vault_deny ) ]] ||
    { [[ -n ${_aws_vault_refresh-} ]] && (( _aws_vault_now >= _aws_vault_refresh )); }; then
    # Recorded first: a run that is interrupted, or that fails to start,
    # is not repeated at the next prompt.
    _aws_vault_pwd=$PWD
    [[ -z ${_aws_vault_refresh-} ]] || _aws_vault_refresh=$(( _aws_vault_now + 60 ))
    # Ctrl-C (at an MFA prompt) goes to aws-vault, which answers it with
    # the decision to give up; the shell must not drop that answer.
    trap '' INT
    if _aws_vault_out=$(_AWS_VAULT_HOOK_STATE=${_aws_vault_state-} {{quote .Bin}} hook-exec --shell bash); then
      eval "$_aws_vault_out"
    fi
    trap - INT
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
