# aws_vault_prompt prints "PROFILE 42m" for PS1: yellow under AWS_MIN_TTL, red once expired:
#   PS1='$(aws_vault_prompt) \w\$ '
aws_vault_prompt() {
  [[ -n ${AWS_VAULT-} ]] || return 0
  local _aws_vault_now
  if [[ -n ${EPOCHSECONDS-} ]]; then _aws_vault_now=$EPOCHSECONDS; else printf -v _aws_vault_now '%(%s)T' -1; fi
  if [[ -z ${_aws_vault_exp-} ]]; then
    printf '%s' "$AWS_VAULT"
  elif (( _aws_vault_exp <= _aws_vault_now )); then
    printf '\001\033[31m\002%s expired\001\033[0m\002' "$AWS_VAULT"
  elif (( _aws_vault_exp - _aws_vault_now < {{.MinTTL}} )); then
    printf '\001\033[33m\002%s %dm\001\033[0m\002' "$AWS_VAULT" $(( (_aws_vault_exp - _aws_vault_now) / 60 ))
  else
    printf '%s %dm' "$AWS_VAULT" $(( (_aws_vault_exp - _aws_vault_now) / 60 ))
  fi
}
