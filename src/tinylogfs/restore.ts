import { PondError } from '../errors.js';
import {
  type Caller, type DirNode, type FS, type FileNode, type Node, type NodeId, type Xattrs, joinPath, normalize,
} from '../tinyfs/index.js';
import { committedSha, committedSource, replaceContent } from './content.js';
import type { Pond } from './Pond.js';

// Restore makes the live tree (or one path in it) equal to a past version, as ordinary
// changes that the next flush commits as one new version: history is never rewritten.
// Unchanged nodes keep their identity; changed file content is taken from the version by
// reference (its inline bytes or chunk list), never re-chunked; hard links among the
// restored nodes are restored as hard links.

export interface RestoreCounts {
  created: number;
  updated: number;
  removed: number;
}

export async function restore(pond: Pond, version: number, path = '/'): Promise<RestoreCounts> {
  const view = await pond.view(version);
  const r = new Restorer(pond.fs, view);
  const p = normalize(path);
  const past = await view.find(p);
  const now = await pond.fs.find(p);
  if (!past) {
    if (!now) throw new PondError('ENOENT', `${p} exists neither in version ${version} nor now`, { op: 'restore', path: p });
    await removeTree(pond.fs, p, now, r.counts);
    return r.counts;
  }
  if (p !== '/') await r.ensureParents(p);
  await r.sync(past, p, now);
  return r.counts;
}

/** Removes a node and, for a directory, everything under it (children first). */
export async function removeTree(fs: FS, path: string, node: Node, counts?: { removed: number }): Promise<void> {
  if (node.kind === 'directory') {
    for (const name of await fs.list(node)) {
      const child = await fs.lookup(node, name);
      if (child) await removeTree(fs, joinPath(path, name), child, counts);
    }
    await fs.rmdir(path);
  } else {
    await fs.unlink(path);
  }
  if (counts) counts.removed++;
}

class Restorer {
  readonly counts: RestoreCounts = { created: 0, updated: 0, removed: 0 };
  /** Past node id -> the live path restored for it, so further names of it become links. */
  private readonly linked = new Map<NodeId, string>();

  constructor(private readonly live: FS, private readonly past: FS) {}

  /** Creates the missing directories above `path` as they were in the past version. */
  async ensureParents(path: string): Promise<void> {
    const parts = path.split('/').filter(Boolean);
    let cur = '';
    for (const part of parts.slice(0, -1)) {
      cur = `${cur}/${part}`;
      const now = await this.live.find(cur);
      if (now?.kind === 'directory') continue;
      const then = await this.past.resolve(cur, false);
      if (now || then.kind !== 'directory') {
        throw new PondError('ENOTDIR', `cannot restore ${path}: ${cur} is no longer a directory`, { op: 'restore', path: cur });
      }
      await this.live.mkdir(cur, then.meta.perm, owner(then));
      this.counts.created++;
      const made = (await this.live.resolve(cur, false)) as DirNode;
      this.applyMeta(made, then);
    }
  }

  async sync(past: Node, path: string, now: Node | undefined): Promise<void> {
    if (now && now.kind !== past.kind) {
      await removeTree(this.live, path, now, this.counts);
      now = undefined;
    }
    if (past.kind === 'directory') return this.syncDir(past, path, now as DirNode | undefined);

    const first = this.linked.get(past.id);
    if (first !== undefined) {
      // Another name of a node already restored: a hard link to it.
      const target = await this.live.resolve(first, false);
      if (now === target) return;
      if (now) await removeTree(this.live, path, now, this.counts);
      await this.live.link(first, path);
      this.counts.created++;
      return;
    }
    if (past.meta.nlink > 1) this.linked.set(past.id, path);

    if (now && now.id === past.id) {
      // The same node: bring its content and metadata back in place.
      let changed = false;
      if (past.kind === 'file' && committedSha(now as FileNode) !== committedSha(past)) {
        await replaceContent(this.live, now as FileNode, this.sourceOf(past));
        changed = true;
      }
      if (this.applyMeta(now, past) || changed) this.counts.updated++;
      return;
    }
    if (now) await removeTree(this.live, path, now, this.counts);
    let made: Node;
    if (past.kind === 'file') {
      const file = await this.live.create(path, past.meta.perm, owner(past));
      await replaceContent(this.live, file, this.sourceOf(past));
      made = file;
    } else {
      made = await this.live.symlink(past.target, path, owner(past));
    }
    this.applyMeta(made, past);
    this.counts.created++;
  }

  private async syncDir(past: DirNode, path: string, now: DirNode | undefined): Promise<void> {
    let dir = now;
    if (!dir) {
      dir = await this.live.mkdir(path, past.meta.perm, owner(past));
      this.counts.created++;
    }
    const pastNames = await this.past.list(past);
    const keep = new Set(pastNames);
    for (const name of await this.live.list(dir)) {
      if (keep.has(name)) continue;
      const child = await this.live.lookup(dir, name);
      if (child) await removeTree(this.live, joinPath(path, name), child, this.counts);
    }
    for (const name of pastNames) {
      const child = await this.past.lookup(past, name);
      if (child) await this.sync(child, joinPath(path, name), await this.live.lookup(dir, name));
    }
    // Last: the changes above touched the directory's times.
    if (this.applyMeta(dir, past) && now) this.counts.updated++;
  }

  private sourceOf(file: FileNode) {
    const source = committedSource(file);
    if (!source) throw new PondError('EIO', `content of a past version has no committed source`, { op: 'restore' });
    return source;
  }

  /** Makes `node`'s metadata equal to `past`'s; true when anything changed. */
  private applyMeta(node: Node, past: Node): boolean {
    const m = node.meta;
    const p = past.meta;
    let changed = false;
    if (m.perm !== p.perm) {
      this.live.chmod(node, p.perm);
      changed = true;
    }
    if (m.uid !== p.uid || m.gid !== p.gid) {
      this.live.chown(node, p.uid, p.gid);
      changed = true;
    }
    if (!sameXattrs(node.xattrs, past.xattrs)) {
      for (const name of this.live.listxattr(node)) this.live.removexattr(node, name);
      for (const [name, value] of past.xattrs ?? []) this.live.setxattr(node, name, value);
      changed = true;
    }
    if (changed || m.atime !== p.atime || m.mtime !== p.mtime) {
      this.live.utimens(node, p.atime, p.mtime);
      changed = true;
    }
    return changed;
  }
}

function owner(node: Node): Caller {
  return { uid: node.meta.uid, gid: node.meta.gid };
}

function sameXattrs(a: Xattrs | null, b: Xattrs | null): boolean {
  const x = a ?? new Map<string, Uint8Array>();
  const y = b ?? new Map<string, Uint8Array>();
  if (x.size !== y.size) return false;
  for (const [k, v] of x) {
    const w = y.get(k);
    if (!w || Buffer.compare(Buffer.from(v), Buffer.from(w)) !== 0) return false;
  }
  return true;
}
