if set -q AWS_VAULT; and not set -q _aws_vault_restore
echo {{quote .Message}} >&2
false
else
if not set -q _aws_vault_restore
set -g _aws_vault_restore
for _aws_vault_v in {{join .Names " "}}
if set -q $_aws_vault_v
set -l _aws_vault_f -gu
set -qx $_aws_vault_v; and set _aws_vault_f -gx
set -a _aws_vault_restore "set $_aws_vault_f $_aws_vault_v "(string escape -- $$_aws_vault_v | string join ' ')
else
set -a _aws_vault_restore "set -e -g $_aws_vault_v"
end
end
set -e _aws_vault_v
end
{{.Body}}end
