# aws_vault_prompt prints "PROFILE 42m" for PROMPT, yellow under AWS_MIN_TTL:
#   setopt prompt_subst; PROMPT='$(aws_vault_prompt) %~ %# '
zmodload -F zsh/datetime p:EPOCHSECONDS 2>/dev/null
aws_vault_prompt() {
  [[ -n ${AWS_VAULT-} ]] || return 0
  if [[ -z ${_aws_vault_exp-} ]]; then
    print -rn -- "${AWS_VAULT//\%/%%}"
  elif (( _aws_vault_exp <= EPOCHSECONDS )); then
    print -rn -- "%F{red}${AWS_VAULT//\%/%%} expired%f"
  elif (( _aws_vault_exp - EPOCHSECONDS < {{.MinTTL}} )); then
    print -rn -- "%F{yellow}${AWS_VAULT//\%/%%} $(( (_aws_vault_exp - EPOCHSECONDS) / 60 ))m%f"
  else
    print -rn -- "${AWS_VAULT//\%/%%} $(( (_aws_vault_exp - EPOCHSECONDS) / 60 ))m"
  fi
}
