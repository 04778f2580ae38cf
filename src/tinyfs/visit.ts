import type { FS } from './FS.js';
import { joinPath } from './names.js';
import type { Node } from './nodes.js';

export interface VisitEntry {
  path: string;
  node: Node;
  depth: number;
}

/**
 * Walks a tree depth-first in sorted name order, parents before children; symlinks are
 * reported, not followed. Return false from `fn` to skip a directory's children.
 */
export async function visit(fs: FS, path: string, fn: (e: VisitEntry) => Promise<boolean | void> | boolean | void): Promise<void> {
  const start = await fs.resolve(path, true);
  await go(fs, start, path === '' ? '/' : path, 0, fn);
}

async function go(fs: FS, node: Node, path: string, depth: number, fn: (e: VisitEntry) => Promise<boolean | void> | boolean | void): Promise<void> {
  if ((await fn({ path, node, depth })) === false) return;
  if (node.kind !== 'directory') return;
  for (const name of await fs.list(node)) {
    const child = await fs.lookup(node, name);
    if (child) await go(fs, child, joinPath(path, name), depth + 1, fn);
  }
}
