#!/usr/bin/env bash
# Shell-integration figures (issue 10), measured as the user waits for them,
# side by side in one run:
#   bench/hook.sh            # needs direnv, zsh, fish, elvish, nu, strace; keyctl
#   BACKEND=file bench/hook.sh
#
# 1. Prompt cost: a prompt as bash and zsh draw it (PROMPT_COMMAND or the
#    precmd functions, then PS1/PROMPT expanded) with the hook installed and
#    the documented segment in the prompt, against the same shell with
#    neither, over 2,000 prompts, in a directory with an active profile.
#    Target: under 0.2 ms more per prompt.
# 2. Entering and leaving a profile directory: `cd` and the prompt after it,
#    in bash and zsh, against direnv's hook entering and leaving a directory
#    whose .envrc exports one variable, and against a bare shell, in
#    interleaved rounds. Target: under half of direnv's.
# 3. Processes: strace counts the process starts (execve) and process forks
#    (fork, vfork, clone without CLONE_THREAD) of one cd into a profile
#    directory and out of it, and of 20 prompts where nothing changed, in
#    bash, zsh, fish, elvish and nushell. Targets: one aws-vault start and
#    no other fork per cd in bash and zsh; none at all at an unchanged
#    prompt, in every shell.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
fake=
backend=${BACKEND:-keyctl}
cleanup() {
  kill $fake 2>/dev/null || true
  "$work/aws-vault" remove -f bench-hook >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
CGO_ENABLED=0 go build -o "$work/aws-vault" .  # the release build: static, see README
. bench/lib.sh
start_fake
export XDG_RUNTIME_DIR="$work/run" XDG_DATA_HOME="$work/data" XDG_CONFIG_HOME="$work/cfg" \
  AWS_VAULT_BACKEND=$backend AWS_VAULT_FILE_PASSPHRASE=bench AWS_VAULT_FILE_DIR="$work/keys"
export PATH="$work:$PATH"
printf '[profile bench-hook]\nregion = us-east-1\n' > "$work/config"
mkdir -p "$work/proj/sub" "$work/plain" "$work/envrc" "$work/cfg/elvish/lib"
echo bench-hook > "$work/proj/.awsprofile"
echo 'export FROM_ENVRC=yes' > "$work/envrc/.envrc"
AWS_ACCESS_KEY_ID=AKIABENCHBENCHBENCH AWS_SECRET_ACCESS_KEY=benchSecretbenchSecretbenchSecret0123 \
  aws-vault add --env --no-add-config bench-hook </dev/null >/dev/null 2>&1
aws-vault allow "$work/proj" >/dev/null
aws-vault exec --json bench-hook >/dev/null   # fills the session cache
direnv allow "$work/envrc" 2>/dev/null
aws-vault hook elvish > "$work/cfg/elvish/lib/aws-vault.elv"
aws-vault hook nu > "$work/hook.nu"
echo "backend: $backend; $(nproc) CPUs; $(date -u +%FT%TZ)"

n=${N:-2000}
echo
echo "== 1. prompt cost in a directory with an active profile ($n prompts, microseconds per prompt)"
for round in 1 2 3; do
  bash --norc --noprofile -c '
    cd "$1/proj"
    s=$EPOCHREALTIME; for ((i=0;i<$2;i++)); do x=${PS1@P}; done; e=$EPOCHREALTIME
    bare=$(( (${e/./}-${s/./}) ))
    eval "$(aws-vault hook bash)"
    PS1='\''${aws_vault_segment:+[$aws_vault_segment] }\w\$ '\''
    eval "$PROMPT_COMMAND"; [[ $aws_vault_segment == bench-hook* ]] || { echo "no segment: [$aws_vault_segment]"; exit 1; }
    s=$EPOCHREALTIME; for ((i=0;i<$2;i++)); do eval "$PROMPT_COMMAND"; x=${PS1@P}; done; e=$EPOCHREALTIME
    hook=$(( (${e/./}-${s/./}) ))
    printf "bash round %d: bare %.1f us, with hook and segment %.1f us, added %.1f us\n" "$3" "$((bare*10/$2))e-1" "$((hook*10/$2))e-1" "$(((hook-bare)*10/$2))e-1"
  ' _ "$work" "$n" "$round"
  zsh -f -c '
    zmodload zsh/datetime; setopt prompt_subst; cd $1/proj
    PROMPT="%~ %# "
    s=$EPOCHREALTIME; for ((i=0;i<$2;i++)); do x=${(%)PROMPT}; done; e=$EPOCHREALTIME; bare=$((e-s))
    eval "$(aws-vault hook zsh)"
    PROMPT='\''${aws_vault_segment:+[$aws_vault_segment] }%~ %# '\''
    for f in $precmd_functions; do $f; done; [[ $aws_vault_segment == bench-hook* ]] || { echo "no segment"; exit 1 }
    s=$EPOCHREALTIME; for ((i=0;i<$2;i++)); do for f in $precmd_functions; do $f; done; x=${(%)PROMPT}; done; e=$EPOCHREALTIME; hook=$((e-s))
    printf "zsh  round %d: bare %.1f us, with hook and segment %.1f us, added %.1f us\n" $3 $((bare*1e6/$2)) $((hook*1e6/$2)) $(((hook-bare)*1e6/$2))
  ' _ "$work" "$n" "$round"
done

m=${M:-100}
echo
echo "== 2. entering and leaving ($m rounds each, interleaved; milliseconds, median [p90])"
# Each tool's shell runs cd + prompt into the directory and out of it m
# times; the rounds of the three run in turn, so drift hits all alike.
cat > "$work/cd.bash" <<'EOF'
# $1: bare|aws-vault|direnv, $2: rounds, $3: directory to enter
case $1 in
  aws-vault) eval "$(aws-vault hook bash)" ;;
  direnv) eval "$(direnv hook bash)" ;;
