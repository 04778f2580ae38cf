import type Fuse from 'fuse-native';
import type { Stat } from '../tinyfs/index.js';

/**
 * `dev` value by which a getattr answer tells pond's patched fuse-native that the kernel
 * may cache these attributes (scripts/fuse-native-attr-cache.c; it still never caches a
 * hard-linked file). libfuse does not send st_dev to the kernel, so it is free to carry
 * this. Anything else (0) means "ask again every time".
 */
export const MAY_CACHE = 1;

/**
 * A TinyFS stat as fuse-native packs it (times as ms numbers: no Date per call).
 * `cacheable`: its attributes change only through the kernel's own calls on this mount.
 */
export function toFuseStat(s: Stat, cacheable: boolean): Fuse.Stat {
  return {
    mode: s.mode, uid: s.uid, gid: s.gid, size: s.size, nlink: s.nlink, dev: cacheable ? MAY_CACHE : 0,
    // use_ino: fuse-native keeps 32 bits.
    ino: s.ino % 0x100000000,
    blksize: 4096, blocks: Math.ceil(s.size / 512),
    atime: s.atime, mtime: s.mtime, ctime: s.ctime,
  };
}
