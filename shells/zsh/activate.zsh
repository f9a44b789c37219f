if [[ -n ${AWS_VAULT-} && -z ${_aws_vault_restore+x} ]]; then
print -ru2 -- {{quote .Message}}
false
else
if [[ -z ${_aws_vault_restore+x} ]]; then
typeset -g _aws_vault_restore=
for _aws_vault_v in {{join .Names " "}}; do
if _aws_vault_d=$(typeset -p $_aws_vault_v 2>/dev/null); then _aws_vault_restore+="unset $_aws_vault_v; ${_aws_vault_d/#typeset /typeset -g }"$'\n'; else _aws_vault_restore+="unset $_aws_vault_v"$'\n'; fi
done
unset _aws_vault_v _aws_vault_d
fi
{{.Body}}fi
