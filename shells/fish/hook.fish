# aws-vault shell integration for fish. In ~/.config/fish/config.fish:
#   aws-vault hook fish | source
#
# Before each prompt and after each cd, _aws_vault_hook runs aws-vault only
# when the directory changed, the trust record of the nearest .awsprofile
# appeared (allow) or disappeared (deny), or the credentials are due for a
# refresh. Those tests are builtins (fish has no clock, so the refresh time
# is compared with /proc/uptime): a prompt where nothing changed starts no
# process. aws-vault decides what to do and prints it as code for eval; $PWD
# is recorded first, so that a run the user interrupts is not repeated at
# once.
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
        set -g _aws_vault_pwd $PWD
        set -l _aws_vault_out (_AWS_VAULT_HOOK_STATE="$_aws_vault_state" {{quote .Bin}} hook-exec --shell fish | string collect)
        test "$pipestatus[1]" = 0; and eval $_aws_vault_out
    end
    _aws_vault_prompt_update
end
{{.Prompt}}
