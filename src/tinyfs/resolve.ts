import { PondError } from '../errors.js';
import { NAME_MAX, splitPath } from './names.js';
import type { DirNode, Node } from './nodes.js';

// Path resolution over lazily loaded directories. Resolution keeps the chain of
// directories walked, so '..' needs no parent pointers (a hard-linked node has several
// parents) and rename can tell whether a directory would move into itself.

/** Linux's limit on symlinks followed in one lookup (MAXSYMLINKS). */
export const MAX_SYMLINK_HOPS = 40;

export type EntriesOf = (dir: DirNode) => Promise<Map<string, Node>>;

export interface Walk {
  node: Node;
  /** Directories from the root to the node's parent (inclusive). */
  chain: DirNode[];
}

export async function lookupIn(dir: DirNode, name: string, entriesOf: EntriesOf): Promise<Node | undefined> {
  if (dir.source) return dir.source.lookup(name);
  return (await entriesOf(dir)).get(name);
}

export async function walk(root: DirNode, path: string, follow: boolean, entriesOf: EntriesOf): Promise<Walk> {
  let comps = splitPath(path);
  let hops = 0;
  let chain: DirNode[] = [];
  let node: Node = root;
  for (let i = 0; i < comps.length; i++) {
    const c = comps[i]!;
    if (node.kind !== 'directory') throw new PondError('ENOTDIR', `not a directory: ${path}`, { path });
    if (c === '..') {
      node = chain.pop() ?? root;
      continue;
    }
    if (c.length > NAME_MAX / 4 && Buffer.byteLength(c) > NAME_MAX) {
      throw new PondError('ENAMETOOLONG', `file name too long: ${path}`, { path });
    }
    const child = await lookupIn(node, c, entriesOf);
    if (!child) throw new PondError('ENOENT', `no such file or directory: ${path}`, { path });
    const last = i === comps.length - 1;
    if (child.kind === 'symlink' && (!last || follow)) {
      if (++hops > MAX_SYMLINK_HOPS) throw new PondError('ELOOP', `too many levels of symbolic links: ${path}`, { path });
      const rest = comps.slice(i + 1);
      comps = [...splitPath(child.target), ...rest];
      if (child.target.startsWith('/')) {
        chain = [];
        node = root;
      }
      i = -1;
      continue;
    }
    chain.push(node);
    node = child;
  }
  if (path.endsWith('/') && node.kind !== 'directory') {
    throw new PondError('ENOTDIR', `not a directory: ${path}`, { path });
  }
  return { node, chain };
}

/** Resolves all but the last component (following symlinks); the last is returned as a name. */
export async function walkParent(
  root: DirNode, path: string, entriesOf: EntriesOf,
): Promise<{ dir: DirNode; name: string; chain: DirNode[] }> {
  const comps = splitPath(path);
  const name = comps.pop();
  if (name === undefined) throw new PondError('EBUSY', `the root cannot be changed this way: ${path}`, { path });
  const parent = await walk(root, `/${comps.join('/')}`, true, entriesOf);
  if (parent.node.kind !== 'directory') throw new PondError('ENOTDIR', `not a directory: ${path}`, { path });
  return { dir: parent.node, name, chain: [...parent.chain, parent.node] };
}
