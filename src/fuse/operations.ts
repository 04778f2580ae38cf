import type Fuse from 'fuse-native';
import { statfs as statfsCb } from 'node:fs';
import { PondError, isPondError } from '../errors.js';
import type { FS, FileNode, Node } from '../tinyfs/index.js';
import type { Pond } from '../tinylogfs/index.js';
import { toFuseStat } from './attr.js';
import { Errno, toErrno } from './errno.js';
import { HandleTable } from './handles.js';
import { HISTORY, type HistoryRouter } from './HistoryRouter.js';

const O_ACCMODE = 3;
const O_APPEND = 0o2000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;
// libfuse renames a file that is unlinked while open to this name, and unlinks it on the
// last close. We do the unlink at once and keep the node for the open handles, so no
// hidden file ever appears in a commit or blocks an rmdir.
const OMIT = 2 ** 63;
const HIDDEN = /\/\.fuse_hidden[0-9a-f]+$/;

export interface OperationsContext {
  pond: Pond;
  router: HistoryRouter;
  readOnly: boolean;
  log: (line: string) => void;
  /** What reached the server (tests check which stats are cached, how large requests are). */
  counters?: RequestCounters;
}

export interface RequestCounters {
  /** getattr calls answered. */
  getattr: number;
  /** getxattr calls answered (the channel answers some itself: security.capability). */
  getxattr: number;
  /** The largest read and write requests seen, in bytes. */
  largestRead: number;
  largestWrite: number;
}

/**
 * The kernel's calls translated to TinyFS calls. Every handler answers exactly once:
 * errors become a negative errno (unknown ones EIO, logged with op and path, never ENOSYS).
 */
