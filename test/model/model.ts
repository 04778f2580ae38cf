// A reference model of the pond's namespace and content, written from Linux's rules
// rather than from tinyfs: plain objects and Maps, nothing shared with src/. The
// model-based test applies the same operations to a Pond and to this model and expects
// the same trees and the same error codes.

export class ModelError extends Error {
  constructor(readonly code: string) {
    super(code);
  }
}

export interface MFile { kind: 'file'; perm: number; nlink: number; data: Buffer }
export interface MDir { kind: 'directory'; perm: number; nlink: number; entries: Map<string, MNode> }
export interface MLink { kind: 'symlink'; perm: number; nlink: number; target: string }
export type MNode = MFile | MDir | MLink;

const MAX_HOPS = 40;

function fail(code: string): never {
  throw new ModelError(code);
}

function split(path: string): string[] {
  return path.split('/').filter((c) => c !== '' && c !== '.');
}

export class Model {
  root: MDir = { kind: 'directory', perm: 0o755, nlink: 2, entries: new Map() };

  /** Resolves a path; `chain` is the physical directories from the root to the parent. */
  walk(path: string, follow: boolean): { node: MNode; chain: MDir[] } {
    let comps = split(path);
    let node: MNode = this.root;
    let chain: MDir[] = [];
    let hops = 0;
    for (let i = 0; i < comps.length; i++) {
      const c = comps[i]!;
      if (node.kind !== 'directory') fail('ENOTDIR');
      if (c === '..') {
        node = chain.pop() ?? this.root;
        continue;
      }
      const child: MNode | undefined = node.entries.get(c);
      if (!child) fail('ENOENT');
      const last = i === comps.length - 1;
      if (child.kind === 'symlink' && (!last || follow)) {
        if (++hops > MAX_HOPS) fail('ELOOP');
        comps = [...split(child.target), ...comps.slice(i + 1)];
        if (child.target.startsWith('/')) {
          node = this.root;
          chain = [];
        }
        i = -1;
        continue;
      }
      chain.push(node);
      node = child;
    }
    return { node, chain };
  }

  parent(path: string): { dir: MDir; name: string; chain: MDir[] } {
    const comps = split(path);
    const name = comps.pop()!;
    const p = this.walk(`/${comps.join('/')}`, true);
    if (p.node.kind !== 'directory') fail('ENOTDIR');
    return { dir: p.node, name, chain: [...p.chain, p.node] };
  }

  mkdir(path: string, perm: number): void {
    const { dir, name } = this.parent(path);
    if (dir.entries.has(name)) fail('EEXIST');
    dir.entries.set(name, { kind: 'directory', perm, nlink: 2, entries: new Map() });
    dir.nlink++;
  }

  /** open(O_CREAT|O_WRONLY) then pwrite. As on Linux, a dangling symlink creates its target. */
  write(path: string, offset: number, data: Buffer, hops = 0): MFile {
    const { dir, name } = this.parent(path);
    let node = dir.entries.get(name);
    if (node?.kind === 'symlink') {
      try {
        node = this.walk(path, true).node;
      } catch (err) {
        if ((err as { code?: string }).code !== 'ENOENT') throw err;
        node = undefined;
      }
    }
    if (dir.entries.get(name)?.kind === 'symlink' && !node) {
      const link = dir.entries.get(name) as MLink;
      if (hops >= 40) fail('ELOOP');
      const target = link.target.startsWith('/') ? link.target : `${path.slice(0, path.lastIndexOf('/'))}/${link.target}`;
      return this.write(target, offset, data, hops + 1);
    }
    if (node?.kind === 'directory') fail('EISDIR');
    if (!node) {
      node = { kind: 'file', perm: 0o644, nlink: 1, data: Buffer.alloc(0) };
      dir.entries.set(name, node);
    }
    this.pwrite(node as MFile, offset, data);
    return node as MFile;
  }

  /** Through an open file handle: the file may have been renamed or unlinked since. */
  pwrite(f: MFile, offset: number, data: Buffer): void {
    const end = offset + data.length;
    if (end > f.data.length) f.data = Buffer.concat([f.data, Buffer.alloc(end - f.data.length)]);
    data.copy(f.data, offset);
  }

  truncate(path: string, size: number): void {
    const node = this.walk(path, true).node;
    if (node.kind === 'directory') fail('EISDIR');
    this.ftruncate(node as MFile, size);
  }

