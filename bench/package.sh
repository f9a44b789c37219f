#!/usr/bin/env bash
# The packaged binary against the README's build (issue 14): the binary the
# .deb installs (taken out of the package with dpkg-deb, byte for byte what
# dpkg -i puts in /usr/bin) against `CGO_ENABLED=0 go build`, side by side
# in interleaved rounds: `--version`, and `exec --json` with a cached
# session (keyctl). Target: the same (a ratio of 1.00 within the noise).
#   bench/package.sh                 # builds the snapshot release first (goreleaser)
#   bench/package.sh dist/aws-vault_*_amd64.deb
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
fake=
cleanup() {
  kill $fake 2>/dev/null || true
  AWS_VAULT_BACKEND=keyctl "$work/aws-vault" remove -f bench-pkg >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

deb=${1:-}
if [ -z "$deb" ]; then
  AWS_VAULT_SNAPSHOT=linux go run github.com/goreleaser/goreleaser/v2@v2.15.1 \
    release --snapshot --clean --skip=scoop >"$work/goreleaser.log" 2>&1 || { cat "$work/goreleaser.log" >&2; exit 1; }
  deb=$(ls dist/aws-vault_*_"$(dpkg --print-architecture)".deb)
fi
dpkg-deb -x "$deb" "$work/pkg"
cp "$work/pkg/usr/bin/aws-vault" "$work/packaged"
CGO_ENABLED=0 go build -o "$work/aws-vault" . # the README's build
ls -l "$work/packaged" "$work/aws-vault" | awk '{print $5, $NF}'

. bench/lib.sh
start_fake
export AWS_VAULT_BACKEND=keyctl
printf '[profile bench-pkg]\nregion = us-east-1\n' > "$work/config"
AWS_ACCESS_KEY_ID=AKIABENCHBENCHBENCH AWS_SECRET_ACCESS_KEY=benchSecretbenchSecretbenchSecret0123 \
  "$work/aws-vault" add --env --no-add-config bench-pkg </dev/null >/dev/null 2>&1
"$work/aws-vault" exec --json bench-pkg >/dev/null # fills the session cache
"$work/packaged" exec --json bench-pkg | grep -q SessionToken

for round in 1 2 3 4 5 6; do
  hyperfine -N --warmup 10 --runs 50 --export-json "$work/r$round.json" \
    "$work/aws-vault --version" "$work/packaged --version" \
    "$work/aws-vault exec --json bench-pkg" "$work/packaged exec --json bench-pkg" >/dev/null
done
python3 - "$work"/r[1-6].json <<'PY'
import json, statistics, sys
times = {}
for path in sys.argv[1:]:
    for r in json.load(open(path))["results"]:
        times.setdefault(r["command"].split("/")[-1], []).extend(r["times"])
med = {k: statistics.median(v) * 1e3 for k, v in times.items()}
for k, v in times.items():
    print("%-32s median %6.2f ms  mean %6.2f ms  (%d runs)" % (k, med[k], statistics.mean(v) * 1e3, len(v)))
for what in ("--version", "exec --json bench-pkg"):
    print("packaged / README build, %s: %.2fx" % (what, med["packaged " + what] / med["aws-vault " + what]))
PY
