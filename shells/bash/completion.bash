# bash completion for aws-vault                            -*- shell-script -*-
#
# Install (one of):
#   eval "$(aws-vault completion bash)"     in ~/.bashrc
#   aws-vault completion bash > ~/.local/share/bash-completion/completions/aws-vault
#
# aws-vault completes itself: this function runs it with COMP_LINE and
# COMP_POINT set, as `complete -C` would. Its first line of output says how to
# complete: "values" (the candidates follow, one a line), "dirs" or "files"
# (bash's own path completion), or "command K OFFSET" (the words from byte
# OFFSET of COMP_LINE on are a command line of their own, as after
# `aws-vault exec PROFILE --`).

_aws_vault() {
    local cur=$2 # the word up to the cursor, after bash's word breaks
    local bin=${COMP_WORDS[0]}
    case $bin in
    '~/'*) bin=$HOME/${bin#'~/'} ;;
    esac

    local out
    out=$(AWS_VAULT_COMPLETE=bash COMP_WORDBREAKS=$COMP_WORDBREAKS \
        COMP_LINE=$COMP_LINE COMP_POINT=$COMP_POINT command "$bin" 2>/dev/null) || return 0

    COMPREPLY=()
    local directive=${out%%$'\n'*} line
    case $out in
    *$'\n'*) out=${out#*$'\n'} ;;
    *) out= ;;
    esac

    case $directive in
    values)
        while IFS= read -r line; do
            [[ -n $line ]] || continue
            case $cur in
            \'*)
                # Inside an open single quote only ' itself needs care.
                COMPREPLY+=("'${line//\'/\'\\\'\'}")
                ;;
            \"*)
                # Inside an open double quote \ " $ and ` stay special.
                line=${line//\\/\\\\}
                line=${line//\"/\\\"}
                line=${line//\$/\\\$}
                line=${line//\`/\\\`}
                COMPREPLY+=("\"$line")
                ;;
            *)
                printf -v line '%q' "$line"
                COMPREPLY+=("$line")
                ;;
            esac
        done <<<"$out"
        ;;
    dirs | files)
        local opt=-d
        [[ $directive == files ]] && opt=-f
        while IFS= read -r line; do
            [[ -n $line ]] && COMPREPLY+=("$line")
        done < <(compgen "$opt" -- "$cur")
        type compopt &>/dev/null && compopt -o filenames 2>/dev/null
        ;;
    command\ *)
        # Find the first of COMP_WORDS at or after byte OFFSET.
        local offset=${directive##* } i pos=0
        for ((i = 0; i < ${#COMP_WORDS[@]}; i++)); do
            while [[ ${COMP_LINE:pos:1} == [[:space:]] ]]; do
                ((pos++))
            done
            ((pos >= offset)) && break
            ((pos += ${#COMP_WORDS[i]}))
        done
        if declare -F _command_offset >/dev/null; then
            # bash-completion completes the command and its arguments.
            _command_offset "$i"
        elif ((i == COMP_CWORD)); then
            while IFS= read -r line; do
                [[ -n $line ]] && COMPREPLY+=("$line")
            done < <(compgen -c -- "$cur" | sort -u)
        else
            type compopt &>/dev/null && compopt -o default 2>/dev/null
        fi
        ;;
    esac
    return 0
}

complete -F _aws_vault aws-vault
