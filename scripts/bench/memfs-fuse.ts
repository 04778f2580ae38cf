// A minimal in-memory fuse-native filesystem: the ceiling for any JS FUSE filesystem on
// this machine, and a mount to prove test/posix/suite.ts against.
//
//   npx tsx scripts/bench/memfs-fuse.ts MOUNTDIR
//
// Stays in the foreground; on SIGINT/SIGTERM unmounts and exits. Prints "mounted DIR" on
// stdout once the mount is usable. Env: MEMFS_CACHE=kernel|auto|none (default kernel),
// MEMFS_BIG_WRITES=0 to measure without big_writes, MEMFS_STATS=1 to print request size
// statistics on exit, MEMFS_ATTR_TIMEOUT / MEMFS_ENTRY_TIMEOUT (seconds),
// MEMFS_REQUEST_PAGES=256 for 1 MiB requests as pond mounts with (pond's patched
// fuse-native; the attribute time then rides on its per-reply channel, same 1 s default,
// and as root the read-ahead is raised to match, as pond does).
//
// Supports files, directories, create/open/read/write at offsets, truncate/ftruncate,
// unlink (open files stay readable through their handle), rename (over files and empty
// directories), mkdir/rmdir, utimens, chmod, fsync (no-op), statfs. No hard links,
// symlinks or xattrs (ENOTSUP / not implemented), on purpose: it is a ceiling, not pond.

import { createRequire } from 'node:module';
import type FuseType from 'fuse-native';
import { MAY_CACHE } from '../../src/fuse/attr.js';
import { LIBFUSE_PAGES, buildFuseOptions, type CacheMode } from '../../src/fuse/mountOptions.js';
import { maxRequestPages } from '../../src/fuse/nativeSupport.js';
import { mountDevice, raiseReadAhead } from '../../src/fuse/readAhead.js';

const require = createRequire(import.meta.url);
const Fuse = require('fuse-native') as typeof FuseType;

const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const O_ACCMODE = 3;
const O_TRUNC = 0o1000;

interface Node {
  ino: number;
  mode: number;
  uid: number;
  gid: number;
  atime: number;
  mtime: number;
  ctime: number;
  nlink: number;
  /** Files: content, `size` bytes valid. */
  data: Buffer;
  size: number;
  /** Directories: name -> node. */
  children: Map<string, Node> | null;
}

let nextIno = 2;
function newNode(mode: number): Node {
  const now = Date.now();
  const isDir = (mode & S_IFDIR) === S_IFDIR;
  return {
    ino: isDir && nextIno === 2 ? 1 : nextIno++, mode, uid: process.getuid?.() ?? 0,
    gid: process.getgid?.() ?? 0, atime: now, mtime: now, ctime: now, nlink: isDir ? 2 : 1,
    data: Buffer.alloc(0), size: 0, children: isDir ? new Map() : null,
  };
}
const root = newNode(S_IFDIR | 0o755);

const handles = new Map<number, Node>();
let nextHandle = 1;
const stats = { writes: 0, writeBytes: 0, maxWrite: 0, reads: 0, readBytes: 0, maxRead: 0, getattrs: 0 };

function lookup(path: string): Node | number {
  if (path === '/') return root;
  let node = root;
  for (const name of path.split('/').slice(1)) {
    if (node.children === null) return Fuse.ENOTDIR;
    // The kernel passes names up to 1024 bytes: NAME_MAX is ours to enforce.
    if (Buffer.byteLength(name) > 255) return Fuse.ENAMETOOLONG;
    const child = node.children.get(name);
    if (child === undefined) return Fuse.ENOENT;
    node = child;
  }
  return node;
}

function parentOf(path: string): { dir: Node; name: string } | number {
  const i = path.lastIndexOf('/');
  const name = path.slice(i + 1);
  if (Buffer.byteLength(name) > 255) return Fuse.ENAMETOOLONG;
  const dir = lookup(i === 0 ? '/' : path.slice(0, i));
  if (typeof dir === 'number') return dir;
  if (dir.children === null) return Fuse.ENOTDIR;
  return { dir, name };
}

function resize(node: Node, size: number): void {
  if (size > node.data.length) {
    const grown = Buffer.alloc(Math.max(size, Math.min(node.data.length * 2, size + (64 << 20))));
    node.data.copy(grown, 0, 0, node.size);
    node.data = grown;
  } else if (size < node.size) {
    node.data.fill(0, size, node.size); // later growth must read zeros
  }
  node.size = size;
  node.mtime = node.ctime = Date.now();
}

function toStat(n: Node): FuseType.Stat {
  return {
    mode: n.mode, uid: n.uid, gid: n.gid, size: n.children ? 4096 : n.size, nlink: n.nlink,
    ino: n.ino, blksize: 4096, blocks: Math.ceil(n.size / 512), atime: n.atime, mtime: n.mtime,
    ctime: n.ctime,
    // With the per-reply channel (MEMFS_REQUEST_PAGES), MAY_CACHE marks a stat cacheable
    // (fuse-native sends a missing dev as 0).
    dev: requestPages ? MAY_CACHE : 0,
  };
}

