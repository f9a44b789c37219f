# aws_vault_prompt prints "PROFILE 42m", yellow under AWS_MIN_TTL; call it
# from fish_prompt or fish_right_prompt.
function aws_vault_prompt
    set -q AWS_VAULT[1]; or return 0
    if test -z "$_aws_vault_exp_up"; or not test -r /proc/uptime
        printf '%s' $AWS_VAULT
        return 0
    end
    read -l _aws_vault_up </proc/uptime
    set _aws_vault_up (string split -f1 ' ' -- $_aws_vault_up)
    set -l _aws_vault_left (math "$_aws_vault_exp_up - $_aws_vault_up")
    if test $_aws_vault_left -le 0
        printf '%s%s expired%s' (set_color red) $AWS_VAULT (set_color normal)
    else if test $_aws_vault_left -lt {{.MinTTL}}
        printf '%s%s %dm%s' (set_color yellow) $AWS_VAULT (math -s0 "$_aws_vault_left / 60") (set_color normal)
    else
        printf '%s %dm' $AWS_VAULT (math -s0 "$_aws_vault_left / 60")
    end
end
