import { PondError } from '../errors.js';
import type { Backend } from './Backend.js';
import { ChangeSet } from './changes.js';
import { EMPTY_CONTENT } from './ContentSource.js';
import { checkName } from './names.js';
import { DirNode, FileNode, type Node, SymlinkNode } from './nodes.js';
import { MAX_SYMLINK_HOPS, type Walk, lookupIn, walk, walkParent } from './resolve.js';
import type { Caller, NodeMeta, Stat } from './types.js';

function dirnameOf(path: string): string {
  return path.slice(0, path.lastIndexOf('/'));
}

export const RENAME_NOREPLACE = 1;
export const RENAME_EXCHANGE = 2;
export const XATTR_CREATE = 1;
export const XATTR_REPLACE = 2;

/**
 * The filesystem: POSIX rules over nodes that a Backend loads lazily. Every change marks
 * what it touched in a ChangeSet, which the persistence layer takes at flush time.
 * Path methods take absolute pond paths; node methods serve open file handles.
 */
export class FS {
  private changes = new ChangeSet();
  /** Called after every change; the persistence layer schedules flushes with it. */
  onChange: (() => void) | undefined;

  constructor(readonly backend: Backend, readonly root: DirNode, private readonly clock: () => number = Date.now) {}

  static async open(backend: Backend, clock?: () => number): Promise<FS> {
    return new FS(backend, await backend.root(), clock);
  }

  // ---- resolution -------------------------------------------------------------------

  /** A directory's entries, loading them on first use. Dynamic directories have none. */
  readonly entriesOf = async (dir: DirNode): Promise<Map<string, Node>> => {
    if (dir.entries && !dir.pending) return dir.entries;
    if (dir.source) return new Map();
    if (!dir.entries) {
      const loaded = await this.backend.loadEntries(dir);
      // Two concurrent loads of one directory: the first one to finish wins.
      dir.entries ??= loaded;
    }
    // Its entries and its own records share a partition: completing it is free now.
    await this.ready(dir);
    return dir.entries;
  };

  /** The node with its metadata loaded (a lazily built directory is completed). */
  private async ready<T extends Node>(node: T): Promise<T> {
    if (node.pending) await this.backend.complete?.(node);
    return node;
  }

  async resolve(path: string, follow = true): Promise<Node> {
    return this.ready((await walk(this.root, path, follow, this.entriesOf)).node);
  }

  async walk(path: string, follow = true): Promise<Walk> {
    const w = await walk(this.root, path, follow, this.entriesOf);
    await this.ready(w.node);
    return w;
  }

  async lookup(dir: DirNode, name: string): Promise<Node | undefined> {
    const node = await lookupIn(dir, name, this.entriesOf);
    return node && this.ready(node);
  }

  async stat(path: string, follow = false): Promise<Stat> {
    return (await this.resolve(path, follow)).stat();
  }

  /** The node at `path` (a last symlink not followed); undefined when there is none. */
  async find(path: string): Promise<Node | undefined> {
    try {
      return await this.resolve(path, false);
    } catch (err) {
      if (err instanceof PondError && (err.code === 'ENOENT' || err.code === 'ENOTDIR')) return undefined;
      throw err;
    }
  }

  async exists(path: string): Promise<boolean> {
    return (await this.find(path)) !== undefined;
  }

  async readdir(path: string): Promise<string[]> {
    const node = await this.resolve(path, true);
    if (node.kind !== 'directory') throw new PondError('ENOTDIR', `not a directory: ${path}`, { op: 'readdir', path });
    return this.list(node);
  }

  /** Names in a directory, in a stable (sorted) order. */
  async list(dir: DirNode): Promise<string[]> {
    if (dir.source) return dir.source.list();
    return [...(await this.entriesOf(dir)).keys()].sort();
  }

  async readlink(path: string): Promise<string> {
    const node = await this.resolve(path, false);
    if (node.kind !== 'symlink') throw new PondError('EINVAL', `not a symbolic link: ${path}`, { op: 'readlink', path });
    return node.target;
  }

