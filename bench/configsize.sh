#!/usr/bin/env bash
# What a large config costs (issue 14): `aws-vault exec --json PROFILE` with
# a cached session (keyctl backend) on a config of 10,000 role profiles
# against the same on a config of that one profile, in interleaved rounds
# (target: within 1.2x). The profile assumes a role with the key of another
# profile (the cached session is the role's), so two sections besides
# [default] are read.
#   bench/configsize.sh            # needs hyperfine, keyctl
#   N=1000 bench/configsize.sh     # another size
#   BASE=main bench/configsize.sh  # also that git revision's binary on the large config
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
fake=
n=${N:-10000}
cleanup() {
  kill $fake 2>/dev/null || true
  AWS_VAULT_BACKEND=keyctl AWS_CONFIG_FILE="$work/small" "$work/aws-vault" remove -f bench-key >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

CGO_ENABLED=0 go build -o "$work/aws-vault" . # the release build: static, see README
bins=(aws-vault)
if [ -n "${BASE:-}" ]; then
  mkdir -p "$work/src"
  git archive "$BASE" | tar -x -C "$work/src"
  (cd "$work/src" && CGO_ENABLED=0 go build -o "$work/base" .)
  bins+=(base)
fi
. bench/lib.sh
start_fake
export AWS_VAULT_BACKEND=keyctl XDG_RUNTIME_DIR="$work/run"

profiles='[profile bench-key]
region = us-east-1

[profile bench-size]
source_profile = bench-key
role_arn = arn:aws:iam::111111111111:role/Bench
region = eu-west-1
'
{
  printf '[default]\nregion = us-east-1\n\n%s\n' "$profiles"
} > "$work/small"
{
  printf '[default]\nregion = us-east-1\noutput = json\n\n'
  half=$((n / 2))
  for i in $(seq 1 "$half"); do
    printf '[profile team%d.app_%d]\nsource_profile = bench-key\nrole_arn = arn:aws:iam::%012d:role/Dev\nregion = eu-west-1\n\n' "$i" "$i" "$i"
  done
  printf '%s\n' "$profiles"
  for i in $(seq $((half + 1)) $((n - 2))); do
    printf '[profile team%d.app_%d]\nsource_profile = bench-key\nrole_arn = arn:aws:iam::%012d:role/Dev\nregion = eu-west-1\n\n' "$i" "$i" "$i"
  done
} > "$work/large"
echo "configs: $(grep -c '^\[profile' "$work/small") profiles ($(stat -c %s "$work/small") bytes), $(grep -c '^\[profile' "$work/large") profiles ($(stat -c %s "$work/large") bytes)"

export AWS_CONFIG_FILE="$work/small"
AWS_ACCESS_KEY_ID=AKIABENCHBENCHBENCH AWS_SECRET_ACCESS_KEY=benchSecretbenchSecretbenchSecret0123 \
  "$work/aws-vault" add --env --no-add-config bench-key </dev/null >/dev/null 2>&1
"$work/aws-vault" exec --json bench-size | grep -q SessionToken || { echo "exec --json bench-size gave no session" >&2; exit 1; } # fills the session cache
for c in small large; do
  for b in "${bins[@]}"; do
    AWS_CONFIG_FILE="$work/$c" "$work/$b" exec --json bench-size | grep -q SessionToken
  done
done

# hyperfine cannot give each command its own environment, and a wrapper
# (env) would add its own start to both: so each config gets its own
# hyperfine call, alternating round by round.
for round in 1 2 3 4 5 6; do
  for c in small large; do
    cmds=()
    for b in "${bins[@]}"; do
      [ "$b" = base ] && [ "$c" = small ] && continue
      cmds+=("$work/$b exec --json bench-size")
    done
    AWS_CONFIG_FILE="$work/$c" hyperfine -N --warmup 10 --runs 50 --export-json "$work/$c.$round.json" "${cmds[@]}" >/dev/null
  done
done
# Besides the wall time, hyperfine's mean CPU time (user + system) of each
# call: on a machine shared with other load, waiting for a CPU inflates the
# wall time of the longer command more, and the CPU time shows what the
# command itself costs.
python3 - "$work" <<'PY'
import glob, json, statistics, sys
work = sys.argv[1]
times, cpu = {}, {}
for c in ("small", "large"):
    for path in glob.glob("%s/%s.*.json" % (work, c)):
        for r in json.load(open(path))["results"]:
            binary = r["command"].split()[0].split("/")[-1]
            times.setdefault((binary, c), []).extend(r["times"])
            cpu.setdefault((binary, c), []).append(r["user"] + r["system"])
med = {k: statistics.median(v) * 1e3 for k, v in times.items()}
mcpu = {k: statistics.mean(v) * 1e3 for k, v in cpu.items()}
for (b, c), v in sorted(times.items()):
    print("%-10s %-5s config: wall median %6.2f ms  mean %6.2f ms  CPU mean %6.2f ms  (%d runs)" % (
        b, c, med[(b, c)], statistics.mean(v) * 1e3, mcpu[(b, c)], len(v)))
print("large / small config: wall %.2fx, CPU %.2fx" % (
    med[("aws-vault", "large")] / med[("aws-vault", "small")], mcpu[("aws-vault", "large")] / mcpu[("aws-vault", "small")]))
if ("base", "large") in med:
    print("base on the large config / aws-vault on the small one: wall %.2fx, CPU %.2fx" % (
        med[("base", "large")] / med[("aws-vault", "small")], mcpu[("base", "large")] / mcpu[("aws-vault", "small")]))
PY
