#!/usr/bin/env bash
# Start-up judged by its tail (issue 14): p50, p90, p99 and the worst of
#   aws-vault --version
#   aws-vault exec --json PROFILE        (a cached session, keyctl backend)
#   aws-vault hook-exec --shell bash     (entering a trusted profile directory)
# over RUNS runs each (default 500), for each binary side by side, run by
# run in turn, first as the machine is, then while
# another process keeps physical memory fragmented (it touches 80% of the
# available memory, at most FRAG_MB MiB, a chunk at a time, giving every
# other 4 KiB page of each chunk back, so about 40% stays resident and
# nearly every 2 MiB block has holes; again every few seconds), so that a
# huge page can mostly only be had by compacting memory. The kernel's
# compaction counters (/proc/vmstat) during each part are printed.
#   bench/tail.sh                 # needs python3, keyctl
#   BASE=main bench/tail.sh       # also a build of that git revision ("today")
#   NOFRAG=1 bench/tail.sh        # memory as it is only
#   HUGEHEAP=1 bench/tail.sh      # also the last revision that had the removed
#                                 # internal/hugeheap, built with and without it
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
fake= frag=
runs=${RUNS:-500}
cleanup() {
  kill $fake $frag 2>/dev/null || true
  AWS_VAULT_BACKEND=keyctl "$work/aws-vault" remove -f bench-tail >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

bins=(aws-vault)
CGO_ENABLED=0 go build -o "$work/aws-vault" . # the release build: static, see README
build_rev() { # build_rev NAME REV [TAGS]: the binary of a git revision
  mkdir -p "$work/src-$1"
  git archive "$2" | tar -x -C "$work/src-$1"
  (cd "$work/src-$1" && CGO_ENABLED=0 go build ${3:+-tags "$3"} -o "$work/$1" .)
  bins+=("$1")
}
[ -z "${BASE:-}" ] || build_rev base "$BASE"
if [ -n "${HUGEHEAP:-}" ]; then
  # The last revision that had internal/hugeheap (the parent of the commit
  # that deleted it; HEAD while it is not deleted), with and without it.
  rev=$(git log -1 --diff-filter=D --format=%H -- internal/hugeheap/hugeheap_linux.go)
  rev=${rev:+$rev^}
  rev=${rev:-HEAD}
  build_rev hugeheap "$rev"
  build_rev nohugeheap "$rev" nohugeheap
fi

. bench/lib.sh
start_fake
export AWS_VAULT_BACKEND=keyctl XDG_RUNTIME_DIR="$work/run" XDG_DATA_HOME="$work/data" XDG_CONFIG_HOME="$work/cfg"
printf '[default]\nregion = us-east-1\n\n[profile bench-tail]\nregion = us-east-1\n' > "$work/config"
AWS_ACCESS_KEY_ID=AKIABENCHBENCHBENCH AWS_SECRET_ACCESS_KEY=benchSecretbenchSecretbenchSecret0123 \
  "$work/aws-vault" add --env --no-add-config bench-tail </dev/null >/dev/null 2>&1
"$work/aws-vault" exec --json bench-tail >/dev/null # fills the session cache
mkdir -p "$work/proj"
echo bench-tail > "$work/proj/.awsprofile"
"$work/aws-vault" allow "$work/proj" >/dev/null
cd "$work/proj"
"$work/aws-vault" hook-exec --shell bash | grep -q AWS_SESSION_TOKEN || { echo "hook-exec loaded nothing" >&2; exit 1; }

cat > "$work/fragment.py" <<'PY'
# Touches SIZE MiB of anonymous memory a chunk at a time and gives every
# other 4 KiB page of each chunk back before the next: the next chunk's
# faults take those single pages again, so physical memory ends up with
# holes in every 2 MiB block touched, at about half of SIZE resident. Then
# again every few seconds, since the kernel compacts memory in the
# background.
import mmap, sys, time
size = int(sys.argv[1]) << 20
chunk = 256 << 20
page = mmap.PAGESIZE
m = mmap.mmap(-1, size, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
m.madvise(mmap.MADV_NOHUGEPAGE)
first = True
while True:
    for base in range(0, size, chunk):
        for off in range(base, min(base + chunk, size), page):
            m[off] = 1
        for off in range(base, min(base + chunk, size), 2 * page):
            m.madvise(mmap.MADV_DONTNEED, off, page)
    if first:
        print("fragmenting", size >> 20, "MiB", flush=True)
        first = False
    time.sleep(3)
PY

# measure LABEL: every binary's three commands, one run each in turn
# (the order rotating), RUNS times after a warm-up; for each run the wall
# time, the CPU time the process used (user + system, from wait4: direct
# memory compaction is system time of the process that asks for the huge
# page, and unlike the wall time it does not count waiting for a CPU that
# other processes hold) and its minor page faults.
measure() {
  local cmds=() b
  for b in "${bins[@]}"; do
    cmds+=("$work/$b --version" "$work/$b exec --json bench-tail" "$work/$b hook-exec --shell bash")
  done
  python3 - "$1" "$runs" "${cmds[@]}" <<'PY'
import os, sys, time
label, n, cmds = sys.argv[1], int(sys.argv[2]), [c.split() for c in sys.argv[3:]]
null = os.open(os.devnull, os.O_WRONLY)
actions = [(os.POSIX_SPAWN_DUP2, null, 1)]
wall, cpu, faults = ([[] for _ in cmds] for _ in range(3))
def run(i):
    t = time.perf_counter()
    pid = os.posix_spawn(cmds[i][0], cmds[i], os.environ, file_actions=actions)
    _, status, ru = os.wait4(pid, 0)
    t = time.perf_counter() - t
    if status != 0:
        sys.exit("%s: exit status %d" % (" ".join(cmds[i]), status))
    return t, ru.ru_utime + ru.ru_stime, ru.ru_minflt
for _ in range(5):
    for i in range(len(cmds)):
        run(i)
for r in range(n):
    for k in range(len(cmds)):
        i = (r + k) % len(cmds)
        t, c, f = run(i)
        wall[i].append(t); cpu[i].append(c); faults[i].append(f)
def pct(v, p):
    v = sorted(v)
    return v[min(len(v) - 1, int(p / 100 * len(v)))] * 1e3
print("== %s (%d runs each; ms; faults: median minor page faults)" % (label, n))
print("%-40s %28s %28s %6s" % ("", "wall: p50   p90   p99   max", "CPU: p50   p90   p99   max", "faults"))
for i, c in enumerate(cmds):
    name = " ".join([c[0].split("/")[-1]] + c[1:])
    print("%-40s %6.2f %5.2f %5.2f %6.2f   %6.2f %5.2f %5.2f %6.2f %6d" % (
        name, pct(wall[i], 50), pct(wall[i], 90), pct(wall[i], 99), max(wall[i]) * 1e3,
        pct(cpu[i], 50), pct(cpu[i], 90), pct(cpu[i], 99), max(cpu[i]) * 1e3, sorted(faults[i])[len(faults[i]) // 2]))
PY
}

# vmstat DIFF: the kernel's compaction and THP-collapse counters since the
# last call: whether the fragmented run made huge pages scarce.
vm() { grep -E '^(compact_stall|compact_fail|compact_success|thp_collapse_alloc|thp_collapse_alloc_failed) ' /proc/vmstat; }
vm > "$work/vm0"
vmstat_diff() {
  vm > "$work/vm1"
  echo "kernel counters during the runs: $(join "$work/vm0" "$work/vm1" | awk '{printf "%s +%d  ", $1, $3 - $2}')"
  mv "$work/vm1" "$work/vm0"
}
echo "$(nproc) CPUs, load average $(cut -d" " -f1-3 /proc/loadavg); THP $(cat /sys/kernel/mm/transparent_hugepage/enabled), defrag $(cat /sys/kernel/mm/transparent_hugepage/defrag); $(date -u +%FT%TZ); times in ms"
measure "memory as it is"
vmstat_diff
[ -z "${NOFRAG:-}" ] || exit 0
avail=$(awk '/MemAvailable/ {print int($2 / 1024)}' /proc/meminfo)
mb=$((avail * 8 / 10)) # touched; about half of it stays resident
[ "$mb" -le "${FRAG_MB:-32768}" ] || mb=${FRAG_MB:-32768}
python3 "$work/fragment.py" "$mb" > "$work/frag.log" &
frag=$!
for _ in $(seq 1800); do grep -q fragmenting "$work/frag.log" && break; sleep 0.1; done
sleep 5 # the first round of fragmenting
vm > "$work/vm0"
measure "memory fragmented"
vmstat_diff
echo "fragmenter: $(grep -E '^(Rss|Pss)' /proc/$frag/smaps_rollup | tr -s ' ' | tr '\n' ' '); MemFree now $(awk '/MemFree/ {print int($2 / 1024)}' /proc/meminfo) MiB"