  // ---- namespace changes ------------------------------------------------------------

  async mkdir(path: string, perm: number, caller: Caller): Promise<DirNode> {
    const { dir, name, entries } = await this.parentForCreate(path, 'mkdir');
    const id = this.backend.newId();
    const node = new DirNode(id, id, this.newMeta(perm, caller, 2), false, new Map());
    this.addEntry(dir, entries, name, node);
    dir.meta.nlink++;
    this.mark(node, true);
    return node;
  }

  /** Creates a regular file; with `exclusive` false an existing file is returned as is. */
  async create(path: string, perm: number, caller: Caller, exclusive = true, hops = 0): Promise<FileNode> {
    const { dir, name } = await walkParent(this.root, path, this.entriesOf);
    const existing = await lookupIn(dir, name, this.entriesOf);
    if (existing && !exclusive) {
      let node: Node = existing;
      if (existing.kind === 'symlink') {
        const resolved = await this.resolve(path, true).catch((err: unknown) => {
          if (err instanceof PondError && err.code === 'ENOENT') return undefined;
          throw err;
        });
        if (!resolved) {
          // As open(O_CREAT) without O_EXCL: a dangling symlink creates its target.
          if (hops >= MAX_SYMLINK_HOPS) throw new PondError('ELOOP', `too many levels of symbolic links: ${path}`, { op: 'create', path });
          const target = existing.target.startsWith('/') ? existing.target : `${dirnameOf(path)}/${existing.target}`;
          return this.create(target, perm, caller, false, hops + 1);
        }
        node = resolved;
      }
      if (node.kind === 'directory') throw new PondError('EISDIR', `is a directory: ${path}`, { op: 'create', path });
      return node as FileNode;
    }
    const p = await this.parentForCreate(path, 'create');
    const node = new FileNode(this.backend.newId(), p.dir.id, this.newMeta(perm, caller, 1), false, EMPTY_CONTENT);
    this.addEntry(p.dir, p.entries, p.name, node);
    this.mark(node, true);
    return node;
  }

  async symlink(target: string, path: string, caller: Caller): Promise<SymlinkNode> {
    if (target === '') throw new PondError('ENOENT', 'empty symlink target', { op: 'symlink', path });
    const { dir, name, entries } = await this.parentForCreate(path, 'symlink');
    const node = new SymlinkNode(this.backend.newId(), dir.id, this.newMeta(0o777, caller, 1), false, target);
    this.addEntry(dir, entries, name, node);
    this.mark(node, true);
    return node;
  }

  async link(existingPath: string, newPath: string): Promise<Node> {
    const node = await this.resolve(existingPath, false);
    // As in Linux, the new name's errors (ENOENT, EEXIST) come before EPERM.
    const { dir, name, entries } = await this.parentForCreate(newPath, 'link');
    if (node.kind === 'directory') throw new PondError('EPERM', `hard link to a directory: ${existingPath}`, { op: 'link', path: existingPath });
    this.writable(node, newPath);
    this.addEntry(dir, entries, name, node);
    node.meta.nlink++;
    node.meta.ctime = this.clock();
    this.mark(node);
    return node;
  }

  async unlink(path: string): Promise<void> {
    const { dir, name, entries, node } = await this.existingChild(path, 'unlink');
    if (node.kind === 'directory') throw new PondError('EISDIR', `is a directory: ${path}`, { op: 'unlink', path });
    this.removeEntry(dir, entries, name);
    this.dropLink(node);
  }

  async rmdir(path: string): Promise<void> {
    const { dir, name, entries, node } = await this.existingChild(path, 'rmdir');
    if (node.kind !== 'directory') throw new PondError('ENOTDIR', `not a directory: ${path}`, { op: 'rmdir', path });
    if (node.source) throw new PondError('EBUSY', `cannot remove ${path}`, { op: 'rmdir', path });
    if ((await this.entriesOf(node)).size > 0) throw new PondError('ENOTEMPTY', `directory not empty: ${path}`, { op: 'rmdir', path });
    this.removeEntry(dir, entries, name);
    dir.meta.nlink--;
    node.meta.nlink = 0;
    this.mark(node);
  }

