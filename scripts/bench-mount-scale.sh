#!/usr/bin/env bash
# Mount time of a large pond, a cold directory listing through the mount, and the
# server's memory while 1 GiB streams through a 128 MiB cache.
#
#   bash scripts/bench-mount-scale.sh [POND]
#
# POND defaults to a copy of /tmp/pond-bench/scale-pond (100,000 files, 1,000 versions),
# which `npx tsx scripts/bench-fs-scale.ts` builds. Root, /dev/fuse. Leaves no mount.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
pond() { node "$here/bin/pond.js" "$@"; }
work="$(mktemp -d /tmp/pond-mscale.XXXXXX)"
mnt="$work/mnt"; mkdir -p "$mnt"
trap 'pond umount "$mnt" >/dev/null 2>&1 || fusermount -uz "$mnt" 2>/dev/null || true; rm -rf "$work"' EXIT
src="${1:-/tmp/pond-bench/scale-pond}"
[ -d "$src/oplog" ] || { echo "no pond at $src: run npx tsx scripts/bench-fs-scale.ts first"; exit 1; }
cp -a "$src" "$work/pond"; rm -f "$work/pond/lock"
export POND="$work/pond"
now() { date +%s%N; }
ms() { echo $(( ($2 - $1) / 1000000 )); }

files=$(pond sql --csv "SELECT count(*) AS n FROM files WHERE kind = 'file'" | tail -1)
version=$(pond log --json -n 1 | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s)[0].version))')
echo "pond: $files files, version $version"

t0=$(now); pond mount --cache-size 128M "$mnt" >/dev/null; t1=$(now)
ls "$mnt" >/dev/null; t2=$(now)
first=$(ls "$mnt" | head -1)
ls -l "$mnt/$first" >/dev/null; t3=$(now)
pid=$(pgrep -f "mount --foreground.*$mnt" | head -1)
echo "pond mount (command returns, mounted): $(ms $t0 $t1) ms"
echo "first ls of the root through the mount: $(ms $t1 $t2) ms"
echo "first ls -l of /$first ($(ls "$mnt/$first" | wc -l) entries): $(ms $t2 $t3) ms"
rss() { awk '/VmRSS/ {print int($2/1024)}' "/proc/$pid/status"; }
echo "server RSS after mount and two listings: $(rss) MiB"

# 1 GiB through a 128 MiB cache: write it (memory pressure forces commits), read it back.
peak=0
sample() { local r; r=$(rss); [ "$r" -gt "$peak" ] && peak=$r; true; }
dd if=/dev/urandom of="$mnt/stream.bin" bs=1M count=1024 status=none &
ddpid=$!
while kill -0 $ddpid 2>/dev/null; do sample; sleep 0.2; done
python3 -c "import os,sys; fd=os.open(sys.argv[1], os.O_RDONLY); os.fsync(fd)" "$mnt/stream.bin"
sample; after_write=$peak
echo 3 > /proc/sys/vm/drop_caches
cat "$mnt/stream.bin" > /dev/null &
catpid=$!
while kill -0 $catpid 2>/dev/null; do sample; sleep 0.2; done
echo "server RSS peak while writing 1 GiB: $after_write MiB; while reading it back: $peak MiB (cache 128 MiB)"
t4=$(now); pond umount "$mnt" >/dev/null; t5=$(now)
echo "pond umount: $(ms $t4 $t5) ms"
