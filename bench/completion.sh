#!/usr/bin/env bash
# Completion figures for the README (issue 5).
#   bench/completion.sh          # needs hyperfine (apt-get install hyperfine)
# Prints hyperfine's summary for, on a config of 1,000 profiles:
#   1. `aws-vault --version` (process start and command model; the floor);
#   2. completing a partial profile name, `aws-vault exec team12`, as bash's
#      script asks (COMP_LINE and COMP_POINT; target: < 30 ms);
#   3. the same as the zsh, fish and PowerShell scripts ask (AWS_VAULT_COMPLETE);
#   4. `aws-vault remove <Tab>` on the file backend with 1,000 stored keys
#      (its directory is listed; no passphrase, no decryption);
#   5. BenchmarkMain of ./completions: the same in one process, next to
#      --version, so that completion's own cost shows apart from start-up.
# Measure on a quiet machine: other load on 2 cores distorts the figures.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

CGO_ENABLED=0 go build -o "$work/aws-vault" .  # the release build: static, see README

. bench/lib.sh
write_profiles "$work/config"
mkdir -p "$work/keys"
for i in $(seq 1 1000); do
  : > "$work/keys/team$i.app_$i"
done

export HOME="$work" AWS_CONFIG_FILE="$work/config" AWS_VAULT_BACKEND=file AWS_VAULT_FILE_DIR="$work/keys"
unset AWS_VAULT_FILE_PASSPHRASE COMP_LINE COMP_POINT AWS_VAULT_COMPLETE

line='aws-vault exec team12'
n=$(COMP_LINE="$line" COMP_POINT=${#line} "$work/aws-vault" | wc -l)
echo "aws-vault exec team12<Tab>: $n candidates"
[ "$n" -eq 11 ] || { echo "expected 11 candidates" >&2; exit 1; }

hyperfine -N --warmup 20 --runs 300 "$work/aws-vault --version"
COMP_LINE="$line" COMP_POINT=${#line} \
  hyperfine -N --warmup 20 --runs 300 --command-name "complete '$line' (bash protocol)" "$work/aws-vault"
COMP_LINE="$line" AWS_VAULT_COMPLETE=zsh \
  hyperfine -N --warmup 20 --runs 300 --command-name "complete '$line' (zsh protocol)" "$work/aws-vault"
COMP_LINE='aws-vault remove team12' COMP_POINT=23 \
  hyperfine -N --warmup 20 --runs 300 --command-name "complete 'aws-vault remove team12' (file backend)" "$work/aws-vault"

# The same work inside one process (no process start): completion's own cost
# is the difference from --version.
go test -run '^$' -bench BenchmarkMain -benchmem ./completions/ | grep '^Benchmark'
