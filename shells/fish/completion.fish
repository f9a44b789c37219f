# fish completion for aws-vault
#
# Install:
#   aws-vault completion fish > ~/.config/fish/completions/aws-vault.fish
#
# aws-vault completes itself: this function runs it with COMP_LINE set to the
# line up to the cursor. Its first line of output says how to complete:
# "values" (the candidates follow, one a line, with a description after a
# tab), "dirs" or "files" (fish's own path completion), or "command K OFFSET"
# (the words from K on are a command line of their own, as after
# `aws-vault exec PROFILE --`).

function __aws_vault_complete
    set -l tokens (commandline -opc)
    set -l current (commandline -ct)
    set -l bin $tokens[1]
    string match -q -- '~/*' $bin; and set bin $HOME/(string sub -s 3 -- $bin)
    set -l line (string join ' ' -- (string escape -- $tokens) $current)
    set -l out (AWS_VAULT_COMPLETE=fish COMP_LINE=$line command $bin 2>/dev/null)
    or return
    switch "$out[1]"
        case values
            set -e out[1]
            printf '%s\n' $out
        case dirs
            __fish_complete_directories $current
        case files
            __fish_complete_path $current
        case 'command *'
            set -l k (string split ' ' -- $out[1])[2]
            set -l sub
            if test (math $k + 1) -le (count $tokens)
                set sub (string escape -- $tokens[(math $k + 1)..-1])
            end
            complete -C (string join ' ' -- $sub $current)
    end
end

complete -c aws-vault -f -a '(__aws_vault_complete)'
