# oh-my-zsh plugin for aws-vault: directory profiles (.awsprofile), refresh
# before expiry, the prompt segment, and completion.
#   git clone or copy this folder to $ZSH_CUSTOM/plugins/aws-vault, then
#   plugins=(... aws-vault) in ~/.zshrc
# Show the active profile and the time left, without a subshell at each
# prompt (oh-my-zsh sets prompt_subst):
#   PROMPT='${aws_vault_segment:+[$aws_vault_segment] }'$PROMPT
if (( $+commands[aws-vault] )); then
  eval "$(aws-vault hook zsh)"
  if aws-vault completion zsh >/dev/null 2>&1; then
    eval "$(aws-vault completion zsh)"
  fi
fi
