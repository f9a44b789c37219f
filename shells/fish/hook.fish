# aws-vault shell integration for fish. In ~/.config/fish/config.fish:
#   aws-vault hook fish | source
#
# Before each prompt and after each cd, _aws_vault_hook runs aws-vault only
# when the directory changed, the trust record of the nearest .awsprofile
# appeared (allow) or disappeared (deny), or the credentials are due for a
# refresh. Those tests are builtins (fish has no clock, so the refresh time
# is compared with /proc/uptime): a prompt where nothing changed starts no
# process. aws-vault decides what to do and prints it as code for eval.
function _aws_vault_hook --on-event fish_prompt --on-variable PWD
    set -l _aws_vault_run 0
    if test "$PWD" != "$_aws_vault_pwd"
        set _aws_vault_run 1
    else if set -q _aws_vault_allow[1]; and test -e "$_aws_vault_allow"
        set _aws_vault_run 1
    else if set -q _aws_vault_deny[1]; and not test -e "$_aws_vault_deny"
        set _aws_vault_run 1
    else if set -q _aws_vault_refresh_up[1]; and test -r /proc/uptime
        read -l _aws_vault_up </proc/uptime
        if test (string split -f1 . -- $_aws_vault_up) -ge $_aws_vault_refresh_up
            set _aws_vault_run 1
        end
    end
    if test $_aws_vault_run = 1
        # Recorded first: a run that is interrupted, or that fails to
        # start, is not repeated at the next prompt.
        set -g _aws_vault_pwd $PWD
        if set -q _aws_vault_refresh_up[1]; and test -r /proc/uptime
            read -l _aws_vault_up </proc/uptime
            set -g _aws_vault_refresh_up (math (string split -f1 . -- $_aws_vault_up) + 60)
        end
        # Ctrl-C (at an MFA prompt) goes to aws-vault, which answers it with
        # the decision to give up: while a handler of SIGINT exists, fish
        # does not cancel this function and drop that answer.
        function _aws_vault_sigint --on-signal SIGINT
        end
        set -l _aws_vault_out (_AWS_VAULT_HOOK_STATE="$_aws_vault_state" {{quote .Bin}} hook-exec --shell fish | string collect)
        set -l _aws_vault_st $pipestatus[1]
        functions -e _aws_vault_sigint
        test "$_aws_vault_st" = 0; and eval $_aws_vault_out
    end
    _aws_vault_prompt_update
end
{{.Prompt}}