export function makeOperations(ctx: OperationsContext): Fuse.Operations {
  const { pond, router } = ctx;
  const handles = new HandleTable();
  const hidden = new Map<string, { fs: FS; node: Node }>();
  const counters = ctx.counters ?? { getattr: 0, getxattr: 0, largestRead: 0, largestWrite: 0 };
  // Path -> node of the live tree, so a hot call (getattr of uncached attributes) is
  // answered without a promise or a walk. Names only disappear or move through unlink and
  // rmdir (which drop their name) and rename (which clears it); version views never change.
  const paths = new Map<string, { fs: FS; node: Node }>();
  const PATHS_MAX = 100_000;
  const remember = (path: string, hit: { fs: FS; node: Node }): void => {
    if (paths.size >= PATHS_MAX) paths.clear();
    paths.set(path, hit);
  };
  const owner = { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 };

  const fail = (op: string, path: string, err: unknown): number => {
    const errno = toErrno(err);
    if (errno === Errno.EIO && !(isPondError(err) && err.code === 'EIO')) {
      ctx.log(`${op} ${path}: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
    } else if (isPondError(err, 'EIO') || isPondError(err, 'ECORRUPT')) {
      ctx.log(`${op} ${path}: ${err.message}`);
    }
    return errno;
  };
  /** Runs fn and answers cb(0, value) or cb(-errno). */
  const reply = <T>(op: string, path: string, cb: (code: number, value?: T) => void, fn: () => Promise<T> | T): void => {
    Promise.resolve().then(fn).then((v) => cb(0, v), (err: unknown) => cb(fail(op, path, err)));
  };
  /** For read and write: cb(count) or cb(-errno). */
  const count = (op: string, path: string, cb: (n: number) => void, fn: () => Promise<number>): void => {
    fn().then((n) => cb(n), (err: unknown) => cb(fail(op, path, err)));
  };

  /** The filesystem and path inside it; special `.history` entries are read-only. */
  const target = async (path: string): Promise<{ fs: FS; path: string }> => {
    const r = await router.route(path);
    if (r.kind !== 'fs') throw new PondError('EROFS', `read-only: ${path}`);
    return r;
  };
  /** A node already known for this kernel path, found without a promise. */
  const known = (path: string): { fs: FS; node: Node } | undefined => hidden.get(path) ?? paths.get(path);
  /**
   * True when `path` is certainly absent: its parent is a known directory whose entries are
   * loaded and lack the name. Lets the kernel's lookup before each create be answered
   * without a promise or an error object. Anything unusual takes the full walk.
   */
  const knownMissing = (path: string): boolean => {
    const slash = path.lastIndexOf('/');
    const parent = paths.get(slash === 0 ? '/' : path.slice(0, slash));
    if (!parent || parent.node.kind !== 'directory') return false;
    const dir = parent.node;
    if (!dir.entries || dir.source) return false;
    const name = path.slice(slash + 1);
    if (name === '' || name === '.' || name === '..' || name.length > 85) return false; // 85 chars <= 255 bytes
    if (slash === 0 && name === HISTORY && router.mode !== 'off') return false;
    return !dir.entries.has(name);
  };
  /** The pond node at `path` (live or in a version); undefined for a router-made `.history` entry. */
  const nodeOrNone = async (path: string): Promise<{ fs: FS; node: Node } | undefined> => {
    const h = known(path);
    if (h) return h;
    const r = await router.route(path);
    if (r.kind !== 'fs') return undefined;
    const hit = { fs: r.fs, node: await r.fs.resolve(r.path, false) };
    remember(path, hit);
    return hit;
  };
  /** The pond node at `path`; router-made `.history` entries are read-only (EROFS). */
  const nodeAt = async (path: string): Promise<{ fs: FS; node: Node }> => {
    const hit = await nodeOrNone(path);
    if (!hit) throw new PondError('EROFS', `read-only: ${path}`);
    return hit;
  };
  const historyRootStat = (): Fuse.Stat => {
    const t = pond.oplog.timestamp;
    return { mode: S_IFDIR | 0o555, nlink: 2, uid: 0, gid: 0, size: 4096, ino: 2, atime: t, mtime: t, ctime: t, dev: 0 };
  };
  const latestStat = (): Fuse.Stat => {
    const t = pond.oplog.timestamp;
    return { mode: S_IFLNK | 0o777, nlink: 1, uid: 0, gid: 0, size: String(pond.version).length, ino: 3, atime: t, mtime: t, ctime: t, dev: 0 };
  };
  const noChangesHere = (path: string): void => {
    if (path === `/${HISTORY}` && router.mode !== 'off') throw new PondError('EEXIST', `reserved name: ${path}`);
  };

  return {
    init: (cb) => cb(0),

    getattr: (path, cb) => {
      counters.getattr++;
      const hit = known(path);
      // Under .history, attributes change with commits the kernel does not see (the
      // `.history` time, `latest`, what `@TIME` means): never cached (attr.ts MAY_CACHE).
      if (hit) return cb(0, toFuseStat(hit.node.stat(), !router.inHistory(path)));
      if (knownMissing(path)) return cb(Errno.ENOENT);
      reply('getattr', path, cb, async () => {
        const r = await router.route(path);
        if (r.kind === 'historyRoot') return historyRootStat();
        if (r.kind === 'latest') return latestStat();
        const node = await r.fs.resolve(r.path, false);
        remember(path, { fs: r.fs, node });
        return toFuseStat(node.stat(), !router.inHistory(path));
      });
    },

    access: (path, _mode, cb) => reply('access', path, cb, async () => {
      const r = await router.route(path);
      if (r.kind === 'fs') await r.fs.resolve(r.path, false);
      return undefined;
    }),

    readdir: (path, cb) => reply('readdir', path, cb, async () => {
      const r = await router.route(path);
      if (r.kind === 'historyRoot') return ['.', '..', ...router.list()];
      if (r.kind === 'latest') throw new PondError('ENOTDIR', `not a directory: ${path}`);
      const names = await r.fs.readdir(r.path);
      if (path === '/' && router.mode === 'visible') names.push(HISTORY);
      return ['.', '..', ...names];
    }),

    readlink: (path, cb) => reply('readlink', path, cb, async () => {
      const r = await router.route(path);
      if (r.kind === 'latest') return String(pond.version);
      if (r.kind === 'historyRoot') throw new PondError('EINVAL', `not a symbolic link: ${path}`);
      return r.fs.readlink(r.path);
    }),

    statfs: (path, cb) => {
      statfsCb(pond.dir, (err, s) => {
        if (err) return cb(fail('statfs', path, err));
        cb(0, {
          bsize: s.bsize, frsize: s.bsize, blocks: s.blocks, bfree: s.bfree, bavail: s.bavail,
          files: s.files, ffree: s.ffree, favail: s.ffree, namemax: 255,
        });
      });
    },

    open: (path, flags, cb) => reply('open', path, cb, async () => {
      const { fs, node } = await nodeAt(path);
      const writable = (flags & O_ACCMODE) !== 0;
      if (writable && (ctx.readOnly || node.readOnly)) throw new PondError('EROFS', `read-only: ${path}`);
      return handles.add({ fs, node, writable, append: (flags & O_APPEND) !== 0 });
    }),

    create: (path, mode, cb) => reply('create', path, cb, async () => {
      noChangesHere(path);
      const t = await target(path);
      const node = await t.fs.create(t.path, mode & 0o7777, owner, false);
      remember(path, { fs: t.fs, node }); // the kernel's getattr follows at once
      return handles.add({ fs: t.fs, node, writable: true, append: false });
    }),

    read: (path, fd, buf, len, pos, cb) => count('read', path, cb, async () => {
      if (len > counters.largestRead) counters.largestRead = len;
      const h = handles.get(fd);
      if (h.node.kind !== 'file') throw new PondError('EISDIR', `is a directory: ${path}`);
      return h.fs.readInto(h.node, pos, buf); // fuse-native's buf is the reply's len bytes
    }),

    write: (path, fd, buf, len, pos, cb) => count('write', path, cb, async () => {
      if (len > counters.largestWrite) counters.largestWrite = len;
      const h = handles.get(fd);
      const file = h.node as FileNode;
      await h.fs.write(file, h.append ? file.size : pos, buf.subarray(0, len));
      // Too much unflushed data: this writer waits for a commit (back-pressure).
      const pressure = pond.pressure();
      if (pressure) await pressure.catch(() => undefined);
      return len;
    }),

    truncate: (path, size, cb) => reply('truncate', path, cb, async () => {
      const { fs, node } = await nodeAt(path);
      if (node.kind !== 'file') throw new PondError('EISDIR', `is a directory: ${path}`);
      await fs.truncate(node, size);
      return undefined;
    }),

    ftruncate: (path, fd, size, cb) => reply('ftruncate', path, cb, async () => {
      const h = handles.get(fd);
      if (h.node.kind !== 'file') throw new PondError('EISDIR', `is a directory: ${path}`);
      await h.fs.truncate(h.node, size);
      return undefined;
    }),

    flush: (_path, _fd, cb) => cb(0),

    fsync: (path, _datasync, _fd, cb) => reply('fsync', path, cb, async () => {
      if (!ctx.readOnly) await pond.flush('fsync');
      return undefined;
    }),

    fsyncdir: (path, _datasync, _fd, cb) => reply('fsyncdir', path, cb, async () => {
      if (!ctx.readOnly) await pond.flush('fsync');
      return undefined;
    }),

    release: (_path, fd, cb) => {
      handles.remove(fd);
      cb(0);
    },

    mkdir: (path, mode, cb) => reply('mkdir', path, cb, async () => {
      noChangesHere(path);
      const t = await target(path);
      remember(path, { fs: t.fs, node: await t.fs.mkdir(t.path, mode & 0o7777, owner) });
      return undefined;
    }),

    rmdir: (path, cb) => reply('rmdir', path, cb, async () => {
      // Only an empty directory goes, so nothing cached lies below it: drop its own name.
      paths.delete(path);
      const t = await target(path);
      await t.fs.rmdir(t.path);
      return undefined;
    }),

    unlink: (path, cb) => reply('unlink', path, cb, async () => {
      // Only this name goes (unlink never removes a directory): the rest of the cache stays.
      paths.delete(path);
      if (hidden.delete(path)) return undefined;
      const t = await target(path);
      await t.fs.unlink(t.path);
      return undefined;
    }),

    rename: (src, dst, cb) => reply('rename', src, cb, async () => {
      paths.clear();
      const s = await target(src);
      if (HIDDEN.test(dst)) {
        const node = await s.fs.resolve(s.path, false);
        await s.fs.unlink(s.path);
        hidden.set(dst, { fs: s.fs, node });
        return undefined;
      }
      noChangesHere(dst);
      const d = await target(dst);
      if (s.fs !== d.fs) throw new PondError('EXDEV', `cross-version rename: ${src} -> ${dst}`);
      await s.fs.rename(s.path, d.path);
      return undefined;
    }),

    link: (src, dst, cb) => reply('link', dst, cb, async () => {
      noChangesHere(dst);
      const s = await target(src);
      const d = await target(dst);
      if (s.fs !== d.fs) throw new PondError('EXDEV', `cross-version link: ${src} -> ${dst}`);
      await s.fs.link(s.path, d.path);
      return undefined;
    }),

    symlink: (linkTarget, path, cb) => reply('symlink', path, cb, async () => {
      noChangesHere(path);
      const t = await target(path);
      await t.fs.symlink(linkTarget, t.path, owner);
      return undefined;
    }),

    chmod: (path, mode, cb) => reply('chmod', path, cb, async () => {
      const { fs, node } = await nodeAt(path);
      fs.chmod(node, mode);
      return undefined;
    }),

    chown: (path, uid, gid, cb) => reply('chown', path, cb, async () => {
      const { fs, node } = await nodeAt(path);
      fs.chown(node, uid, gid);
      return undefined;
    }),

    utimens: (path, atime, mtime, cb) => reply('utimens', path, cb, async () => {
      const { fs, node } = await nodeAt(path);
      // UTIME_OMIT arrives as 2^64-1 (scripts/patch-fuse-native.mjs): keep that time.
      fs.utimens(node, atime >= OMIT ? node.meta.atime : atime, mtime >= OMIT ? node.meta.mtime : mtime);
      return undefined;
    }),

    getxattr: (path, name, _pos, cb) => {
      counters.getxattr++;
      // `ls -l` asks every file for its ACL and SELinux label: answer a known node
      // without a promise, and "no such attribute" without building an error.
      const hit = known(path);
      if (hit) {
        const value = hit.node.xattrs?.get(name);
        return value ? cb(0, Buffer.from(value)) : cb(Errno.ENODATA);
      }
      reply('getxattr', path, cb, async () => {
        // .history and .history/latest are made up by the router and carry no attributes
        // (reading them is no write: ENODATA, not EROFS, or `ls -l` complains).
        const hit = await nodeOrNone(path);
        if (!hit) throw new PondError('ENODATA', `no such attribute: ${name}`, { op: 'getxattr', path });
        return Buffer.from(hit.fs.getxattr(hit.node, name));
      });
    },

    listxattr: (path, cb) => reply('listxattr', path, cb, async () => {
      const hit = await nodeOrNone(path);
      return hit ? hit.fs.listxattr(hit.node) : [];
    }),

    setxattr: (path, name, value, _pos, flags, cb) => reply('setxattr', path, cb, async () => {
      const { fs, node } = await nodeAt(path);
      fs.setxattr(node, name, Uint8Array.from(value), flags);
      return undefined;
    }),

    removexattr: (path, name, cb) => reply('removexattr', path, cb, async () => {
      const { fs, node } = await nodeAt(path);
      fs.removexattr(node, name);
      return undefined;
    }),
  };
}
