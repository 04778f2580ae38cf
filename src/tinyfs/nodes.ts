import { PondError } from '../errors.js';
import type { ContentSource } from './ContentSource.js';
import { FileContent } from './FileContent.js';
import { type NodeId, type NodeKind, type NodeMeta, type Stat, inoOf, typeBits } from './types.js';

// Node (inode: identity, metadata, content) is kept apart from the directory entries that
// name it, so hard links are two entries pointing at one Node object.

export type Xattrs = Map<string, Uint8Array>;

abstract class BaseNode {
  abstract readonly kind: NodeKind;
  xattrs: Xattrs | null = null;
  /**
   * Metadata not loaded yet: a backend may name a directory before reading its own
   * records (listing a parent must not read every child's partition). FS completes the
   * node (Backend.complete) before handing it out or changing it.
   */
  pending = false;

  constructor(
    readonly id: NodeId,
    /** The partition (directory id) that holds this node's records. */
    readonly home: string,
    public meta: NodeMeta,
    /** Nodes of a past version or a read-only mount: every change is EROFS. */
    readonly readOnly: boolean,
  ) {}

  abstract get size(): number;

  stat(): Stat {
    if (this.pending) throw new PondError('EIO', `metadata of node ${this.id} used before it was loaded`, { op: 'stat' });
    const m = this.meta;
    return {
      id: this.id, ino: inoOf(this.id), kind: this.kind, mode: typeBits(this.kind) | m.perm,
      nlink: m.nlink, uid: m.uid, gid: m.gid, size: this.size, atime: m.atime, mtime: m.mtime, ctime: m.ctime,
    };
  }
}

export class FileNode extends BaseNode {
  readonly kind = 'file' as const;
  content: FileContent;

  constructor(id: NodeId, home: string, meta: NodeMeta, readOnly: boolean, content: ContentSource) {
    super(id, home, meta, readOnly);
    this.content = content instanceof FileContent ? content : new FileContent(content);
  }

  get size(): number {
    return this.content.size;
  }
}

export class SymlinkNode extends BaseNode {
  readonly kind = 'symlink' as const;

  constructor(id: NodeId, home: string, meta: NodeMeta, readOnly: boolean, public target: string) {
    super(id, home, meta, readOnly);
  }

  get size(): number {
    return Buffer.byteLength(this.target);
  }
}

/**
 * A directory's entries load on first use; `entries` is undefined until then. A dynamic
 * directory (`.history`) computes its entries with `source` instead of storing them.
 */
export class DirNode extends BaseNode {
  readonly kind = 'directory' as const;
  entries: Map<string, Node> | undefined;

  constructor(
    id: NodeId, home: string, meta: NodeMeta, readOnly: boolean,
    entries?: Map<string, Node>,
    readonly source?: DynamicSource,
  ) {
    super(id, home, meta, readOnly);
    this.entries = entries;
  }

  get size(): number {
    return 4096;
  }
}

/** Entries computed by code: listing may be partial (hidden names are still looked up). */
export interface DynamicSource {
  list(): Promise<string[]>;
  lookup(name: string): Promise<Node | undefined>;
}

export type Node = FileNode | DirNode | SymlinkNode;
