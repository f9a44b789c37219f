#!/usr/bin/env bash
# Start-up and `list --profiles` figures for the README (issue: foundation).
#   bench/startup.sh            # needs hyperfine (apt-get install hyperfine)
# Prints, as medians over six interleaved hyperfine rounds:
#   1. a hello-world Go binary, a binary that only links the libraries the
#      project must use (kong, keyring, the STS client, ini, mvdan/sh), and
#      `aws-vault --version` as released (target: within 2x of hello-world);
#   2. `aws-vault list --profiles` on a config of 1,000 profiles (hyperfine; target: < 30 ms).
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

CGO_ENABLED=0 go build -o "$work/aws-vault" .  # the release build: static, see README
mkdir -p "$work/hello"
cat > "$work/hello/main.go" <<'GO'
package main

import "fmt"

func main() { fmt.Println("hello") }
GO
(cd "$work/hello" && go mod init hello >/dev/null 2>&1 && go build -o "$work/hello-bin" .)

# The mandated libraries alone, built inside this module for its versions.
libs=$(mktemp -d -p .)
trap 'rm -rf "$work" "$libs"' EXIT
cat > "$libs/main.go" <<'GO'
package main

import (
	"fmt"

	_ "github.com/99designs/keyring"
	_ "github.com/alecthomas/kong"
	_ "github.com/aws/aws-sdk-go-v2/service/sts"
	_ "gopkg.in/ini.v1"
	_ "mvdan.cc/sh/v3/syntax"
)

func main() { fmt.Println("libs") }
GO
CGO_ENABLED=0 go build -o "$work/libs-bin" "./$libs"

. bench/lib.sh
write_profiles "$work/config"

export HOME="$work" AWS_CONFIG_FILE="$work/config" AWS_VAULT_BACKEND=file
# Shared VMs drift by a millisecond or two over a minute, which moves a
# ratio between batches run one after the other. So the three commands are
# run in six rounds of 50 runs each, and the medians taken over all rounds.
for round in 1 2 3 4 5 6; do
  hyperfine -N --warmup 10 --runs 50 --export-json "$work/start$round.json" \
    "$work/hello-bin" "$work/libs-bin" "$work/aws-vault --version" >/dev/null
done
python3 - "$work"/start[1-6].json <<'PY'
import json, statistics, sys
times = {}
for f in sys.argv[1:]:
    for r in json.load(open(f))["results"]:
        times.setdefault(r["command"].split("/")[-1], []).extend(r["times"])
hello = statistics.median(next(iter(times.values())))
for name, t in times.items():
    m = statistics.median(t)
    print("%-32s median %6.2f ms  mean %6.2f ms  %.2fx hello-world" % (name, m * 1e3, statistics.mean(t) * 1e3, m / hello))
PY
for b in "$work/hello-bin" "$work/libs-bin" "$work/aws-vault --version"; do
  for _ in $(seq 10); do GODEBUG=inittrace=1 $b 2>&1 >/dev/null | awk '/^init/ {s+=$5} END {print s}'; done |
    awk -v b="${b##*/}" '{s+=$1} END {printf "package init, summed: %-22s %.2f ms\n", b, s/NR}'
done
hyperfine -N --warmup 10 --runs 200 "$work/aws-vault list --profiles"
