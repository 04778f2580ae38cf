import { randomBytes } from 'node:crypto';
import type { Backend } from './Backend.js';
import { DirNode, type Node } from './nodes.js';
import { type NodeId, ROOT_ID } from './types.js';

/** Nodes that live only in memory: the reference model for tests. */
export class MemoryBackend implements Backend {
  readonly readOnly = false;
  private readonly rootNode: DirNode;

  constructor(now = Date.now()) {
    this.rootNode = new DirNode(ROOT_ID, ROOT_ID, { perm: 0o755, uid: 0, gid: 0, nlink: 2, atime: now, mtime: now, ctime: now }, false, new Map());
  }

  async root(): Promise<DirNode> {
    return this.rootNode;
  }

  async loadEntries(): Promise<Map<string, Node>> {
    return new Map();
  }

  newId(): NodeId {
    return randomBytes(8).toString('hex') as NodeId;
  }
}
