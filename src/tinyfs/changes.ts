import type { DirNode, Node } from './nodes.js';
import type { NodeId } from './types.js';

// What changed since the last flush. Entries remember the child id they had when first
// touched, so a name created and removed again between flushes writes nothing, and a
// rename back and forth writes nothing.

export interface NodeChange {
  node: Node;
  /** The node did not exist at the last flush. */
  created: boolean;
}

export class ChangeSet {
  readonly nodes = new Map<NodeId, NodeChange>();
  /** Per directory, per touched name: the child at the last flush (null: no entry). */
  readonly entries = new Map<DirNode, Map<string, Node | null>>();
  /** Upper bound of bytes written since the last flush (memory pressure signal). */
  bytes = 0;

  get empty(): boolean {
    return this.nodes.size === 0 && this.entries.size === 0;
  }

  node(node: Node, created = false): void {
    const c = this.nodes.get(node.id);
    if (c) c.created ||= created;
    else this.nodes.set(node.id, { node, created });
  }

  /** Call before changing dir.entries[name]. */
  entry(dir: DirNode, name: string): void {
    let names = this.entries.get(dir);
    if (!names) this.entries.set(dir, (names = new Map()));
    if (!names.has(name)) names.set(name, dir.entries?.get(name) ?? null);
  }

  /** Puts back the changes of a flush that failed, under any made since. */
  restore(older: ChangeSet): void {
    for (const [id, c] of older.nodes) {
      const now = this.nodes.get(id);
      if (now) now.created ||= c.created;
      else this.nodes.set(id, c);
    }
    for (const [dir, names] of older.entries) {
      let mine = this.entries.get(dir);
      if (!mine) this.entries.set(dir, (mine = new Map()));
      // The older original is the committed one.
      for (const [name, orig] of names) mine.set(name, orig);
    }
    this.bytes += older.bytes;
  }
}
