# aws-vault prompt segment for fish. Before each prompt, aws_vault_segment
# is set to "PROFILE 42m" (the time left, 1h05m from an hour on; yellow under
# AWS_MIN_TTL, "expired" in red), or to the empty list when no profile is
# active, so that it takes no room in a prompt:
#   function fish_prompt; string join ' ' -- $aws_vault_segment (prompt_pwd)'> '; end
# fish has no clock; the time left is read from /proc/uptime (Linux).
function _aws_vault_prompt_update
    if not set -q AWS_VAULT[1]
        set -g aws_vault_segment
        return 0
    end
    if not set -q _aws_vault_exp_up[1]; or not test -r /proc/uptime
        set -g aws_vault_segment $AWS_VAULT
        return 0
    end
    read -l _aws_vault_up </proc/uptime
    set -l _aws_vault_left (math -s0 "$_aws_vault_exp_up - "(string split -f1 ' ' -- $_aws_vault_up))
    if test $_aws_vault_left -le 0
        set -g aws_vault_segment (set_color red)"$AWS_VAULT expired"(set_color normal)
        return 0
    end
    set -l _aws_vault_t (math -s0 "$_aws_vault_left / 60")m
    if test $_aws_vault_left -ge 3600
        set _aws_vault_t (math -s0 "$_aws_vault_left / 3600")h(string pad -w 2 -c 0 -- (math -s0 "$_aws_vault_left % 3600 / 60"))m
    end
    if test $_aws_vault_left -lt {{.MinTTL}}
        set -g aws_vault_segment (set_color yellow)"$AWS_VAULT $_aws_vault_t"(set_color normal)
    else
        set -g aws_vault_segment "$AWS_VAULT $_aws_vault_t"
    end
end
# aws_vault_prompt prints the segment and a space, or an empty line when no
# profile is active, so that it concatenates: echo -n (aws_vault_prompt)(prompt_pwd)'> '
function aws_vault_prompt
    if set -q aws_vault_segment[1]
        printf '%s \n' $aws_vault_segment
    else
        echo
    end
end