  ftruncate(f: MFile, size: number): void {
    f.data = size <= f.data.length ? Buffer.from(f.data.subarray(0, size)) : Buffer.concat([f.data, Buffer.alloc(size - f.data.length)]);
  }

  unlink(path: string): void {
    const { dir, name } = this.parent(path);
    const node = dir.entries.get(name) ?? fail('ENOENT');
    if (node.kind === 'directory') fail('EISDIR');
    dir.entries.delete(name);
    node.nlink--;
  }

  rmdir(path: string): void {
    const { dir, name } = this.parent(path);
    const node = dir.entries.get(name) ?? fail('ENOENT');
    if (node.kind !== 'directory') fail('ENOTDIR');
    if (node.entries.size > 0) fail('ENOTEMPTY');
    dir.entries.delete(name);
    dir.nlink--;
    node.nlink = 0;
  }

  /** rename(2) in the order Linux checks: parents, source, traps, same inode, types, emptiness. */
  rename(src: string, dst: string): void {
    const s = this.parent(src);
    const d = this.parent(dst);
    const node = s.dir.entries.get(s.name) ?? fail('ENOENT');
    if (s.dir !== d.dir && d.chain.includes(node as MDir)) fail('EINVAL'); // source is an ancestor of the new parent
    const target = d.dir.entries.get(d.name);
    if (target && s.dir !== d.dir && s.chain.includes(target as MDir)) fail('ENOTEMPTY'); // target is an ancestor of the source
    if (target === node) return;
    if (target) {
      if (node.kind === 'directory' && target.kind !== 'directory') fail('ENOTDIR');
      if (node.kind !== 'directory' && target.kind === 'directory') fail('EISDIR');
      if (target.kind === 'directory' && target.entries.size > 0) fail('ENOTEMPTY');
    }
    s.dir.entries.delete(s.name);
    if (target) {
      if (target.kind === 'directory') {
        d.dir.nlink--;
        target.nlink = 0;
      } else {
        target.nlink--;
      }
    }
    d.dir.entries.set(d.name, node);
    if (node.kind === 'directory' && s.dir !== d.dir) {
      s.dir.nlink--;
      d.dir.nlink++;
    }
  }

  symlink(target: string, path: string): void {
    const { dir, name } = this.parent(path);
    if (dir.entries.has(name)) fail('EEXIST');
    dir.entries.set(name, { kind: 'symlink', perm: 0o777, nlink: 1, target });
  }

  /** link(2): the old path is not followed; the new path's errors come before EPERM. */
  link(existing: string, path: string): void {
    const node = this.walk(existing, false).node;
    const { dir, name } = this.parent(path);
    if (dir.entries.has(name)) fail('EEXIST');
    if (node.kind === 'directory') fail('EPERM');
    dir.entries.set(name, node);
    node.nlink++;
  }

  chmod(path: string, perm: number): void {
    this.walk(path, true).node.perm = perm;
  }
}

/** One line per path of a tree listing: what both sides are compared by. */
export interface Entry {
  kind: string;
  perm: number;
  nlink: number;
  size: number;
  /** File content (hex of a hash would hide the difference; keep the bytes). */
  data?: Buffer;
  target?: string;
  /** The first path (in listing order) naming the same node: hard links agree. */
  same: string;
}

export type Listing = Map<string, Entry>;

export function listModel(m: Model): Listing {
  const out: Listing = new Map();
  const first = new Map<MNode, string>();
  const visit = (dir: MDir, prefix: string): void => {
    for (const name of [...dir.entries.keys()].sort()) {
      const node = dir.entries.get(name)!;
      const path = `${prefix}/${name}`;
      if (!first.has(node)) first.set(node, path);
      const e: Entry = { kind: node.kind, perm: node.perm, nlink: node.nlink, size: 0, same: first.get(node)! };
      if (node.kind === 'file') {
        e.size = node.data.length;
        e.data = Buffer.from(node.data);
      } else if (node.kind === 'symlink') {
        e.size = Buffer.byteLength(node.target);
        e.target = node.target;
      }
      out.set(path, e);
      if (node.kind === 'directory') visit(node, path);
    }
  };
  visit(m.root, '');
  out.set('/', { kind: 'directory', perm: m.root.perm, nlink: m.root.nlink, size: 0, same: '/' });
  return out;
}
