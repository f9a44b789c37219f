if [ -n "${AWS_VAULT-}" ] && [ -z "${_aws_vault_restore+x}" ]; then
printf '%s\n' {{quote .Message}} >&2
false
else
if [ -z "${_aws_vault_restore+x}" ]; then
_aws_vault_restore=
for _aws_vault_v in {{join .Names " "}}; do
if _aws_vault_d=$(declare -p "$_aws_vault_v" 2>/dev/null); then _aws_vault_restore+="unset -v $_aws_vault_v; ${_aws_vault_d/#declare /declare -g }"$'\n'; else _aws_vault_restore+="unset -v $_aws_vault_v"$'\n'; fi
done
unset -v _aws_vault_v _aws_vault_d
fi
{{.Body}}fi
