import { randomBytes } from 'node:crypto';
import { PondError } from '../errors.js';
import type { Oplog, StoredRecord } from '../oplog/index.js';
import {
  type Backend, type ContentSource, DirNode, EMPTY_CONTENT, FileNode, type Node, type NodeId, type NodeMeta,
  ROOT_ID, SymlinkNode, type Xattrs,
} from '../tinyfs/index.js';
import type { ContentCache } from './ContentCache.js';
import { type PartitionState, withoutDeletes } from './replay.js';
import { ChunkedContent, type ContentLoader, InlineContent } from './sources.js';

export interface LogBackendOptions {
  readOnly: boolean;
  /** Replay bound: a view of the pond as of this version. */
  maxVersion?: number;
}

/**
 * TinyFS nodes loaded lazily from the oplog: a directory's partition is read the first
 * time the directory (or a node homed in it) is needed. Node objects are kept by id so
 * that two hard links reach one node.
 */
export class LogBackend implements Backend {
  readonly readOnly: boolean;
  private readonly maxVersion: number;
  private readonly nodes = new Map<string, Node>();
  private readonly partitions = new Map<string, Promise<PartitionState>>();
  readonly loader: ContentLoader;

  constructor(readonly oplog: Oplog, readonly cache: ContentCache, opts: LogBackendOptions) {
    this.readOnly = opts.readOnly;
    this.maxVersion = opts.maxVersion ?? Infinity;
    this.loader = {
      inline: (source) => oplog.readContent(source),
      chunk: (ref) => oplog.content.get(ref),
    };
  }

  /** Pending too: opening a pond reads no partition until the tree is used. */
  async root(): Promise<DirNode> {
    return this.pendingDir(ROOT_ID) as DirNode;
  }

  async loadEntries(dir: DirNode): Promise<Map<string, Node>> {
    const state = await this.partition(dir.id);
    const rows = [...state.entries.values()];
    // A child directory's own records sit in its own partition: build it pending rather
    // than read 100 partitions to list a directory of 100 directories (FS completes it).
    // Children homed here (the usual case) are built from the state at hand, without an
    // await each: a 1,000-entry listing made 1,000 async calls.
    let elsewhere = false;
    const children = rows.map((r): Node | Promise<Node> => {
      if (r.kind === 'directory') return this.pendingDir(r.child_id as NodeId);
      const part = r.child_part ?? dir.id;
      if (part === dir.id) return this.nodeIn(state, r.child_id as NodeId, part, r);
      elsewhere = true;
      return this.node(r.child_id as NodeId, part, r);
    });
    const nodes = elsewhere ? await Promise.all(children) : (children as Node[]);
    const entries = new Map<string, Node>();
    rows.forEach((r, i) => entries.set(r.name!, nodes[i]!));
    return entries;
  }

  async complete(node: Node): Promise<void> {
    if (!node.pending) return;
    const row = (await this.partition(node.home)).nodes.get(node.id);
    if (!row) {
      throw new PondError('ECORRUPT', `directory ${node.id} is named by an entry but has no record in its partition`, { op: 'lookup' });
    }
    node.meta = metaOf(row);
    node.xattrs = parseXattrs(row.xattrs);
    node.pending = false;
  }

  private pendingDir(id: NodeId): Node {
    const known = this.nodes.get(id);
    if (known) return known;
    const dir = new DirNode(id, id, { perm: 0, uid: 0, gid: 0, nlink: 0, atime: 0, mtime: 0, ctime: 0 }, this.readOnly);
    dir.pending = true;
    this.nodes.set(id, dir);
    return dir;
  }

  newId(): NodeId {
    for (;;) {
      const id = randomIdHex() as NodeId;
      if (id !== ROOT_ID && !this.nodes.has(id)) return id;
    }
  }

  /** Remembers a node created by TinyFS, so later lookups by id find the same object. */
  adopt(node: Node): void {
    this.nodes.set(node.id, node);
  }

  forget(id: string): void {
    this.nodes.delete(id);
  }

  /** Inline bytes of a node's row at a version (the cache lost them). */
  async fetchInline(part: string, nodeId: string, version: number): Promise<Uint8Array> {
    const rows = await this.oplog.readPartition(part);
    const row = rows.find((r) => r.node_id === nodeId && r.version === version && r.name === null);
    if (!row) throw new PondError('ECORRUPT', `no record of node ${nodeId} at version ${version} in partition ${part}`);
    return this.oplog.readContent(row.source);
  }