  async rename(src: string, dst: string, flags = 0): Promise<void> {
    // Linux's order: both parents resolve (source first) before the source is looked up,
    // so a bad destination path wins over a missing source.
    const sParent = await walkParent(this.root, src, this.entriesOf);
    const d = await walkParent(this.root, dst, this.entriesOf);
    const s = await this.existingChild(src, 'rename', sParent);
    checkName(d.name, dst);
    this.writable(d.dir, dst);
    if (d.dir.source) throw new PondError('EROFS', `read-only: ${dst}`, { op: 'rename', path: dst });
    const dEntries = await this.entriesOf(d.dir);
    if (s.node.kind === 'directory' && d.chain.includes(s.node)) {
      throw new PondError('EINVAL', `cannot move a directory into itself: ${src} -> ${dst}`, { op: 'rename', path: src });
    }
    const target = dEntries.get(d.name);
    if (target) await this.ready(target);
    // The target is an ancestor of the source: Linux answers ENOTEMPTY whatever the kinds
    // (EINVAL for an exchange, below).
    if (target && !(flags & RENAME_EXCHANGE) && target !== s.node && target.kind === 'directory' && s.chain.includes(target)) {
      throw new PondError('ENOTEMPTY', `directory not empty: ${dst}`, { op: 'rename', path: dst });
    }
    if (flags & RENAME_NOREPLACE && target) throw new PondError('EEXIST', `file exists: ${dst}`, { op: 'rename', path: dst });
    if (target === s.node) return; // two names of one node: POSIX says do nothing
    if (flags & RENAME_EXCHANGE) {
      if (!target) throw new PondError('ENOENT', `no such file or directory: ${dst}`, { op: 'rename', path: dst });
      if (target.kind === 'directory' && s.chain.includes(target)) {
        throw new PondError('EINVAL', `cannot move a directory into itself: ${dst} -> ${src}`, { op: 'rename', path: dst });
      }
      this.changes.entry(s.dir, s.name);
      this.changes.entry(d.dir, d.name);
      s.entries.set(s.name, target);
      dEntries.set(d.name, s.node);
      if (s.dir !== d.dir) {
        const delta = (s.node.kind === 'directory' ? 1 : 0) - (target.kind === 'directory' ? 1 : 0);
        d.dir.meta.nlink += delta;
        s.dir.meta.nlink -= delta;
      }
      this.touchAll([s.node, target], [s.dir, d.dir]);
      return;
    }
    if (target) {
      if (s.node.kind === 'directory') {
        if (target.kind !== 'directory') throw new PondError('ENOTDIR', `not a directory: ${dst}`, { op: 'rename', path: dst });
        if ((await this.entriesOf(target)).size > 0) throw new PondError('ENOTEMPTY', `directory not empty: ${dst}`, { op: 'rename', path: dst });
      } else if (target.kind === 'directory') {
        throw new PondError('EISDIR', `is a directory: ${dst}`, { op: 'rename', path: dst });
      }
    }
    this.changes.entry(s.dir, s.name);
    this.changes.entry(d.dir, d.name);
    s.entries.delete(s.name);
    if (target) {
      if (target.kind === 'directory') {
        target.meta.nlink = 0;
        d.dir.meta.nlink--;
        this.mark(target);
      } else {
        this.dropLink(target);
      }
    }
    dEntries.set(d.name, s.node);
    if (s.node.kind === 'directory' && s.dir !== d.dir) {
      s.dir.meta.nlink--;
      d.dir.meta.nlink++;
    }
    this.touchAll([s.node], [s.dir, d.dir]);
  }

  // ---- node changes (also used through open file handles) ---------------------------

  async read(file: FileNode, offset: number, length: number): Promise<Uint8Array> {
    return file.content.read(offset, length);
  }

