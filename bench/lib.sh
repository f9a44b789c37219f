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
