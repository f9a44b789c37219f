# aws-vault shell integration for zsh: eval "$(aws-vault hook zsh)"
zmodload -F zsh/datetime p:EPOCHSECONDS 2>/dev/null
_aws_vault_hook() {
  local _aws_vault_ret=$? _aws_vault_script
  # chpwd also fires in completion and other subshells: nothing to do there.
  (( ZSH_SUBSHELL )) && return $_aws_vault_ret
  if [[ $PWD != "${_aws_vault_hook_pwd-}" ]] || { [[ -n ${_aws_vault_hook_refresh-} ]] && (( EPOCHSECONDS >= _aws_vault_hook_refresh )) }; then
    if _aws_vault_script=$(_AWS_VAULT_HOOK_STATE="${_aws_vault_hook_state-}" {{quote .Bin}} hook-exec --shell zsh); then
      eval "$_aws_vault_script"
    fi
  fi
  return $_aws_vault_ret
}
autoload -Uz add-zsh-hook
add-zsh-hook precmd _aws_vault_hook
add-zsh-hook chpwd _aws_vault_hook
{{.Prompt}}
