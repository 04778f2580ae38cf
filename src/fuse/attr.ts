import type Fuse from 'fuse-native';
import type { Stat } from '../tinyfs/index.js';

/** A TinyFS stat as fuse-native packs it (times as ms numbers: no Date per call). */
export function toFuseStat(s: Stat): Fuse.Stat {
  return {
    mode: s.mode, uid: s.uid, gid: s.gid, size: s.size, nlink: s.nlink,
    // use_ino: fuse-native keeps 32 bits.
    ino: s.ino % 0x100000000,
    blksize: 4096, blocks: Math.ceil(s.size / 512),
    atime: s.atime, mtime: s.mtime, ctime: s.ctime,
  };
}
