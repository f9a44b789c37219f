# fish plugin for aws-vault: copy to ~/.config/fish/conf.d/aws-vault.fish
# (or install with fisher from this folder). It loads directory profiles
# (.awsprofile), refresh before expiry and the prompt segment: show
# $aws_vault_segment (an empty list when no profile is active) in
# fish_prompt or fish_right_prompt, e.g.
#   function fish_right_prompt; string join ' ' -- $aws_vault_segment; end
if status is-interactive; and command -q aws-vault
    aws-vault hook fish | source
end
