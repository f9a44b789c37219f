#!/usr/bin/env bash
# `aws-vault exec --json PROFILE` with a fresh cached session, on the file and
# keyctl backends (targets: median < 7 ms on file, < 5 ms on keyctl).
#   bench/exec.sh               # needs hyperfine; keyctl needs keyutils' kernel support
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
fake=
trap 'kill $fake 2>/dev/null || true; keyctl purge user bench-user >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

CGO_ENABLED=0 go build -o "$work/aws-vault" .  # the release build: static, see README
. bench/lib.sh
start_fake

export AWS_VAULT_FILE_PASSPHRASE=bench XDG_RUNTIME_DIR="$work/run"
printf '[profile bench-user]\nregion = us-east-1\n' > "$work/config"

for backend in file keyctl; do
  export AWS_VAULT_BACKEND=$backend
  AWS_ACCESS_KEY_ID=AKIABENCHBENCHBENCH AWS_SECRET_ACCESS_KEY=benchSecretbenchSecretbenchSecret0123 \
    "$work/aws-vault" add --env --no-add-config bench-user </dev/null >/dev/null
  "$work/aws-vault" exec --json bench-user >/dev/null   # fills the cache
  echo "== backend $backend"
  hyperfine -N --warmup 20 --runs 300 --export-json "$work/$backend.json" "$work/aws-vault exec --json bench-user" | grep -E "Time|Range"
  python3 -c "import json,statistics;r=json.load(open('$work/$backend.json'))['results'][0];print('median %.2f ms' % (statistics.median(r['times'])*1000))"
  "$work/aws-vault" remove -f bench-user >/dev/null
done
