import type { OpRecord } from '../oplog/index.js';
import { type ContentStore, sha256Hex } from '../oplog/index.js';
import {
  type ChangeSet, type ContentSource, type DirNode, FileNode, type Node, type NodeChange, typeBits,
} from '../tinyfs/index.js';
import type { ContentCache } from './ContentCache.js';
import { formatXattrs, type LogBackend } from './LogBackend.js';
import { ChunkedContent, InlineContent, committedOf } from './sources.js';
import { rememberMidstate, storeChunked } from './storeChunked.js';

/** Files up to this size keep their content inline in the record. */
export const INLINE_MAX = 64 * 1024;

export type Row = Omit<OpRecord, 'version' | 'timestamp'>;

export interface FlushPlan {
  rows: Row[];
  counts: { created: number; updated: number; deleted: number; bytes: number };
  /** Runs after the commit of `version` succeeded: committed content replaces frozen overlays. */
  settle(version: number): void;
}

interface StoredContentFields {
  size: number;
  sha256: string | null;
  content: Uint8Array | null;
  chunks: OpRecord['chunks'];
  committed: ContentSource;
  newBytes: number;
  /** Content first written by this flush. */
  fresh: boolean;
}

/**
 * Turns the changes since the last flush into rows. File content is frozen first, so
 * writes that arrive while chunks are being stored go to the next flush.
 */
export async function planFlush(changes: ChangeSet, backend: LogBackend, store: ContentStore, cache: ContentCache): Promise<FlushPlan> {
  const rows: Row[] = [];
  const counts = { created: 0, updated: 0, deleted: 0, bytes: 0 };
  const settles: Array<(version: number) => void> = [];

  // Take the whole state synchronously, before any await lets a change in: file content
  // (frozen), node metadata and directory entries. The commit then holds the tree as it
  // was when the flush began; later changes are in the next change set.
  const frozen = new Map<FileNode, ContentSource>();
  const taken: Array<{ c: NodeChange; row: Row }> = [];
  for (const c of changes.nodes.values()) {
    const node = c.node;
    backend.adopt(node);
    if (node.meta.nlink === 0) {
      if (c.created) continue; // born and gone between two flushes: nothing to record
      taken.push({ c, row: { ...nodeRowBase(node), op: 'delete' } });
      continue;
    }
    const row: Row = { ...nodeRowBase(node), op: c.created ? 'create' : 'update' };
    // Even a metadata-only change freezes: a write arriving mid-flush must not leak in.
    if (node instanceof FileNode) frozen.set(node, node.content.freeze());
    if (node.kind === 'symlink') {
      row.target = node.target;
      row.size = Buffer.byteLength(node.target);
      row.sha256 = sha256Hex(Buffer.from(node.target));
    }
    taken.push({ c, row });
  }
  const entryRows: Row[] = [];
  for (const [dir, names] of changes.entries) {
    if (dir.meta.nlink === 0) continue; // the directory itself is gone
    for (const [name, orig] of names) {
      const row = entryRow(dir, name, orig);
      if (row) entryRows.push(row);
    }
  }

  for (const { c, row } of taken) {
    const node = c.node;
    if (row.op === 'delete') {
      counts.deleted++;
    } else {
      if (c.created) counts.created++;
      else counts.updated++;
    }
    if (row.op !== 'delete' && node instanceof FileNode) {
      const f = frozen.get(node);
      const stored = await storeContent(f ?? node.content, store, cache, backend);
      row.size = stored.size;
      row.sha256 = stored.sha256;
      row.content = stored.content;
      row.chunks = stored.chunks;
      counts.bytes += stored.newBytes;
      const committed = stored.committed;
      const home = node.home;
      settles.push((version) => {
        if (committed instanceof InlineContent && stored.content && stored.fresh) {
          committed.unpin(() => backend.fetchInline(home, node.id, version));
        }
        if (f) node.content.settle(f, committed);
      });
    }
    rows.push(row);
  }
  rows.push(...entryRows);
  // Staged chunks become durable before the commit that refers to them is written.
  await store.publish();
  return { rows, counts, settle: (version) => settles.forEach((s) => s(version)) };
}

function entryRow(dir: DirNode, name: string, orig: Node | null): Row | undefined {
  const cur = dir.entries?.get(name) ?? null;
  if ((cur?.id ?? null) === (orig?.id ?? null)) return undefined;
  const child = (cur ?? orig)!;
  return {
    ...emptyRow(dir.id, dir.id, child.kind),
    op: orig === null ? 'create' : cur === null ? 'delete' : 'update',
    name,
    child_id: child.id,
    child_part: child.home,
  };
}

function nodeRowBase(node: Node): Row {
  const m = node.meta;
  return {
    ...emptyRow(node.home, node.id, node.kind),
    mode: typeBits(node.kind) | m.perm, uid: m.uid, gid: m.gid, nlink: m.nlink,
    atime: m.atime, mtime: m.mtime, ctime: m.ctime,
    size: node.kind === 'directory' ? 0 : node.size,
    xattrs: formatXattrs(node.xattrs),
  };
}

function emptyRow(part: string, id: string, kind: Node['kind']): Row {
  return {
    part_id: part, node_id: id, kind, op: 'create', name: null, child_id: null, child_part: null,
    mode: null, uid: null, gid: null, nlink: null, atime: null, mtime: null, ctime: null,
    size: null, sha256: null, content: null, chunks: null, target: null, xattrs: null,
  };
}

/** Content fields for a row: re-used when unchanged, inline when small, else chunked. */
async function storeContent(source: ContentSource, store: ContentStore, cache: ContentCache, backend: LogBackend): Promise<StoredContentFields> {
  const committed = committedOf(source);
  if (committed === 'empty' || source.size === 0) {
    return { size: 0, sha256: EMPTY_SHA256, content: null, chunks: null, committed: source, newBytes: 0, fresh: false };
  }
  if (committed instanceof ChunkedContent) {
    return { size: committed.size, sha256: committed.sha256, content: null, chunks: committed.chunks, committed, newBytes: 0, fresh: false };
  }
  if (committed instanceof InlineContent) {
    return { size: committed.size, sha256: committed.sha256, content: await committed.bytes(), chunks: null, committed, newBytes: 0, fresh: false };
  }
  if (source.size <= INLINE_MAX) {
    const bytes = (await source.read(0, source.size)).slice();
    const sha = sha256Hex(bytes);
    const inline = new InlineContent(bytes.length, sha, cache, undefined, bytes);
    return { size: bytes.length, sha256: sha, content: bytes, chunks: null, committed: inline, newBytes: bytes.length, fresh: true };
  }
  // Chunks are staged and published (one barrier) before the commit that names them.
  const { stored, chunked } = await stageChunks(source, store, cache, backend);
  return {
    size: stored.size, sha256: stored.sha256, content: null, chunks: stored.chunks,
    committed: chunked, newBytes: stored.newBytes, fresh: true,
  };
}

/**
 * Chunks `source` into staged chunk files (re-chunking only from the last cut before its
 * first changed byte) and returns the content they make up, readable at once (a staged
 * chunk answers for its name until published).
 */
export async function stageChunks(source: ContentSource, store: ContentStore, cache: ContentCache, backend: LogBackend):
  Promise<{ stored: Awaited<ReturnType<typeof storeChunked>>; chunked: ChunkedContent }> {
  const stored = await storeChunked(source, store);
  const chunked = new ChunkedContent(stored.size, stored.sha256, stored.chunks, cache, backend.loader);
  rememberMidstate(chunked, stored.midstate);
  return { stored, chunked };
}

export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