  /** read() into the caller's buffer: up to out.length bytes from `offset`; the count copied. */
  async readInto(file: FileNode, offset: number, out: Uint8Array): Promise<number> {
    const n = Math.max(0, Math.min(out.length, file.content.size - offset));
    if (n > 0) await file.content.readInto(offset, out.subarray(0, n));
    return n;
  }

  async write(file: FileNode, offset: number, data: Uint8Array): Promise<number> {
    this.writable(file);
    await file.content.write(offset, data);
    this.contentChanged(file, data.length);
    return data.length;
  }

  async truncate(file: FileNode, size: number): Promise<void> {
    this.writable(file);
    if (size < 0) throw new PondError('EINVAL', 'negative size', { op: 'truncate' });
    await file.content.truncate(size);
    this.contentChanged(file, 0);
  }

  chmod(node: Node, perm: number): void {
    this.writable(node);
    node.meta.perm = perm & 0o7777;
    this.metaChanged(node);
  }

  chown(node: Node, uid: number, gid: number): void {
    this.writable(node);
    // -1 (as an unsigned 32-bit value too) means "leave unchanged", as chown(2) says.
    if (uid !== -1 && uid !== 0xffffffff) node.meta.uid = uid;
    if (gid !== -1 && gid !== 0xffffffff) node.meta.gid = gid;
    this.metaChanged(node);
  }

  utimens(node: Node, atime: number, mtime: number): void {
    this.writable(node);
    node.meta.atime = atime;
    node.meta.mtime = mtime;
    this.metaChanged(node);
  }

  getxattr(node: Node, name: string): Uint8Array {
    const v = node.xattrs?.get(name);
    if (!v) throw new PondError('ENODATA', `no such attribute: ${name}`, { op: 'getxattr' });
    return v;
  }

  listxattr(node: Node): string[] {
    return node.xattrs ? [...node.xattrs.keys()] : [];
  }

  setxattr(node: Node, name: string, value: Uint8Array, flags = 0): void {
    this.writable(node);
    const has = node.xattrs?.has(name) ?? false;
    if (flags & XATTR_CREATE && has) throw new PondError('EEXIST', `attribute exists: ${name}`, { op: 'setxattr' });
    if (flags & XATTR_REPLACE && !has) throw new PondError('ENODATA', `no such attribute: ${name}`, { op: 'setxattr' });
    if (Buffer.byteLength(name) > 255) throw new PondError('ERANGE', 'attribute name too long', { op: 'setxattr' });
    // system.* holds POSIX ACLs, which change the mode bits on a real filesystem. Storing
    // them opaquely would make `cp -a` believe the mode was set; say we do not support them.
    if (name.startsWith('system.')) throw new PondError('ENOTSUP', `unsupported attribute namespace: ${name}`, { op: 'setxattr' });
    if (value.length > 65536) throw new PondError('E2BIG', 'attribute value too large', { op: 'setxattr' });
    (node.xattrs ??= new Map()).set(name, value.slice());
    this.metaChanged(node);
  }

  removexattr(node: Node, name: string): void {
    this.writable(node);
    if (!node.xattrs?.delete(name)) throw new PondError('ENODATA', `no such attribute: ${name}`, { op: 'removexattr' });
    if (node.xattrs.size === 0) node.xattrs = null;
    this.metaChanged(node);
  }

  // ---- flushing ---------------------------------------------------------------------

  /** Bytes written since the last flush (an upper bound); the flusher's pressure signal. */
  get pendingBytes(): number {
    return this.changes.bytes;
  }

  /**
   * Files changed since the last flush that hold at least `min` bytes in dirty pages and
   * still have a name: what a spill (tinylogfs) can move out of memory before a commit.
   */
  dirtyFiles(min: number): FileNode[] {
    const out: FileNode[] = [];
    for (const { node } of this.changes.nodes.values()) {
      if (node instanceof FileNode && node.meta.nlink > 0 && node.content.dirtyBytes >= min) out.push(node);
    }
    return out;
  }

