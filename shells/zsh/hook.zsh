# aws-vault shell integration for zsh. In ~/.zshrc:
#   eval "$(aws-vault hook zsh)"
#
# Before each prompt and after each cd, _aws_vault_hook runs aws-vault only
# when the directory changed, the trust record of the nearest .awsprofile
# appeared (allow) or disappeared (deny), or the credentials are due for a
# refresh. Those tests are shell builtins: a prompt where nothing changed
# starts no process. aws-vault decides what to do and prints it as code for
# eval. Then it sets the prompt segment:
#   setopt prompt_subst
#   PROMPT='${aws_vault_segment:+[$aws_vault_segment] }%~ %# '
zmodload -F zsh/datetime p:EPOCHSECONDS 2>/dev/null
typeset -g aws_vault_segment= _aws_vault_left=
_aws_vault_hook() {
  # Options and traps local to the function: zsh's own defaults, whatever
  # the user set (nounset, ksh_arrays, err_exit, ...).
  emulate -L zsh
  local _aws_vault_ret=$? _aws_vault_out
  # chpwd also fires in subshells, where nothing would be kept.
  (( ZSH_SUBSHELL )) && return $_aws_vault_ret
  if [[ $PWD != "${_aws_vault_pwd-}" || ( -n ${_aws_vault_allow-} && -e $_aws_vault_allow ) || ( -n ${_aws_vault_deny-} && ! -e $_aws_vault_deny ) ]] ||
    (( ${_aws_vault_refresh:-0} > 0 && EPOCHSECONDS >= _aws_vault_refresh )); then
    # Recorded first: a run that is interrupted, or that fails to start,
    # is not repeated at the next prompt.
    typeset -g _aws_vault_pwd=$PWD
    [[ -z ${_aws_vault_refresh-} ]] || typeset -g _aws_vault_refresh=$(( EPOCHSECONDS + 60 ))
    # Ctrl-C (at an MFA prompt) goes to aws-vault, which answers it with
    # the decision to give up; the shell must not drop that answer. The
    # trap is local to the function.
    trap '' INT
    if _aws_vault_out=$(_AWS_VAULT_HOOK_STATE=${_aws_vault_state-} {{quote .Bin}} hook-exec --shell zsh); then
      eval "$_aws_vault_out"
    fi
  fi
  {{template "segment" .}}
  return $_aws_vault_ret
}
# aws_vault_prompt prints the segment, for prompts built by commands.
aws_vault_prompt() { print -rn -- "${aws_vault_segment-}" }
() {
  emulate -L zsh
  precmd_functions=(_aws_vault_hook ${precmd_functions:#_aws_vault_hook})
  chpwd_functions=(_aws_vault_hook ${chpwd_functions:#_aws_vault_hook})
}
