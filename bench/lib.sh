# Shared by the bench/ scripts; source it after `cd` to the repository root
# and setting $work to a scratch directory.

# The scripts point HOME into $work; pin Go's caches first, so that a later
# go command neither downloads modules again nor rebuilds from scratch.
export GOPATH="$(go env GOPATH)" GOMODCACHE="$(go env GOMODCACHE)" GOCACHE="$(go env GOCACHE)"

# write_profiles FILE: a config of 1,000 role profiles (with a [default]).
write_profiles() {
  {
    echo '[default]'
    echo 'region = us-east-1'
    for i in $(seq 1 1000); do
      printf '[profile team%d.app_%d]\nsource_profile = root\nrole_arn = arn:aws:iam::%012d:role/Dev\nmfa_serial = arn:aws:iam::111111111111:mfa/me\n\n' "$i" "$i" "$i"
    done
  } > "$1"
}

# start_fake: builds the fake AWS endpoint with one user (bench) and one
# role it may assume (arn:aws:iam::111111111111:role/Bench), starts it
# in the background (its pid in $fake, for the caller's trap to kill), and
# points HOME, AWS_CONFIG_FILE and the STS endpoint into $work.
start_fake() {
  go build -o "$work/awsfake" ./engine/awsfake/cmd/awsfake
  cat > "$work/fake.json" <<'JSON'
{"users":[{"name":"bench","account_id":"111111111111","access_key_id":"AKIABENCHBENCHBENCH","secret_access_key":"benchSecretbenchSecretbenchSecret0123"}],
 "roles":[{"arn":"arn:aws:iam::111111111111:role/Bench"}]}
JSON
  "$work/awsfake" -config "$work/fake.json" > "$work/url" &
  fake=$!
  for _ in $(seq 50); do [ -s "$work/url" ] && break; sleep 0.1; done
  export HOME="$work" AWS_CONFIG_FILE="$work/config" AWS_ENDPOINT_URL_STS=$(head -1 "$work/url")
}

# ratio A B JSON...: the medians of hyperfine commands ending in A and in
# B, taken over every round's JSON export, and B's median over A's.
ratio() {
  python3 - "$@" <<'PY'
import json, statistics, sys
a, b, paths = sys.argv[1], sys.argv[2], sys.argv[3:]
times = {}
for path in paths:
    for r in json.load(open(path))['results']:
        times.setdefault(r['command'].split()[-1], []).extend(r['times'])
med = {k: statistics.median(v) * 1000 for k, v in times.items()}
for k, v in times.items():
    print('%-11s median %.2f ms  mean %.2f ms  (%d runs)' % (k, med[k], statistics.mean(v) * 1000, len(v)))
print('%s / %s: %.2fx' % (b, a, med[b] / med[a]))
PY
}