  /** Replayed state of a partition (loaded once). */
  partition(partId: string): Promise<PartitionState> {
    let p = this.partitions.get(partId);
    if (!p) {
      p = this.oplog.readNewest(partId, this.maxVersion).then(withoutDeletes);
      // A failed load is not cached: the next access tries again.
      p.catch(() => this.partitions.delete(partId));
      this.partitions.set(partId, p);
    }
    return p;
  }

  private async node(id: NodeId, part: string, entry?: StoredRecord): Promise<Node> {
    const known = this.nodes.get(id);
    if (known) return known;
    // Another load may build it while we wait: nodeIn looks again.
    return this.nodeIn(await this.partition(part), id, part, entry);
  }

  /** The node `id`, homed in partition `part` whose replayed state is `state`. */
  private nodeIn(state: PartitionState, id: NodeId, part: string, entry?: StoredRecord): Node {
    const known = this.nodes.get(id);
    if (known) return known;
    const row = state.nodes.get(id);
    if (!row) {
      const where = entry ? `entry '${entry.name}' of directory ${entry.node_id}` : `partition ${part}`;
      throw new PondError('ECORRUPT', `${where} names node ${id}, which has no record in partition ${part}`, { op: 'lookup' });
    }
    const node = this.build(row);
    this.nodes.set(id, node);
    return node;
  }

  private build(row: StoredRecord): Node {
    const id = row.node_id as NodeId;
    const meta = metaOf(row);
    let node: Node;
    if (row.kind === 'directory') node = new DirNode(id, id, meta, this.readOnly);
    else if (row.kind === 'symlink') node = new SymlinkNode(id, row.part_id, meta, this.readOnly, row.target ?? '');
    else node = new FileNode(id, row.part_id, meta, this.readOnly, this.contentOf(row));
    node.xattrs = parseXattrs(row.xattrs);
    return node;
  }

  contentOf(row: StoredRecord): ContentSource {
    const size = row.size ?? 0;
    if (size === 0) return EMPTY_CONTENT;
    const sha = row.sha256 ?? '';
    if (row.chunks) return new ChunkedContent(size, sha, row.chunks, this.cache, this.loader);
    const source = row.source;
    return new InlineContent(size, sha, this.cache, () => this.loader.inline(source), undefined, `node ${row.node_id} at version ${row.version}`);
  }
}

function metaOf(row: StoredRecord): NodeMeta {
  return {
    perm: (row.mode ?? 0) & 0o7777, uid: row.uid ?? 0, gid: row.gid ?? 0, nlink: row.nlink ?? 1,
    atime: row.atime ?? row.timestamp, mtime: row.mtime ?? row.timestamp, ctime: row.ctime ?? row.timestamp,
  };
}

export function parseXattrs(json: string | null): Xattrs | null {
  if (!json) return null;
  const obj = JSON.parse(json) as Record<string, string>;
  const map: Xattrs = new Map();
  for (const [k, v] of Object.entries(obj)) map.set(k, Buffer.from(v, 'base64'));
  return map.size ? map : null;
}

export function formatXattrs(x: Xattrs | null): string | null {
  if (!x || x.size === 0) return null;
  const obj: Record<string, string> = {};
  for (const [k, v] of x) obj[k] = Buffer.from(v).toString('base64');
  return JSON.stringify(obj);
}

/**
 * Node ids are 8 random bytes as hex. An import creates ~10,000 nodes, and a crypto call
 * plus a Buffer per id showed as 15-25 µs each in its profile: the bytes are drawn 512 ids
 * at a time instead, each slice of the pool used once.
 */
const ID_BYTES = 8;
const POOL_BYTES = ID_BYTES * 512;
let idPool = Buffer.alloc(0);
let idPoolAt = 0;

function randomIdHex(): string {
  if (idPoolAt + ID_BYTES > idPool.length) {
    idPool = randomBytes(POOL_BYTES);
    idPoolAt = 0;
  }
  const hex = idPool.toString('hex', idPoolAt, idPoolAt + ID_BYTES);
  idPoolAt += ID_BYTES;
  return hex;
}