esac
prompt() { eval "${PROMPT_COMMAND-}"; }
cd "$WORK/plain"; prompt
for ((i=0;i<$2;i++)); do
  s=$EPOCHREALTIME; cd "$3"; prompt; e=$EPOCHREALTIME
  echo "enter ${s/./} ${e/./}"
  s=$EPOCHREALTIME; cd "$WORK/plain"; prompt; e=$EPOCHREALTIME
  echo "leave ${s/./} ${e/./}"
done
EOF
cat > "$work/cd.zsh" <<'EOF'
zmodload zsh/datetime
case $1 in
  aws-vault) eval "$(aws-vault hook zsh)" ;;
  direnv) eval "$(direnv hook zsh)" ;;
esac
prompt() { local f; for f in $precmd_functions; do $f; done }
cd $WORK/plain; prompt
for ((i=0;i<$2;i++)); do
  s=$EPOCHREALTIME; cd $3; prompt; e=$EPOCHREALTIME
  print "enter $(( s * 1000000 )) $(( e * 1000000 ))"
  s=$EPOCHREALTIME; cd $WORK/plain; prompt; e=$EPOCHREALTIME
  print "leave $(( s * 1000000 )) $(( e * 1000000 ))"
done
EOF
export WORK=$work
for round in $(seq 10); do
  for tool in bare aws-vault direnv; do
    dir=$work/proj; [ $tool = direnv ] && dir=$work/envrc
    bash --norc --noprofile "$work/cd.bash" $tool $((m/10)) "$dir" >> "$work/cd-bash-$tool.txt" 2>/dev/null
    zsh -f "$work/cd.zsh" $tool $((m/10)) "$dir" >> "$work/cd-zsh-$tool.txt" 2>/dev/null
  done
done
python3 - "$work" <<'EOF'
import statistics, sys
work = sys.argv[1]
def stats(shell, tool, kind):
    xs = sorted((float(e) - float(s)) / 1000 for k, s, e in (l.split() for l in open(f"{work}/cd-{shell}-{tool}.txt")) if k == kind)
    return statistics.median(xs), xs[int(len(xs) * 0.9)]
for shell in ("bash", "zsh"):
    for kind in ("enter", "leave"):
        row = {t: stats(shell, t, kind) for t in ("bare", "aws-vault", "direnv")}
        print(f"{shell:4} {kind}: " + ", ".join(f"{t} {m:.2f} [{p:.2f}]" for t, (m, p) in row.items())
              + f"; aws-vault/direnv {row['aws-vault'][0] / row['direnv'][0]:.2f}")
EOF

