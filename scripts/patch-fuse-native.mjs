// Patches fuse-native 2.2.6's utimens and rebuilds it from source (npm postinstall).
//
// fuse-native passes the ATIME as both times (fuse-native.c: FUSE_UINT64_TO_INTS_ARGV(
// l->atime, 5)), so `touch -m`, `cp -a`, `rsync -a` and `tar x` set the wrong mtime, and
// UTIME_NOW / UTIME_OMIT arrive as ~1073 ms after the epoch. The patch sends mtime, turns
// UTIME_NOW into the current time and UTIME_OMIT into 2^64-1 ("leave unchanged"), which
// src/fuse/operations.ts understands. See native-notes/semantics.md.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
let dir;
try {
  dir = dirname(require.resolve('fuse-native/package.json'));
} catch {
  process.exit(0); // not installed (e.g. production install without it): nothing to do
}
const file = join(dir, 'fuse-native.c');
const MARK = '/* pond: utimens patch */';
let src = readFileSync(file, 'utf8');
if (!src.includes(MARK)) {
  const before = `  l->atime = timespec_to_uint64(&tv[0]);
  l->mtime = timespec_to_uint64(&tv[1]);
}, {
  napi_create_string_utf8(env, l->path, NAPI_AUTO_LENGTH, &(argv[2]));
  FUSE_UINT64_TO_INTS_ARGV(l->atime, 3)
  FUSE_UINT64_TO_INTS_ARGV(l->atime, 5)`;
  const after = `  l->atime = pond_utime_arg(&tv[0]);
  l->mtime = pond_utime_arg(&tv[1]);
}, {
  napi_create_string_utf8(env, l->path, NAPI_AUTO_LENGTH, &(argv[2]));
  FUSE_UINT64_TO_INTS_ARGV(l->atime, 3)
  FUSE_UINT64_TO_INTS_ARGV(l->mtime, 5)`;
  if (!src.includes(before)) {
    console.error('patch-fuse-native: fuse-native.c is not the expected 2.2.6 source; leaving it alone');
    process.exit(0);
  }
  const helper = `${MARK}
static uint64_t pond_utime_arg (const struct timespec* ts) {
  if (ts->tv_nsec == UTIME_OMIT) return UINT64_MAX;
  if (ts->tv_nsec == UTIME_NOW) {
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    return timespec_to_uint64(&now);
  }
  return timespec_to_uint64(ts);
}

FUSE_METHOD_VOID(utimens,`;
  src = src.replace(before, after).replace('FUSE_METHOD_VOID(utimens,', helper);
  writeFileSync(file, src);
}
if (!existsSync(join(dir, 'build', 'Release', 'fuse.node')) || !readFileSync(join(dir, 'build', 'Release', 'fuse.node')).includes('pond_utime_arg')) {
  // node-gyp-build loads build/Release before the shipped prebuilds.
  const gyp = process.env.npm_config_node_gyp;
  const [cmd, args] = gyp ? [process.execPath, [gyp, 'rebuild']] : ['npx', ['--yes', 'node-gyp', 'rebuild']];
  execFileSync(cmd, args, { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
}
