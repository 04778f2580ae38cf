#!/usr/bin/env bash
# Mount baselines, side by side, in one run (root; about 1-2 minutes):
#   (a) tmpfs              the kernel's own in-memory filesystem: the upper bound
#   (b) bindfs over tmpfs  a C libfuse 2 passthrough: the cost of FUSE itself
#   (c) memfs-fuse         scripts/bench/memfs-fuse.ts: the ceiling for a JS fuse-native fs
#   (c') memfs1m           the same with 1 MiB requests, as pond mounts (pond's patched
#                          fuse-native; skipped when the binary cannot ask for them)
#   (d) host               a folder on the disk /tmp is on: what pond stores its data on
#   (e) pond               only if POND_MOUNT_CMD is set (see below)
#
#   bash scripts/bench-mount.sh
#   POND_MOUNT_CMD='node bin/pond.js --pond /tmp/p mount' bash scripts/bench-mount.sh
#
# POND_MOUNT_CMD is run as `$POND_MOUNT_CMD DIR` and must return once DIR is mounted (or
# keep running: it is started in the background and we wait until DIR shows up in
# /proc/mounts). POND_UMOUNT_CMD (default `fusermount -u`) is run as `$POND_UMOUNT_CMD DIR`
# at the end; `fusermount -uz` follows as a fallback for every FUSE mount we made.
#
# Env: SIZE_MB (256), FILES (5000), TX (300 sqlite transactions), STEP_TIMEOUT (60 s),
# PARTS (default "io files sqlite": sequential write/read, create/stat/rm -rf, sqlite; a
# subset runs and reports only those rows).
# SKIP="tmpfs bindfs" to leave targets out (memfs always runs: it is the ratio's base).
# BENCH_TMP (default /tmp): the folder the run makes its own under (host and tmpfs targets).
set -uo pipefail

SIZE_MB=${SIZE_MB:-256}
FILES=${FILES:-5000}
TX=${TX:-300}
STEP_TIMEOUT=${STEP_TIMEOUT:-60}
PARTS=" ${PARTS:-io files sqlite} "
part() { [[ "$PARTS" == *" $1 "* ]]; }
SKIP=${SKIP:-}
ROOT=$(cd "$(dirname "$0")/.." && pwd)

[ "$(id -u)" = 0 ] || { echo "bench-mount.sh: needs root (mount -t tmpfs, drop_caches)" >&2; exit 1; }

BASE=$(mktemp -d "${BENCH_TMP:-/tmp}/pond-bench.XXXXXX")
MOUNTED=()      # mount points to unmount, in reverse order
MEMFS_PIDS=()   # memfs-fuse servers (memfs, memfs1m)
POND_PID=""

