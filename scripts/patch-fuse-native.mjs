// Patches fuse-native 2.2.6 and rebuilds it from source (npm postinstall). Idempotent:
// each patch carries a marker and is applied once; the rebuild runs until the binary
// holds both.
//
// 1. utimens: fuse-native passes the ATIME as both times (fuse-native.c:
//    FUSE_UINT64_TO_INTS_ARGV(l->atime, 5)), so `touch -m`, `cp -a`, `rsync -a` and
//    `tar x` set the wrong mtime, and UTIME_NOW / UTIME_OMIT arrive as ~1073 ms after the
//    epoch. The patch sends mtime, turns UTIME_NOW into the current time and UTIME_OMIT
//    into 2^64-1 ("leave unchanged"), which src/fuse/operations.ts understands. See
//    native-notes/semantics.md.
// 2. attribute cache: a channel over /dev/fuse that sets attr_valid per reply, so the
//    kernel caches attributes of directories and single-link files but never of hard
//    links (scripts/fuse-native-attr-cache.c; native-notes/performance.md).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
let dir;
try {
  dir = dirname(require.resolve('fuse-native/package.json'));
} catch {
  process.exit(0); // not installed (e.g. production install without it): nothing to do
}
const file = join(dir, 'fuse-native.c');
const original = readFileSync(file, 'utf8');
let src = original;

/** Applies [before, after] replacements once, only if every `before` is found. */
function patch(mark, edits) {
  if (src.includes(mark)) return;
  for (const [before] of edits) {
    if (!src.includes(before)) {
      console.error(`patch-fuse-native: fuse-native.c is not the expected 2.2.6 source (${mark}); leaving it alone`);
      process.exit(0);
    }
  }
  for (const [before, after] of edits) src = src.replace(before, after);
}

const UTIMENS = '/* pond: utimens patch */';
patch(UTIMENS, [
  [`  l->atime = timespec_to_uint64(&tv[0]);
  l->mtime = timespec_to_uint64(&tv[1]);
}, {
  napi_create_string_utf8(env, l->path, NAPI_AUTO_LENGTH, &(argv[2]));
  FUSE_UINT64_TO_INTS_ARGV(l->atime, 3)
  FUSE_UINT64_TO_INTS_ARGV(l->atime, 5)`, `  l->atime = pond_utime_arg(&tv[0]);
  l->mtime = pond_utime_arg(&tv[1]);
}, {
  napi_create_string_utf8(env, l->path, NAPI_AUTO_LENGTH, &(argv[2]));
  FUSE_UINT64_TO_INTS_ARGV(l->atime, 3)
  FUSE_UINT64_TO_INTS_ARGV(l->mtime, 5)`],
  ['FUSE_METHOD_VOID(utimens,', `${UTIMENS}
static uint64_t pond_utime_arg (const struct timespec* ts) {
  if (ts->tv_nsec == UTIME_OMIT) return UINT64_MAX;
  if (ts->tv_nsec == UTIME_NOW) {
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    return timespec_to_uint64(&now);
  }
  return timespec_to_uint64(ts);
}

FUSE_METHOD_VOID(utimens,`],
]);

const ATTR = '/* pond: attr cache patch */';
const ATTR_END = '/* pond: attr cache patch end */';
const attrCode = readFileSync(join(dirname(fileURLToPath(import.meta.url)), 'fuse-native-attr-cache.c'), 'utf8').trimEnd();
if (!attrCode.startsWith(ATTR) || !attrCode.endsWith(ATTR_END)) throw new Error('fuse-native-attr-cache.c must start and end with its markers');
if (src.includes(ATTR)) {
  // Patched before: bring the inserted block up to date (the other edits do not change).
  const from = src.indexOf(ATTR);
  const to = src.indexOf(ATTR_END, from);
  if (to < 0) throw new Error('fuse-native.c: attr cache block without its end marker');
  src = src.slice(0, from) + attrCode + src.slice(to + ATTR_END.length);
}
patch(ATTR, [
  ['static void* start_fuse_thread (void *data) {', `${attrCode}\n\nstatic void* start_fuse_thread (void *data) {`],
  // The original also called fuse_session_remove_chan(ft->ch) on the channel that
  // fuse_unmount had just freed. fuse_unmount closes the fd and frees the mount's channel;
  // fuse_destroy frees the session and the channel it reads from (pond's wrapper, if any).
  [`  fuse_unmount(ft->mnt, ft->ch);
  fuse_session_remove_chan(ft->ch);
  fuse_destroy(ft->fuse);`, `  fuse_unmount(ft->mnt, ft->ch);
  fuse_destroy(ft->fuse);`],
  ['ops.getattr = fuse_native_getattr;', 'ops.getattr = pond_getattr;'],
  ['ops.fgetattr = fuse_native_fgetattr;', 'ops.fgetattr = pond_fgetattr;'],
  ['  int _argc = (strcmp(mntopts, "-o") <= 0) ? 1 : 2;', `  double pond_attr = pond_take_option(mntopts);
  int _argc = (strcmp(mntopts, "-o") <= 0) ? 1 : 2;`],
  ['struct fuse *fuse = fuse_new(ch, &args,', 'struct fuse *fuse = fuse_new(pond_chan_wrap(ch, pond_attr), &args,'],
  ['  NAPI_EXPORT_SIZEOF(fuse_thread_t)\n', '  NAPI_EXPORT_SIZEOF(fuse_thread_t)\n  NAPI_EXPORT_UINT32(pond_attr_cache)\n'],
]);
// A later addition to the block above, exported beside pond_attr_cache (its own mark:
// a source patched before it has the block but not this export).
patch('NAPI_EXPORT_UINT32(pond_max_pages)', [
  ['  NAPI_EXPORT_UINT32(pond_attr_cache)\n', '  NAPI_EXPORT_UINT32(pond_attr_cache)\n  NAPI_EXPORT_UINT32(pond_max_pages)\n'],
]);
if (src !== original) writeFileSync(file, src);

const binary = join(dir, 'build', 'Release', 'fuse.node');
const built = existsSync(binary) ? readFileSync(binary) : undefined;
const stale = built !== undefined && statSync(binary).mtimeMs < statSync(file).mtimeMs;
if (!built || stale || !built.includes('pond_utime_arg') || !built.includes('pond_max_pages=')) {
  // node-gyp-build loads build/Release before the shipped prebuilds.
  const gyp = process.env.npm_config_node_gyp;
  const [cmd, args] = gyp ? [process.execPath, [gyp, 'rebuild']] : ['npx', ['--yes', 'node-gyp', 'rebuild']];
  execFileSync(cmd, args, { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
}