echo
echo "== 3. processes (strace -f: process starts, and forks that are not threads)"
# Each shell loads the hook, goes to plain/ and shows a prompt, then: cd into
# proj/ and a prompt (enter), cd back and a prompt (leave), 20 prompts
# (unchanged). Between the steps it tests for a file that does not exist,
# /nonexistent/mark-STEP: that stat system call splits the trace.
cat > "$work/count.py" <<'EOF'
import re, sys
parts, cur = {}, None
for line in open(sys.argv[1]):
    m = re.search(r'/nonexistent/mark-(\w+)', line)
    if m:
        cur = parts.setdefault(m.group(1), {"starts": 0, "forks": 0})
    elif cur is None or '= -1' in line or 'resumed' in line:
        continue
    elif re.search(r'\bexecve\(', line):
        cur["starts"] += 1
    elif re.search(r'\bv?fork\(', line) or (re.search(r'\bclone3?\(', line) and 'CLONE_THREAD' not in line):
        cur["forks"] += 1
print("; ".join(f"{n}: {parts[n]['starts']} starts, {parts[n]['forks']} forks" for n in ("enter", "leave", "unchanged") if n in parts))
EOF
trace() { # shell, then its command line
  local shell=$1; shift
  if ! strace -f -qq -e trace=process,%stat,newfstatat,statx,access,faccessat,faccessat2 -o "$work/trace.txt" "$@" >/dev/null 2>"$work/trace.err"; then
    echo "$shell: failed: $(tail -3 "$work/trace.err")"
    return
  fi
  printf '%-8s %s\n' "$shell:" "$(python3 "$work/count.py" "$work/trace.txt")"
}
cd "$work"
trace bash bash --norc --noprofile -c 'eval "$(aws-vault hook bash)"; p() { eval "$PROMPT_COMMAND"; }; m() { [[ -e /nonexistent/mark-$1 ]]; }
  cd "$WORK/plain"; p; m enter; cd "$WORK/proj"; p; m leave; cd "$WORK/plain"; p; m unchanged; for i in {1..20}; do p; done; m end; true'
trace zsh zsh -f -c 'eval "$(aws-vault hook zsh)"; p() { local f; for f in $precmd_functions; do $f; done }; m() { [[ -e /nonexistent/mark-$1 ]] }
  cd $WORK/plain; p; m enter; cd $WORK/proj; p; m leave; cd $WORK/plain; p; m unchanged; for i in {1..20}; do p; done; m end; true'
trace fish fish --no-config -c 'aws-vault hook fish | source
  function p; emit fish_prompt; end
  function m; test -e /nonexistent/mark-$argv[1]; end
  cd $WORK/plain; p; m enter; cd $WORK/proj; p; m leave; cd $WORK/plain; p; m unchanged; set i 0; while test $i -lt 20; set i (math $i + 1); p; end; m end; true'
trace elvish elvish -norc -c 'use path; use aws-vault; fn p { aws-vault:hook; var _ = [(aws-vault:segment)] }; fn m {|s| var _ = (path:is-regular /nonexistent/mark-$s) }
  cd $E:WORK/plain; p; m enter; cd $E:WORK/proj; p; m leave; cd $E:WORK/plain; p; m unchanged; range 20 | each {|_| p }; m end; true'
trace nushell nu --no-config-file --no-std-lib -c "source $work/hook.nu
  def --env p [] { _aws_vault_hook; aws_vault_segment | ignore }
  def m [s: string] { \$'/nonexistent/mark-(\$s)' | path exists | ignore }
  cd \$'(\$env.WORK)/plain'; p; m enter; cd \$'(\$env.WORK)/proj'; p; m leave; cd \$'(\$env.WORK)/plain'; p; m unchanged; for i in 1..20 { p }; m end"
trace direnv bash --norc --noprofile -c 'eval "$(direnv hook bash)"; p() { eval "$PROMPT_COMMAND"; }; m() { [[ -e /nonexistent/mark-$1 ]]; }
  cd "$WORK/plain"; p; m enter; cd "$WORK/envrc"; p; m leave; cd "$WORK/plain"; p; m unchanged; for i in {1..20}; do p; done; m end; true'
echo "(PowerShell is not installed here; its hook makes the same checks with Test-Path and [DateTimeOffset].)"
