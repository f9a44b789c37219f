# fish plugin for aws-vault: copy to ~/.config/fish/conf.d/aws-vault.fish
# (or install with fisher from this folder). It loads directory profiles
# (.awsprofile), refresh before expiry and the aws_vault_prompt function;
# call aws_vault_prompt from fish_prompt or fish_right_prompt.
if status is-interactive; and command -q aws-vault
    aws-vault hook fish | source
end
