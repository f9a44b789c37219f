#!/usr/bin/env bash
# `aws-vault exec --json PROFILE` with a fresh cached session, on the file and
# keyctl backends, for two profiles side by side:
#   bench-user  a GetSessionToken session (targets: median < 7 ms on file,
#               < 5 ms on keyctl);
#   bench-proc  the cached output of a credential_process (target: within
#               1.2x of bench-user, and no process started).
#   bench/exec.sh               # needs hyperfine; keyctl needs keyutils' kernel support
# The two are run in six interleaved rounds of 50 runs each, and the medians
# taken over all rounds, so that the drift of a shared VM from one minute to
# the next does not move their ratio.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
fake=
cleanup() {
  kill $fake 2>/dev/null || true
  if [ -x "$work/aws-vault" ]; then
    AWS_VAULT_BACKEND=keyctl "$work/aws-vault" remove -f bench-user >/dev/null 2>&1 || true
    AWS_VAULT_BACKEND=keyctl "$work/aws-vault" clear bench-proc >/dev/null 2>&1 || true
  fi
  keyctl purge user bench-user >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

CGO_ENABLED=0 go build -o "$work/aws-vault" .  # the release build: static, see README
. bench/lib.sh
start_fake

export AWS_VAULT_FILE_PASSPHRASE=bench XDG_RUNTIME_DIR="$work/run"
# The process counts its runs; its output lasts 12 hours.
cat > "$work/proc.sh" <<'SH'
#!/bin/sh
echo run >> "$HOME/proc-runs"
printf '{"Version":1,"AccessKeyId":"AKIABENCHPROCESSKEY","SecretAccessKey":"benchProcessSecret0123456789","Expiration":"%s"}\n' \
  "$(date -u -d '+12 hours' +%Y-%m-%dT%H:%M:%SZ)"
SH
chmod 755 "$work/proc.sh"
printf '[profile bench-user]\nregion = us-east-1\n\n[profile bench-proc]\nregion = us-east-1\ncredential_process = %s\n' "$work/proc.sh" > "$work/config"

for backend in file keyctl; do
  export AWS_VAULT_BACKEND=$backend
  AWS_ACCESS_KEY_ID=AKIABENCHBENCHBENCH AWS_SECRET_ACCESS_KEY=benchSecretbenchSecretbenchSecret0123 \
    "$work/aws-vault" add --env --no-add-config bench-user </dev/null >/dev/null 2>&1
  rm -f "$work/proc-runs"
  "$work/aws-vault" exec --json bench-user >/dev/null   # fills the cache
  "$work/aws-vault" exec --json bench-proc >/dev/null   # runs the process once, and caches its output
  echo "== backend $backend"
  for round in 1 2 3 4 5 6; do
    hyperfine -N --warmup 10 --runs 50 --export-json "$work/$backend.$round.json" \
      "$work/aws-vault exec --json bench-user" "$work/aws-vault exec --json bench-proc" >/dev/null
  done
  ratio bench-user bench-proc "$work/$backend".[1-6].json
  runs=$(wc -l < "$work/proc-runs")
  echo "credential_process runs: $runs (1 = only the run that filled the cache)"
  [ "$runs" -eq 1 ] || { echo "the cached credential_process ran again" >&2; exit 1; }
  if command -v strace >/dev/null; then
    strace -f -qq -e trace=execve -o "$work/trace" "$work/aws-vault" exec --json bench-proc >/dev/null
    echo "processes started by a cached exec --json bench-proc: $(grep -c 'execve(' "$work/trace") (aws-vault itself)"
  fi
  "$work/aws-vault" remove -f bench-user >/dev/null
  "$work/aws-vault" clear bench-proc >/dev/null
done
