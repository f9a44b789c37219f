#!/usr/bin/env bash
# `exec --json` of a cached GetSessionToken session on every keyring backend
# that runs here, side by side with the original aws-vault v7 where it has
# the backend, and `--version` of this tree against a base revision.
#   bench/backends.sh [ORIGINAL]   # ORIGINAL: a built aws-vault v7 binary
#                                  # (default $AWS_VAULT_ORIG, else /tmp/orig/aws-vault-orig)
#   BASE=main bench/backends.sh    # the revision --version is compared with (default main)
# Needs python3, and for the backends: keyctl, pass + gpg, age,
# gnome-keyring + dbus-run-session, kwalletd5 (.ci/deps installs them all);
# a backend whose tools are missing is skipped. Both binaries read the same
# cached session (the item layout is shared), so each run is one keyring
# read, no STS call. The commands are run in turn and medians taken over
# all runs (bench/alternate.py), so that a shared machine's drift does not
# move the ratios; CPU time is printed beside wall time.
set -euo pipefail
cd "$(dirname "$0")/.."
orig=${1:-${AWS_VAULT_ORIG:-/tmp/orig/aws-vault-orig}}
base=${BASE:-main}
work=$(mktemp -d)
fake= pids=()
cleanup() {
  kill $fake 2>/dev/null || true
  for p in "${pids[@]}"; do kill -- -"$p" 2>/dev/null || true; done
  [ -n "${GNUPGHOME:-}" ] && gpgconf --kill all 2>/dev/null || true
  if [ -x "$work/aws-vault" ]; then
    AWS_VAULT_BACKEND=keyctl "$work/aws-vault" remove -f bench-user >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

CGO_ENABLED=0 go build -o "$work/aws-vault" .  # the release build: static, see README
. bench/lib.sh
start_fake
export AWS_VAULT_FILE_PASSPHRASE=bench XDG_RUNTIME_DIR="$work/run" DISPLAY= WAYLAND_DISPLAY=
printf '[profile bench-user]\nregion = us-east-1\n' > "$work/config"
have_orig=false
[ -x "$orig" ] && have_orig=true || echo "no original at $orig: ours only"

# bench NAME [EXTRA-FLAGS...]: add the key, fill the cache, time both.
bench() {
  local name=$1; shift
  AWS_ACCESS_KEY_ID=AKIABENCHBENCHBENCH AWS_SECRET_ACCESS_KEY=benchSecretbenchSecretbenchSecret0123 \
    "$work/aws-vault" "$@" add --env --no-add-config bench-user </dev/null >/dev/null 2>&1
  "$work/aws-vault" "$@" exec --json bench-user >/dev/null
  local cmds=()
  # The original has no passage; its keyctl fails to open with its
  # default (empty) scope. Where it cannot read the session, ours only.
  if $have_orig && [ "$name" != passage ] && "$orig" "$@" exec --json bench-user >/dev/null 2>&1; then
    cmds+=("original=$orig $* exec --json bench-user")
  elif $have_orig; then
    echo "$name: the original cannot use this backend here; ours only"
  fi
  cmds+=("ours=$work/aws-vault $* exec --json bench-user")
  echo "-- $name"
  bench/alternate.py "$runs" "${cmds[@]}"
  "$work/aws-vault" "$@" remove -f bench-user >/dev/null 2>&1 || true
}

runs=${RUNS:-60}
echo "== exec --json, cached session: medians of $runs runs each, run in turn (ratios: ours / original)"
AWS_VAULT_BACKEND=file bench file --backend file
if command -v keyctl >/dev/null; then bench keyctl --backend keyctl; fi

if command -v pass >/dev/null && command -v gpg >/dev/null; then
  export GNUPGHOME="$work/gnupg" PASSWORD_STORE_DIR="$work/password-store"
  mkdir -m 700 "$GNUPGHOME"
  gpg --batch --quiet --passphrase '' --quick-generate-key 'bench <bench@example.invalid>' ed25519 cert,sign never
  fpr=$(gpg --list-keys --with-colons | awk -F: '/^fpr/ {print $10; exit}')
  gpg --batch --quiet --passphrase '' --quick-add-key "$fpr" cv25519 encr never
  pass init "$fpr" >/dev/null
  bench pass --backend pass
fi

if command -v age-keygen >/dev/null; then
  mkdir -p "$work/.passage/store"
  age-keygen -o "$work/.passage/identities" 2>/dev/null
  age-keygen -y "$work/.passage/identities" > "$work/.passage/store/.age-recipients"
  bench passage --backend passage
fi

# start_bus DAEMON-SCRIPT: a private session bus running the script.
start_bus() {
  rm -f "$work/bus"
  setsid dbus-run-session -- sh -c 'echo "$DBUS_SESSION_BUS_ADDRESS" > "$0"; '"$1" "$work/bus" >/dev/null 2>&1 &
  pids+=($!)
  for _ in $(seq 100); do [ -s "$work/bus" ] && break; sleep 0.1; done
  export DBUS_SESSION_BUS_ADDRESS=$(cat "$work/bus")
  sleep 1
}
if command -v gnome-keyring-daemon >/dev/null && command -v dbus-run-session >/dev/null; then
  start_bus 'printf bench | exec gnome-keyring-daemon --foreground --unlock --components=secrets'
  bench secret-service --backend secret-service --secret-service-collection login
  kill -- -"${pids[-1]}" 2>/dev/null || true
  unset DBUS_SESSION_BUS_ADDRESS
fi
if command -v kwalletd5 >/dev/null && command -v dbus-run-session >/dev/null; then
  mkdir -p "$work/.config"
  printf '[Wallet]\nEnabled=true\nFirst Use=false\nPrompt on Open=false\n\n[Auto Allow]\naws-vault=aws-vault\n' > "$work/.config/kwalletrc"
  QT_QPA_PLATFORM=offscreen start_bus 'exec kwalletd5'
  dbus-send --session --print-reply --dest=org.kde.kwalletd5 /modules/kwalletd5 org.kde.KWallet.pamOpen \
    string:aws-vault "array:byte:$(printf '7,%.0s' $(seq 55))7" int32:0 >/dev/null
  bench kwallet --backend kwallet
  kill -- -"${pids[-1]}" 2>/dev/null || true
  unset DBUS_SESSION_BUS_ADDRESS
fi

echo "== --version: $base against this tree (medians of 300 runs each, in turn)"
mkdir "$work/base"
git archive "$base" | tar -x -C "$work/base"
(cd "$work/base" && CGO_ENABLED=0 go build -o "$work/aws-vault-base" .)
bench/alternate.py 300 "base=$work/aws-vault-base --version" "this=$work/aws-vault --version"
ls -l "$work/aws-vault-base" "$work/aws-vault" | awk '{print $5, $NF}'
