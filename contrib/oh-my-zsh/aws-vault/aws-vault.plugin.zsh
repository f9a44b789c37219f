# oh-my-zsh plugin for aws-vault: directory profiles (.awsprofile), refresh
# before expiry, the aws_vault_prompt function, and completion.
#   git clone or copy this folder to $ZSH_CUSTOM/plugins/aws-vault, then
#   plugins=(... aws-vault) in ~/.zshrc
# Add $(aws_vault_prompt) to PROMPT (with setopt prompt_subst) to see the
# active profile and the time left.
if (( $+commands[aws-vault] )); then
  eval "$(aws-vault hook zsh)"
  if aws-vault completion zsh >/dev/null 2>&1; then
    eval "$(aws-vault completion zsh)"
  fi
fi
