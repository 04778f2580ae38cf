import type { DirNode, Node } from './nodes.js';
import type { NodeId } from './types.js';

/**
 * Where nodes come from. TinyFS owns the POSIX rules and the in-memory nodes; a backend
 * only loads what is asked for (lazily) and hands out ids. TinyLogFS is the backend over
 * the oplog; MemoryBackend serves tests.
 */
export interface Backend {
  /** A backend of a past version or a read-only mount: its nodes are read-only. */
  readonly readOnly: boolean;
  root(): Promise<DirNode>;
  /** Called once per directory, the first time its entries are needed. */
  loadEntries(dir: DirNode): Promise<Map<string, Node>>;
  /** A fresh id never used before in this pond. */
  newId(): NodeId;
  /** Loads the metadata of a node the backend built `pending` (see BaseNode.pending). */
  complete?(node: Node): Promise<void>;
}
