#!/usr/bin/env bash
# The paths users wait on, this tree against another revision (default:
# main), side by side in one run, as ratios:
#   bench/versus.sh [REF]        # needs hyperfine; keyctl rounds need keyutils
#
# 1. `exec --json` with a cached session (what a credential_process costs),
#    on the file and keyctl backends;
# 2. `hook-exec --shell bash` entering a profile directory whose session is
#    cached (the aws-vault run behind a cd), and leaving it;
# 3. the prompt hook: bash drawing 2,000 prompts with the hook and segment
#    installed, where nothing changed (no process runs).
# Each pair runs in twelve rounds of hyperfine (20 runs each, the order
# swapped every round; the prompts: alternating shells), so the drift of a
# shared machine hits both alike. Printed: the median wall time, the mean
# CPU time (user + system: steadier when other processes compete for the
# CPUs), and their ratios new/ref; above 1 means this tree is slower.
set -euo pipefail
cd "$(dirname "$0")/.."
ref=${1:-main}
work=$(mktemp -d)
fake=
cleanup() {
  kill $fake 2>/dev/null || true
  for b in ref new; do
    [ -x "$work/$b/aws-vault" ] && AWS_VAULT_BACKEND=keyctl "$work/$b/aws-vault" remove -f bench-user >/dev/null 2>&1 || true
  done
  rm -rf "$work"
}
trap cleanup EXIT

# The reference's source, from git alone: the work tree is not touched.
mkdir -p "$work/ref-src" "$work/ref" "$work/new"
git archive "$ref" | tar -x -C "$work/ref-src"
(cd "$work/ref-src" && CGO_ENABLED=0 go build -o "$work/ref/aws-vault" .)
CGO_ENABLED=0 go build -o "$work/new/aws-vault" .  # the release build: static, see README
. bench/lib.sh
start_fake
export XDG_RUNTIME_DIR="$work/run" XDG_DATA_HOME="$work/data" AWS_VAULT_FILE_PASSPHRASE=bench AWS_VAULT_FILE_DIR="$work/keys"
printf '[profile bench-user]\nregion = us-east-1\n' > "$work/config"
mkdir -p "$work/proj" "$work/plain"
echo bench-user > "$work/proj/.awsprofile"
echo "ref $ref ($(git rev-parse --short "$ref")) against this tree ($(git rev-parse --short HEAD)$(git diff --quiet || echo +changes)); $(nproc) CPUs; $(date -u +%FT%TZ)"

# rounds NAME CMD-REF CMD-NEW: twelve hyperfine rounds of 20 runs each,
# the order of the two commands swapped every round; then the median wall
# time of each over all rounds, the mean CPU time (user + system, which
# other load disturbs less), and the ratios new/ref.
rounds() {
  local name=$1 i
  for i in $(seq 12); do
    if (( i % 2 )); then
      hyperfine -N --warmup 3 --runs 20 --export-json "$work/$name.$i.json" "$2" "$3" >/dev/null 2>&1
    else
      hyperfine -N --warmup 3 --runs 20 --export-json "$work/$name.$i.json" "$3" "$2" >/dev/null 2>&1
    fi
  done
  python3 - "$name" "$2" "$work/$name".*.json <<'PY'
import json, statistics, sys
name, ref_cmd, paths = sys.argv[1], sys.argv[2], sys.argv[3:]
wall, cpu = {"ref": [], "new": []}, {"ref": [], "new": []}
for p in paths:
    for r in json.load(open(p))['results']:
        k = "ref" if r['command'] == ref_cmd else "new"
        wall[k].extend(r['times'])
        cpu[k].append(r['user'] + r['system'])
w = {k: statistics.median(v) * 1000 for k, v in wall.items()}
c = {k: statistics.mean(v) * 1000 for k, v in cpu.items()}
print('%-32s wall ref %6.2f new %6.2f ms: %.3f   cpu ref %6.2f new %6.2f ms: %.3f   (%d runs each)'
      % (name, w["ref"], w["new"], w["new"] / w["ref"], c["ref"], c["new"], c["new"] / c["ref"], len(wall["ref"])))
PY
}

backends=file
if keyctl show @u >/dev/null 2>&1; then backends="file keyctl"; fi
echo
echo "== 1. exec --json, cached session"
for backend in $backends; do
  export AWS_VAULT_BACKEND=$backend
  AWS_ACCESS_KEY_ID=AKIABENCHBENCHBENCH AWS_SECRET_ACCESS_KEY=benchSecretbenchSecretbenchSecret0123 \
    "$work/new/aws-vault" add --env --no-add-config bench-user </dev/null >/dev/null 2>&1
  "$work/new/aws-vault" exec --json bench-user >/dev/null   # fills the cache
  rounds "exec --json ($backend)" "$work/ref/aws-vault exec --json bench-user" "$work/new/aws-vault exec --json bench-user"
  [ "$backend" = keyctl ] && "$work/new/aws-vault" remove -f bench-user >/dev/null
done

echo
echo "== 2. hook-exec (bash), file backend, cached session"
export AWS_VAULT_BACKEND=file
"$work/new/aws-vault" allow "$work/proj" >/dev/null
"$work/new/aws-vault" exec --json bench-user >/dev/null
# Entering: no state yet, the directory's profile is loaded.
(cd "$work/proj" && rounds "hook-exec entering a directory" \
  "$work/ref/aws-vault hook-exec --shell bash" "$work/new/aws-vault hook-exec --shell bash")
# Leaving: the state of a loaded profile, in a directory without one.
state=$(cd "$work/proj" && "$work/new/aws-vault" hook-exec --shell bash | sed -n "s/^declare -g _aws_vault_state='\(.*\)'$/\1/p" | head -1)
[ -n "$state" ] || { echo "no hook state to leave with" >&2; exit 1; }
(cd "$work/plain" && export _AWS_VAULT_HOOK_STATE="$state" AWS_VAULT=bench-user && rounds "hook-exec leaving it" \
  "$work/ref/aws-vault hook-exec --shell bash" "$work/new/aws-vault hook-exec --shell bash")

echo
echo "== 3. prompt hook (bash, 2,000 prompts where nothing changed)"
for i in $(seq 12); do
  order="ref new"; (( i % 2 )) || order="new ref"
  for b in $order; do
    PATH="$work/$b:$PATH" bash --norc --noprofile -c '
      cd "$1/proj"
      eval "$(aws-vault hook bash)"
      PS1='\''${aws_vault_segment:+[$aws_vault_segment] }\w\$ '\''
      eval "$PROMPT_COMMAND"; [[ $aws_vault_segment == bench-user* ]] || { echo "no segment" >&2; exit 1; }
      s=$EPOCHREALTIME; for ((i=0;i<2000;i++)); do eval "$PROMPT_COMMAND"; x=${PS1@P}; done; e=$EPOCHREALTIME
      echo $(( ${e/./} - ${s/./} ))
    ' _ "$work" >> "$work/prompt-$b.txt"
  done
done
python3 - "$work" <<'PY'
import statistics, sys
w = sys.argv[1]
ref, new = (statistics.median(float(x) for x in open(f"{w}/prompt-{b}.txt")) / 2000 for b in ("ref", "new"))
print('%-32s wall ref %6.2f new %6.2f us: %.3f   (12 rounds of 2,000)' % ("a prompt, nothing changed", ref, new, new / ref))
PY
