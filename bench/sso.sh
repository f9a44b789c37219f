#!/usr/bin/env bash
# IAM Identity Center, against the fake (engine/awsfake), file backend:
#   1. `exec --json` of an SSO profile whose role credentials are cached
#      (sso-dev), side by side with a cached GetSessionToken profile
#      (bench-user): target within 1.1x, and no network call (the fake's
#      call log must not grow).
#   2. `sso sync --dry-run` of 200 accounts x 3 roles (1 ListAccounts page
#      of 20 per 20 accounts, 1 ListAccountRoles per account), side by
#      side with `aws-vault --version` as the floor: target under 5 s.
#   3. The same sync against a second fake that answers only 20 list calls
#      a second (TooManyRequestsException for the rest: the 20 TPS AWS
#      quotes for its account access APIs; the portal's own limit is not
#      published): it must still succeed, every throttled call retried,
#      and the calls paced near the limit.
#   bench/sso.sh               # needs hyperfine and curl
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
fake= slow=
cleanup() {
  kill $fake $slow 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
. bench/lib.sh

CGO_ENABLED=0 go build -o "$work/aws-vault" .  # the release build: static, see README
go build -o "$work/awsfake" ./engine/awsfake/cmd/awsfake
python3 - "$work/fake.json" "$work/slow.json" <<'PY'
import json, sys
a = [{"account_id": "%012d" % (100000000000 + i), "account_name": "team-%d" % i, "role_name": r}
     for i in range(200) for r in ("Admin", "Developer", "ReadOnly")]
json.dump({"users": [{"name": "bench", "account_id": "111111111111", "access_key_id": "AKIABENCHBENCHBENCH",
                      "secret_access_key": "benchSecretbenchSecretbenchSecret0123"}],
           "sso_assignments": a}, open(sys.argv[1], "w"))
json.dump({"sso_assignments": a, "sso_list_rate_limit": 20}, open(sys.argv[2], "w"))
PY
"$work/awsfake" -config "$work/fake.json" -log "$work/calls.jsonl" > "$work/url" &
fake=$!
for _ in $(seq 50); do [ -s "$work/url" ] && break; sleep 0.1; done
url=$(head -1 "$work/url")
export HOME="$work" AWS_CONFIG_FILE="$work/config" AWS_ENDPOINT_URL_STS=$url AWS_ENDPOINT_URL_SSO=$url AWS_ENDPOINT_URL_SSO_OIDC=$url
export AWS_VAULT_BACKEND=file AWS_VAULT_FILE_PASSPHRASE=bench XDG_RUNTIME_DIR="$work/run"
# A browser whose user allows the sign-in: it follows the redirect.
printf '#!/bin/sh\nexec curl -fsS -L -o /dev/null "$1"\n' > "$work/browser"
chmod 755 "$work/browser"
export BROWSER="$work/browser"
cat > "$work/config" <<CFG
[profile bench-user]
region = us-east-1

[sso-session corp]
sso_start_url = https://d-1234567890.awsapps.com/start
sso_region = us-east-1
sso_registration_scopes = sso:account:access

[profile sso-dev]
sso_session = corp
sso_account_id = 100000000000
sso_role_name = Developer
region = us-east-1
CFG
AWS_ACCESS_KEY_ID=AKIABENCHBENCHBENCH AWS_SECRET_ACCESS_KEY=benchSecretbenchSecretbenchSecret0123 \
  "$work/aws-vault" add --env --no-add-config bench-user </dev/null >/dev/null 2>&1
"$work/aws-vault" exec --json bench-user >/dev/null   # fills the cache
"$work/aws-vault" exec --json sso-dev >/dev/null 2>&1 # signs in (PKCE), caches the role credentials
calls=$(wc -l < "$work/calls.jsonl")

echo "== exec --json, cached: SSO role credentials vs a GetSessionToken session"
for round in 1 2 3 4 5 6; do
  hyperfine -N --warmup 10 --runs 50 --export-json "$work/exec.$round.json" \
    "$work/aws-vault exec --json bench-user" "$work/aws-vault exec --json sso-dev" >/dev/null
done
ratio bench-user sso-dev "$work"/exec.[1-6].json
after=$(wc -l < "$work/calls.jsonl")
echo "calls to the fake during the cached runs: $((after - calls)) (must be 0)"
[ "$after" -eq "$calls" ] || { echo "a cached exec called AWS" >&2; exit 1; }

echo "== sso sync --dry-run, 200 accounts x 3 roles"
hyperfine -N --warmup 1 --runs 10 --export-json "$work/sync.json" \
  "$work/aws-vault --version" "$work/aws-vault sso sync --dry-run corp" >/dev/null
python3 - "$work/sync.json" <<'PY'
import json, statistics, sys
for r in json.load(open(sys.argv[1]))['results']:
    print('%-40s median %.3f s  max %.3f s' % (' '.join(r['command'].split()[1:]), statistics.median(r['times']), max(r['times'])))
PY
"$work/aws-vault" sso sync corp 2>&1 | tail -1
echo "generated profiles: $(grep -c '^\[profile team-' "$work/config")"

echo "== sso sync --dry-run, 200 accounts x 3 roles, the fake answering 20 list calls a second"
"$work/awsfake" -config "$work/slow.json" -log "$work/slow.jsonl" > "$work/slow.url" &
slow=$!
for _ in $(seq 50); do [ -s "$work/slow.url" ] && break; sleep 0.1; done
slowurl=$(head -1 "$work/slow.url")
# A keyring of its own, and its own sign-in, once, outside the timing.
slowrun() {
  AWS_ENDPOINT_URL_SSO=$slowurl AWS_ENDPOINT_URL_SSO_OIDC=$slowurl AWS_VAULT_FILE_DIR="$work/keys2" \
    XDG_RUNTIME_DIR="$work/run2" "$work/aws-vault" "$@"
}
slowrun exec --json sso-dev >/dev/null 2>&1
: > "$work/slow.jsonl"
start=$(date +%s.%N)
slowrun sso sync --dry-run corp >/dev/null 2>"$work/slow.err"
end=$(date +%s.%N)
tail -1 "$work/slow.err"
python3 - "$work/slow.jsonl" "$start" "$end" <<'PY'
import json, sys, collections
calls = [json.loads(l) for l in open(sys.argv[1])]
lists = [c for c in calls if c['action'] in ('ListAccounts', 'ListAccountRoles')]
ok = [c for c in lists if not c.get('err')]
thr = [c for c in lists if c.get('err') == 'TooManyRequestsException']
per_sec = collections.Counter(c['time'][:19] for c in ok)
print('took %.2f s: %d list calls answered, %d throttled and retried, at most %d answered in one second'
      % (float(sys.argv[3]) - float(sys.argv[2]), len(ok), len(thr), max(per_sec.values())))
PY
