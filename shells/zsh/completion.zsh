#compdef aws-vault
# zsh completion for aws-vault
#
# Install (one of):
#   eval "$(aws-vault completion zsh)"      in ~/.zshrc
#   aws-vault completion zsh > "${fpath[1]}/_aws-vault"
#
# aws-vault completes itself: this function runs it with COMP_LINE set to the
# line up to the cursor. Its first line of output says how to complete:
# "values" (the candidates follow, one a line, with a description after a
# tab), "dirs" or "files" (zsh's own path completion), or "command K OFFSET"
# (the words from K on are a command line of their own, as after
# `aws-vault exec PROFILE --`).

_aws-vault() {
    local bin=${words[1]} out directive line value
    local -a lines described
    [[ $bin == '~/'* ]] && bin=$HOME/${bin#'~/'}

    local cline="${(j: :)words[1,CURRENT-1]} ${compstate[quote]}${PREFIX}"
    out=$(AWS_VAULT_COMPLETE=zsh COMP_LINE=$cline command $bin 2>/dev/null) || return 1
    lines=("${(@f)out}")
    directive=${lines[1]}

    case $directive in
    values)
        for line in "${(@)lines[2,-1]}"; do
            [[ -n $line ]] || continue
            value=${line%%$'\t'*}
            if [[ $line == *$'\t'* ]]; then
                described+=("${value//:/\\:}:${line#*$'\t'}")
            else
                described+=("${value//:/\\:}")
            fi
        done
        (( ${#described} )) && _describe -t values aws-vault described
        ;;
    dirs)
        _files -/
        ;;
    files)
        _files
        ;;
    command\ *)
        local -i k=${${directive#command }%% *}
        words=("${(@)words[k+1,-1]}")
        (( CURRENT -= k ))
        _normal
        ;;
    *)
        return 1
        ;;
    esac
}

if [[ $funcstack[1] == _aws-vault ]]; then
    # Autoloaded from $fpath.
    _aws-vault "$@"
else
    # Sourced or evaluated.
    (( $+functions[compdef] )) || { autoload -Uz compinit && compinit }
    compdef _aws-vault aws-vault
fi