cleanup() {
  set +e
  [ -n "$POND_PID" ] && kill -TERM "$POND_PID" 2>/dev/null
  for pid in "${MEMFS_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null && sleep 0.5; done
  for ((i = ${#MOUNTED[@]} - 1; i >= 0; i--)); do
    local m=${MOUNTED[$i]}
    if grep -q " $m " /proc/mounts; then
      if [ "$m" = "$BASE/pond" ]; then ${POND_UMOUNT_CMD:-fusermount -u} "$m" 2>/dev/null; fi
      case $(awk -v m="$m" '$2 == m { print $3 }' /proc/mounts) in
        fuse*) fusermount -u "$m" 2>/dev/null || fusermount -uz "$m" ;;
        *) umount "$m" 2>/dev/null || umount -l "$m" ;;
      esac
    fi
  done
  for pid in "${MEMFS_PIDS[@]}"; do kill -KILL "$pid" 2>/dev/null; done
  [ -n "$POND_PID" ] && kill -KILL "$POND_PID" 2>/dev/null
  for m in "${MOUNTED[@]}"; do
    grep -q " $m " /proc/mounts && echo "WARNING: $m still mounted" >&2
  done
  rm -rf "$BASE"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

wait_mounted() { # DIR SECONDS
  local i
  for ((i = 0; i < $2 * 10; i++)); do
    grep -q " $1 " /proc/mounts && return 0
    sleep 0.1
  done
  return 1
}

now_ns() { date +%s%N; }

# --- mounts -----------------------------------------------------------------
mkdir -p "$BASE/tmpfs" "$BASE/bindfs" "$BASE/pond"
mount -t tmpfs -o size=$((SIZE_MB * 3 + 512))m tmpfs "$BASE/tmpfs" && MOUNTED+=("$BASE/tmpfs")
mkdir -p "$BASE/tmpfs/src" "$BASE/tmpfs/target" "$BASE/tmpfs/bindsrc"
part io && head -c $((SIZE_MB << 20)) /dev/urandom > "$BASE/tmpfs/src/data"   # incompressible input

bindfs "$BASE/tmpfs/bindsrc" "$BASE/bindfs" && MOUNTED+=("$BASE/bindfs")

start_memfs() { # NAME [PAGES]: memfs-fuse on $BASE/NAME (PAGES-page requests); waits for the mount
  mkdir -p "$BASE/$1"
  MEMFS_REQUEST_PAGES=${2:-} node --import tsx "$ROOT/scripts/bench/memfs-fuse.ts" "$BASE/$1" > "$BASE/$1.log" 2>&1 &
  MEMFS_PIDS+=($!)
  MOUNTED+=("$BASE/$1")
  wait_mounted "$BASE/$1" 20 || { echo "memfs-fuse ${2:+with $2-page requests }did not mount:"; cat "$BASE/$1.log"; return 1; }
}
start_memfs memfs || exit 1

TARGETS=(tmpfs bindfs memfs)
declare -A DIR=([tmpfs]="$BASE/tmpfs/target" [bindfs]="$BASE/bindfs" [memfs]="$BASE/memfs")

PAGES=$(cd "$ROOT" && node --import tsx -e "import('./src/fuse/nativeSupport.ts').then((m) => console.log(m.maxRequestPages()))" 2>/dev/null)
if [ "${PAGES:-32}" -gt 32 ] && start_memfs memfs1m "$PAGES"; then
  TARGETS+=(memfs1m)
  DIR[memfs1m]="$BASE/memfs1m"
fi

mkdir -p "$BASE/host"
TARGETS+=(host)
DIR[host]="$BASE/host"

# Hook for pond: set POND_MOUNT_CMD once `pond mount` exists.
if [ -n "${POND_MOUNT_CMD:-}" ]; then
  MOUNTED+=("$BASE/pond")
  $POND_MOUNT_CMD "$BASE/pond" > "$BASE/pond.log" 2>&1 &
  POND_PID=$!
  if wait_mounted "$BASE/pond" 60; then
    TARGETS+=(pond)
    DIR[pond]="$BASE/pond"
  else
    echo "POND_MOUNT_CMD did not mount $BASE/pond:"; cat "$BASE/pond.log"
  fi
fi

# --- measurements -----------------------------------------------------------
declare -A R   # R[metric,target] = number

drop_caches() { sync; echo 3 > /proc/sys/vm/drop_caches; }

# Runs "$@" with the step timeout; prints elapsed seconds, or nothing on failure.
timed() {
  local t0 t1
  t0=$(now_ns)
  timeout "$STEP_TIMEOUT" "$@" > /dev/null 2>&1 || return 1
  t1=$(now_ns)
  echo "scale=6; ($t1 - $t0) / 1000000000" | bc
}

rate() { [ -n "$2" ] && echo "scale=1; $1 / $2" | bc; }

SQL="$BASE/tmpfs/src/tx.sql"
{
  echo "PRAGMA synchronous=FULL; PRAGMA journal_mode=DELETE;"
  echo "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT);"
  for ((i = 0; i < TX; i++)); do echo "BEGIN; INSERT INTO t(v) VALUES ('row $i'); COMMIT;"; done
} > "$SQL"

skipped() { [[ " $SKIP " == *" $1 "* && $1 != memfs ]]; }
KEEP=()
for t in "${TARGETS[@]}"; do skipped "$t" || KEEP+=("$t"); done
TARGETS=("${KEEP[@]}")

for t in "${TARGETS[@]}"; do
  d=${DIR[$t]}
  echo "== $t ($d)" >&2
  if part io; then
  s=$(timed dd if="$BASE/tmpfs/src/data" of="$d/big" bs=1M conv=fsync)
  R[write,$t]=$(rate "$SIZE_MB" "$s")
  drop_caches
  s=$(timed dd if="$d/big" of=/dev/null bs=1M)
  R[read,$t]=$(rate "$SIZE_MB" "$s")
  s=$(timed dd if="$d/big" of=/dev/null bs=1M)
  R[reread,$t]=$(rate "$SIZE_MB" "$s")
  cmp -s "$BASE/tmpfs/src/data" "$d/big" || R[read,$t]="BAD"
  rm -f "$d/big"
  fi

  if part files; then
  mkdir -p "$d/many"
  s=$(timed python3 -c '
import os, sys
d, n = sys.argv[1], int(sys.argv[2])
for i in range(n):
    fd = os.open(f"{d}/f{i}", os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o644)
    os.write(fd, b"x" * 100)
    os.close(fd)' "$d/many" "$FILES")
  R[create,$t]=$(rate "$FILES" "$s")
  s=$(timed python3 -c '
import os, sys
d, n = sys.argv[1], int(sys.argv[2])
for r in range(4):
    for i in range(n):
        os.stat(f"{d}/f{i}")' "$d/many" "$FILES")
  R[stat,$t]=$(rate $((FILES * 4)) "$s")
  s=$(timed rm -rf "$d/many")
  R[unlink,$t]=$(rate "$FILES" "$s")
  fi

  if part sqlite; then
  s=$(timed sqlite3 "$d/bench.db" ".read $SQL")
  R[sqlite,$t]=$(rate "$TX" "$s")
  rm -f "$d/bench.db" "$d/bench.db-journal"
  fi
done

# --- report -----------------------------------------------------------------
METRICS=()
part io && METRICS+=(write read reread)
part files && METRICS+=(create stat unlink)
part sqlite && METRICS+=(sqlite)
declare -A LABEL=(
  [write]="seq write ${SIZE_MB} MiB, 1 MiB blocks + fsync (MiB/s)"
  [read]="seq read, caches dropped (MiB/s)"
  [reread]="repeated read, page cache (MiB/s)"
  [create]="create+write 100 B+close (files/s)"
  [stat]="stat of existing files (stats/s)"
  [unlink]="rm -rf of those files (files/s)"
  [sqlite]="sqlite3 1-row txns, synchronous=FULL (tx/s)"
)
# pond and memfs1m both measured: a pond/memfs1m column.
both1m() { [[ " ${TARGETS[*]} " == *" pond "* && " ${TARGETS[*]} " == *" memfs1m "* ]]; }
ratio() { # a b -> a/b as x.xx, or -
  if [[ "$1" =~ ^[0-9.]+$ && "$2" =~ ^[0-9.]+$ ]] && [ "$(echo "$2 > 0" | bc)" = 1 ]; then
    printf '%.2f' "$(echo "scale=4; $1 / $2" | bc)"
  else echo -; fi
}

echo
echo "$(uname -r), $(nproc) CPUs, node $(node --version), $(date -u +%F)"
printf '| %-46s |' metric
for t in "${TARGETS[@]}"; do printf ' %9s |' "$t"; done
for t in "${TARGETS[@]}"; do [ "$t" != memfs ] && printf ' %s/memfs |' "$t"; done
both1m && printf ' pond/memfs1m |'
for t in "${TARGETS[@]}"; do [ "$t" != tmpfs ] && printf ' %s/tmpfs |' "$t"; done
echo
printf '|%s|' "$(printf -- '-%.0s' {1..48})"
for t in "${TARGETS[@]}"; do printf -- '----------:|'; done
for t in "${TARGETS[@]}"; do [ "$t" != memfs ] && printf -- '------:|'; done
both1m && printf -- '------:|'
for t in "${TARGETS[@]}"; do [ "$t" != tmpfs ] && printf -- '------:|'; done
echo
for m in "${METRICS[@]}"; do
  printf '| %-46s |' "${LABEL[$m]}"
  for t in "${TARGETS[@]}"; do printf ' %9s |' "${R[$m,$t]:-fail}"; done
  for t in "${TARGETS[@]}"; do [ "$t" != memfs ] && printf ' %s |' "$(ratio "${R[$m,$t]:-}" "${R[$m,memfs]:-}")"; done
  both1m && printf ' %s |' "$(ratio "${R[$m,pond]:-}" "${R[$m,memfs1m]:-}")"
  for t in "${TARGETS[@]}"; do [ "$t" != tmpfs ] && printf ' %s |' "$(ratio "${R[$m,$t]:-}" "${R[$m,tmpfs]:-}")"; done
  echo
done
# The issue's sqlite baseline is the host filesystem (the disk /tmp is on), not tmpfs.
if part sqlite && ! skipped host; then
  echo
  echo "sqlite3 on the host filesystem ($(df --output=fstype "$BASE" | tail -1) under $BASE): ${R[sqlite,host]:-fail} tx/s$(
    [ -n "${R[sqlite,pond]:-}" ] && echo "; pond/host $(ratio "${R[sqlite,pond]}" "${R[sqlite,host]:-}")")"
fi