function openHandle(node: Node): number {
  const fd = nextHandle++;
  handles.set(fd, node);
  return fd;
}

// A node reached by handle if the kernel gives one, else by path.
function nodeFor(path: string, fd: number): Node | number {
  return (fd !== 0 ? handles.get(fd) : undefined) ?? lookup(path);
}

const ops: FuseType.Operations = {
  getattr(path, cb) {
    stats.getattrs++;
    const n = lookup(path);
    if (typeof n === 'number') return cb(n);
    cb(0, toStat(n));
  },
  readdir(path, cb) {
    const n = lookup(path);
    if (typeof n === 'number') return cb(n);
    if (n.children === null) return cb(Fuse.ENOTDIR);
    cb(0, ['.', '..', ...n.children.keys()]);
  },
  statfs(_path, cb) {
    cb(0, { bsize: 4096, frsize: 4096, blocks: 1 << 20, bfree: 1 << 19, bavail: 1 << 19,
      files: 1 << 20, ffree: (1 << 20) - nextIno, favail: (1 << 20) - nextIno, namemax: 255 });
  },
  open(path, flags, cb) {
    const n = lookup(path);
    if (typeof n === 'number') return cb(n);
    if (n.children !== null && (flags & O_ACCMODE) !== 0) return cb(Fuse.EISDIR);
    if ((flags & O_TRUNC) !== 0 && (flags & O_ACCMODE) !== 0) resize(n, 0);
    cb(0, openHandle(n));
  },
  create(path, mode, cb) {
    const p = parentOf(path);
    if (typeof p === 'number') return cb(p);
    if (p.dir.children!.has(p.name)) return cb(Fuse.EEXIST);
    const n = newNode(S_IFREG | (mode & 0o7777));
    p.dir.children!.set(p.name, n);
    p.dir.mtime = p.dir.ctime = Date.now();
    cb(0, openHandle(n));
  },
  release(_path, fd, cb) {
    handles.delete(fd);
    cb(0);
  },
  read(path, fd, buf, len, pos, cb) {
    const n = nodeFor(path, fd);
    if (typeof n === 'number') return cb(n);
    stats.reads++;
    if (pos >= n.size) return cb(0);
    const end = Math.min(n.size, pos + len);
    n.data.copy(buf, 0, pos, end);
    stats.readBytes += end - pos;
    if (end - pos > stats.maxRead) stats.maxRead = end - pos;
    cb(end - pos);
  },
  write(path, fd, buf, len, pos, cb) {
    const n = nodeFor(path, fd);
    if (typeof n === 'number') return cb(n);
    stats.writes++;
    stats.writeBytes += len;
    if (len > stats.maxWrite) stats.maxWrite = len;
    if (pos + len > n.size) resize(n, pos + len);
    buf.copy(n.data, pos, 0, len);
    n.mtime = n.ctime = Date.now();
    cb(len);
  },
  truncate(path, size, cb) {
    const n = lookup(path);
    if (typeof n === 'number') return cb(n);
    if (n.children !== null) return cb(Fuse.EISDIR);
    resize(n, size);
    cb(0);
  },
  ftruncate(path, fd, size, cb) {
    const n = nodeFor(path, fd);
    if (typeof n === 'number') return cb(n);
    resize(n, size);
    cb(0);
  },
  fsync(_path, _datasync, _fd, cb) { cb(0); },
  fsyncdir(_path, _datasync, _fd, cb) { cb(0); },
  flush(_path, _fd, cb) { cb(0); },
  utimens(path, atime, mtime, cb) {
    const n = lookup(path);
    if (typeof n === 'number') return cb(n);
    n.atime = atime;
    n.mtime = mtime;
    n.ctime = Date.now();
    cb(0);
  },
  chmod(path, mode, cb) {
    const n = lookup(path);
    if (typeof n === 'number') return cb(n);
    n.mode = (n.mode & ~0o7777) | (mode & 0o7777);
    n.ctime = Date.now();
    cb(0);
  },
  chown(path, uid, gid, cb) {
    const n = lookup(path);
    if (typeof n === 'number') return cb(n);
    if (uid !== 0xffffffff) n.uid = uid;
    if (gid !== 0xffffffff) n.gid = gid;
    n.ctime = Date.now();
    cb(0);
  },
  unlink(path, cb) {
    const p = parentOf(path);
    if (typeof p === 'number') return cb(p);
    const n = p.dir.children!.get(p.name);
    if (n === undefined) return cb(Fuse.ENOENT);
    if (n.children !== null) return cb(Fuse.EISDIR);
    p.dir.children!.delete(p.name);
    n.nlink = 0;
    p.dir.mtime = p.dir.ctime = Date.now();
    cb(0);
  },
  mkdir(path, mode, cb) {
    const p = parentOf(path);
    if (typeof p === 'number') return cb(p);
    if (p.dir.children!.has(p.name)) return cb(Fuse.EEXIST);
    p.dir.children!.set(p.name, newNode(S_IFDIR | (mode & 0o7777)));
    p.dir.nlink++;
    p.dir.mtime = p.dir.ctime = Date.now();
    cb(0);
  },
  rmdir(path, cb) {
    const p = parentOf(path);
    if (typeof p === 'number') return cb(p);
    const n = p.dir.children!.get(p.name);
    if (n === undefined) return cb(Fuse.ENOENT);
    if (n.children === null) return cb(Fuse.ENOTDIR);
    if (n.children.size > 0) return cb(Fuse.ENOTEMPTY);
    p.dir.children!.delete(p.name);
    p.dir.nlink--;
    p.dir.mtime = p.dir.ctime = Date.now();
    cb(0);
  },
  rename(src, dest, cb) {
    const s = parentOf(src);
    const d = parentOf(dest);
    if (typeof s === 'number') return cb(s);
    if (typeof d === 'number') return cb(d);
    const n = s.dir.children!.get(s.name);
    if (n === undefined) return cb(Fuse.ENOENT);
    if (n.children !== null && (dest + '/').startsWith(src + '/')) return cb(Fuse.EINVAL);
    const old = d.dir.children!.get(d.name);
    if (old === n) return cb(0);
    if (old !== undefined) {
      if (old.children !== null && n.children === null) return cb(Fuse.EISDIR);
      if (old.children === null && n.children !== null) return cb(Fuse.ENOTDIR);
      if (old.children !== null && old.children.size > 0) return cb(Fuse.ENOTEMPTY);
      if (old.children !== null) d.dir.nlink--;
      old.nlink = 0;
    }
    s.dir.children!.delete(s.name);
    d.dir.children!.set(d.name, n);
    if (n.children !== null) { s.dir.nlink--; d.dir.nlink++; }
    const now = Date.now();
    s.dir.mtime = s.dir.ctime = d.dir.mtime = d.dir.ctime = n.ctime = now;
    cb(0);
  },
};

