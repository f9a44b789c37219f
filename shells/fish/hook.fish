# aws-vault shell integration for fish: aws-vault hook fish | source
function _aws_vault_hook --on-event fish_prompt --on-variable PWD
    set -l _aws_vault_run 0
    if test "$PWD" != "$_aws_vault_hook_pwd"
        set _aws_vault_run 1
    else if test -n "$_aws_vault_hook_refresh_up"; and test -r /proc/uptime
        # fish has no clock of its own: compare seconds since boot.
        read -l _aws_vault_up </proc/uptime
        set _aws_vault_up (string split -f1 ' ' -- $_aws_vault_up)
        if test (string split -f1 . -- $_aws_vault_up) -ge $_aws_vault_hook_refresh_up
            set _aws_vault_run 1
        end
    end
    if test $_aws_vault_run = 1
        set -l _aws_vault_script (_AWS_VAULT_HOOK_STATE="$_aws_vault_hook_state" {{quote .Bin}} hook-exec --shell fish | string collect)
        and printf '%s' $_aws_vault_script | source
    end
end
{{.Prompt}}
