#!/usr/bin/env bash
# Shell-hook figures for the README (issue: shell integration).
#   bench/hook.sh        # needs hyperfine, direnv, zsh, fish; keyctl for the activation figure
# 1. Per-prompt cost when nothing changed: our hook in bash, zsh and fish,
#    against direnv's bash hook in the same kind of directory (no .envrc).
#    Targets: bash under 0.2 ms and under a tenth of direnv's.
# 2. Entering a trusted directory with a fresh cached session on keyctl:
#    the one hook-exec run (target: under 20 ms).
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
fake=
trap 'kill $fake 2>/dev/null || true; rm -rf "$work"' EXIT
CGO_ENABLED=0 go build -o "$work/aws-vault" .  # the release build: static, see README
. bench/lib.sh
start_fake
export XDG_RUNTIME_DIR="$work/run" XDG_DATA_HOME="$work/data" XDG_CONFIG_HOME="$work/cfg" AWS_VAULT_BACKEND=keyctl
export PATH="$work:$PATH"
printf '[profile bench-hook]\nregion = us-east-1\n' > "$work/config"
mkdir -p "$work/proj/sub" "$work/plain"
echo bench-hook > "$work/proj/.awsprofile"
AWS_ACCESS_KEY_ID=AKIABENCHBENCHBENCH AWS_SECRET_ACCESS_KEY=benchSecretbenchSecretbenchSecret0123 \
  aws-vault add --env --no-add-config bench-hook </dev/null >/dev/null 2>&1 || true
trap 'kill $fake 2>/dev/null || true; aws-vault remove -f bench-hook >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
aws-vault allow "$work/proj" >/dev/null
aws-vault exec --json bench-hook >/dev/null   # fills the session cache

n=2000
echo "== per-prompt cost, nothing changed ($n prompts, microseconds per prompt)"
bash --norc --noprofile -c '
  eval "$(aws-vault hook bash)"; cd "$1/proj"; _aws_vault_hook
  s=$EPOCHREALTIME; for ((i=0;i<$2;i++)); do _aws_vault_hook; done; e=$EPOCHREALTIME
  echo "aws-vault bash hook: $(( (${e/./}-${s/./}) / $2 )) us"' _ "$work" "$n"
zsh -f -c '
  zmodload zsh/datetime; eval "$(aws-vault hook zsh)"; cd "$1/proj"; _aws_vault_hook
  s=$EPOCHREALTIME; for ((i=0;i<$2;i++)); do _aws_vault_hook; done; e=$EPOCHREALTIME
  printf "aws-vault zsh hook: %d us\n" $(( (e-s)*1e6/$2 ))' _ "$work" "$n"
fish --no-config -c '
  aws-vault hook fish | source; cd $argv[1]/proj; emit fish_prompt
  set s (date +%s%N); for i in (seq $argv[2]); emit fish_prompt; end; set e (date +%s%N)
  echo "aws-vault fish hook: "(math -s0 "($e - $s) / 1000 / $argv[2]")" us"' "$work" "$n"
if command -v direnv >/dev/null; then
  m=200
  bash --norc --noprofile -c '
    eval "$(direnv hook bash)"; cd "$1/plain"; _direnv_hook
    s=$EPOCHREALTIME; for ((i=0;i<$2;i++)); do _direnv_hook; done; e=$EPOCHREALTIME
    echo "direnv bash hook:    $(( (${e/./}-${s/./}) / $2 )) us"' _ "$work" "$m"
fi

echo "== entering a trusted directory (hook-exec with a fresh cached session, keyctl)"
(cd "$work/proj" && hyperfine -N --warmup 10 --runs 300 --export-json "$work/enter.json" "aws-vault hook-exec --shell bash" | grep -E "Time|Range")
python3 -c "import json,statistics;r=json.load(open('$work/enter.json'))['results'][0];print('median %.2f ms' % (statistics.median(r['times'])*1000))"
