#!/usr/bin/env bash
# The main job on an embedded default: create a pond in a temp folder, mount it, use it
# with ordinary tools, and look at its history. Leaves nothing mounted.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
pond() { node "$here/bin/pond.js" "$@"; }

[ -f "$here/dist/cli/main.js" ] || (cd "$here" && npx tsc -p .)
work="$(mktemp -d "${TMPDIR:-/tmp}/pond-demo.XXXXXX")"
export POND="$work/pond"
mnt="$work/mnt"
mkdir -p "$mnt"
cleanup() { pond umount "$mnt" >/dev/null 2>&1 || fusermount -uz "$mnt" 2>/dev/null || true; }
trap cleanup EXIT

step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }

step pond init; pond init
step pond mount "$mnt"; pond mount "$mnt"

step "echo / mkdir / cp into the mount, then sync"
echo "hello, pond" > "$mnt/hello.txt"
mkdir -p "$mnt/notes"
printf 'line %s\n' $(seq 1 5) > "$mnt/notes/todo.txt"
python3 - "$mnt/hello.txt" <<'PY'
import os, sys
fd = os.open(sys.argv[1], os.O_RDONLY); os.fsync(fd); os.close(fd)   # fsync = commit
PY
echo "hello again" >> "$mnt/hello.txt"
mv "$mnt/notes/todo.txt" "$mnt/notes/done.txt"
python3 -c "import os,sys; fd=os.open(sys.argv[1], os.O_RDONLY); os.fsync(fd)" "$mnt/hello.txt"

step "ls -la $mnt"; ls -la "$mnt"
step "ls $mnt/.history    # every version, read-only"; ls "$mnt/.history"
step "cat $mnt/.history/1/hello.txt"; cat "$mnt/.history/1/hello.txt"
step "cat $mnt/hello.txt"; cat "$mnt/hello.txt"
step "echo x > $mnt/.history/1/new   # history is read-only"
echo x > "$mnt/.history/1/new" 2>&1 || true

step pond umount "$mnt"; pond umount "$mnt"
step pond log; pond log
step "pond cat --at 1 /hello.txt"; pond cat --at 1 /hello.txt
step "pond ls -l -R /"; pond ls -l -R /
step "pond sql \"SELECT path, kind, size FROM files ORDER BY path\""
pond sql "SELECT path, kind, size FROM files ORDER BY path" || echo "(pond sql not available)"
step "pond check"; pond check
printf '\nThe pond is at %s (a Delta Lake table in %s/oplog).\n' "$POND" "$POND"