  /** Moves the pressure signal: down by what a spill took out of memory, back up if it failed. */
  adjustPending(delta: number): void {
    this.changes.bytes = Math.max(0, this.changes.bytes + delta);
  }

  get hasChanges(): boolean {
    return !this.changes.empty;
  }

  /** Hands the changes since the last flush to the persistence layer. */
  takeChanges(): ChangeSet {
    const taken = this.changes;
    this.changes = new ChangeSet();
    return taken;
  }

  /** A flush failed: its changes become pending again. */
  restoreChanges(taken: ChangeSet): void {
    this.changes.restore(taken);
  }

  // ---- helpers ----------------------------------------------------------------------

  private mark(node: Node, created = false): void {
    this.changes.node(node, created);
    this.onChange?.();
  }

  private writable(node: Node, path?: string): void {
    if (node.readOnly || this.backend.readOnly) {
      throw new PondError('EROFS', `read-only file system${path ? `: ${path}` : ''}`, { path });
    }
  }

  private newMeta(perm: number, caller: Caller, nlink: number): NodeMeta {
    const now = this.clock();
    return { perm: perm & 0o7777, uid: caller.uid, gid: caller.gid, nlink, atime: now, mtime: now, ctime: now };
  }

  private async parentForCreate(path: string, op: string): Promise<{ dir: DirNode; name: string; entries: Map<string, Node> }> {
    const { dir, name } = await walkParent(this.root, path, this.entriesOf);
    checkName(name, path);
    this.writable(dir, path);
    if (dir.source) throw new PondError('EROFS', `read-only file system: ${path}`, { op, path });
    const entries = await this.entriesOf(dir);
    if (entries.has(name)) throw new PondError('EEXIST', `file exists: ${path}`, { op, path });
    return { dir, name, entries };
  }

  private async existingChild(
    path: string, op: string, parent?: { dir: DirNode; name: string; chain: DirNode[] },
  ): Promise<{ dir: DirNode; name: string; entries: Map<string, Node>; node: Node; chain: DirNode[] }> {
    const { dir, name, chain } = parent ?? await walkParent(this.root, path, this.entriesOf);
    if (name === '..') throw new PondError('ENOTEMPTY', `cannot ${op} '..': ${path}`, { op, path });
    this.writable(dir, path);
    if (dir.source) throw new PondError('EROFS', `read-only file system: ${path}`, { op, path });
    const entries = await this.entriesOf(dir);
    const node = entries.get(name);
    if (!node) throw new PondError('ENOENT', `no such file or directory: ${path}`, { op, path });
    return { dir, name, entries, node: await this.ready(node), chain };
  }

  private addEntry(dir: DirNode, entries: Map<string, Node>, name: string, node: Node): void {
    this.changes.entry(dir, name);
    entries.set(name, node);
    this.touchDir(dir);
  }

  private removeEntry(dir: DirNode, entries: Map<string, Node>, name: string): void {
    this.changes.entry(dir, name);
    entries.delete(name);
    this.touchDir(dir);
  }

  private dropLink(node: Node): void {
    node.meta.nlink = Math.max(0, node.meta.nlink - 1);
    node.meta.ctime = this.clock();
    this.mark(node);
  }

  private touchDir(dir: DirNode): void {
    const now = this.clock();
    dir.meta.mtime = now;
    dir.meta.ctime = now;
    this.mark(dir);
  }

  private touchAll(nodes: Node[], dirs: DirNode[]): void {
    const now = this.clock();
    for (const n of nodes) {
      n.meta.ctime = now;
      this.mark(n);
    }
    for (const d of dirs) this.touchDir(d);
  }

  private contentChanged(file: FileNode, bytes: number): void {
    const now = this.clock();
    file.meta.mtime = now;
    file.meta.ctime = now;
    this.mark(file);
    this.changes.bytes += bytes;
  }

  private metaChanged(node: Node): void {
    node.meta.ctime = this.clock();
    this.mark(node);
  }
}