const mnt = process.argv[2];
if (mnt === undefined) {
  process.stderr.write('usage: memfs-fuse.ts MOUNTDIR\n');
  process.exit(2);
}
const envPages = Number(process.env.MEMFS_REQUEST_PAGES ?? 0);
if (envPages > LIBFUSE_PAGES && maxRequestPages() < envPages) throw new Error(`this fuse-native cannot ask for ${envPages} pages (npm run postinstall)`);
const requestPages = envPages > LIBFUSE_PAGES ? envPages : undefined;

const envNum = (name: string): number | undefined =>
  process.env[name] === undefined ? undefined : Number(process.env[name]);
// MEMFS_TRACE=1: log every call with its arguments (buffers as their length) to stderr.
if (process.env.MEMFS_TRACE === '1') {
  const table = ops as Record<string, (...args: unknown[]) => void>;
  for (const [name, fn] of Object.entries(table)) {
    table[name] = (...args: unknown[]) => {
      const shown = args.slice(0, -1).map((a) => (Buffer.isBuffer(a) ? `<${a.length}B>` : a));
      const cb = args[args.length - 1] as (...r: unknown[]) => void;
      fn(...args.slice(0, -1), (...r: unknown[]) => {
        process.stderr.write(`${name}(${shown.map((a) => JSON.stringify(a)).join(', ')}) -> ${r[0]}\n`);
        cb(...r);
      });
    };
  }
}

const attrTimeout = envNum('MEMFS_ATTR_TIMEOUT');
const fuse = new Fuse(mnt, ops, buildFuseOptions({
  fsname: 'memfs', subtype: 'memfs', cache: (process.env.MEMFS_CACHE ?? 'kernel') as CacheMode,
  bigWrites: process.env.MEMFS_BIG_WRITES !== '0',
  ...(requestPages ? { attrTimeout: 0, attrCache: attrTimeout ?? 1, requestPages } : { attrTimeout }),
  entryTimeout: envNum('MEMFS_ENTRY_TIMEOUT'), defaultPermissions: false, mkdir: true,
}));

fuse.mount((err) => {
  if (err) {
    process.stderr.write(`mount failed: ${err.message}\n`);
    process.exit(1);
  }
  const ready = requestPages ? mountDevice(mnt).then((dev) => raiseReadAhead(dev, requestPages * 4)) : Promise.resolve(true);
  void ready.then(() => process.stdout.write(`mounted ${fuse.mnt}\n`));
});

let stopping = false;
function stop(): void {
  if (stopping) return;
  stopping = true;
  if (process.env.MEMFS_STATS === '1') process.stderr.write(`memfs stats ${JSON.stringify(stats)}\n`);
  fuse.unmount((err) => {
    if (err) process.stderr.write(`unmount failed: ${err.message}\n`);
    process.exit(err ? 1 : 0);
  });
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
